#include "stack.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../core/magazine.h"
#include "../core/sanitizers.h"
#ifdef PYVM_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* Free stacks live in magazines (core/magazine.h): a cache per thread in
 * front of a global depot of at most DEPOT_LIMIT stacks.
 *
 * Trimming (MADV_DONTNEED below the top KEEP_BYTES) is what made exit slow:
 * with threads of the process on two CPUs every trim costs a TLB shoot-down
 * IPI (70% of spawn + exit, measured with perf). So a stack is trimmed only
 * when it is known to have gone deep (its low-water mark, noted at every
 * switch and by the overflow handler, lies below the kept top), after
 * TRIM_EVERY owners since its last trim (a deep excursion the mark missed
 * stays resident for a bounded number of lives), and when it enters the
 * depot, where it may sit for long. */
enum { DEPOT_LIMIT = 4096, KEEP_BYTES = 64 << 10, TRIM_EVERY = 256 };

static size_t usable_size = 1u << 20; /* 1 MiB of address space, committed as touched */
static size_t guard_size = 64u << 10; /* 64 KiB: a big frame cannot jump over it into a neighbour */
static atomic_int_fast64_t mapped;

extern inline void pyvm_stack_note_sp(pyvm_stack* s, void* sp);

static size_t page_round(size_t n) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (n + page - 1) / page * page;
}

void pyvm_stack_configure(size_t usable_bytes, size_t guard_bytes) {
    if (usable_bytes)
        usable_size = page_round(usable_bytes < (64u << 10) ? (64u << 10) : usable_bytes);
    if (guard_bytes)
        guard_size = page_round(guard_bytes);
}

size_t pyvm_stack_usable_size(void) { return usable_size; }

static pyvm_stack* map_new(void) {
    pyvm_stack* s = malloc(sizeof *s);
    if (!s)
        return NULL;
    size_t total = guard_size + usable_size;
    char* m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
        free(s);
        return NULL;
    }
    if (mprotect(m, guard_size, PROT_NONE) != 0) {
        munmap(m, total);
        free(s);
        return NULL;
    }
    s->guard_lo = m;
    s->lo = m + guard_size;
    s->hi = m + total;
    s->low_water = s->hi;
    s->lives = 0;
    /* relaxed: a statistic, read only for reports and leak checks after the workers stopped */
    atomic_fetch_add_explicit(&mapped, 1, memory_order_relaxed);
    return s;
}

static void unmap(void* p) {
    pyvm_stack* s = p;
    munmap(s->guard_lo, (size_t)(s->hi - s->guard_lo));
    free(s);
    /* relaxed: a statistic (see map_new) */
    atomic_fetch_sub_explicit(&mapped, 1, memory_order_relaxed);
}

/* Gives the pages below the kept top back to the kernel. */
static void trim(pyvm_stack* s) {
    size_t size = (size_t)(s->hi - s->lo);
    if (size > KEEP_BYTES)
        madvise(s->lo, size - KEEP_BYTES, MADV_DONTNEED);
    s->low_water = s->hi;
    s->lives = 0;
}

static void trim_for_depot(void* p) {
    pyvm_stack* s = p;
    if (s->lives || s->low_water != s->hi)
        trim(s);
}

static pyvm_depot depot = PYVM_DEPOT_INIT(DEPOT_LIMIT, trim_for_depot, unmap);
/* Only ever used on the scheduler side (the worker's own stack). */
static _Thread_local pyvm_magazine* magazine;

pyvm_stack* pyvm_stack_acquire(void) {
    pyvm_stack* s = pyvm_mag_get(&magazine, &depot);
    if (!s) {
        if (!(s = map_new()))
            return NULL;
        pyvm_mag_count_new(&magazine, &depot);
    }
    s->next = NULL;
#ifdef PYVM_ASAN
    /* Frames of a green thread that never returned (it switched away for the
     * last time, or overflowed) leave their redzones poisoned, and so may an
     * earlier mapping at the same address. */
    __asan_unpoison_memory_region(s->lo, (size_t)(s->hi - s->lo));
#endif
    return s;
}

void pyvm_stack_release(pyvm_stack* s) {
    if (!s)
        return;
    if (s->low_water < s->hi - KEEP_BYTES || ++s->lives >= TRIM_EVERY)
        trim(s);
    pyvm_mag_put(&magazine, &depot, s);
}

void pyvm_stack_drain_pool(void) {
    pyvm_mag_flush(&magazine);
    pyvm_depot_drain(&depot);
}

int64_t pyvm_stack_in_use(void) {
    return pyvm_depot_out(&depot, &magazine);
}

int64_t pyvm_stack_mapped(void) {
    /* relaxed: a statistic (see map_new) */
    return atomic_load_explicit(&mapped, memory_order_relaxed);
}
