// libmnl (Debian: libmnl-dev) for rtnetlink and generic netlink. The netlink
// helper macros (NLMSG_*, RTA_*) and variadic helpers get wrappers here.
#ifndef MERIDIAN_CMNL_SHIM_H
#define MERIDIAN_CMNL_SHIM_H
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/genetlink.h>
#include <linux/wireguard.h>
#include <net/if.h>
#include <sys/socket.h>
#include <time.h>

static inline struct ifinfomsg *CMNL_ifinfomsg(const struct nlmsghdr *nlh) {
    return (struct ifinfomsg *)mnl_nlmsg_get_payload(nlh);
}
static inline struct ifaddrmsg *CMNL_ifaddrmsg(const struct nlmsghdr *nlh) {
    return (struct ifaddrmsg *)mnl_nlmsg_get_payload(nlh);
}
#endif
