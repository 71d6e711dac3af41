/* Glue to the per-actor heap module (runtime/heap/heap.h), compiled in when
 * that header exists; without it actors allocate from core/alloc.c's bump
 * allocator of the worker thread (no limit, nothing freed), which is enough
 * for the scheduler's own tests. This file includes nothing of core/alloc.h,
 * so the two definitions of pyvm_heap never meet. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../ctx/stack.h"
#include "stats.h"

#if defined(__has_include)
#if __has_include("../heap/heap.h")
#include "../heap/heap.h"
#define PYVM_HAVE_HEAP 1
#endif
#endif

void* pyvm_sched_heap_new(size_t initial, size_t max, pyvm_stack* stack);
void pyvm_sched_heap_free(void* heap);
void pyvm_sched_heap_enter(void* heap);
void pyvm_sched_heap_records_drain(void);
int pyvm_sched_heap_module(void);
void pyvm_sched_heap_hook(bool on);
int64_t pyvm_sched_heaps_live(void);

int pyvm_sched_heap_module(void) {
#ifdef PYVM_HAVE_HEAP
    return 1;
#else
    return 0;
#endif
}

void* pyvm_sched_heap_new(size_t initial, size_t max, pyvm_stack* stack) {
#ifdef PYVM_HAVE_HEAP
    void* h = pyvm_heap_new(initial, max);
    if (h)
        pyvm_heap_set_stack(h, stack->lo, stack->hi); /* the stack its collections scan */
    return h;
#else
    (void)initial;
    (void)max;
    (void)stack;
    return NULL;
#endif
}

void pyvm_sched_heap_free(void* heap) {
#ifdef PYVM_HAVE_HEAP
    if (heap)
        pyvm_heap_free(heap);
#else
    (void)heap;
#endif
}

void pyvm_sched_heap_enter(void* heap) {
#ifdef PYVM_HAVE_HEAP
    pyvm_heap_set_current(heap); /* NULL: the default heap */
#else
    (void)heap;
#endif
}

void pyvm_sched_heap_records_drain(void) {
#ifdef PYVM_HAVE_HEAP
    pyvm_heap_records_drain();
#endif
}

#ifdef PYVM_HAVE_HEAP
static void gc_hook(pyvm_heap* heap, uint64_t pause_ns) {
    pyvm_stats_gc(heap, pause_ns);
}
#endif

void pyvm_sched_heap_hook(bool on) {
#ifdef PYVM_HAVE_HEAP
    pyvm_heap_set_gc_hook(on ? gc_hook : NULL);
#else
    (void)on;
#endif
}

int64_t pyvm_sched_heaps_live(void) {
#ifdef PYVM_HAVE_HEAP
    pyvm_heap_global_stats_t g;
    pyvm_heap_global_stats(&g);
    return g.heaps;
#else
    return 0;
#endif
}
