#ifndef FRONTDESK_CLIBFUZZER_SHIM_H
#define FRONTDESK_CLIBFUZZER_SHIM_H
#include <stddef.h>
#include <stdint.h>

/* libFuzzer's driver, for a program with its own main (LLVM 13+). SwiftPM renames an executable's
 * entry point on Linux (--defsym main=<module>_main), so the fuzz target cannot leave main to
 * libFuzzer and calls this from its own. Linked only with -sanitize=fuzzer. */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
