// libsrtp2 (Debian: libsrtp2-dev). The crypto-policy setters are functions, so
// no wrappers are needed; the header is included as installed.
#ifndef MERIDIAN_CSRTP_SHIM_H
#define MERIDIAN_CSRTP_SHIM_H
#include <srtp2/srtp.h>
#endif
