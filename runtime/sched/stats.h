/* Counters of the actor runtime. Each worker owns a block it alone writes
 * (plain load + store on relaxed atomics: no read-modify-write on the hot
 * path, yet reading a snapshot from another thread is race-free); threads
 * outside the workers share one block updated with fetch_add. GC pauses,
 * reported by the heap module through its hook, go to a log-scale
 * histogram (4 buckets per power of two) for the median. */
#ifndef PYVM_STATS_H
#define PYVM_STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { PYVM_STAT_HIST = 256 };

enum pyvm_stat {
    PYVM_STAT_SPAWNED, PYVM_STAT_EXITED, PYVM_STAT_CRASHED, PYVM_STAT_RESTARTED,
    PYVM_STAT_SENT, PYVM_STAT_RECEIVED, PYVM_STAT_DROPPED, PYVM_STAT_DISCARDED,
    PYVM_STAT_SWITCHES, PYVM_STAT_STEALS, PYVM_STAT_PARKS,
    PYVM_STAT_GC_RUNS, PYVM_STAT_GC_MAX_NS, PYVM_STAT_HIBERNATED, PYVM_STAT_THAWED,
    PYVM_STAT_COUNT
};

typedef struct pyvm_stats_block {
    _Atomic int64_t c[PYVM_STAT_COUNT];
    _Atomic int64_t gc_hist[PYVM_STAT_HIST];
    int shared;   /* written by several threads: use fetch_add */
    char pad[60];
} pyvm_stats_block;

/* nblocks worker blocks + the shared one, zeroed. */
void pyvm_stats_reset(int nworkers);
/* The calling worker's block is chosen with pyvm_stats_bind (NULL: shared). */
void pyvm_stats_bind(int worker_index);
void pyvm_stats_add(int stat, int64_t n);
/* A worker's own block (NULL if none), for its scheduling loop's counts. */
pyvm_stats_block* pyvm_stats_block_of(int worker_index);
/* Counts into a worker's own block: only that worker writes it (C99 inline;
 * stats.c emits the exported definition). */
inline void pyvm_stats_add_to(pyvm_stats_block* b, int stat, int64_t n) {
    if (b)
        /* relaxed load + store: one writer, readers want a snapshot */
        atomic_store_explicit(&b->c[stat], atomic_load_explicit(&b->c[stat], memory_order_relaxed) + n,
                              memory_order_relaxed);
}
/* The sum over every block (a snapshot). */
int64_t pyvm_stats_sum(int stat);
/* The heap module's GC hook. */
void pyvm_stats_gc(void* heap, uint64_t pause_ns);
/* Configuration echoed by pyvm_stats_print. */
void pyvm_stats_set_memory(size_t heap_initial, size_t heap_max, int heap_module);

#ifdef __cplusplus
}
#endif
#endif
