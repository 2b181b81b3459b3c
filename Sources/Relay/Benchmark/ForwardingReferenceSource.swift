/// The C floor of `meridian bench forward`, compiled with `cc -O2 … -lsrtp2`
/// in the same invocation and run on the same load as the bridge.
///
/// It is the least a forwarder of this load must do: `recvmmsg` up to 32
/// datagrams, `srtp_unprotect` each, and for each of the N receivers copy it,
/// write the announced SSRC, `srtp_protect` with that receiver's session and
/// queue it; one `sendmmsg` per batch. Same socket options, same libsrtp
/// policies (AEAD_AES_128_GCM, ssrc_any, 1,024-packet replay window, repeated
/// transmission allowed outbound) and the same loop shape as `MediaBridge`
/// (poll, then up to 64 batches) — so the ratio measures what Meridian adds:
/// demultiplexing, the RTP parse, the producer lookup, the retransmission
/// cache, the MID erase and the bookkeeping.
///
/// Kept as a string so a release binary carries it wherever it is copied
/// (no resource bundle to find at run time).
enum ForwardingReferenceSource {
    static let fileName = "forward_reference.c"

    static let text = #"""
// forward_reference.c: the C floor for `meridian bench forward`.
//
// usage: forward_reference IN-KEY ANNOUNCED-SSRC PORT:OUT-KEY...
//   IN-KEY, OUT-KEY: hex master key || salt (16 + 12 bytes, AEAD_AES_128_GCM)
//   PORT: a receiver on 127.0.0.1
// Binds 127.0.0.1:0 and prints "port N". Then forwards every SRTP packet it
// receives to every receiver. Each line "stats" on stdin is answered with
// "PACKETS-IN PACKETS-OUT DROPS THREAD-CPU-NANOSECONDS"; end of stdin exits.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <srtp2/srtp.h>

#define BATCH 32
#define MAX_RECEIVERS 16
#define SLOT 2048
#define KEY_LENGTH 28

static int sock;
static srtp_t inbound;
static srtp_t outbound[MAX_RECEIVERS];
static struct sockaddr_in receivers[MAX_RECEIVERS];
static int receiver_count;
static uint32_t announced_ssrc_be;

static unsigned char rx_slab[BATCH * SLOT] __attribute__((aligned(16)));
static struct iovec rx_iov[BATCH];
static struct mmsghdr rx[BATCH];
static struct sockaddr_storage rx_addr[BATCH];

static unsigned char tx_slab[BATCH * MAX_RECEIVERS * SLOT] __attribute__((aligned(16)));
static struct iovec tx_iov[BATCH * MAX_RECEIVERS];
static struct mmsghdr tx[BATCH * MAX_RECEIVERS];

static unsigned long long packets_in, packets_out, drops;

static int parse_key(const char *hex, unsigned char *key) {
    if (strlen(hex) != 2 * KEY_LENGTH) return -1;
    for (int i = 0; i < KEY_LENGTH; i++) {
        unsigned int byte;
        if (sscanf(hex + 2 * i, "%2x", &byte) != 1) return -1;
        key[i] = (unsigned char)byte;
    }
    return 0;
}

static srtp_t make_session(unsigned char *key, int is_inbound) {
    srtp_policy_t policy;
    memset(&policy, 0, sizeof policy);
    srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, srtp_profile_aead_aes_128_gcm);
    srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, srtp_profile_aead_aes_128_gcm);
    policy.ssrc.type = is_inbound ? ssrc_any_inbound : ssrc_any_outbound;
    policy.window_size = 1024;
    policy.allow_repeat_tx = is_inbound ? 0 : 1;
    policy.key = key;
    srtp_t session = NULL;
    if (srtp_create(&session, &policy) != srtp_err_status_ok) return NULL;
    return session;
}

static void send_all(int count) {
    int offset = 0;
    while (offset < count) {
        int sent = sendmmsg(sock, tx + offset, (unsigned int)(count - offset), 0);
        if (sent > 0) {
            offset += sent;
        } else if (errno != EINTR) {
            offset += 1;   /* skip the datagram the kernel refused, like UDPSocket.send */
            drops += 1;
        }
    }
}

/* One recvmmsg batch: unprotect, then fan out. Returns datagrams read. */
static int forward_batch(void) {
    for (int i = 0; i < BATCH; i++) {
        rx_iov[i].iov_len = SLOT;
        rx[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
        rx[i].msg_len = 0;
    }
    int received = recvmmsg(sock, rx, BATCH, 0, NULL);
    if (received <= 0) return 0;
    int queued = 0;
    for (int i = 0; i < received; i++) {
        packets_in += 1;
        unsigned char *packet = rx_slab + i * SLOT;
        int length = (int)rx[i].msg_len;
        if (srtp_unprotect(inbound, packet, &length) != srtp_err_status_ok) {
            drops += 1;
            continue;
        }
        for (int r = 0; r < receiver_count; r++) {
            unsigned char *slot = tx_slab + (size_t)queued * SLOT;
            memcpy(slot, packet, (size_t)length);
            memcpy(slot + 8, &announced_ssrc_be, 4);
            int protected_length = length;
            if (srtp_protect(outbound[r], slot, &protected_length) != srtp_err_status_ok) {
                drops += 1;
                continue;
            }
            tx_iov[queued].iov_len = (size_t)protected_length;
            tx[queued].msg_hdr.msg_name = &receivers[r];
            tx[queued].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
            queued += 1;
            packets_out += 1;
        }
    }
    send_all(queued);
    return received;
}

static void answer_stats(void) {
    struct timespec cpu;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
    printf("%llu %llu %llu %llu\n", packets_in, packets_out, drops,
           (unsigned long long)cpu.tv_sec * 1000000000ULL + (unsigned long long)cpu.tv_nsec);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 4 || argc - 3 > MAX_RECEIVERS) {
        fprintf(stderr, "usage: %s IN-KEY ANNOUNCED-SSRC PORT:OUT-KEY... (1 to %d receivers)\n", argv[0], MAX_RECEIVERS);
        return 2;
    }
    if (srtp_init() != srtp_err_status_ok) { fprintf(stderr, "srtp_init failed\n"); return 1; }
    unsigned char key[KEY_LENGTH];
    if (parse_key(argv[1], key) != 0 || !(inbound = make_session(key, 1))) {
        fprintf(stderr, "bad inbound key\n");
        return 2;
    }
    announced_ssrc_be = htonl((uint32_t)strtoul(argv[2], NULL, 10));
    receiver_count = argc - 3;
    for (int r = 0; r < receiver_count; r++) {
        char *colon = strchr(argv[3 + r], ':');
        if (!colon || parse_key(colon + 1, key) != 0 || !(outbound[r] = make_session(key, 0))) {
            fprintf(stderr, "bad receiver %s\n", argv[3 + r]);
            return 2;
        }
        receivers[r].sin_family = AF_INET;
        receivers[r].sin_port = htons((uint16_t)atoi(argv[3 + r]));
        receivers[r].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }

    sock = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int size = 4 << 20;
    setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    struct sockaddr_in local = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t local_length = sizeof local;
    if (sock < 0 || bind(sock, (struct sockaddr *)&local, sizeof local) != 0
        || getsockname(sock, (struct sockaddr *)&local, &local_length) != 0) {
        perror("socket");
        return 1;
    }
    for (int i = 0; i < BATCH; i++) {
        rx_iov[i].iov_base = rx_slab + i * SLOT;
        rx[i].msg_hdr.msg_iov = &rx_iov[i];
        rx[i].msg_hdr.msg_iovlen = 1;
        rx[i].msg_hdr.msg_name = &rx_addr[i];
    }
    for (int i = 0; i < BATCH * MAX_RECEIVERS; i++) {
        tx_iov[i].iov_base = tx_slab + (size_t)i * SLOT;
        tx[i].msg_hdr.msg_iov = &tx_iov[i];
        tx[i].msg_hdr.msg_iovlen = 1;
    }
    printf("port %u\n", ntohs(local.sin_port));
    fflush(stdout);

    struct pollfd fds[2] = { { .fd = sock, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
    char line[256];
    for (;;) {
        if (poll(fds, 2, -1) < 0 && errno != EINTR) return 1;
        if (fds[0].revents & POLLIN) {
            for (int round = 0; round < 64; round++) {
                if (forward_batch() < BATCH) break;
            }
        }
        if (fds[1].revents) {
            ssize_t got = read(0, line, sizeof line - 1);
            if (got <= 0) return 0;
            line[got] = 0;
            if (strstr(line, "stats")) answer_stats();
        }
    }
}
"""#
}
