// libsodium, imported as is: every function Meridian uses is a plain C function.
#ifndef MERIDIAN_CSODIUM_SHIM_H
#define MERIDIAN_CSODIUM_SHIM_H
#include <sodium.h>
#endif
