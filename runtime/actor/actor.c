/* Actors: spawn, the pid table, the green thread's entry and exit, exit
 * signals. Links and monitors are in links.c, the registry in registry.c. */
#include "actor.h"

#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sched/sched.h"
#include "../sched/stats.h"
#include "../sched/timer.h"
#include "../sched/worker.h"
#include "../core/magazine.h"
#include "../core/sanitizers.h"

/* ---- pid table: sharded chained hash, one mutex per shard ---- */

enum { SHARDS = 64 };

typedef struct {
    atomic_flag busy;  /* a spin lock: every section is a few loads and stores (resizing aside) */
    pyvm_actor** buckets;
    int64_t nbuckets, count;
} shard;

static shard table[SHARDS] = {[0 ... SHARDS - 1] = {.busy = ATOMIC_FLAG_INIT}};

/* A pthread mutex pair was a tenth of spawn + exit (both insert and remove
 * take the shard, and every send's lookup does). Spin briefly, then yield the
 * OS thread: the holder may be resizing, or preempted. */
static void shard_lock(shard* s) {
    /* acquire: the section sees the previous holder's writes */
    for (int spins = 0; atomic_flag_test_and_set_explicit(&s->busy, memory_order_acquire); spins++)
        if (spins >= 64)
            sched_yield();
}

static void shard_unlock(shard* s) {
    /* release: publishes the section to the next holder */
    atomic_flag_clear_explicit(&s->busy, memory_order_release);
}
/* Each on a cache line of its own: the spawner bumps next_pid while every
 * worker bumps live, and sharing a line made both cache misses. */
static _Alignas(64) _Atomic uint64_t next_pid = 1;
static _Alignas(64) _Atomic int64_t live;

static shard* shard_of(pyvm_pid pid) { return &table[pid % SHARDS]; }
/* Pids are handed out in sequence, so consecutive spawns land in consecutive
 * buckets: no hashing (a scattering hash made every insert a cache miss). */
static int64_t bucket_of(const shard* s, pyvm_pid pid) {
    return (int64_t)(pid / SHARDS) & (s->nbuckets - 1);
}

static void table_insert(pyvm_actor* a) {
    shard* s = shard_of(a->pid);
    shard_lock(s);
    if (s->count + 1 > s->nbuckets) {
        int64_t nb = s->nbuckets ? s->nbuckets * 2 : 1024;
        pyvm_actor** nbk = calloc((size_t)nb, sizeof *nbk);
        if (nbk) {
            pyvm_actor** old = s->buckets;
            int64_t oldn = s->nbuckets;
            s->buckets = nbk;
            s->nbuckets = nb;
            for (int64_t i = 0; i < oldn; i++)
                for (pyvm_actor* x = old[i]; x;) {
                    pyvm_actor* next = x->hash_next;
                    int64_t b = bucket_of(s, x->pid);
                    x->hash_next = s->buckets[b];
                    s->buckets[b] = x;
                    x = next;
                }
            free(old);
        }
    }
    int64_t b = bucket_of(s, a->pid);
    a->hash_next = s->buckets[b];
    s->buckets[b] = a;
    s->count++;
    shard_unlock(s);
}

static void table_remove(pyvm_actor* a) {
    shard* s = shard_of(a->pid);
    shard_lock(s);
    for (pyvm_actor** p = &s->buckets[bucket_of(s, a->pid)]; *p; p = &(*p)->hash_next)
        if (*p == a) {
            *p = a->hash_next;
            s->count--;
            break;
        }
    shard_unlock(s);
}

void pyvm_actor_ref(pyvm_actor* a) {
    /* relaxed: taking a reference needs no ordering, the holder already has a valid pointer */
    atomic_fetch_add_explicit(&a->refs, 1, memory_order_relaxed);
}

static void discard(pyvm_msg* m) {
    if (m->kind == PYVM_MSG_VALUE)
        pyvm_stats_add(PYVM_STAT_DISCARDED, 1);
    pyvm_message_free(m);
}

/* ---- actor records: recycled through magazines (core/magazine.h) ---- */

static pyvm_depot record_depot = PYVM_DEPOT_SLAB_INIT(sizeof(pyvm_actor));
static _Thread_local pyvm_magazine* record_magazine;

/* Out of line: records are taken and given back on green threads too, which
 * may resume on another OS thread, so the TLS address is computed afresh. */
__attribute__((noinline)) static pyvm_magazine** records(void) { return &record_magazine; }

static pyvm_actor* record_new(void) {
#ifdef PYVM_ASAN
    return calloc(1, sizeof(pyvm_actor)); /* a use after free must stay visible to ASan */
#endif
    return pyvm_mag_get(records(), &record_depot); /* zeroed: carved from fresh pages, or by destroy */
}

void pyvm_actor_records_drain(void) {
    pyvm_mag_flush(records());
    pyvm_depot_drain(&record_depot);
}

static void destroy(pyvm_actor* a) {
    pyvm_msg* m;
    while ((m = pyvm_mpsc_pop(&a->queue)))
        discard(m); /* sent between the receiver's teardown and the sender's last reference */
#ifdef PYVM_ASAN
    free(a);
    return;
#endif
    /* Zeroed here, where the record is still in this core's cache, not by the next spawn,
     * which may run on another core (a memset there was a third of spawn's own time). */
    memset(a, 0, sizeof *a);
    pyvm_mag_put(records(), &record_depot, a);
}

void pyvm_actor_unref(pyvm_actor* a) {
    /* acq_rel: release our uses of a to whoever frees it; the last one acquires them all */
    if (atomic_fetch_sub_explicit(&a->refs, 1, memory_order_acq_rel) == 1)
        destroy(a);
}

pyvm_actor* pyvm_actor_lookup(pyvm_pid pid) {
    if (!pid)
        return NULL;
    shard* s = shard_of(pid);
    pyvm_actor* found = NULL;
    shard_lock(s);
    if (s->nbuckets)
        for (pyvm_actor* x = s->buckets[bucket_of(s, pid)]; x; x = x->hash_next)
            if (x->pid == pid) {
                found = x;
                pyvm_actor_ref(x);
                break;
            }
    shard_unlock(s);
    return found;
}

int64_t pyvm_actor_live(void) {
    /* acquire: pairs with the release decrement in pyvm_actor_finish, so a waiter that sees 0
     * also sees every teardown */
    return atomic_load_explicit(&live, memory_order_acquire);
}

void pyvm_actor_table_reset(void) {
    for (int i = 0; i < SHARDS; i++) {
        shard_lock(&table[i]);
        free(table[i].buckets);
        table[i].buckets = NULL;
        table[i].nbuckets = table[i].count = 0;
        shard_unlock(&table[i]);
    }
}

void pyvm_actor_kill_all(void) {
    for (int i = 0; i < SHARDS; i++) {
        shard* s = &table[i];
        shard_lock(s);
        int64_t n = s->count, k = 0;
        pyvm_actor** all = malloc((size_t)(n ? n : 1) * sizeof *all);
        for (int64_t b = 0; all && b < s->nbuckets; b++)
            for (pyvm_actor* x = s->buckets[b]; x; x = x->hash_next) {
                pyvm_actor_ref(x);
                all[k++] = x;
            }
        shard_unlock(s);
        for (int64_t j = 0; j < k; j++) {
            pyvm_actor_signal_exit(all[j], 0, "kill", false);
            pyvm_actor_unref(all[j]);
        }
        free(all);
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

/* "Actor <pid 0.N> crashed:" (snprintf alone took a tenth of spawn + exit). */
static void format_banner(char* out, pyvm_pid pid) {
    static const char head[] = "Actor <pid 0.", tail[] = "> crashed:";
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + pid % 10);
        pid /= 10;
    } while (pid);
    memcpy(out, head, sizeof head - 1);
    out += sizeof head - 1;
    while (n)
        *out++ = digits[--n];
    memcpy(out, tail, sizeof tail);
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
    pyvm_sched_external(1);
    pyvm_actor* a = record_new();
    if (!a) {
        pyvm_sched_external(-1);
        pyvm_message_free(start);
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    }
    /* relaxed: only uniqueness matters */
    a->pid = atomic_fetch_add_explicit(&next_pid, 1, memory_order_relaxed);
    /* relaxed: a is not shared yet; table_insert's mutex publishes it */
    atomic_store_explicit(&a->refs, 1, memory_order_relaxed);
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
    a->deadline = INT64_MAX;
    a->timer_idx = -1;
    format_banner(a->banner, a->pid);
    /* relaxed: a counter; pyvm_actors_wait re-reads it under live_mu after a broadcast */
    atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
    table_insert(a);
    pyvm_actor* parent = pyvm_actor_current();
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
    pyvm_sched_external(-1);
    return pid;
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
    pyvm_try_enter_report(&h, a->banner);
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
    /* acq_rel: clear the flag before draining (a signal pushed after our drain sets it
     * again), and acquire the pushes of the senders that set it */
    atomic_exchange_explicit(&a->sig_pending, 0, memory_order_acq_rel);
    pyvm_msg* m;
    while ((m = pyvm_mpsc_pop(&a->queue))) {
        if (m->kind != PYVM_MSG_EXIT) {
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
    pyvm_timer_cancel(a);
    pyvm_sched_heap_free(a->heap);
    a->heap = NULL;
    if (a->stack) {
        pyvm_stack_release(a->stack);
        a->stack = NULL;
    }
    pyvm_sched_fiber_destroy(a);
    free_inbox(a);
    pyvm_message_free(a->start_arg);
    a->start_arg = NULL;
    if (a->arg_free)
        a->arg_free(pyvm_slot_to_ptr(a->raw_arg));
    free(a->tstate.exc_message);
    a->tstate.exc_message = NULL;
    free(a->exit_reason);
    a->exit_reason = NULL;
    if (a->send_cache) {
        pyvm_actor_unref(a->send_cache);
        a->send_cache = NULL;
    }
    table_remove(a);
    pyvm_actor_unref(a);
    pyvm_sched_count_exit(worker_index); /* the live count drops when the worker flushes */
}

void pyvm_actor_live_sub(int64_t n) {
    /* release: pairs with the acquire in pyvm_actor_live: a waiter seeing the count drop
     * sees the teardowns counted in n */
    if (n && atomic_fetch_sub_explicit(&live, n, memory_order_release) == n)
        pyvm_sched_actor_gone();
}
