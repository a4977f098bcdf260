#ifndef FRONTDESK_CFASTCGI_SHIM_H
#define FRONTDESK_CFASTCGI_SHIM_H
/* fcgiapp.h, not fcgi_stdio.h: the stdio layer works only through C macros Swift never sees. */
#include <fcgiapp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>

/* The worker waits for connections with epoll_pwait (atomic signal unblocking while it waits) on
   the listening socket registered with these events: EPOLLEXCLUSIVE wakes one idle worker of the
   pool per connection, where poll() woke every one of them and all but one lost the accept. */
static const uint32_t frontdesk_listener_events = EPOLLIN | EPOLLEXCLUSIVE;
#endif
