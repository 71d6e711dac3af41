#include "stack.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../core/sanitizers.h"
#ifdef PYVM_ASAN
#include <sanitizer/asan_interface.h>
#endif

enum { POOL_CAP = 4096, KEEP_BYTES = 64 << 10 };

static size_t usable_size = 1u << 20; /* 1 MiB of address space, committed as touched */
static size_t guard_size = 64u << 10; /* 64 KiB: a big frame cannot jump over it into a neighbour */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pyvm_stack* pool;
static int pool_len;
static atomic_int_fast64_t in_use, mapped;

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

pyvm_stack* pyvm_stack_acquire(void) {
    pyvm_stack* s = NULL;
    pthread_mutex_lock(&pool_lock);
    if (pool) {
        s = pool;
        pool = s->next;
        pool_len--;
    }
    pthread_mutex_unlock(&pool_lock);
    if (!s) {
        s = malloc(sizeof *s);
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
        /* relaxed: a statistic, read only for reports and leak checks after the workers stopped */
        atomic_fetch_add_explicit(&mapped, 1, memory_order_relaxed);
    }
    s->next = NULL;
#ifdef PYVM_ASAN
    /* Frames of a green thread that never returned (it switched away for the
     * last time, or overflowed) leave their redzones poisoned, and so may an
     * earlier mapping at the same address. */
    __asan_unpoison_memory_region(s->lo, (size_t)(s->hi - s->lo));
#endif
    /* relaxed: a statistic (see above) */
    atomic_fetch_add_explicit(&in_use, 1, memory_order_relaxed);
    return s;
}

static void unmap(pyvm_stack* s) {
    munmap(s->guard_lo, (size_t)(s->hi - s->guard_lo));
    free(s);
    /* relaxed: a statistic (see pyvm_stack_acquire) */
    atomic_fetch_sub_explicit(&mapped, 1, memory_order_relaxed);
}

void pyvm_stack_release(pyvm_stack* s) {
    if (!s)
        return;
    /* relaxed: a statistic (see pyvm_stack_acquire) */
    atomic_fetch_sub_explicit(&in_use, 1, memory_order_relaxed);
    /* Give the deep pages back (an overflowed stack has touched all of
     * them); the mapping and its guard stay, so reuse costs no mmap. */
    /* The top 64 KiB stay: the next owner reuses them (most actors never go
     * deeper, and then this call unmaps nothing and costs no TLB shootdown). */
    size_t size = (size_t)(s->hi - s->lo);
    if (size > KEEP_BYTES)
        madvise(s->lo, size - KEEP_BYTES, MADV_DONTNEED);
    pthread_mutex_lock(&pool_lock);
    if (pool_len < POOL_CAP) {
        s->next = pool;
        pool = s;
        pool_len++;
        s = NULL;
    }
    pthread_mutex_unlock(&pool_lock);
    if (s)
        unmap(s);
}

void pyvm_stack_drain_pool(void) {
    pthread_mutex_lock(&pool_lock);
    pyvm_stack* s = pool;
    pool = NULL;
    pool_len = 0;
    pthread_mutex_unlock(&pool_lock);
    while (s) {
        pyvm_stack* next = s->next;
        unmap(s);
        s = next;
    }
}

int64_t pyvm_stack_in_use(void) {
    /* relaxed: a statistic (see pyvm_stack_acquire) */
    return atomic_load_explicit(&in_use, memory_order_relaxed);
}

int64_t pyvm_stack_mapped(void) {
    /* relaxed: a statistic (see pyvm_stack_acquire) */
    return atomic_load_explicit(&mapped, memory_order_relaxed);
}
