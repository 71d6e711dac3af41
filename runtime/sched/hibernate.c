/* Hibernation of long-idle actors: see hibernate.h for the design. */
#include "hibernate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "../ctx/stack.h"
#include "sched.h"
#include "stats.h"
#include "worker.h"

/* A step looks at STEP records (then the worker checks for work again);
 * BATCH sleepers share one run of madvise calls. */
enum { STEP = 4096, BATCH = 256 };

static struct {
    pthread_mutex_t mu;             /* one sweeper at a time (try-locked: others just park) */
    int64_t interval_ns;            /* 0: never */
    _Atomic int64_t next_at;        /* a sweep is due (or goes on) from then; INT64_MAX: none */
    _Atomic int64_t switches_seen;  /* context switches counted when the last sweep ended */
    _Atomic bool busy;              /* mu is held: the other idle workers need not wake for the sweep */
    int64_t cursor;                 /* (mu) next record of the sweep in progress */
    int64_t marked;                 /* (mu) actors the sweep in progress found waiting for the first time */
} H = {.mu = PTHREAD_MUTEX_INITIALIZER};

void pyvm_hibernate_reset(int interval_ms) {
    H.interval_ns = (int64_t)interval_ms * 1000000;
    H.cursor = H.marked = 0;
    /* relaxed: set before the workers start (pthread_create orders it) */
    atomic_store_explicit(&H.next_at, INT64_MAX, memory_order_relaxed);
    /* relaxed: as above */
    atomic_store_explicit(&H.switches_seen, 0, memory_order_relaxed);
}

int64_t pyvm_hibernate_next(void) {
    /* relaxed: a wake-up time; a late or early wake only moves a sweep. (Without the busy
     * check, a worker losing the try-lock would return from every park at once.) */
    if (atomic_load_explicit(&H.busy, memory_order_relaxed))
        return INT64_MAX;
    /* relaxed: as above */
    return atomic_load_explicit(&H.next_at, memory_order_relaxed);
}

/* Word copies the sanitizers do not check: a parked stack holds the poisoned
 * redzones of its live frames (ASan), and TSan need not track the bytes of a
 * stack that changes hands through run_state anyway. volatile keeps the loop
 * from becoming a memcpy call, which the sanitizers intercept. */
__attribute__((no_sanitize_address, no_sanitize_thread, noinline)) static void copy_words(void* to, const void* from,
                                                                                       size_t bytes) {
    volatile uint64_t* t = to;
    const volatile uint64_t* f = from;
    for (size_t i = 0; i < bytes / sizeof(uint64_t); i++)
        t[i] = f[i];
}

/* Hands back actors the sweeper took to HIBERNATING (references held). */
static void release(pyvm_actor** batch, int n) {
    for (int i = 0; i < n; i++) {
        pyvm_actor* a = batch[i];
        int expect = PYVM_RS_HIBERNATING;
        /* acq_rel (its release half): the next runner (through a waker's CAS and its queue hand-off) sees hib_saved
         * and the saved bytes; acquire on failure: HIB_WOKEN was set by a waker whose message we
         * hand on to the actor's runner */
        if (!atomic_compare_exchange_strong_explicit(&a->run_state, &expect, PYVM_RS_WAITING, memory_order_acq_rel,
                                                     memory_order_acquire)) {
            /* relaxed: ours until the queue hand-off, which publishes */
            atomic_store_explicit(&a->run_state, PYVM_RS_QUEUED, memory_order_relaxed);
            pyvm_sched_enqueue_woken(a);
        }
        pyvm_actor_unref(a);
    }
}

static void hibernate_batch(pyvm_worker* w, pyvm_actor** batch, int n) {
    pyvm_stack* stacks[BATCH];
    int k = 0;
    for (int i = 0; i < n; i++) {
        pyvm_actor* a = batch[i];
        char* sp = a->ctx.sp;
        size_t len = (size_t)(a->stack->hi - sp);
        void* saved = len <= UINT32_MAX ? malloc(len) : NULL;
        if (!saved)
            continue; /* stays as it is */
        copy_words(saved, sp, len);
        a->hib_saved = saved;
        a->hib_len = (uint32_t)len;
        /* relaxed: published by release's CAS; the sweeps skip it until it runs again */
        atomic_store_explicit(&a->idle_mark, PYVM_IDLE_ASLEEP, memory_order_relaxed);
        stacks[k++] = a->stack;
    }
    pyvm_stack_hibernate(stacks, k);
    pyvm_stats_add_to(w->stats, PYVM_STAT_HIBERNATED, k);
    release(batch, n);
}

/* Looks at the next STEP records of the sweep (H.mu held). */
static void sweep_step(pyvm_worker* w) {
    int64_t end = pyvm_actor_records_carved();
    int64_t stop = H.cursor + STEP < end ? H.cursor + STEP : end;
    pyvm_actor* batch[BATCH];
    int n = 0;
    for (; H.cursor < stop; H.cursor++) {
        pyvm_actor* r = pyvm_actor_record(H.cursor);
        /* relaxed: a free record reads 0; the lookup decides */
        pyvm_pid pid = atomic_load_explicit(&r->pid, memory_order_relaxed);
        pyvm_actor* a = pid ? pyvm_actor_lookup(pid) : NULL;
        if (!a)
            continue;
        /* relaxed: a filter; the compare-and-swap below decides */
        if (atomic_load_explicit(&a->run_state, memory_order_relaxed) != PYVM_RS_WAITING) {
            pyvm_actor_unref(a);
            continue;
        }
        /* relaxed: RAN and SEEN are hints between sweeps (a wrong guess costs time, never
         * correctness); ASLEEP, set by the sweeper owning the actor, is ordered by the CAS below */
        int mark = atomic_load_explicit(&a->idle_mark, memory_order_relaxed);
        if (mark != PYVM_IDLE_SEEN) {
            if (mark == PYVM_IDLE_RAN) {
                /* relaxed: as above */
                atomic_store_explicit(&a->idle_mark, PYVM_IDLE_SEEN, memory_order_relaxed);
                H.marked++;
            }
            pyvm_actor_unref(a);
            continue;
        }
        int expect = PYVM_RS_WAITING;
        /* acquire: pairs with the park's release (RUNNING -> WAITING): the stack and ctx.sp are
         * the parked actor's */
        if (!atomic_compare_exchange_strong_explicit(&a->run_state, &expect, PYVM_RS_HIBERNATING,
                                                     memory_order_acquire, memory_order_relaxed)) {
            pyvm_actor_unref(a);
            continue;
        }
        if (a->hib_saved) { /* asleep already: it ran and parked between our two loads (ABA) */
            release(&a, 1);
            continue;
        }
        batch[n++] = a;
        if (n == BATCH) {
            hibernate_batch(w, batch, n);
            n = 0;
        }
    }
    hibernate_batch(w, batch, n);
}

bool pyvm_hibernate_idle(pyvm_worker* w) {
    if (!H.interval_ns)
        return false;
    int64_t now = pyvm_sched_now();
    /* relaxed: see pyvm_hibernate_next */
    int64_t at = atomic_load_explicit(&H.next_at, memory_order_relaxed);
    if (at == INT64_MAX) {
        /* No sweep due: one is once actors ran since the last (they may park for long now). */
        /* relaxed: a snapshot of counters */
        if (pyvm_stats_sum(PYVM_STAT_SWITCHES) != atomic_load_explicit(&H.switches_seen, memory_order_relaxed))
            /* relaxed: the time only; two idle workers racing here set about the same one */
            atomic_compare_exchange_strong_explicit(&H.next_at, &at, now + H.interval_ns, memory_order_relaxed,
                                                    memory_order_relaxed);
        return false;
    }
    if (now < at || pthread_mutex_trylock(&H.mu) != 0)
        return false;
    /* relaxed: a hint, see pyvm_hibernate_next */
    atomic_store_explicit(&H.busy, true, memory_order_relaxed);
    sweep_step(w);
    if (H.cursor >= pyvm_actor_records_carved()) {
        /* Done. Another sweep is due if this one marked actors (they hibernate then, unless
         * they run meanwhile); otherwise once something runs again. */
        /* relaxed: a snapshot, see above */
        atomic_store_explicit(&H.switches_seen, pyvm_stats_sum(PYVM_STAT_SWITCHES), memory_order_relaxed);
        /* relaxed: see pyvm_hibernate_next */
        atomic_store_explicit(&H.next_at, H.marked ? pyvm_sched_now() + H.interval_ns : INT64_MAX,
                              memory_order_relaxed);
        H.cursor = H.marked = 0;
    }
    /* relaxed: a hint, see pyvm_hibernate_next */
    atomic_store_explicit(&H.busy, false, memory_order_relaxed);
    pthread_mutex_unlock(&H.mu);
    return true;
}

void pyvm_hibernate_thaw(pyvm_worker* w, pyvm_actor* a) {
    if (!pyvm_stack_thaw(a->stack)) {
        fprintf(stderr, "pyvm: fatal: cannot restore the guard of a hibernated actor's stack (out of memory)\n");
        abort();
    }
    copy_words(a->stack->hi - a->hib_len, a->hib_saved, a->hib_len);
    free(a->hib_saved);
    a->hib_saved = NULL;
    a->hib_len = 0;
    pyvm_stats_add_to(w->stats, PYVM_STAT_THAWED, 1);
}
