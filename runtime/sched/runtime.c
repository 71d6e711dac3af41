/* Starting and stopping the actor runtime, and the environment knobs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/str.h"
#include "../core/tuple.h"
#include "../ctx/stack.h"
#include "sched.h"
#include "stats.h"
#include "hibernate.h"
#include "timer.h"
#include "tsan_fibers.h"
#include "worker.h"

#define RT pyvm_rt_state

static size_t parse_size(const char* s, size_t dflt) {
    if (!s || !*s)
        return dflt;
    char* end;
    unsigned long long v = strtoull(s, &end, 10);
    switch (*end) {
    case 'k': case 'K': v <<= 10; break;
    case 'm': case 'M': v <<= 20; break;
    case 'g': case 'G': v <<= 30; break;
    default: break;
    }
    return v ? (size_t)v : dflt;
}

void pyvm_actors_config_init(pyvm_actors_config* cfg) {
    memset(cfg, 0, sizeof *cfg);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cfg->workers = cores > 0 ? (int)cores : 1;
    const char* s = getenv("PYVM_WORKERS");
    if (s && atoi(s) > 0)
        cfg->workers = atoi(s);
    s = getenv("PYVM_DETERMINISTIC");
    if (s && *s) {
        cfg->deterministic = true;
        cfg->seed = strtoull(s, NULL, 0);
    }
    cfg->stack_size = parse_size(getenv("PYVM_STACK_SIZE"), 1u << 20);
    cfg->heap_initial = 0; /* the heap module's defaults: PYVM_HEAP_SIZE (2 MiB), PYVM_HEAP_MAX */
    cfg->heap_max = 0;
    s = getenv("PYVM_STATS");
    cfg->stats = s && *s && strcmp(s, "0") != 0;
    s = getenv("PYVM_HIBERNATE_MS");
    cfg->hibernate_ms = s && *s ? (atoi(s) > 0 ? atoi(s) : -1) : 100;
}

static void init_worker(pyvm_worker* w, int i) {
    memset(w, 0, sizeof *w);
    w->index = i;
    w->rng = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
    pyvm_deque_init(&w->dq);
    pthread_mutex_init(&w->pin_mu, NULL);
    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
}

int pyvm_actors_start(const pyvm_actors_config* cfg_in) {
    if (RT.running)
        return -1;
    pyvm_actors_config cfg;
    if (cfg_in)
        cfg = *cfg_in;
    else
        pyvm_actors_config_init(&cfg);
    if (cfg.workers <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        cfg.workers = cores > 0 ? (int)cores : 1;
    }
    if (cfg.deterministic)
        cfg.workers = 1;
    memset(&RT, 0, sizeof RT);
    RT.nworkers = cfg.workers;
    RT.det = cfg.deterministic;
    RT.det_rng = cfg.seed ? cfg.seed : 0x2545F4914F6CDD1Dull;
    RT.stats = cfg.stats;
    RT.heap_initial = cfg.heap_initial;
    RT.heap_max = cfg.heap_max;
    const char* red = getenv("PYVM_REDUCTIONS");
    RT.reductions = red && atoi(red) > 0 ? atoi(red) : 4000;
    pyvm_stack_configure(cfg.stack_size, 0);
    pyvm_hibernate_reset(cfg.deterministic || cfg.hibernate_ms < 0 ? 0 : (cfg.hibernate_ms ? cfg.hibernate_ms : 100));
    pthread_mutex_init(&RT.inject_mu, NULL);
    pthread_mutex_init(&RT.idle_mu, NULL);
    pthread_mutex_init(&RT.live_mu, NULL);
    pthread_cond_init(&RT.live_cv, NULL);
    RT.workers = aligned_alloc(_Alignof(pyvm_worker), (size_t)RT.nworkers * sizeof *RT.workers);
    if (RT.workers)
        memset(RT.workers, 0, (size_t)RT.nworkers * sizeof *RT.workers);
    RT.idle = calloc((size_t)RT.nworkers, sizeof *RT.idle);
    if (!RT.workers || !RT.idle)
        return -1;
    for (int i = 0; i < RT.nworkers; i++)
        init_worker(&RT.workers[i], i);
    pyvm_stats_reset(RT.nworkers);
    pyvm_stats_set_memory(RT.heap_initial, RT.heap_max, pyvm_sched_heap_module());
    pyvm_sched_heap_hook(true);
    pyvm_timer_reset();
    pyvm_registry_reset();
    if (pyvm_overflow_install() != 0)
        return -1;
    RT.running = true;
    for (int i = 0; i < RT.nworkers; i++) {
        if (pthread_create(&RT.workers[i].thread, NULL, pyvm_sched_worker_main, &RT.workers[i]) != 0) {
            /* release: workers read it with acquire */
            atomic_store_explicit(&RT.stopping, 1, memory_order_release);
            pyvm_sched_wake_all();
            for (int j = 0; j < i; j++)
                pthread_join(RT.workers[j].thread, NULL);
            RT.running = false;
            pyvm_overflow_uninstall();
            return -1;
        }
    }
    return 0;
}

void pyvm_sched_actor_gone(void) {
    pthread_mutex_lock(&RT.live_mu);
    pthread_cond_broadcast(&RT.live_cv);
    pthread_mutex_unlock(&RT.live_mu);
}

int pyvm_actors_wait(void) {
    if (!RT.running)
        return 0;
    pthread_mutex_lock(&RT.live_mu);
    while (pyvm_actor_live() > 0 && !RT.deadlock)
        pthread_cond_wait(&RT.live_cv, &RT.live_mu);
    int r = pyvm_actor_live() > 0 ? -1 : 0;
    RT.deadlock = false;
    pthread_mutex_unlock(&RT.live_mu);
    return r;
}

void pyvm_actors_stop(void) {
    if (!RT.running)
        return;
    /* Anything still alive is killed: they all run once more and go. */
    /* relaxed: see check_deadlock */
    atomic_store_explicit(&RT.detect_deadlock, 0, memory_order_relaxed);
    pyvm_actor_kill_all();
    pthread_mutex_lock(&RT.live_mu);
    while (pyvm_actor_live() > 0)
        pthread_cond_wait(&RT.live_cv, &RT.live_mu);
    pthread_mutex_unlock(&RT.live_mu);
    /* release: workers that see it also see everything before (they acquire it) */
    atomic_store_explicit(&RT.stopping, 1, memory_order_release);
    pyvm_sched_wake_all();
    for (int i = 0; i < RT.nworkers; i++)
        pthread_join(RT.workers[i].thread, NULL);
    pyvm_overflow_uninstall();
    pyvm_sched_heap_hook(false);
    if (RT.stats)
        pyvm_stats_print();
    for (int i = 0; i < RT.nworkers; i++) {
        pyvm_worker* w = &RT.workers[i];
        pyvm_deque_destroy(&w->dq);
        pthread_mutex_destroy(&w->pin_mu);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
    }
    pyvm_timer_reset();
    pyvm_stack_drain_pool();
    pyvm_actor_records_drain();
    pyvm_sched_heap_records_drain();
    pyvm_message_envelopes_drain();
    free(RT.workers);
    free(RT.idle);
    free(RT.det_q);
    RT.workers = NULL;
    RT.idle = NULL;
    RT.det_q = NULL;
    RT.running = false;
}

static char* main_reason; /* (live_mu) set when main has ended */

static void main_watch(pyvm_tstate* ts, pyvm_slot arg);

typedef struct {
    pyvm_actor_fn fn;
    const pyvm_type* type;
    pyvm_slot arg;
} main_start;

int64_t pyvm_actors_run(pyvm_actor_fn main_fn, const pyvm_type* arg_type, pyvm_slot arg) {
    if (pyvm_actors_start(NULL) != 0)
        return 1;
    /* relaxed: see check_deadlock */
    atomic_store_explicit(&RT.detect_deadlock, 1, memory_order_relaxed);
    free(main_reason);
    main_reason = NULL;
    main_start ms = {main_fn, arg_type, arg};
    /* A watcher monitors main, so its exit reason is known after it is gone. */
    pyvm_spawn_opts o = {0};
    pyvm_actor_spawn_opt(main_watch, NULL, pyvm_slot_from_ptr(&ms), &o, NULL);
    /* asyncio.run's semantics: the program is over when main is; actors still
     * alive then are killed by pyvm_actors_stop. */
    pthread_mutex_lock(&RT.live_mu);
    while (!main_reason && !RT.deadlock)
        pthread_cond_wait(&RT.live_cv, &RT.live_mu);
    int r = main_reason ? 0 : -1;
    pthread_mutex_unlock(&RT.live_mu);
    if (r != 0) {
        fprintf(stderr, "pyvm: deadlock: every actor is waiting for a message that nothing can send\n");
#ifdef PYVM_TSAN
        long blocked = pyvm_tsan_fiber_waiting();
        if (blocked)
            fprintf(stderr, "pyvm: (TSan build) %ld actors have not started: at most %ld may be started and "
                    "unfinished at once (PYVM_TSAN_FIBERS, see runtime/sched/tsan_fibers.c)\n",
                    blocked, pyvm_tsan_fiber_budget());
#endif
    }
    pyvm_actors_stop();
    int64_t status = (r == 0 && main_reason && strcmp(main_reason, "normal") == 0) ? 0 : 1;
    free(main_reason);
    main_reason = NULL;
    return status;
}

static void main_watch(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    main_start* ms = pyvm_slot_to_ptr(arg);
    int64_t ref = 0;
    pyvm_spawn_opts o = {.monitor = true};
    pyvm_actor_spawn_opt(ms->fn, ms->type, ms->arg, &o, &ref);
    const pyvm_type* t;
    pyvm_slot v;
    for (;;) {
        pyvm_mailbox_receive(&t, &v, -1);
        if (t == pyvm_message_down_type())
            break;
    }
    /* ("DOWN", ref, pid, reason): the reason string is the fourth slot */
    const char* text = pyvm_str_utf8(pyvm_slot_to_ptr(pyvm_tuple_get(pyvm_slot_to_ptr(v), 3)), NULL);
    pthread_mutex_lock(&RT.live_mu);
    main_reason = strdup(text);
    pthread_cond_broadcast(&RT.live_cv);
    pthread_mutex_unlock(&RT.live_mu);
}
