#ifndef FRONTDESK_CLIBPQ_SHIM_H
#define FRONTDESK_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
