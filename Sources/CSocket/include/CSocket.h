// Batched UDP I/O for the bridge's media thread. glibc declares recvmmsg and
// sendmmsg only under _GNU_SOURCE, which Swift's Glibc module is built without,
// so this target re-exports them under CSocket_ names with a layout-identical
// message struct. Wrappers only, no logic.
#ifndef MERIDIAN_CSOCKET_H
#define MERIDIAN_CSOCKET_H
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

/// Same layout as glibc's `struct mmsghdr` (checked by a static assertion).
struct CSocket_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

int CSocket_recvmmsg(int fd, struct CSocket_mmsghdr *messages, unsigned int count, int flags);
int CSocket_sendmmsg(int fd, struct CSocket_mmsghdr *messages, unsigned int count, int flags);
/// An eventfd the control side writes to wake the media thread's poll().
int CSocket_eventfd_nonblocking(void);
#endif
