// Counts heap allocations per thread, without LD_PRELOAD and without glibc's
// removed malloc hooks.
//
// This file defines malloc and its siblings. Linked into the test
// executable, these definitions come first in the dynamic linker's symbol
// lookup, so every library in the process (the Swift runtime, libsrtp, NSS,
// Foundation) calls them. Each adds one to the calling thread's count while
// that thread has counting on, then calls glibc's own allocator through its
// exported __libc_* entry points; glibc's free stays in place, so memory is
// allocated and freed by the one allocator as before. Threads that are not
// counting (every other test) see glibc's malloc with one branch in front.
//
// mallinfo2() deltas were the other option; they report bytes in use, so an
// allocation freed before the measurement ends (the kind a hot path makes)
// leaves no trace there.
#include <errno.h>
#include <stddef.h>
#include "CAllocationCounter.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

static __thread int counting __attribute__((tls_model("initial-exec")));
static __thread unsigned long counted __attribute__((tls_model("initial-exec")));

static inline void note(void) {
    if (counting) counted += 1;
}

void CAllocationCounter_start(void) {
    counted = 0;
    counting = 1;
}

unsigned long CAllocationCounter_stop(void) {
    counting = 0;
    return counted;
}

void *malloc(size_t size) {
    note();
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    note();
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    note();
    return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size) {
    note();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    note();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment == 0 || alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    note();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *result = pointer;
    return 0;
}
