#ifndef FRONTDESK_CFASTCGI_SHIM_H
#define FRONTDESK_CFASTCGI_SHIM_H
/* fcgiapp.h, not fcgi_stdio.h: the stdio layer works only through C macros Swift never sees. */
#include <fcgiapp.h>
#endif
