// OpenSSL (Debian: libssl-dev) for DTLS-SRTP and certificates. Several OpenSSL
// entry points are macros over SSL_ctrl/BIO_ctrl; Swift cannot import those, so
// each gets a `static inline` wrapper here with a CDTLS_ prefix and no logic.
#ifndef MERIDIAN_CDTLS_SHIM_H
#define MERIDIAN_CDTLS_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <openssl/bio.h>
#include <openssl/rand.h>
#include <openssl/pem.h>

static inline long CDTLS_set_mtu(SSL *ssl, long mtu) {
    return SSL_ctrl(ssl, SSL_CTRL_SET_MTU, mtu, NULL);
}
static inline long CDTLS_get_timeout(SSL *ssl, struct timeval *tv) {
    return DTLSv1_get_timeout(ssl, tv);
}
static inline long CDTLS_handle_timeout(SSL *ssl) {
    return DTLSv1_handle_timeout(ssl);
}
static inline long CDTLS_BIO_pending(BIO *bio) {
    return BIO_ctrl_pending(bio);
}
static inline long CDTLS_BIO_set_mem_eof_return(BIO *bio, long value) {
    return BIO_set_mem_eof_return(bio, value);
}
static inline long CDTLS_set_options(SSL_CTX *ctx, long options) {
    return SSL_CTX_set_options(ctx, options);
}
static inline long CDTLS_set_read_ahead(SSL_CTX *ctx, long yes) {
    return SSL_CTX_set_read_ahead(ctx, yes);
}
static inline long CDTLS_set1_groups_list(SSL_CTX *ctx, const char *list) {
    return SSL_CTX_set1_groups_list(ctx, list);
}
static inline int CDTLS_X509_set_notBefore_days(X509 *x, long days) {
    return X509_gmtime_adj(X509_getm_notBefore(x), days * 86400L) != NULL;
}
static inline int CDTLS_X509_set_notAfter_days(X509 *x, long days) {
    return X509_gmtime_adj(X509_getm_notAfter(x), days * 86400L) != NULL;
}
// DTLS transport (Sources/Relay/DTLS/DTLSTransport*.swift).
static inline long CDTLS_CTX_set_min_proto_version(SSL_CTX *ctx, long version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}
static inline long CDTLS_CTX_set_max_proto_version(SSL_CTX *ctx, long version) {
    return SSL_CTX_set_max_proto_version(ctx, version);
}
static inline long CDTLS_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}
static inline uint64_t CDTLS_OP_NO_QUERY_MTU(void) { return SSL_OP_NO_QUERY_MTU; }
static inline uint64_t CDTLS_OP_NO_TICKET(void) { return SSL_OP_NO_TICKET; }
static inline uint64_t CDTLS_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline uint64_t CDTLS_OP_CIPHER_SERVER_PREFERENCE(void) { return SSL_OP_CIPHER_SERVER_PREFERENCE; }
static inline uint64_t CDTLS_OP_COOKIE_EXCHANGE(void) { return SSL_OP_COOKIE_EXCHANGE; }
static inline int CDTLS_set_app_data(SSL *ssl, void *data) {
    return SSL_set_app_data(ssl, data);
}
static inline void *CDTLS_get_app_data(const SSL *ssl) {
    return SSL_get_app_data(ssl);
}
#endif
