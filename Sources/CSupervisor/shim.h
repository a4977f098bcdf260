#ifndef FRONTDESK_CSUPERVISOR_SHIM_H
#define FRONTDESK_CSUPERVISOR_SHIM_H
#include <signal.h>
#include <spawn.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <poll.h>
#include <fcntl.h>
#include <unistd.h>
#include <malloc.h>

/* The <sys/wait.h> status macros do not import into Swift. */
static inline int frontdesk_exited(int status) { return WIFEXITED(status); }
static inline int frontdesk_exit_status(int status) { return WEXITSTATUS(status); }
static inline int frontdesk_signaled(int status) { return WIFSIGNALED(status); }
static inline int frontdesk_term_signal(int status) { return WTERMSIG(status); }

/* mallopt's constants are macros; a fixed threshold also turns off glibc's dynamic one, which
 * otherwise rises after the first large free and keeps later large blocks on the heap. */
static inline int frontdesk_mmap_large_allocations(int threshold) { return mallopt(M_MMAP_THRESHOLD, threshold); }

/* posix_spawn's flag that makes the child a session leader (glibc 2.26+); <spawn.h> defines it only
 * under _GNU_SOURCE, so its value (0x80, part of glibc's ABI) stands here when the macro does not. */
#ifdef POSIX_SPAWN_SETSID
static inline short frontdesk_spawn_setsid(void) { return POSIX_SPAWN_SETSID; }
#else
static inline short frontdesk_spawn_setsid(void) { return 0x80; }
#endif
#endif
