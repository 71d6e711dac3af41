/* The scheduling loop: run queues, work stealing, parking, time slices,
 * deterministic mode. See sched.h for the design; runtime.c starts and
 * stops the workers. */
#include "sched.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../ctx/stack.h"
#include "deque.h"
#include "hibernate.h"
#include "stats.h"
#include "timer.h"
#include "worker.h"

#include "../core/sanitizers.h"
#ifdef PYVM_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef PYVM_TSAN
#include <sanitizer/tsan_interface.h>

#include "tsan_fibers.h"
#endif

pyvm_rt pyvm_rt_state;
#define RT pyvm_rt_state

enum { SPIN_NS = 50 * 1000, GLOBAL_QUEUE_EVERY = 61, STEAL_MAX = 8, DIRECT_HEADROOM = 32 << 10 };

static _Thread_local pyvm_worker* tls_worker;
static _Thread_local pyvm_actor* tls_actor;

/* TLS accessors are out of line on purpose (see worker.h). */
__attribute__((noinline)) pyvm_worker* pyvm_sched_worker(void) { return tls_worker; }
__attribute__((noinline)) void pyvm_sched_set_worker(pyvm_worker* w) { tls_worker = w; }
__attribute__((noinline)) pyvm_actor* pyvm_actor_current(void) { return tls_actor; }
/* Inline: only the scheduler side (the worker's own stack, which never moves
 * between OS threads) sets them. */
static inline void set_current(pyvm_actor* a) { tls_actor = a; }
static inline void set_tstate(pyvm_tstate* t) { pyvm_tstate_current_ptr = t; }

bool pyvm_sched_running(void) { return RT.running; }
bool pyvm_sched_deterministic(void) { return RT.det; }
size_t pyvm_sched_heap_initial(void) { return RT.heap_initial; }
size_t pyvm_sched_heap_max(void) { return RT.heap_max; }

int64_t pyvm_sched_now(void) {
    if (RT.det)
        return RT.vclock;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH >= 7)
    __asm__ __volatile__("yield");
#endif
}

/* ---- switching (with the sanitizers' fiber annotations) ---- */

static void switch_to_actor(pyvm_worker* w, pyvm_actor* a) {
#ifdef PYVM_ASAN
    void* fake = NULL;
    __sanitizer_start_switch_fiber(&fake, a->stack->lo, (size_t)(a->stack->hi - a->stack->lo));
#endif
#ifdef PYVM_TSAN
    __tsan_switch_to_fiber(a->tsan_fiber, 0);
#endif
    pyvm_ctx_switch(&w->sched_ctx, &a->ctx);
#ifdef PYVM_ASAN
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
}

static void after_handoff(pyvm_worker* w);

void pyvm_sched_fiber_entered(pyvm_actor* a) {
    pyvm_worker* w = a->worker; /* whoever switched a in set it */
#ifdef PYVM_ASAN
    if (w->direct) { /* from another actor's stack: the worker's stack bounds are not what we left */
        w->direct = false;
        __sanitizer_finish_switch_fiber(a->asan_fake_stack, NULL, NULL);
    } else {
        __sanitizer_finish_switch_fiber(a->asan_fake_stack, &w->stack_bottom, &w->stack_size);
    }
#endif
    if (w->handoff)
        after_handoff(w);
}

void pyvm_sched_fiber_destroy(pyvm_actor* a) {
#ifdef PYVM_TSAN
    if (a->tsan_fiber) {
        __tsan_destroy_fiber(a->tsan_fiber);
        pyvm_tsan_fiber_release(); /* the oldest actor waiting for a fiber may start */
    }
#endif
    a->tsan_fiber = NULL;
}

static bool switch_direct(pyvm_actor* a, int reason);

/* Actor side: to the next actor directly (yield, park), else back to the
 * scheduler of whatever worker runs us now. */
static void switch_out(pyvm_actor* a, int reason) {
    a->switch_reason = reason;
    pyvm_stack_note_sp(a->stack, __builtin_frame_address(0));
    if (reason <= PYVM_SW_PARK && switch_direct(a, reason))
        return;
    pyvm_worker* w = a->worker; /* the one that switched a in: no thread-local lookup */
#ifdef PYVM_ASAN
    __sanitizer_start_switch_fiber(reason == PYVM_SW_EXIT ? NULL : &a->asan_fake_stack, w->stack_bottom,
                                   w->stack_size);
#endif
#ifdef PYVM_TSAN
    __tsan_switch_to_fiber(w->tsan_fiber, 0);
#endif
    pyvm_ctx_switch(&a->ctx, &w->sched_ctx);
    pyvm_sched_fiber_entered(a);
}

_Noreturn void pyvm_sched_overflow_switch(pyvm_worker* w, pyvm_actor* a) {
    a->switch_reason = PYVM_SW_OVERFLOW;
    pyvm_ctx abandoned;
#ifdef PYVM_ASAN
    __sanitizer_start_switch_fiber(NULL, w->stack_bottom, w->stack_size);
#endif
#ifdef PYVM_TSAN
    __tsan_switch_to_fiber(w->tsan_fiber, 0);
#endif
    pyvm_ctx_switch(&abandoned, &w->sched_ctx);
    abort();
}

/* ---- run queues ---- */

static void inject_push(pyvm_actor* a) {
    pthread_mutex_lock(&RT.inject_mu);
    a->qnext = NULL;
    if (RT.inject_tail)
        RT.inject_tail->qnext = a;
    else
        RT.inject_head = a;
    RT.inject_tail = a;
    /* relaxed: a hint for lock-free emptiness checks; the mutex orders the list itself
     * and the seq_cst fence in notify_work orders it against parking */
    atomic_fetch_add_explicit(&RT.inject_len, 1, memory_order_relaxed);
    pthread_mutex_unlock(&RT.inject_mu);
}

static pyvm_actor* inject_pop(void) {
    /* relaxed: a hint; a stale zero is caught by park's re-check after its fence */
    if (atomic_load_explicit(&RT.inject_len, memory_order_relaxed) == 0)
        return NULL;
    pthread_mutex_lock(&RT.inject_mu);
    pyvm_actor* a = RT.inject_head;
    if (a) {
        RT.inject_head = a->qnext;
        if (!RT.inject_head)
            RT.inject_tail = NULL;
        /* relaxed: see inject_push */
        atomic_fetch_sub_explicit(&RT.inject_len, 1, memory_order_relaxed);
    }
    pthread_mutex_unlock(&RT.inject_mu);
    return a;
}

static void wake_worker(pyvm_worker* w, bool popped_already);

static void pin_push(pyvm_worker* w, pyvm_actor* a) {
    pthread_mutex_lock(&w->pin_mu);
    a->qnext = NULL;
    if (w->pin_tail)
        w->pin_tail->qnext = a;
    else
        w->pin_head = a;
    w->pin_tail = a;
    /* relaxed: a hint, as inject_len */
    atomic_fetch_add_explicit(&w->pin_len, 1, memory_order_relaxed);
    pthread_mutex_unlock(&w->pin_mu);
    if (w != pyvm_sched_worker())
        wake_worker(w, false);
}

static pyvm_actor* pin_pop(pyvm_worker* w) {
    /* relaxed: a hint, as inject_len */
    if (atomic_load_explicit(&w->pin_len, memory_order_relaxed) == 0)
        return NULL;
    pthread_mutex_lock(&w->pin_mu);
    pyvm_actor* a = w->pin_head;
    if (a) {
        w->pin_head = a->qnext;
        if (!w->pin_head)
            w->pin_tail = NULL;
        /* relaxed: a hint, as inject_len */
        atomic_fetch_sub_explicit(&w->pin_len, 1, memory_order_relaxed);
    }
    pthread_mutex_unlock(&w->pin_mu);
    return a;
}

static void det_push(pyvm_actor* a) {
    if (RT.det_len == RT.det_cap) {
        RT.det_cap = RT.det_cap ? RT.det_cap * 2 : 256;
        RT.det_q = realloc(RT.det_q, (size_t)RT.det_cap * sizeof *RT.det_q);
        if (!RT.det_q)
            abort();
    }
    RT.det_q[RT.det_len++] = a;
}

static uint64_t xorshift(uint64_t* s) {
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Wakes one parked worker if nobody is looking for work already. */
static void notify_work(void) {
    /* seq_cst: Dekker's pattern with park(): our queue write (before this fence) against its
     * n_idle increment (before its fence); at least one side sees the other's write */
    atomic_thread_fence(memory_order_seq_cst);
    /* relaxed: ordered by the fence above */
    if (atomic_load_explicit(&RT.n_spinning, memory_order_relaxed) != 0)
        return;
    /* relaxed: ordered by the fence above */
    if (atomic_load_explicit(&RT.n_idle, memory_order_relaxed) == 0)
        return;
    pthread_mutex_lock(&RT.idle_mu);
    pyvm_worker* w = RT.nidle ? &RT.workers[RT.idle[--RT.nidle]] : NULL;
    if (w) {
        w->in_idle = false;
        /* relaxed: the idle list itself is under idle_mu; the counter mirrors it for the fast check */
        atomic_fetch_sub_explicit(&RT.n_idle, 1, memory_order_relaxed);
        /* relaxed: counted on the woken worker's behalf, so further notifies do not wake more */
        atomic_fetch_add_explicit(&RT.n_spinning, 1, memory_order_relaxed);
    }
    pthread_mutex_unlock(&RT.idle_mu);
    if (w)
        wake_worker(w, true);
}

/* A worker's own push: the same check without the fence. A parking worker can
 * then miss this push, but never lose it: the pushing worker drains its own
 * deque, and its next push wakes the sleeper. (The fence on every push was a
 * tenth of a spawn.) */
static void notify_work_hint(void) {
    /* relaxed: a hint, see above */
    if (atomic_load_explicit(&RT.n_spinning, memory_order_relaxed) != 0 ||
        /* relaxed: a hint */
        atomic_load_explicit(&RT.n_idle, memory_order_relaxed) == 0)
        return;
    notify_work();
}

/* (idle_mu) Takes w, listed as parked, off the idle list. */
static void idle_remove(pyvm_worker* w) {
    for (int i = 0; i < RT.nidle; i++)
        if (RT.idle[i] == w->index) {
            RT.idle[i] = RT.idle[--RT.nidle];
            break;
        }
    w->in_idle = false;
    /* relaxed: mirrors the list under idle_mu */
    atomic_fetch_sub_explicit(&RT.n_idle, 1, memory_order_relaxed);
}

/* Wakes w specifically (pinned work, stop). */
static void wake_worker(pyvm_worker* w, bool popped_already) {
    if (!popped_already) {
        bool popped = false;
        pthread_mutex_lock(&RT.idle_mu);
        if (w->in_idle) {
            idle_remove(w);
            popped = true;
            /* relaxed: counted on the woken worker's behalf (see notify_work) */
            atomic_fetch_add_explicit(&RT.n_spinning, 1, memory_order_relaxed);
        }
        pthread_mutex_unlock(&RT.idle_mu);
        if (!popped)
            return; /* running, or will see the work in park's re-check */
    }
    pthread_mutex_lock(&w->mu);
    w->wake = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void pyvm_sched_wake_all(void) {
    for (int i = 0; i < RT.nworkers; i++)
        wake_worker(&RT.workers[i], false);
}

static void push_local(pyvm_worker* w, pyvm_actor* a) {
    if (!pyvm_deque_push(&w->dq, a))
        inject_push(a); /* no memory for a bigger deque: the global queue has no limit */
}

enum { ENQ_NEW, ENQ_WAKE };

static void enqueue(pyvm_actor* a, int how) {
    pyvm_worker* w = pyvm_sched_worker();
    if (a->pin && !RT.det) {
        pin_push(&RT.workers[a->pin - 1], a);
        return;
    }
    if (!w) {
        inject_push(a);
        if (RT.det)
            wake_worker(&RT.workers[0], false);
        else
            notify_work();
        return;
    }
    if (RT.det) {
        det_push(a);
        return;
    }
    if (how == ENQ_WAKE && w->current) {
        pyvm_actor* old = w->runnext;
        w->runnext = a;
        if (!old)
            return;
        a = old;
    }
    push_local(w, a);
    if (RT.nworkers > 1) /* a lone worker is awake: it is the caller */
        notify_work_hint();
}

void pyvm_sched_spawned(pyvm_actor* a) {
    enqueue(a, ENQ_NEW);
}

void pyvm_sched_wake(pyvm_actor* a) {
    /* seq_cst: the waker's side of take_actor's Dekker pattern: our message push (before this
     * fence) against the actor's RUNNING (before its mailbox loads); if we still see QUEUED or
     * NOTIFIED below, its next mailbox look sees our message */
    atomic_thread_fence(memory_order_seq_cst);
    /* acquire: pairs with the release of whoever set the state we act on */
    int s = atomic_load_explicit(&a->run_state, memory_order_acquire);
    for (;;) {
        if (s == PYVM_RS_WAITING) {
            /* acq_rel: we take ownership of scheduling a (acquire) and publish our message
             * push, sequenced before, to whoever dequeues it (release) */
            if (atomic_compare_exchange_weak_explicit(&a->run_state, &s, PYVM_RS_QUEUED, memory_order_acq_rel,
                                                      memory_order_acquire)) {
                enqueue(a, ENQ_WAKE);
                return;
            }
        } else if (s == PYVM_RS_RUNNING) {
            /* acq_rel: the scheduler's failing CAS RUNNING->WAITING reads this with acquire,
             * so the actor sees our message push when it re-checks its mailbox */
            if (atomic_compare_exchange_weak_explicit(&a->run_state, &s, PYVM_RS_NOTIFIED, memory_order_acq_rel,
                                                      memory_order_acquire))
                return;
        } else if (s == PYVM_RS_HIBERNATING) {
            /* acq_rel: the sweeper's failing CAS HIBERNATING->WAITING reads this with acquire and
             * hands a, with our message push, to its next runner */
            if (atomic_compare_exchange_weak_explicit(&a->run_state, &s, PYVM_RS_HIB_WOKEN, memory_order_acq_rel,
                                                      memory_order_acquire))
                return;
        } else {
            return; /* queued, already notified, or dead */
        }
    }
}

void pyvm_sched_enqueue_woken(pyvm_actor* a) {
    enqueue(a, ENQ_WAKE);
}

/* ---- the actor side ---- */

static pyvm_actor* need_actor(const char* what) {
    pyvm_actor* a = pyvm_actor_current();
    if (!a)
        pyvm_raisef(PYVM_EXC_RUNTIME, "%s outside an actor", what);
    return a;
}

void pyvm_sched_yield(void) {
    pyvm_actor* a = need_actor("yield");
    switch_out(a, PYVM_SW_YIELD);
    /* acquire: pairs with the release of the signal's sender */
    if (atomic_load_explicit(&a->sig_pending, memory_order_acquire))
        pyvm_actor_drain(a);
}

void pyvm_actor_yield(void) __attribute__((alias("pyvm_sched_yield")));

void pyvm_sched_park(void) {
    switch_out(need_actor("receive"), PYVM_SW_PARK);
}

_Noreturn void pyvm_sched_exit(void) {
    switch_out(pyvm_actor_current(), PYVM_SW_EXIT);
    abort(); /* an exited actor is never resumed */
}

/* Deterministic mode's virtual clock counts CPU work as well as waiting: a time slice spent to the
 * end costs this much virtual time, so an actor sleeping beside busy ones (which never leave the
 * run queue empty, the only other moment time moves) still wakes. Blocking costs nothing. */
#define DET_SLICE_NS 50000

static void slice_spent(pyvm_actor* a) {
    /* acquire: pairs with the release of the signal's sender */
    if (atomic_load_explicit(&a->sig_pending, memory_order_acquire))
        pyvm_actor_drain(a);
    if (RT.det)
        RT.vclock += DET_SLICE_NS; /* one worker in deterministic mode: no other writer */
    switch_out(a, PYVM_SW_YIELD);
    /* acquire: as above */
    if (atomic_load_explicit(&a->sig_pending, memory_order_acquire))
        pyvm_actor_drain(a);
}

void pyvm_safepoint(void) {
    pyvm_actor* a = pyvm_actor_current();
    if (a && --a->reductions <= 0)
        slice_spent(a);
}

void pyvm_sched_charge_actor(pyvm_actor* a, int n) {
    if ((a->reductions -= n) <= 0)
        slice_spent(a);
}

void pyvm_sched_charge(int n) {
    pyvm_actor* a = pyvm_actor_current();
    if (a && (a->reductions -= n) <= 0)
        slice_spent(a);
}

/* ---- the scheduler side ---- */

static void fail_start(pyvm_worker* w, pyvm_actor* a, const char* why) {
    a->exit_reason = strdup(why);
    pyvm_stats_add(PYVM_STAT_CRASHED, 1);
    pyvm_actor_finish(a, w->index);
}

/* Gives a new actor its stack, heap and context; false if it did not start:
 * it has been finished with a MemoryError, or (TSan builds) it waits for a
 * fiber and will be enqueued again. */
static bool start_actor(pyvm_worker* w, pyvm_actor* a) {
#ifdef PYVM_TSAN
    /* TSan can track only so many fibers (tsan_fibers.c): past the budget the actor waits,
     * QUEUED, for one to be destroyed, and is enqueued again then. */
    if (!pyvm_tsan_fiber_admit(a))
        return false;
#endif
    a->started = true;
    a->stack = pyvm_stack_acquire();
    if (!a->stack) {
        fail_start(w, a, "MemoryError: cannot map a stack for a new actor");
        return false;
    }
    if (pyvm_sched_heap_module()) {
        a->heap = pyvm_sched_heap_new(a->heap_initial, a->heap_max, a->stack);
        if (!a->heap) {
            fail_start(w, a, "MemoryError: cannot create the heap of a new actor");
            return false;
        }
    }
    pyvm_ctx_make(&a->ctx, a->stack->lo, a->stack->hi, pyvm_actor_entry, a);
    return true;
}

static pyvm_actor* find_work(pyvm_worker* w, bool* inherit);

/* Requeues an actor that yielded. */
static void requeue(pyvm_worker* w, pyvm_actor* a) {
    /* relaxed: we own a; the queue hand-off publishes */
    atomic_store_explicit(&a->run_state, PYVM_RS_QUEUED, memory_order_relaxed);
    if (RT.det) {
        det_push(a);
    } else if (a->pin) {
        pin_push(w, a);
    } else {
        push_local(w, a);
        /* Alone in the deque it runs next anyway: nothing for another worker, and
         * notify_work's fence would be a third of a yield. */
        if (RT.nworkers > 1 && pyvm_deque_size(&w->dq) > 1)
            notify_work_hint();
    }
}

/* Makes a, owned by the caller (RUNNING or NOTIFIED), w's running actor:
 * its stack back if it hibernates, its slice, its thread-local state and
 * heap. Runs on whatever stack w's thread is on (the loop's, or the previous
 * actor's in a direct switch). */
static void enter_actor(pyvm_worker* w, pyvm_actor* a, bool inherit) {
    if (a->hib_saved)
        pyvm_hibernate_thaw(w, a);
    /* relaxed: a hint for the hibernation sweeps (hibernate.c) */
    if (atomic_load_explicit(&a->idle_mark, memory_order_relaxed) != PYVM_IDLE_RAN)
        /* relaxed: as above */
        atomic_store_explicit(&a->idle_mark, PYVM_IDLE_RAN, memory_order_relaxed);
    a->reductions = inherit ? w->slice_left : RT.reductions;
    w->current = a;
    a->worker = w;
    set_current(a);
    set_tstate(&a->tstate);
    pyvm_sched_heap_enter(a->heap);
}

/* The running actor a has stopped running on w (its heap stays current
 * until the next one enters). */
static void leave_actor(pyvm_worker* w, pyvm_actor* a) {
    set_tstate(w->own_tstate);
    set_current(NULL);
    w->current = NULL;
    w->slice_left = a->reductions;
    pyvm_stats_add_to(w->stats, PYVM_STAT_SWITCHES, 1);
    if (a->sent | a->received) {
        pyvm_stats_add_to(w->stats, PYVM_STAT_SENT, a->sent);
        pyvm_stats_add_to(w->stats, PYVM_STAT_RECEIVED, a->received);
        a->sent = a->received = 0;
    }
}

/* Takes a queued actor for w: RUNNING, started (false: it could not start,
 * and was dealt with: finished with a MemoryError, or under TSan queued to
 * wait for a fiber). */
static bool take_actor(pyvm_worker* w, pyvm_actor* a) {
    /* seq_cst: Dekker's pattern with pyvm_sched_wake. The actor is about to look at its mailbox;
     * a waker that pushed a message and then still sees QUEUED returns without doing anything,
     * so RUNNING must be visible before this actor's mailbox loads (a plain store could wait in
     * the store buffer past them: the message missed, the actor parked with it queued). */
    atomic_exchange_explicit(&a->run_state, PYVM_RS_RUNNING, memory_order_seq_cst);
    return a->started || start_actor(w, a);
}

/* An actor that just stopped running, once nothing runs on its stack any
 * more: back in the run queue (yield), or waiting (park; or, woken while it
 * switched away, back in the queue). */
static void put_away(pyvm_worker* w, pyvm_actor* a, int reason) {
    if (reason == PYVM_SW_YIELD) {
        requeue(w, a);
        return;
    }
    int expect = PYVM_RS_RUNNING;
    /* acq_rel on success: publishes the actor's writes (its saved context included) to its next
     * runner; acquire on failure: NOTIFIED was set by a waker whose message push we must see */
    if (!atomic_compare_exchange_strong_explicit(&a->run_state, &expect, PYVM_RS_WAITING, memory_order_acq_rel,
                                                 memory_order_acquire))
        requeue(w, a); /* woken meanwhile: it re-checks its mailbox when it runs */
}

/* (on the new actor's stack, right after a direct switch) */
static void after_handoff(pyvm_worker* w) {
    pyvm_actor* prev = w->handoff;
    w->handoff = NULL;
    put_away(w, prev, w->handoff_reason);
}

/* Actor side, yield or park: picks the next actor here and switches to it
 * directly, one context switch instead of two through the loop's stack
 * (which was most of a yield). The actor left behind is published (requeued
 * or parked) by the next one once this stack is no longer in use
 * (after_handoff). False: to the scheduler instead (nothing to run, or a
 * park whose successor could not start); true after a yield with nothing
 * else to run: a goes on at once. */
static bool switch_direct(pyvm_actor* a, int reason) {
    /* The scheduler's code runs on a's stack here: never near its end, where an overflow in
     * the middle of a queue operation would abandon it half done. */
    if (RT.det || (char*)__builtin_frame_address(0) - a->stack->lo < DIRECT_HEADROOM)
        return false;
    pyvm_worker* w = a->worker;
    w->slice_left = reason == PYVM_SW_YIELD ? 0 : a->reductions; /* a yield ends the slice */
    bool inherit;
    pyvm_actor* next = find_work(w, &inherit);
    if (!next) {
        if (reason != PYVM_SW_YIELD)
            return false;
        a->reductions = RT.reductions; /* nothing else to run: a goes on, with a new slice */
        return true;
    }
    leave_actor(w, a);
    if (!take_actor(w, next)) {
        enter_actor(w, a, false);
        return reason == PYVM_SW_YIELD;
    }
    enter_actor(w, next, inherit);
    w->handoff = a;
    w->handoff_reason = reason;
#ifdef PYVM_ASAN
    w->direct = true;
    __sanitizer_start_switch_fiber(&a->asan_fake_stack, next->stack->lo, (size_t)(next->stack->hi - next->stack->lo));
#endif
#ifdef PYVM_TSAN
    __tsan_switch_to_fiber(next->tsan_fiber, 0);
#endif
    pyvm_ctx_switch(&a->ctx, &next->ctx);
    pyvm_sched_fiber_entered(a);
    return true;
}

/* Runs a (just taken from a queue), then whatever this worker picks next
 * when the running actor comes back here: an actor switches to its successor
 * directly when it can (switch_direct), so the loop sees yields and parks
 * only when that failed, and every exit. It picks the next actor while the
 * previous one's heap is still current, so the heap goes straight from one
 * to the other, and hands the previous one to others (requeued, or parked,
 * where a waker may enqueue it anywhere) only after its heap stopped being
 * current here, as pyvm_heap_set_current requires. */
static void run_actor(pyvm_worker* w, pyvm_actor* a, bool inherit) {
    if (!take_actor(w, a))
        return;
    enter_actor(w, a, inherit);
    for (;;) {
        switch_to_actor(w, a);
        a = w->current; /* the one that came back: direct switches may have run others meanwhile */
        leave_actor(w, a);
        int reason = a->switch_reason;
        if (reason != PYVM_SW_YIELD && reason != PYVM_SW_PARK) {
            pyvm_sched_heap_enter(NULL);
            if (reason == PYVM_SW_OVERFLOW) {
                char banner[96];
                pyvm_actor_banner(banner, sizeof banner, a);
                pyvm_write_traceback(banner, a->tstate.top, PYVM_EXC_RECURSION, "maximum recursion depth exceeded");
                free(a->exit_reason);
                a->exit_reason = strdup("RecursionError: maximum recursion depth exceeded");
                pyvm_stats_add(PYVM_STAT_CRASHED, 1);
            }
            pyvm_actor_finish(a, w->index);
            return;
        }
        if (reason == PYVM_SW_YIELD)
            w->slice_left = 0; /* a yield ends the slice: runnext must not inherit it */
        bool next_inherit = false;
        pyvm_actor* next = RT.det ? NULL : find_work(w, &next_inherit);
        if (!next && reason == PYVM_SW_YIELD && !RT.det) {
            enter_actor(w, a, false); /* nothing else to run: the yielder goes on */
            continue;
        }
        pyvm_sched_heap_enter(next ? next->heap : NULL); /* a's heap stops being current here */
        if (reason == PYVM_SW_YIELD) {
            requeue(w, a);
        } else {
            int expect = PYVM_RS_RUNNING;
            /* acq_rel on success: publishes the actor's writes to its next runner; acquire on
             * failure: NOTIFIED was set by a waker whose message push we must see */
            if (!atomic_compare_exchange_strong_explicit(&a->run_state, &expect, PYVM_RS_WAITING,
                                                         memory_order_acq_rel, memory_order_acquire)) {
                /* Woken meanwhile: a goes on, and the actor picked for after it waits in front. */
                /* seq_cst: a re-checks its mailbox next; as in take_actor */
                atomic_exchange_explicit(&a->run_state, PYVM_RS_RUNNING, memory_order_seq_cst);
                if (next) {
                    if (!w->runnext)
                        w->runnext = next;
                    else
                        push_local(w, next);
                }
                enter_actor(w, a, w->slice_left > 0);
                continue;
            }
        }
        if (!next || !take_actor(w, next))
            return;
        a = next;
        enter_actor(w, a, next_inherit);
    }
}

enum { EXIT_BATCH = 256 };

static void flush_exits(pyvm_worker* w) {
    int64_t n = w->exits;
    w->exits = 0;
    pyvm_actor_live_sub(n);
}

void pyvm_sched_count_exit(int index) {
    pyvm_worker* w = index >= 0 && index < RT.nworkers ? &RT.workers[index] : NULL;
    if (!w) {
        pyvm_actor_live_sub(1);
        return;
    }
    if (++w->exits >= EXIT_BATCH)
        flush_exits(w);
}

static pyvm_actor* take_own(pyvm_worker* w) {
    for (;;) {
        bool lost;
        pyvm_actor* a = pyvm_deque_take_own(&w->dq, &lost);
        if (a || !lost)
            return a;
    }
}

static pyvm_actor* steal(pyvm_worker* w) {
    int n = RT.nworkers;
    if (n < 2)
        return NULL;
    int start = (int)(xorshift(&w->rng) % (uint64_t)n);
    for (int k = 0; k < n; k++) {
        pyvm_worker* v = &RT.workers[(start + k) % n];
        if (v == w)
            continue;
        for (int tries = 0; tries < 4; tries++) {
            bool lost;
            pyvm_actor* got[STEAL_MAX];
            int k = pyvm_deque_steal(&v->dq, (void**)got, STEAL_MAX, &lost);
            if (k > 0) {
                for (int i = 1; i < k; i++)
                    push_local(w, got[i]); /* the rest wait here, in their order */
                pyvm_stats_add_to(w->stats, PYVM_STAT_STEALS, k);
                return got[0];
            }
            if (!lost)
                break;
        }
    }
    return NULL;
}

static void fire_timers(void) {
    int64_t next = pyvm_timer_next();
    if (next != INT64_MAX && next <= pyvm_sched_now())
        pyvm_timer_fire(pyvm_sched_now());
}

static pyvm_actor* find_work(pyvm_worker* w, bool* inherit) {
    *inherit = false;
    w->tick++;
    fire_timers();
    pyvm_actor* a = pin_pop(w);
    if (a)
        return a;
    if (w->tick % GLOBAL_QUEUE_EVERY == 0 && (a = inject_pop()))
        return a;
    if (w->runnext) {
        a = w->runnext;
        w->runnext = NULL;
        if (w->slice_left > 0) {
            *inherit = true;
            return a;
        }
        push_local(w, a); /* slice spent: to the back, behind everyone waiting */
    }
    if ((a = take_own(w)) || (a = inject_pop()) || (a = steal(w)))
        return a;
    return NULL;
}

static pyvm_actor* det_pick(void) {
    for (;;) {
        pyvm_actor* in;
        while ((in = inject_pop()))
            det_push(in);
        pyvm_timer_fire(RT.vclock);
        if (RT.det_len > 0) {
            int64_t i = (int64_t)(xorshift(&RT.det_rng) % (uint64_t)RT.det_len);
            pyvm_actor* a = RT.det_q[i];
            RT.det_q[i] = RT.det_q[--RT.det_len];
            return a;
        }
        int64_t next = pyvm_timer_next();
        if (next == INT64_MAX)
            return NULL;
        if (next > RT.vclock)
            RT.vclock = next; /* nothing can run before the next timeout: time jumps there */
    }
}

/* Is there anything this worker could run? (loads only; used after the parking fence) */
static bool work_visible(pyvm_worker* w) {
    /* relaxed: hints re-checked under locks or by a take */
    if (atomic_load_explicit(&RT.inject_len, memory_order_relaxed) ||
        /* relaxed: as above */
        atomic_load_explicit(&w->pin_len, memory_order_relaxed))
        return true;
    if (RT.det)
        return RT.det_len > 0;
    for (int i = 0; i < RT.nworkers; i++)
        if (pyvm_deque_size(&RT.workers[i].dq))
            return true;
    int64_t next = pyvm_timer_next();
    return next != INT64_MAX && next <= pyvm_sched_now();
}

void pyvm_sched_external(int delta) {
    if (pyvm_sched_worker())
        return;
    /* seq_cst: ordered with the live count and the queues, which check_deadlock reads in the
     * opposite order (live, this, queues) */
    atomic_fetch_add_explicit(&RT.external_ops, delta, memory_order_seq_cst);
}

static void check_deadlock(pyvm_worker* w) {
    /* relaxed: a flag set before the actors it concerns exist, cleared at stop */
    if (!atomic_load_explicit(&RT.detect_deadlock, memory_order_relaxed) && !RT.det)
        return;
    /* relaxed: only a hint; the decisive checks follow */
    if (atomic_load_explicit(&RT.n_idle, memory_order_relaxed) != RT.nworkers)
        return;
    if (pyvm_timer_next() != INT64_MAX || pyvm_actor_live() == 0)
        return;
    /* seq_cst: see pyvm_sched_external */
    if (atomic_load_explicit(&RT.external_ops, memory_order_seq_cst) != 0 || work_visible(w))
        return;
    for (int i = 0; i < RT.nworkers; i++)
        if (pyvm_deque_size(&RT.workers[i].dq) || (RT.det && RT.det_len))
            return;
    pthread_mutex_lock(&RT.live_mu);
    RT.deadlock = true;
    pthread_cond_broadcast(&RT.live_cv);
    pthread_mutex_unlock(&RT.live_mu);
}

static void park(pyvm_worker* w) {
    pthread_mutex_lock(&RT.idle_mu);
    RT.idle[RT.nidle++] = w->index;
    w->in_idle = true;
    /* seq_cst: the parking side of notify_work's Dekker pattern */
    atomic_fetch_add_explicit(&RT.n_idle, 1, memory_order_seq_cst);
    pthread_mutex_unlock(&RT.idle_mu);
    if (w->spinning) {
        w->spinning = false;
        /* relaxed: a heuristic count; the fence below orders what matters */
        atomic_fetch_sub_explicit(&RT.n_spinning, 1, memory_order_relaxed);
    }
    /* seq_cst: see notify_work */
    atomic_thread_fence(memory_order_seq_cst);
    /* acquire: pairs with the release store in pyvm_actors_stop */
    if (!work_visible(w) && !atomic_load_explicit(&RT.stopping, memory_order_acquire)) {
        check_deadlock(w);
        pyvm_stats_add(PYVM_STAT_PARKS, 1);
        pthread_mutex_lock(&w->mu);
        /* acquire: as above */
        while (!w->wake && !atomic_load_explicit(&RT.stopping, memory_order_acquire)) {
            int64_t next = RT.det ? INT64_MAX : pyvm_timer_next();
            if (!RT.det && pyvm_hibernate_next() < next)
                next = pyvm_hibernate_next();
            if (next == INT64_MAX) {
                pthread_cond_wait(&w->cv, &w->mu);
                continue;
            }
            int64_t now = pyvm_sched_now();
            if (next <= now)
                break;
            struct timespec ts = {(time_t)(next / 1000000000), (long)(next % 1000000000)};
            if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT)
                break;
        }
        pthread_mutex_unlock(&w->mu);
    }
    bool popped;
    pthread_mutex_lock(&RT.idle_mu);
    if (w->in_idle) {
        idle_remove(w);
        popped = false;
    } else {
        popped = true;
    }
    pthread_mutex_unlock(&RT.idle_mu);
    pthread_mutex_lock(&w->mu);
    while (popped && !w->wake)
        pthread_cond_wait(&w->cv, &w->mu); /* the waker is about to set it */
    w->wake = false;
    pthread_mutex_unlock(&w->mu);
    if (!popped)
        /* relaxed: heuristic count (a popped worker was counted by its waker) */
        atomic_fetch_add_explicit(&RT.n_spinning, 1, memory_order_relaxed);
    w->spinning = true;
}

/* Spins up to SPIN_NS for work to show up; true if some did. */
static bool spin(pyvm_worker* w) {
    if (!w->spinning) {
        /* relaxed: heuristic: a bound on spinners (all may spin: the spin is short) */
        int s = atomic_load_explicit(&RT.n_spinning, memory_order_relaxed);
        if (s >= RT.nworkers)
            return false;
        w->spinning = true;
        /* relaxed: heuristic count */
        atomic_fetch_add_explicit(&RT.n_spinning, 1, memory_order_relaxed);
    }
    int64_t until = pyvm_sched_now() + SPIN_NS;
    do {
        for (int i = 0; i < 8; i++)
            cpu_relax();
        if (work_visible(w))
            return true;
    /* acquire: pairs with the release store in pyvm_actors_stop */
    } while (pyvm_sched_now() < until && !atomic_load_explicit(&RT.stopping, memory_order_acquire));
    return false;
}

void* pyvm_sched_worker_main(void* arg) {
    pyvm_worker* w = arg;
    pyvm_sched_set_worker(w);
    pyvm_stats_bind(w->index);
    w->stats = pyvm_stats_block_of(w->index);
    pyvm_overflow_thread_init(w);
#ifdef PYVM_TSAN
    w->tsan_fiber = __tsan_get_current_fiber();
#endif
    w->own_tstate = pyvm_tstate_current_ptr;
    w->spinning = false;
    /* acquire: pairs with the release store in pyvm_actors_stop */
    while (!atomic_load_explicit(&RT.stopping, memory_order_acquire)) {
        bool inherit = false;
        pyvm_actor* a = RT.det ? det_pick() : find_work(w, &inherit);
        if (a) {
            if (w->spinning) {
                w->spinning = false;
                /* relaxed: heuristic count; the last spinner to find work wakes another
                 * worker in case more work is waiting (notify_work has the fence) */
                if (atomic_fetch_sub_explicit(&RT.n_spinning, 1, memory_order_relaxed) == 1)
                    notify_work();
            }
            run_actor(w, a, inherit);
            continue;
        }
        flush_exits(w); /* out of work: the live count must be exact before we idle */
        if (!RT.det && (spin(w) || pyvm_hibernate_idle(w)))
            continue;
        park(w);
    }
    flush_exits(w);
    if (w->spinning) {
        w->spinning = false;
        /* relaxed: heuristic count */
        atomic_fetch_sub_explicit(&RT.n_spinning, 1, memory_order_relaxed);
    }
    pyvm_overflow_thread_fini(w);
    pyvm_stats_bind(-1);
    pyvm_sched_set_worker(NULL);
    return NULL;
}
