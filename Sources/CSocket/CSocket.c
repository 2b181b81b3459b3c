#define _GNU_SOURCE
#include "CSocket.h"
#include <sys/eventfd.h>
#include <stddef.h>

_Static_assert(sizeof(struct CSocket_mmsghdr) == sizeof(struct mmsghdr), "mmsghdr layout");
_Static_assert(offsetof(struct CSocket_mmsghdr, msg_len) == offsetof(struct mmsghdr, msg_len), "mmsghdr layout");

int CSocket_recvmmsg(int fd, struct CSocket_mmsghdr *messages, unsigned int count, int flags) {
    return recvmmsg(fd, (struct mmsghdr *)messages, count, flags, NULL);
}

int CSocket_sendmmsg(int fd, struct CSocket_mmsghdr *messages, unsigned int count, int flags) {
    return sendmmsg(fd, (struct mmsghdr *)messages, count, flags);
}

int CSocket_eventfd_nonblocking(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}
