#ifndef FRONTDESK_CARGON2_SHIM_H
#define FRONTDESK_CARGON2_SHIM_H
#include <argon2.h>
#endif
