/* Actors: records and pids, spawn, the green thread's entry and exit, exit
 * signals. Links and monitors are in links.c, the registry in registry.c. */
#include "actor.h"

#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <sys/mman.h>
#include <string.h>

#include "../sched/sched.h"
#include "../sched/stats.h"
#include "../sched/timer.h"
#include "../sched/worker.h"
#include "../core/magazine.h"
#include "../core/sanitizers.h"

#ifdef PYVM_ASAN
#include <sanitizer/asan_interface.h>
#define POISON_BODY(a) ASAN_POISON_MEMORY_REGION((char*)(a) + BODY_OFF, BODY_LEN)
#define UNPOISON_BODY(a) ASAN_UNPOISON_MEMORY_REGION((char*)(a) + BODY_OFF, BODY_LEN)
#else
#define POISON_BODY(a) ((void)(a))
#define UNPOISON_BODY(a) ((void)(a))
#endif

/* ---- actor records and pids ----
 *
 * Records are carved from chunks of RECORDS_PER_CHUNK that are never unmapped
 * while the runtime runs (type-stable memory, like Erlang's process table):
 * record i lives at directory[i / RECORDS_PER_CHUNK] + i % RECORDS_PER_CHUNK,
 * and a pid is (generation << 32) | (i + 1), the generation counting the
 * actors the record has held. So a pid finds its record with two loads and
 * no lock, spawn and exit touch no shared table, and a stale pid (its record
 * reused) fails the comparison with the record's current pid. A lookup takes
 * a reference only on a record whose count is not zero (a free record stays
 * free), then checks the pid: a record recycled meanwhile is let go again.
 * Free records recycle through magazines (core/magazine.h); destroy zeroes
 * them where they die, since that core has them in its cache. */

enum { RECORDS_PER_CHUNK = 4096, DIRECTORY_CHUNKS = 16384 }; /* up to 67M records */

static pyvm_actor* _Atomic directory[DIRECTORY_CHUNKS];
static pthread_mutex_t directory_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t carved; /* (directory_mu) records carved so far */

/* Free records: an unbounded depot (a record is never freed on its own). */
static pyvm_depot record_depot = PYVM_DEPOT_INIT(INT64_MAX, NULL);
static _Thread_local pyvm_magazine* record_magazine;

/* Out of line: records are taken and given back on green threads too, which
 * may resume on another OS thread, so the TLS address is computed afresh. */
__attribute__((noinline)) static pyvm_magazine** records(void) { return &record_magazine; }

/* The bytes destroy zeroes and ASan poisons: all but the pid and count at the
 * front and the index and generation at the back. */
#define BODY_OFF offsetof(pyvm_actor, run_state)
#define BODY_LEN (offsetof(pyvm_actor, index) - BODY_OFF)

/* A batch of never-used records: one is returned, the rest go to the magazine. */
static pyvm_actor* carve_records(void) {
    enum { BATCH = 32 };
    pyvm_actor* got[BATCH];
    int n = 0;
    pthread_mutex_lock(&directory_mu);
    while (n < BATCH) {
        int64_t i = carved;
        int64_t c = i / RECORDS_PER_CHUNK;
        if (c >= DIRECTORY_CHUNKS)
            break;
        pyvm_actor* chunk = atomic_load_explicit(&directory[c], memory_order_relaxed);
        if (!chunk) {
            chunk = mmap(NULL, RECORDS_PER_CHUNK * sizeof(pyvm_actor), PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
            if (chunk == MAP_FAILED)
                break;
            /* release: a lookup that loads the chunk sees it mapped (zero pages: refs 0, free) */
            atomic_store_explicit(&directory[c], chunk, memory_order_release);
        }
        pyvm_actor* a = &chunk[i % RECORDS_PER_CHUNK];
        a->index = (uint32_t)i;
        carved++;
        got[n++] = a;
    }
    pthread_mutex_unlock(&directory_mu);
    if (n == 0)
        return NULL;
    for (int i = 0; i < n; i++)
        pyvm_mag_count_new(records(), &record_depot);
    for (int i = 1; i < n; i++)
        pyvm_mag_put(records(), &record_depot, got[i]);
    return got[0];
}

/* A zeroed record (pid and count 0) for a new actor. */
static pyvm_actor* record_new(void) {
    pyvm_actor* a = pyvm_mag_get(records(), &record_depot);
    if (!a)
        a = carve_records();
    if (a)
        UNPOISON_BODY(a);
    return a;
}

static pyvm_pid pid_of(const pyvm_actor* a) {
    return ((pyvm_pid)a->generation << 32) | ((pyvm_pid)a->index + 1);
}

void pyvm_actor_records_drain(void) {
    pyvm_mag_flush(records());
    if (pyvm_depot_out(&record_depot, records()) != 0)
        return; /* a record is still held: the chunks stay (the leak checks report it) */
    pyvm_depot_drain(&record_depot);
    pthread_mutex_lock(&directory_mu);
    for (int64_t c = 0; c * RECORDS_PER_CHUNK < carved; c++) {
        munmap(atomic_load_explicit(&directory[c], memory_order_relaxed), RECORDS_PER_CHUNK * sizeof(pyvm_actor));
        /* relaxed: no lookup runs once every actor is gone and the workers stopped */
        atomic_store_explicit(&directory[c], NULL, memory_order_relaxed);
    }
    carved = 0;
    pthread_mutex_unlock(&directory_mu);
}

/* Each on a cache line of its own: every worker bumps live, and sharing a line
 * with other hot data made it a cache miss. */
static _Alignas(64) _Atomic int64_t live;

void pyvm_actor_ref(pyvm_actor* a) {
    /* relaxed: taking a reference needs no ordering, the holder already has a valid pointer */
    atomic_fetch_add_explicit(&a->refs, 1, memory_order_relaxed);
}

static void discard(pyvm_msg* m) {
    if (m->kind == PYVM_MSG_VALUE)
        pyvm_stats_add(PYVM_STAT_DISCARDED, 1);
    pyvm_message_free(m);
}

static void destroy(pyvm_actor* a) {
    pyvm_msg* m;
    while ((m = pyvm_mpsc_pop(&a->queue)))
        discard(m); /* sent between the receiver's teardown and the sender's last reference */
    /* relaxed: refs is 0, so no lookup will look at anything else of this record */
    atomic_store_explicit(&a->pid, 0, memory_order_relaxed);
    /* Zeroed here, where the record is still in this core's cache, not by the next spawn,
     * which may run on another core (a memset there was a third of spawn's own time). */
    memset((char*)a + BODY_OFF, 0, BODY_LEN);
    POISON_BODY(a); /* ASan: a use after the end is reported (the pid and count stay readable) */
    pyvm_mag_put(records(), &record_depot, a);
}

void pyvm_actor_unref(pyvm_actor* a) {
    /* acq_rel: release our uses of a to whoever frees it; the last one acquires them all */
    if (atomic_fetch_sub_explicit(&a->refs, 1, memory_order_acq_rel) == 1)
        destroy(a);
}

pyvm_actor* pyvm_actor_lookup(pyvm_pid pid) {
    uint64_t i = (uint32_t)pid - 1ull;
    if (!(uint32_t)pid || i / RECORDS_PER_CHUNK >= DIRECTORY_CHUNKS)
        return NULL;
    /* acquire: pairs with the release in carve_records (the chunk is mapped) */
    pyvm_actor* chunk = atomic_load_explicit(&directory[i / RECORDS_PER_CHUNK], memory_order_acquire);
    if (!chunk)
        return NULL;
    pyvm_actor* a = &chunk[i % RECORDS_PER_CHUNK];
    /* relaxed: only a hint; the compare-and-swap decides */
    int64_t r = atomic_load_explicit(&a->refs, memory_order_relaxed);
    do {
        if (r <= 0)
            return NULL; /* free: no actor there now */
    /* acquire: pairs with the release store of refs at spawn, so the record's fields (its pid
     * first) are those of the actor the reference is taken on */
    } while (!atomic_compare_exchange_weak_explicit(&a->refs, &r, r + 1, memory_order_acquire,
                                                    memory_order_relaxed));
    /* relaxed: ordered by the acquire above */
    /* relaxed: ordered by the acquire above; acquire: pairs with the release store of DEAD */
    if (atomic_load_explicit(&a->pid, memory_order_relaxed) != pid ||
        atomic_load_explicit(&a->run_state, memory_order_acquire) == PYVM_RS_DEAD) {
        pyvm_actor_unref(a); /* the record holds another actor now, or a dead one */
        return NULL;
    }
    return a;
}

int64_t pyvm_actor_live(void) {
    /* acquire: pairs with the release decrement in pyvm_actor_finish, so a waiter that sees 0
     * also sees every teardown */
    return atomic_load_explicit(&live, memory_order_acquire);
}

int64_t pyvm_actor_records_carved(void) {
    pthread_mutex_lock(&directory_mu);
    int64_t n = carved;
    pthread_mutex_unlock(&directory_mu);
    return n;
}

pyvm_actor* pyvm_actor_record(int64_t i) {
    /* acquire: pairs with the release in carve_records (the chunk is mapped) */
    pyvm_actor* chunk = atomic_load_explicit(&directory[i / RECORDS_PER_CHUNK], memory_order_acquire);
    return &chunk[i % RECORDS_PER_CHUNK];
}

void pyvm_actor_kill_all(void) {
    int64_t n = pyvm_actor_records_carved();
    for (int64_t i = 0; i < n; i++) {
        pyvm_actor* a = pyvm_actor_record(i);
        /* relaxed: as in pyvm_actor_lookup, which makes the reference safe to take */
        pyvm_pid pid = atomic_load_explicit(&a->pid, memory_order_relaxed);
        if (pid && (a = pyvm_actor_lookup(pid))) {
            pyvm_actor_signal_exit(a, 0, "kill", false);
            pyvm_actor_unref(a);
        }
    }
}

/* ---- spin lock for links and monitors: tiny critical sections ---- */

void pyvm_actor_lock(pyvm_actor* a) {
    /* acquire: the critical section must see the previous holder's writes */
    while (atomic_flag_test_and_set_explicit(&a->lock, memory_order_acquire))
        sched_yield();
}

void pyvm_actor_unlock(pyvm_actor* a) {
    /* release: publishes the critical section to the next holder */
    atomic_flag_clear_explicit(&a->lock, memory_order_release);
}

/* ---- spawn ---- */

/* "Actor <pid 0.N> crashed:", or <pid 0.N.G> as pids print (core/value.c).
 * Only a crash report needs it: formatting it at every spawn was a twentieth
 * of spawn + exit. */
void pyvm_actor_banner(char* out, size_t n, const void* who) {
    pyvm_pid pid = ((const pyvm_actor*)who)->pid;
    if (pid >> 32)
        snprintf(out, n, "Actor <pid 0.%u.%u> crashed:", (unsigned)(pid & 0xffffffffu), (unsigned)(pid >> 32));
    else
        snprintf(out, n, "Actor <pid 0.%u> crashed:", (unsigned)pid);
}

pyvm_pid pyvm_actor_spawn(pyvm_actor_fn fn, const pyvm_type* arg_type, pyvm_slot arg) {
    return pyvm_actor_spawn_opt(fn, arg_type, arg, NULL, NULL);
}

pyvm_pid pyvm_actor_spawn_opt(pyvm_actor_fn fn, const pyvm_type* arg_type, pyvm_slot arg,
                              const pyvm_spawn_opts* opts, int64_t* monitor_ref) {
    if (!pyvm_sched_running())
        return 0;
    /* Copy the argument first: a TypeError must leave nothing behind. */
    pyvm_msg* start = arg_type ? pyvm_message_encode(arg_type, arg) : NULL;
    return pyvm_actor_spawn_encoded(fn, start, arg, opts, monitor_ref);
}

pyvm_pid pyvm_actor_spawn_encoded(pyvm_actor_fn fn, pyvm_msg* start, pyvm_slot arg, const pyvm_spawn_opts* opts,
                                  int64_t* monitor_ref) {
    if (!pyvm_sched_running()) {
        pyvm_message_free(start);
        return 0;
    }
    static const pyvm_spawn_opts none;
    if (!opts)
        opts = &none;
    pyvm_actor* parent = pyvm_actor_current(); /* once: every thread-local lookup counts here */
    if (!parent)
        pyvm_sched_external(1);
    pyvm_actor* a = record_new();
    if (!a) {
        if (!parent)
            pyvm_sched_external(-1);
        pyvm_message_free(start);
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    }
    /* relaxed: published by the release store of refs below */
    atomic_store_explicit(&a->pid, pid_of(a), memory_order_relaxed);
    a->generation++; /* the record's next actor gets another pid */
    /* relaxed: as above */
    atomic_store_explicit(&a->run_state, PYVM_RS_QUEUED, memory_order_relaxed);
    atomic_flag_clear(&a->lock);
    pyvm_mpsc_init(&a->queue);
    a->fn = fn;
    a->start_arg = start;
    a->raw_arg = arg;
    a->arg_free = opts->arg_free;
    a->trap_exit = opts->trap_exit;
    a->pin = opts->pin_worker > 0 && opts->pin_worker <= pyvm_rt_state.nworkers ? opts->pin_worker : 0;
    a->heap_initial = opts->heap_initial ? opts->heap_initial : pyvm_sched_heap_initial();
    a->heap_max = opts->heap_max ? opts->heap_max : pyvm_sched_heap_max();
    a->parent = parent ? parent->pid : 0;
    a->reply_to = opts->reply_to;
    a->reply_tag = opts->reply_tag;
    a->deadline = INT64_MAX;
    a->timer_idx = -1;
    /* relaxed: a counter; pyvm_actors_wait re-reads it under live_mu after a broadcast */
    atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
    /* release: from here a lookup may take a reference, and must see the record complete */
    atomic_store_explicit(&a->refs, 1, memory_order_release);
    if (parent && opts->link)
        pyvm_actor_link_new(parent, a);
    if (parent && opts->monitor) {
        int64_t ref = pyvm_actor_monitor_new(parent, a);
        if (monitor_ref)
            *monitor_ref = ref;
    }
    pyvm_stats_add(PYVM_STAT_SPAWNED, 1);
    pyvm_pid pid = a->pid;
    pyvm_sched_spawned(a); /* from here on a may run, and even be gone */
    if (!parent)
        pyvm_sched_external(-1);
    return pid;
}

void pyvm_actor_set_cleanup(void (*fn)(void*), void* arg) {
    pyvm_actor* a = pyvm_actor_current();
    if (!a)
        pyvm_raise(PYVM_EXC_RUNTIME, "pyvm_actor_set_cleanup outside an actor");
    a->cleanup = fn;
    a->cleanup_arg = arg;
}

pyvm_pid pyvm_actor_self(void) {
    pyvm_actor* a = pyvm_actor_current();
    return a ? a->pid : 0;
}

/* ---- the green thread ---- */

char* pyvm_actor_reason_for(int kind, const char* message) {
    const char* name = pyvm_exc_name(kind);
    if (!name)
        name = "Exception";
    size_t n = strlen(name) + (message ? strlen(message) : 0) + 3;
    char* r = malloc(n);
    if (!r)
        return NULL;
    if (message && *message)
        snprintf(r, n, "%s: %s", name, message);
    else
        snprintf(r, n, "%s", name);
    return r;
}

void pyvm_actor_entry(void* p) {
    pyvm_actor* a = p;
    pyvm_sched_fiber_entered(a);
    pyvm_handler h;
    pyvm_try_enter_report(&h, pyvm_actor_banner, a);
    a->root_handler = &h;
    int r = setjmp(h.env);
    if (r == 0) {
        /* acquire: pairs with the release of the signal's sender */
        if (atomic_load_explicit(&a->sig_pending, memory_order_acquire))
            pyvm_actor_drain(a); /* killed before it ever ran */
        pyvm_slot arg = a->start_arg ? pyvm_message_decode(a->start_arg) : a->raw_arg;
        a->fn(&a->tstate, arg);
        pyvm_try_leave(&h); /* exit_reason stays NULL: "normal" */
    } else if (r == 1) {
        free(a->exit_reason);
        a->exit_reason = pyvm_actor_reason_for(a->tstate.exc_kind, a->tstate.exc_message);
        pyvm_stats_add(PYVM_STAT_CRASHED, 1);
    } else if (r == 2) {
        /* sys.exit(n) in an actor ends that actor: status 0 is a normal exit */
        char buf[48];
        int64_t status = a->tstate.exit_status;
        snprintf(buf, sizeof buf, "exit status %lld", (long long)status);
        free(a->exit_reason);
        a->exit_reason = strdup(status == 0 ? "normal" : buf);
    } /* r == 3: pyvm_actor_die set exit_reason */
    a->root_handler = NULL;
    pyvm_sched_exit();
}

_Noreturn void pyvm_actor_die(pyvm_actor* a, const char* reason) {
    char* copy = strdup(reason ? reason : "normal");
    free(a->exit_reason);
    a->exit_reason = copy;
    pyvm_handler* h = a->root_handler;
    pyvm_tstate* t = &a->tstate;
    t->top = h->top;
    t->depth = h->depth;
    t->handler = h->prev;
    longjmp(h->env, 3);
}

_Noreturn void pyvm_actor_exit(const char* reason) {
    pyvm_actor* a = pyvm_actor_current();
    if (!a)
        pyvm_raise(PYVM_EXC_RUNTIME, "pyvm_actor_exit outside an actor");
    pyvm_actor_die(a, reason);
}

/* ---- exit signals ---- */

const pyvm_type* pyvm_actor_exit_type(void) { return pyvm_message_exit_type(); }
const pyvm_type* pyvm_actor_down_type(void) { return pyvm_message_down_type(); }

void pyvm_actor_signal_exit(pyvm_actor* a, pyvm_pid from, const char* reason, bool via_link) {
    pyvm_msg* m = pyvm_message_raw(PYVM_MSG_EXIT, reason, strlen(reason) + 1);
    m->from = from;
    m->flags = via_link ? PYVM_MSG_VIA_LINK : 0;
    pyvm_mpsc_push(&a->queue, m);
    /* release: the owner's acquire load of the flag then sees the pushed signal */
    atomic_store_explicit(&a->sig_pending, 1, memory_order_release);
    pyvm_sched_wake(a);
}

static void inbox_append(pyvm_actor* a, pyvm_msg* m) {
    m->next = NULL;
    if (a->inbox_tail)
        a->inbox_tail->next = m;
    else
        a->inbox_head = m;
    a->inbox_tail = m;
    a->inbox_len++;
}

void pyvm_actor_drain(pyvm_actor* a) {
    /* Clear the flag before draining (a signal pushed after our drain sets it again). Most
     * drains find it clear: a plain load spares them the exchange (a locked instruction per
     * receive); a signal that raced past the load is in the queue and handled below anyway. */
    /* relaxed: the queue's own acquire loads order what we pop */
    if (atomic_load_explicit(&a->sig_pending, memory_order_relaxed))
        /* acq_rel: clear, and acquire the pushes of the senders that set it */
        atomic_exchange_explicit(&a->sig_pending, 0, memory_order_acq_rel);
    pyvm_msg* m;
    while ((m = pyvm_mpsc_pop(&a->queue))) {
        if (m->kind != PYVM_MSG_EXIT) {
            if (pyvm_links_swallow_down(a, m)) {
                pyvm_stats_add(PYVM_STAT_DISCARDED, 1); /* flushed by demonitor before it arrived */
                pyvm_message_free(m);
                continue;
            }
            inbox_append(a, m);
            continue;
        }
        const char* reason = (const char*)m->data;
        bool via_link = m->flags & PYVM_MSG_VIA_LINK;
        if (!via_link && strcmp(reason, "kill") == 0) {
            pyvm_message_free(m);
            pyvm_actor_die(a, "killed");
        }
        if (a->trap_exit) {
            pyvm_stats_add(PYVM_STAT_SENT, 1); /* a signal became a message */
            inbox_append(a, pyvm_message_exit_tuple(m->from, reason));
            pyvm_message_free(m);
            continue;
        }
        if (strcmp(reason, "normal") == 0 && m->from != a->pid) {
            pyvm_message_free(m);
            continue;
        }
        char buf[256];
        snprintf(buf, sizeof buf, "%s", reason);
        pyvm_message_free(m);
        pyvm_actor_die(a, buf);
    }
}

void pyvm_actor_kill(pyvm_pid pid, const char* reason) {
    pyvm_sched_external(1);
    pyvm_actor* a = pyvm_actor_lookup(pid);
    if (a) {
        pyvm_actor_signal_exit(a, pyvm_actor_self(), reason ? reason : "normal", false);
        pyvm_actor_unref(a);
    }
    pyvm_sched_external(-1);
}

bool pyvm_actor_alive(pyvm_pid pid) {
    pyvm_actor* a = pyvm_actor_lookup(pid);
    if (!a)
        return false;
    /* acquire: pairs with the release store of DEAD in pyvm_actor_finish */
    bool alive = atomic_load_explicit(&a->run_state, memory_order_acquire) != PYVM_RS_DEAD;
    pyvm_actor_unref(a);
    return alive;
}

bool pyvm_actor_trap_exit(bool on) {
    pyvm_actor* a = pyvm_actor_current();
    if (!a)
        pyvm_raise(PYVM_EXC_RUNTIME, "trap_exit outside an actor");
    bool old = a->trap_exit;
    a->trap_exit = on;
    return old;
}

void pyvm_actor_sleep(int64_t ms) {
    pyvm_actor* a = pyvm_actor_current();
    if (!a)
        pyvm_raise(PYVM_EXC_RUNTIME, "sleep outside an actor");
    int64_t deadline = pyvm_sched_now() + (ms > 0 ? ms : 0) * 1000000;
    if (ms <= 0) {
        pyvm_sched_yield();
        return;
    }
    pyvm_timer_add(a, deadline);
    while (pyvm_sched_now() < deadline) {
        pyvm_sched_park();
        /* acquire: pairs with the release of the signal's sender */
        if (atomic_load_explicit(&a->sig_pending, memory_order_acquire))
            pyvm_actor_drain(a);
    }
    pyvm_timer_cancel(a);
}

/* ---- the end ---- */

static void free_inbox(pyvm_actor* a) {
    for (pyvm_msg* m = a->inbox_head; m;) {
        pyvm_msg* next = m->next;
        discard(m);
        m = next;
    }
    a->inbox_head = a->inbox_tail = NULL;
    a->inbox_len = 0;
    pyvm_msg* m;
    while ((m = pyvm_mpsc_pop(&a->queue)))
        discard(m);
}

void pyvm_actor_finish(pyvm_actor* a, int worker_index) {
    const char* reason = a->exit_reason ? a->exit_reason : "normal";
    pyvm_stats_add(PYVM_STAT_EXITED, 1);
    pyvm_actor_lock(a);
    a->dead = true; /* closes its links, monitors and name: none can be added from now on */
    bool related = a->name || a->links || a->monitors; /* arrays, even emptied, are freed by notify */
    pyvm_actor_unlock(a);
    /* release: whoever sees DEAD sees everything this actor did */
    atomic_store_explicit(&a->run_state, PYVM_RS_DEAD, memory_order_release);
    if (related || a->watching) { /* most actors have none: two lock sections saved */
        pyvm_registry_forget(a);
        pyvm_links_notify(a, reason);
    }
    if (a->timer_armed)
        pyvm_timer_cancel(a);
    pyvm_sched_heap_free(a->heap);
    a->heap = NULL;
    if (a->stack) {
        pyvm_stack_release(a->stack);
        a->stack = NULL;
    }
    if (a->tsan_fiber)
        pyvm_sched_fiber_destroy(a);
    free_inbox(a);
    /* The record is zeroed when the last reference goes (destroy), so what is freed here need
     * not be cleared; most actors have none of it, hence the tests before the calls. */
    if (a->start_arg)
        pyvm_message_free(a->start_arg);
    if (a->arg_free)
        a->arg_free(pyvm_slot_to_ptr(a->raw_arg));
    if (a->cleanup)
        a->cleanup(a->cleanup_arg);
    if (a->tstate.exc_message)
        free(a->tstate.exc_message);
    if (a->exit_reason)
        free(a->exit_reason);
    if (a->send_cache) {
        pyvm_actor_unref(a->send_cache);
        a->send_cache = NULL;
    }
    pyvm_actor_unref(a); /* the record goes free once the last holder lets go */
    pyvm_sched_count_exit(worker_index); /* the live count drops when the worker flushes */
}

void pyvm_actor_live_sub(int64_t n) {
    /* release: pairs with the acquire in pyvm_actor_live: a waiter seeing the count drop
     * sees the teardowns counted in n */
    if (n && atomic_fetch_sub_explicit(&live, n, memory_order_release) == n)
        pyvm_sched_actor_gone();
}
