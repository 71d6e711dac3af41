#include "stack.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../core/magazine.h"
#include "../core/sanitizers.h"
#ifdef PYVM_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* Stacks are carved from slabs: one mapping holds SLAB_STACKS stacks, each
 * below its own guard. The guard is a Linux guard region (MADV_GUARD_INSTALL,
 * Linux 6.13: page-table markers that fault like PROT_NONE without splitting
 * the mapping), so a million stacks cost ~16000 kernel mappings instead of two
 * million, far below vm.max_map_count's default of 65530. Older kernels get
 * mprotect'ed guards (two mappings per stack, as every thread library does).
 *
 * Free stacks live in magazines (core/magazine.h): a cache per thread in front
 * of a global depot of at most DEPOT_LIMIT stacks; beyond it a stack is
 * emptied (every page back to the kernel, its guard stays) and kept on a cold
 * list, since a slab is unmapped only as a whole, at pyvm_stack_drain_pool.
 *
 * Trimming (MADV_DONTNEED below the top KEEP_BYTES) is what made exit slow:
 * with threads of the process on two CPUs every trim costs a TLB shoot-down
 * IPI (70% of spawn + exit, measured with perf). So a stack is trimmed only
 * when it is known to have gone deep (its low-water mark, noted at every
 * switch and by the overflow handler, lies below the kept top) and after
 * TRIM_EVERY owners since its last trim: a deep excursion the mark missed
 * stays resident for a bounded number of lives, or until the stack goes
 * cold. */
enum { SLAB_STACKS = 64, DEPOT_LIMIT = 4096, COLD_BATCH = 256, KEEP_BYTES = 64 << 10, TRIM_EVERY = 256 };

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#ifndef MADV_GUARD_REMOVE
#define MADV_GUARD_REMOVE 103
#endif

typedef struct pyvm_stack_slab {
    struct pyvm_stack_slab* next;
    char* base;
    size_t size;
    size_t guard, usable;             /* its geometry (pyvm_stack_configure may change between runs) */
    int carved;                       /* stacks handed out of it so far */
    uint64_t dormant;                 /* (slab_mu) bit k: stacks[k] hibernates (empty, no guard) */
    pyvm_stack stacks[SLAB_STACKS];
} slab;
_Static_assert(SLAB_STACKS <= 64, "one bit of `dormant` per stack");

static size_t usable_size = 1u << 20; /* 1 MiB of address space, committed as touched */
static size_t guard_size = 64u << 10; /* 64 KiB: a big frame cannot jump over it into a neighbour */

/* Slabs and the cold list, under one mutex (taken once per SLAB_STACKS new
 * stacks, or when stacks go cold). */
static pthread_mutex_t slab_mu = PTHREAD_MUTEX_INITIALIZER;
static slab* slabs;
static pyvm_stack* cold;
static int guard_regions = -1;        /* MADV_GUARD_INSTALL works: 1, not: 0, unknown: -1 (slab_mu) */
static atomic_int_fast64_t mapped;
static bool draining;                 /* pyvm_stack_drain_pool: the slabs are about to go */

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

static bool install_guard(char* lo, size_t len) {
    if (guard_regions != 0) {
        if (madvise(lo, len, MADV_GUARD_INSTALL) == 0) {
            guard_regions = 1;
            return true;
        }
        if (guard_regions == 1 || (errno != EINVAL && errno != ENOSYS))
            return false;
        guard_regions = 0; /* an older kernel */
    }
    return mprotect(lo, len, PROT_NONE) == 0;
}

/* Under slab_mu: the next never-used stack, mapping a new slab when needed. */
static pyvm_stack* carve(void) {
    slab* sl = slabs;
    if (!sl || sl->carved == SLAB_STACKS || sl->guard != guard_size || sl->usable != usable_size) {
        if (!(sl = calloc(1, sizeof *sl)))
            return NULL;
        sl->guard = guard_size;
        sl->usable = usable_size;
        sl->size = SLAB_STACKS * (guard_size + usable_size);
        sl->base = mmap(NULL, sl->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (sl->base == MAP_FAILED) {
            free(sl);
            return NULL;
        }
        sl->next = slabs;
        slabs = sl;
    }
    char* g = sl->base + (size_t)sl->carved * (sl->guard + sl->usable);
    if (!install_guard(g, sl->guard))
        return NULL;
    pyvm_stack* s = &sl->stacks[sl->carved++];
    s->slab = sl;
    s->guard_lo = g;
    s->lo = g + sl->guard;
    s->hi = s->lo + sl->usable;
    s->low_water = s->hi;
    s->lives = 0;
    /* relaxed: a statistic, read only for reports and leak checks after the workers stopped */
    atomic_fetch_add_explicit(&mapped, 1, memory_order_relaxed);
    return s;
}

/* Stacks on their way to the cold list, emptied in batches (slab_mu). */
static pyvm_stack* pending[COLD_BATCH];
static int npending;

static pyvm_stack* new_stack(void) {
    pthread_mutex_lock(&slab_mu);
    pyvm_stack* s;
    if (npending)
        s = pending[--npending]; /* not emptied yet: its top pages are still warm */
    else if ((s = cold))
        cold = s->next;
    else
        s = carve();
    pthread_mutex_unlock(&slab_mu);
    return s;
}

/* Gives the pages below the kept top back to the kernel. */
static void trim(pyvm_stack* s) {
    size_t size = (size_t)(s->hi - s->lo);
    if (size > KEEP_BYTES)
        madvise(s->lo, size - KEEP_BYTES, MADV_DONTNEED);
    s->low_water = s->hi;
    s->lives = 0;
}

static int by_address(const void* x, const void* y) {
    const pyvm_stack* a = *(pyvm_stack* const*)x;
    const pyvm_stack* b = *(pyvm_stack* const*)y;
    return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/* Empties a batch of stacks and puts them on the cold list. Neighbours in a
 * slab are emptied by one madvise over the run (guard regions survive
 * MADV_DONTNEED): every madvise costs a TLB shoot-down, and when a million
 * actors end in spawn order, their stacks form runs of a slab's length. */
static void empty_batch(pyvm_stack** batch, int n) {
    qsort(batch, (size_t)n, sizeof *batch, by_address);
    for (int i = 0; i < n;) {
        int j = i + 1;
        while (j < n && batch[j]->guard_lo == batch[j - 1]->hi)
            j++;
        madvise(batch[i]->lo, (size_t)(batch[j - 1]->hi - batch[i]->lo), MADV_DONTNEED);
        i = j;
    }
    pthread_mutex_lock(&slab_mu);
    for (int i = 0; i < n; i++) {
        batch[i]->low_water = batch[i]->hi;
        batch[i]->lives = 0;
        batch[i]->next = cold;
        cold = batch[i];
    }
    pthread_mutex_unlock(&slab_mu);
}

/* No room in the depot: every page goes back (in batches), the address range
 * and its guard stay. */
static void make_cold(void* p) {
    if (draining)
        return;
    pyvm_stack* batch[COLD_BATCH];
    int n = 0;
    pthread_mutex_lock(&slab_mu);
    pending[npending++] = p;
    if (npending == COLD_BATCH) {
        n = npending;
        memcpy(batch, pending, sizeof batch);
        npending = 0;
    }
    pthread_mutex_unlock(&slab_mu);
    if (n)
        empty_batch(batch, n);
}

/* ---- hibernation ----
 *
 * A hibernating stack loses its pages and its guard, so that where every
 * stack of a 2 MiB-aligned block sleeps, the block's page table can go too
 * (Linux frees a page-table page that MADV_DONTNEED leaves empty, since 6.15,
 * but only when the call covers the whole block, and a guard marker is an
 * entry that keeps the table). Guards are removed one by one (a call over a
 * whole run would walk every page-table entry of its stacks: 5 us a stack);
 * pages go in one call per run of new sleepers, widened over dormant
 * neighbours to the 2 MiB blocks around it. slab_mu is held meanwhile: a
 * neighbour thawing must not write its stack back while a range covering it
 * is being emptied. */

enum { PT_BLOCK = 2 << 20 }; /* what one page-table page maps (x86-64, AArch64 with 4 KiB pages) */

static int slot_of(const pyvm_stack* s) { return (int)(s - s->slab->stacks); }

void pyvm_stack_hibernate(pyvm_stack** stacks, int n) {
    if (n <= 0)
        return;
    qsort(stacks, (size_t)n, sizeof *stacks, by_address);
    pthread_mutex_lock(&slab_mu);
    for (int i = 0; i < n; i++) {
        pyvm_stack* s = stacks[i];
        s->slab->dormant |= 1ull << slot_of(s);
        if (guard_regions == 1)
            madvise(s->guard_lo, (size_t)(s->lo - s->guard_lo), MADV_GUARD_REMOVE);
    }
    for (int i = 0; i < n;) {
        slab* sl = stacks[i]->slab;
        int first = slot_of(stacks[i]), last = first;
        for (i++; i < n && stacks[i]->slab == sl && slot_of(stacks[i]) == last + 1; i++)
            last++;
        uintptr_t block_lo = (uintptr_t)sl->stacks[first].guard_lo & ~(uintptr_t)(PT_BLOCK - 1);
        uintptr_t block_hi = ((uintptr_t)sl->stacks[last].hi + PT_BLOCK - 1) & ~(uintptr_t)(PT_BLOCK - 1);
        while (first > 0 && (sl->dormant >> (first - 1) & 1) && (uintptr_t)sl->stacks[first - 1].hi > block_lo)
            first--;
        while (last + 1 < sl->carved && (sl->dormant >> (last + 1) & 1) &&
               (uintptr_t)sl->stacks[last + 1].guard_lo < block_hi)
            last++;
        char* lo = sl->stacks[first].guard_lo;
        madvise(lo, (size_t)(sl->stacks[last].hi - lo), MADV_DONTNEED);
    }
    pthread_mutex_unlock(&slab_mu);
}

bool pyvm_stack_thaw(pyvm_stack* s) {
    pthread_mutex_lock(&slab_mu); /* waits out a batch emptying a range over s */
    s->slab->dormant &= ~(1ull << slot_of(s));
    int regions = guard_regions;
    pthread_mutex_unlock(&slab_mu);
    /* Outside the lock (no batch covers s any more): two workers waking sleepers would
     * otherwise queue on it for the system call. */
    return regions != 1 || madvise(s->guard_lo, (size_t)(s->lo - s->guard_lo), MADV_GUARD_INSTALL) == 0;
}

static pyvm_depot depot = PYVM_DEPOT_INIT(DEPOT_LIMIT, make_cold);
/* Only ever used on the scheduler side (the worker's own stack). */
static _Thread_local pyvm_magazine* magazine;

pyvm_stack* pyvm_stack_acquire(void) {
    pyvm_stack* s = pyvm_mag_get(&magazine, &depot);
    if (!s) {
        if (!(s = new_stack()))
            return NULL;
        pyvm_mag_count_new(&magazine, &depot);
    }
    s->next = NULL;
#ifdef PYVM_ASAN
    /* Frames of a green thread that never returned (it switched away for the
     * last time, or overflowed) leave their redzones poisoned, and so may an
     * earlier owner of the same stack. */
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
    if (pyvm_depot_out(&depot, &magazine) != 0)
        return; /* a stack is still in use: the slabs must stay (a leak the tests report) */
    draining = true;
    pyvm_depot_drain(&depot);
    draining = false;
    pthread_mutex_lock(&slab_mu);
    slab* sl = slabs;
    slabs = NULL;
    cold = NULL;
    npending = 0;
    pthread_mutex_unlock(&slab_mu);
    while (sl) {
        slab* next = sl->next;
        munmap(sl->base, sl->size);
        /* relaxed: a statistic (see carve) */
        atomic_fetch_sub_explicit(&mapped, sl->carved, memory_order_relaxed);
        free(sl);
        sl = next;
    }
}

int64_t pyvm_stack_in_use(void) {
    return pyvm_depot_out(&depot, &magazine);
}

int64_t pyvm_stack_mapped(void) {
    /* relaxed: a statistic (see carve) */
    return atomic_load_explicit(&mapped, memory_order_relaxed);
}
