/* Scheduler internals shared by sched.c (the loop), runtime.c (start/stop)
 * and overflow.c (the stack-overflow signal handler). */
#ifndef PYVM_WORKER_H
#define PYVM_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../actor/actor.h"
#include "../ctx/ctx.h"
#include "deque.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_worker {
    _Alignas(64) int index;        /* workers sit in one array: no line shared between two */
    pthread_t thread;
    pyvm_ctx sched_ctx;            /* the worker thread's own stack, running the loop */
    pyvm_actor* current;
    pyvm_actor* runnext;           /* just woken by the current actor; not stealable */
    pyvm_actor* handoff;           /* switched away from directly: to requeue or park once off its stack */
    int handoff_reason;            /* PYVM_SW_YIELD or PYVM_SW_PARK */
    bool direct;                   /* ASan: the next fiber entered comes from an actor, not the loop */
    int slice_left;                /* reductions left for a runnext actor */
    unsigned tick;                 /* scheduling decisions, for the periodic global-queue check */
    uint64_t rng;                  /* victim selection */
    pyvm_deque dq;
    pyvm_tstate* own_tstate;       /* restored when an actor switches out */
    struct pyvm_stats_block* stats; /* this worker's counters (sched/stats.h) */
    int64_t exits;                 /* actors ended here, not yet subtracted from the live count */
    /* actors pinned to this worker (pyvm_spawn_opts.pin_worker), FIFO */
    pthread_mutex_t pin_mu;
    pyvm_actor* pin_head;
    pyvm_actor* pin_tail;
    _Atomic int64_t pin_len;
    /* parking */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool wake;                     /* (mu) a waker chose this worker */
    bool in_idle;                  /* (idle_mu) listed as parked */
    bool spinning;                 /* counted in n_spinning */
    /* signal handling and sanitizers */
    void* altstack;
    size_t altstack_size;
    const void* stack_bottom;      /* ASan: the worker stack, learned at the first switch */
    size_t stack_size;
    void* tsan_fiber;
} pyvm_worker;

typedef struct pyvm_rt {
    bool running;
    int nworkers;
    pyvm_worker* workers;
    int reductions;                /* time slice */
    size_t heap_initial, heap_max;
    bool stats;
    /* deterministic mode */
    bool det;
    uint64_t det_rng;
    pyvm_actor** det_q;
    int64_t det_len, det_cap;
    int64_t vclock;
    /* The groups below change while actors run; each starts a cache line of its own so
     * that the read-mostly settings above (read on every spawn and switch) stay shared. */
    /* global queue: spawns and wakes from threads that are not workers */
    _Alignas(64) pthread_mutex_t inject_mu;
    pyvm_actor* inject_head;
    pyvm_actor* inject_tail;
    _Atomic int64_t inject_len;
    /* idle workers */
    _Alignas(64) pthread_mutex_t idle_mu;
    int* idle;                     /* (idle_mu) stack of parked worker indices */
    int nidle;
    _Atomic int n_idle;
    _Alignas(64) _Atomic int n_spinning;
    _Alignas(64) _Atomic int stopping;
    /* pyvm_actors_wait */
    _Alignas(64) pthread_mutex_t live_mu;
    pthread_cond_t live_cv;
    _Atomic int external_ops;      /* spawns/sends by threads outside the workers, in progress */
    _Atomic int detect_deadlock;   /* pyvm_actors_run: report when every actor waits forever */
    bool deadlock;                 /* (live_mu) */
} pyvm_rt;

extern pyvm_rt pyvm_rt_state;

/* The calling thread's worker (NULL outside workers). Never inlined: a green
 * thread may resume on another OS thread, so a TLS address must not be kept
 * across a switch (see the ABI note in runtime/README.md). */
pyvm_worker* pyvm_sched_worker(void);
void pyvm_sched_set_worker(pyvm_worker* w);
/* The worker thread's body. */
void* pyvm_sched_worker_main(void* w);
/* From the SIGSEGV handler: abandon the current actor (stack overflow). */
_Noreturn void pyvm_sched_overflow_switch(pyvm_worker* w, pyvm_actor* a);
/* (scheduler side) Enqueues a woken actor its caller owns (run_state QUEUED). */
void pyvm_sched_enqueue_woken(pyvm_actor* a);
/* Wakes every parked worker (stop, deadlock checks). */
void pyvm_sched_wake_all(void);
/* Overflow handling: process-wide handler, per-thread alternate stack. */
int pyvm_overflow_install(void);
void pyvm_overflow_uninstall(void);
int pyvm_overflow_thread_init(pyvm_worker* w);
void pyvm_overflow_thread_fini(pyvm_worker* w);
/* Heap module glue (runtime/heap, when present). */
/* A heap for an actor, scanning that stack in its collections. */
void* pyvm_sched_heap_new(size_t initial, size_t max, pyvm_stack* stack);
void pyvm_sched_heap_free(void* heap);
/* Makes heap current on this worker (NULL: the default heap), in one swap. */
void pyvm_sched_heap_enter(void* heap);
void pyvm_sched_heap_records_drain(void);
int pyvm_sched_heap_module(void);
void pyvm_sched_heap_hook(bool on);
int64_t pyvm_sched_heaps_live(void);

#ifdef __cplusplus
}
#endif
#endif
