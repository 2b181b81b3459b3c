// Per-thread heap allocation counting for tests (ForwardingAllocationTests).
// Linked into the test executable only; see CAllocationCounter.c for how.
#ifndef MERIDIAN_CALLOCATIONCOUNTER_H
#define MERIDIAN_CALLOCATIONCOUNTER_H

/// Starts counting the calling thread's allocations from zero.
void CAllocationCounter_start(void);
/// Stops counting on the calling thread; returns how many allocations
/// (malloc, calloc, realloc, memalign, aligned_alloc, posix_memalign) it made
/// since `CAllocationCounter_start`.
unsigned long CAllocationCounter_stop(void);
#endif
