#ifndef FRONTDESK_CFASTCGI_SHIM_H
#define FRONTDESK_CFASTCGI_SHIM_H
/* fcgiapp.h, not fcgi_stdio.h: the stdio layer works only through C macros Swift never sees. */
#include <fcgiapp.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

/* The worker waits for connections with ppoll (atomic signal unblocking while it waits). It is a
   GNU extension that Swift's Glibc module leaves out, so it is declared here as glibc defines it. */
extern int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout, const sigset_t *sigmask);
#endif
