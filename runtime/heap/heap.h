/* Per-actor private heaps with a non-moving mark-and-sweep collector.
 *
 * Every allocation of compiled code and of the runtime goes through
 * core/alloc.h (pyvm_alloc, pyvm_alloc_obj, pyvm_buf_*), which bumps a
 * pointer through the current heap of the calling OS thread. This header is
 * the heap's own interface: creating and freeing heaps, switching the current
 * one, registering the stack that holds an actor's roots, collecting, stats.
 * runtime/README.md ("Heaps and the collector") describes the design.
 *
 * Threading: a heap is private. Only the OS thread on which it is current
 * (pyvm_heap_set_current) may allocate in it, collect it or read its stats;
 * handing a heap to another thread (actor migration) must go through
 * synchronisation that orders the two threads (the scheduler's queues).
 * pyvm_heap_new / pyvm_heap_free and the global chunk pool are thread-safe.
 *
 * NULL stands for the process-wide default heap everywhere in this API: it is
 * what allocation uses while no heap is current, i.e. compiled programs
 * without actors, and the runtime in the compiler's own process (KIR
 * interpreter, JIT). The default heap collects only after
 * pyvm_heap_set_collect(NULL, true), which native executables' main()
 * (core/entry.c) calls; in-process use never does. */
#ifndef PYVM_HEAP_H
#define PYVM_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/obj.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_heap pyvm_heap;

/* New empty heap. initial: the size the heap may reach before its first
 * collection grows it (collections start near 80% of it); max: the most it
 * may ever hold, beyond which allocation raises MemoryError. 0 takes the
 * global defaults (PYVM_HEAP_SIZE, default 2 MiB; PYVM_HEAP_MAX, default
 * unlimited; see pyvm_heap_set_defaults). Both are rounded up to whole chunks
 * (256 KiB). Memory is taken lazily: a new heap holds no chunk until its
 * first allocation. Thread-safe. */
pyvm_heap* pyvm_heap_new(size_t initial, size_t max);

/* Returns all of the heap's chunks (to the global pool, or the system) and
 * frees it. Every object in it dies. The heap must not be current on any
 * other thread; if it is current on the calling thread, the default heap
 * becomes current. NULL (the default heap) is ignored. Thread-safe. */
void pyvm_heap_free(pyvm_heap* heap);
/* Frees the recycled records of freed heaps (runtime stop; heaps made later
 * simply allocate again). */
void pyvm_heap_records_drain(void);

/* Makes heap the calling thread's current heap (NULL: the default heap).
 * A heap may be current on at most one thread at a time. Cheap: it swaps
 * the thread's bump pointer (two words) with the heap's. */
void pyvm_heap_set_current(pyvm_heap* heap);
pyvm_heap* pyvm_heap_current(void);

/* The stack holding the roots of the heap's actor: [stack_lo, stack_hi),
 * stack_hi the end the stack grows down from. When the collector runs on
 * that stack (the actor allocated), it scans from the current stack pointer
 * up to stack_hi, after spilling the callee-saved registers. When it runs
 * elsewhere (pyvm_heap_collect of a suspended actor's heap), it scans the
 * whole range (the actor's context switch has pushed its callee-saved
 * registers there); the scheduler may lower that cost by setting stack_lo to
 * the saved stack pointer while the actor is suspended, provided it registers
 * the full range again before the actor runs. Without a registered stack the
 * collector scans the stack it runs on (the calling thread's own). NULL: sets the default heap's stack (pyvm_rt_init records
 * the calling thread's stack there). (NULL, NULL) unregisters. */
void pyvm_heap_set_stack(pyvm_heap* heap, void* stack_lo, void* stack_hi);

/* Collects now. No effect while collection is disabled (see below), or for
 * the default heap when called from a thread other than its owner. */
void pyvm_heap_collect(pyvm_heap* heap);

/* Enables or disables collection (enabled by default for heaps from
 * pyvm_heap_new; disabled by default for the default heap). While disabled
 * the heap only grows; growth is still checked against its maximum. The KIR
 * interpreter disables collection because Python objects hold pointers the
 * stack scan cannot see. Enabling collection of the default heap makes the
 * calling thread its owner (the thread whose stack is scanned); it is
 * refused once another thread has allocated in the default heap, and by the
 * environment variable PYVM_GC=0. */
void pyvm_heap_set_collect(pyvm_heap* heap, bool enabled);

/* Called after every collection of any heap, on the collecting thread, with
 * the heap (NULL for the default heap) and the pause in nanoseconds. The hook
 * may allocate. NULL removes it. Thread-safe. */
void pyvm_heap_set_gc_hook(void (*hook)(pyvm_heap*, uint64_t pause_ns));

typedef struct pyvm_heap_stats_t {
    size_t bytes_in_use;     /* bytes of allocated blocks (8-byte hidden headers included):
                                survivors of the last collection plus everything allocated since */
    size_t capacity;         /* bytes of memory the heap holds (its chunks and large blocks) */
    size_t limit;            /* current soft size: the next collection starts near 80% of it */
    size_t max;              /* the hard maximum (SIZE_MAX: unlimited) */
    uint64_t collections;
    uint64_t total_pause_ns;
    uint64_t max_pause_ns;
    uint64_t last_pause_ns;
    uint64_t objects_freed;  /* blocks (objects and buffers) freed by collections, cumulative */
    uint64_t bytes_freed;    /* their bytes */
    uint64_t live_blocks;    /* blocks that survived the last collection */
    size_t chunks;           /* 256 KiB chunks held */
    size_t large_blocks;     /* blocks above 64 KiB, each in its own mapping */
    bool collect_enabled;
} pyvm_heap_stats_t;

/* Statistics of one heap (NULL: the default heap). */
void pyvm_heap_stats(pyvm_heap* heap, pyvm_heap_stats_t* out);

typedef struct pyvm_heap_global_stats_t {
    int64_t heaps;           /* heaps from pyvm_heap_new not yet freed */
    int64_t chunks;          /* chunks held by those heaps */
    int64_t large_blocks;    /* large-block mappings held by those heaps */
    int64_t default_chunks;  /* chunks and large mappings held by the default heap */
    int64_t pool_chunks;     /* free chunks kept in the global pool for reuse */
    int64_t mapped_bytes;    /* everything the heaps have mapped, pool included */
} pyvm_heap_global_stats_t;

/* Process-wide counters (atomics, exact when no heap is being created or
 * freed concurrently). After every heap from pyvm_heap_new is freed, heaps,
 * chunks and large_blocks are back to zero. */
void pyvm_heap_global_stats(pyvm_heap_global_stats_t* out);

/* Allocation into a heap that is not current, for message copying: like
 * pyvm_alloc / pyvm_alloc_obj / pyvm_buf_alloc but in `heap`. Into a heap
 * that is not the caller's current one these never collect (the objects
 * being copied are referenced from the copier's stack, which belongs to
 * another heap): the heap grows instead, up to its maximum (then
 * MemoryError); into the current heap they are the plain functions. The heap
 * must not be current on another thread.
 * Alternative: pyvm_heap_set_current(target), build with the ordinary
 * functions (pyvm_list_new...), pyvm_heap_set_current(previous); a
 * collection the target triggers meanwhile scans the stack it runs on, so the
 * copier's locals are roots. */
void* pyvm_heap_alloc_in(pyvm_heap* heap, size_t bytes);
void* pyvm_heap_alloc_obj_in(pyvm_heap* heap, uint32_t kind, const pyvm_type* type, size_t bytes);
void* pyvm_heap_buf_alloc_in(pyvm_heap* heap, size_t bytes);

/* True when p points into (or one past) a live block of heap (NULL: the
 * default heap). A deep copy uses it to leave immortal objects (static
 * strings) and other heaps' objects alone. Same threading rule as allocation. */
bool pyvm_heap_contains(pyvm_heap* heap, const void* p);

/* True when p points into (or just past) an allocated block of heap (NULL:
 * the default heap). Exact, but walks the live region when p lies in it: for
 * tests and assertions (after pyvm_heap_collect, freed blocks answer false
 * until their memory is reused). Same threading rule as allocation. */
bool pyvm_heap_is_live(pyvm_heap* heap, const void* p);

/* Global defaults for pyvm_heap_new(0, 0): initial size and maximum
 * (0 leaves a value unchanged, SIZE_MAX as max means unlimited). They start
 * from the environment: PYVM_HEAP_SIZE, PYVM_HEAP_MAX (bytes, or with a
 * K/M/G suffix). The default heap reads them when it is first used. */
void pyvm_heap_set_defaults(size_t initial, size_t max);

/* Whether collections of the heap also scan the executable's writable data
 * (.data/.bss: module globals and string literals of compiled programs live
 * there). On for the default heap, off for pyvm_heap_new heaps. */
void pyvm_heap_set_scan_globals(pyvm_heap* heap, bool enabled);

/* Called by pyvm_rt_init: records the calling thread as the default heap's
 * owner and its stack as the default heap's root stack. Idempotent. */
void pyvm_heap_rt_init(void);

#ifdef __cplusplus
}
#endif
#endif
