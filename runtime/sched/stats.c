#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/pyvm/actors.h"
#include "../ctx/stack.h"
#include "../actor/actor.h"

int64_t pyvm_sched_heaps_live(void);

static pyvm_stats_block* blocks;  /* [0, nblocks): workers; [nblocks]: shared */
static int nblocks;
static pyvm_stats_block fallback = {.shared = 1}; /* before the first start */
static _Thread_local pyvm_stats_block* mine;
static size_t mem_initial, mem_max;
static int mem_heap_module;

void pyvm_stats_reset(int nworkers) {
    free(blocks);
    nblocks = nworkers;
    blocks = calloc((size_t)nworkers + 1, sizeof *blocks);
    if (blocks)
        blocks[nworkers].shared = 1;
}

extern inline void pyvm_stats_add_to(pyvm_stats_block* b, int stat, int64_t n);

pyvm_stats_block* pyvm_stats_block_of(int worker_index) {
    return blocks && worker_index >= 0 && worker_index < nblocks ? &blocks[worker_index] : NULL;
}

void pyvm_stats_bind(int worker_index) {
    mine = (worker_index >= 0 && blocks) ? &blocks[worker_index] : NULL;
}

__attribute__((noinline)) static pyvm_stats_block* here(void) {
    if (mine)
        return mine;
    return blocks ? &blocks[nblocks] : &fallback;
}

static void bump(pyvm_stats_block* b, _Atomic int64_t* c, int64_t n) {
    if (b->shared) {
        /* relaxed: a counter; totals are read after the workers stopped (or as a snapshot) */
        atomic_fetch_add_explicit(c, n, memory_order_relaxed);
    } else {
        /* relaxed load + store: only this worker writes its block, readers want a snapshot */
        atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n, memory_order_relaxed);
    }
}

void pyvm_stats_add(int stat, int64_t n) {
    pyvm_stats_block* b = here();
    bump(b, &b->c[stat], n);
}

void pyvm_stats_count_restart(void) {
    pyvm_stats_add(PYVM_STAT_RESTARTED, 1);
}

static int hist_bucket(uint64_t ns) {
    if (ns < 4)
        return (int)ns;
    int lg = 63 - __builtin_clzll(ns);
    int sub = (int)((ns >> (lg - 2)) & 3);
    int b = lg * 4 + sub;
    return b < PYVM_STAT_HIST ? b : PYVM_STAT_HIST - 1;
}

static uint64_t hist_value(int b) {
    if (b < 4)
        return (uint64_t)b;
    int lg = b / 4, sub = b % 4;
    return ((uint64_t)(4 + sub)) << (lg - 2);
}

void pyvm_stats_gc(void* heap, uint64_t pause_ns) {
    (void)heap;
    pyvm_stats_block* b = here();
    bump(b, &b->c[PYVM_STAT_GC_RUNS], 1);
    bump(b, &b->gc_hist[hist_bucket(pause_ns)], 1);
    /* relaxed: a statistic; a lost race on max between two threads of the shared block is tolerated */
    int64_t max = atomic_load_explicit(&b->c[PYVM_STAT_GC_MAX_NS], memory_order_relaxed);
    if ((int64_t)pause_ns > max)
        /* relaxed: as above */
        atomic_store_explicit(&b->c[PYVM_STAT_GC_MAX_NS], (int64_t)pause_ns, memory_order_relaxed);
}

void pyvm_stats_set_memory(size_t heap_initial, size_t heap_max, int heap_module) {
    mem_initial = heap_initial;
    mem_max = heap_max;
    mem_heap_module = heap_module;
}

int64_t pyvm_stats_sum(int stat) {
    int64_t s = 0;
    int n = blocks ? nblocks + 1 : 0;
    for (int i = 0; i < n; i++)
        /* relaxed: a snapshot of counters */
        s += atomic_load_explicit(&blocks[i].c[stat], memory_order_relaxed);
    /* relaxed: as above */
    s += atomic_load_explicit(&fallback.c[stat], memory_order_relaxed);
    return s;
}

void pyvm_stats_get(pyvm_actor_stats* out) {
    memset(out, 0, sizeof *out);
    out->workers = nblocks;
    out->spawned = pyvm_stats_sum(PYVM_STAT_SPAWNED);
    out->exited = pyvm_stats_sum(PYVM_STAT_EXITED);
    out->crashed = pyvm_stats_sum(PYVM_STAT_CRASHED);
    out->restarted = pyvm_stats_sum(PYVM_STAT_RESTARTED);
    out->sent = pyvm_stats_sum(PYVM_STAT_SENT);
    out->received = pyvm_stats_sum(PYVM_STAT_RECEIVED);
    out->dropped = pyvm_stats_sum(PYVM_STAT_DROPPED);
    out->discarded = pyvm_stats_sum(PYVM_STAT_DISCARDED);
    out->switches = pyvm_stats_sum(PYVM_STAT_SWITCHES);
    out->steals = pyvm_stats_sum(PYVM_STAT_STEALS);
    out->parks = pyvm_stats_sum(PYVM_STAT_PARKS);
    out->gc_runs = pyvm_stats_sum(PYVM_STAT_GC_RUNS);
    out->hibernated = pyvm_stats_sum(PYVM_STAT_HIBERNATED);
    out->thawed = pyvm_stats_sum(PYVM_STAT_THAWED);
    int n = blocks ? nblocks + 1 : 0;
    int64_t hist[PYVM_STAT_HIST] = {0};
    for (int i = 0; i < n; i++) {
        /* relaxed: a snapshot */
        int64_t m = atomic_load_explicit(&blocks[i].c[PYVM_STAT_GC_MAX_NS], memory_order_relaxed);
        if (m > out->gc_pause_max_ns)
            out->gc_pause_max_ns = m;
        for (int b = 0; b < PYVM_STAT_HIST; b++)
            /* relaxed: a snapshot */
            hist[b] += atomic_load_explicit(&blocks[i].gc_hist[b], memory_order_relaxed);
    }
    int64_t seen = 0;
    for (int b = 0; b < PYVM_STAT_HIST && out->gc_runs; b++) {
        seen += hist[b];
        if (seen * 2 >= out->gc_runs) {
            out->gc_pause_p50_ns = (int64_t)hist_value(b);
            break;
        }
    }
    out->stacks_in_use = pyvm_stack_in_use();
    out->stacks_mapped = pyvm_stack_mapped();
    out->actors_live = pyvm_actor_live();
    out->heaps_live = pyvm_sched_heaps_live();
}

static size_t parse_env_size(const char* name, size_t dflt) {
    const char* s = getenv(name);
    if (!s || !*s)
        return dflt;
    char* end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end == 'k' || *end == 'K') v <<= 10;
    else if (*end == 'm' || *end == 'M') v <<= 20;
    else if (*end == 'g' || *end == 'G') v <<= 30;
    return v ? (size_t)v : dflt;
}

static void human(char* buf, size_t n, size_t bytes) {
    if (bytes >= (1u << 30) && bytes % (1u << 30) == 0)
        snprintf(buf, n, "%zu GB", bytes >> 30);
    else if (bytes >= (1u << 20))
        snprintf(buf, n, "%zu MB", bytes >> 20);
    else
        snprintf(buf, n, "%zu KB", bytes >> 10);
}

void pyvm_stats_print(void) {
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    char init[32], max[32];
    size_t dflt = parse_env_size("PYVM_HEAP_SIZE", (size_t)2 << 20);
    human(init, sizeof init, mem_initial ? mem_initial : dflt);
    if (mem_max || getenv("PYVM_HEAP_MAX"))
        human(max, sizeof max, mem_max ? mem_max : parse_env_size("PYVM_HEAP_MAX", 0));
    else
        snprintf(max, sizeof max, "unlimited");
    fprintf(stderr,
            "[Green Thread Scheduler]\n"
            "  Workers: %lld\n"
            "  Green Threads: %lld spawned, %lld exited, %lld restarted\n"
            "  Messages: %lld sent, %lld received\n"
            "  Scheduling: %lld context switches, %lld steals, %lld parks\n"
            "  Hibernation: %lld idle stacks given back, %lld woken again\n"
            "  Memory: Isolated heaps (%s default, max %s)%s\n"
            "  GC: Per-thread, %lld runs, pause p50 %.2f ms, max %.2f ms\n",
            (long long)s.workers, (long long)s.spawned, (long long)s.exited, (long long)s.restarted,
            (long long)s.sent, (long long)s.received, (long long)s.switches, (long long)s.steals,
            (long long)s.parks, (long long)s.hibernated, (long long)s.thawed, init, max, mem_heap_module ? "" : " [heap module absent: shared bump allocator]",
            (long long)s.gc_runs, (double)s.gc_pause_p50_ns / 1e6, (double)s.gc_pause_max_ns / 1e6);
}
