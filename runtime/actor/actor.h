/* The actor (green thread) record and the runtime-internal operations on it.
 * Public API: runtime/include/pyvm/actors.h.
 *
 * Ownership. Fields marked (owner) are touched only by code running as the
 * actor itself, or by the scheduler while the actor is switched out on that
 * worker (a hand-off ordered by run_state). Fields marked (lock) are guarded
 * by `lock` and may be touched by other actors: links, monitors, `dead`.
 * The struct is reference counted: the runtime holds one reference while
 * the actor is alive; pyvm_actor_lookup takes a temporary one, so a sender
 * can push into a mailbox while the receiver is being torn down. */
#ifndef PYVM_ACTOR_H
#define PYVM_ACTOR_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/error.h"
#include "../ctx/ctx.h"
#include "../ctx/stack.h"
#include "../include/pyvm/actors.h"
#include "../mailbox/mpsc.h"
#include "../message/message.h"

#ifdef __cplusplus
extern "C" {
#endif

/* run_state: who may run the actor.
 *   WAITING   parked in receive (or never started: see QUEUED); a waker moves it to QUEUED and enqueues it
 *   QUEUED    in exactly one run queue
 *   RUNNING   on a worker
 *   NOTIFIED  running, and woken meanwhile: it must not park, it re-checks its mailbox
 *   DEAD      gone; wakes are ignored
 *   HIBERNATING  waiting, and a hibernation sweep (sched/hibernate.c) is saving its stack
 *   HIB_WOKEN    hibernating, and woken meanwhile: the sweeper enqueues it when done */
enum {
    PYVM_RS_WAITING = 0, PYVM_RS_QUEUED = 1, PYVM_RS_RUNNING = 2, PYVM_RS_NOTIFIED = 3, PYVM_RS_DEAD = 4,
    PYVM_RS_HIBERNATING = 5, PYVM_RS_HIB_WOKEN = 6
};

/* idle_mark: what the hibernation sweeps (sched/hibernate.c) know of an actor. */
enum { PYVM_IDLE_RAN = 0, PYVM_IDLE_SEEN = 1, PYVM_IDLE_ASLEEP = 2 };

/* Why an actor switched back to its scheduler. */
enum { PYVM_SW_YIELD = 1, PYVM_SW_PARK = 2, PYVM_SW_EXIT = 3, PYVM_SW_OVERFLOW = 4 };

typedef struct pyvm_monitor {
    int64_t ref;
    pyvm_pid pid;    /* in `monitors`: the watcher; in `watching`: the target */
} pyvm_monitor;

typedef struct pyvm_actor pyvm_actor;
struct pyvm_actor {
    /* First, and never zeroed by plain stores: pyvm_actor_lookup reads both on any record,
     * live or free (records are type-stable, see actor.c). */
    _Alignas(64) _Atomic pyvm_pid pid; /* 0 while the record is free. Records are whole cache lines:
                                        * neighbours run on different workers */
    _Atomic int64_t refs;         /* 0 while the record is free */
    _Atomic int run_state;
    _Atomic int sig_pending;      /* an exit signal waits in `queue` */
    /* Producers push here: its head shares this first line with what senders read and write
     * (pid, refs, run_state, sig_pending), the owner's end starts the next line. */
    pyvm_mpsc queue;
    pyvm_actor* qnext;            /* intrusive link in lock-protected run queues */

    /* (owner) execution */
    pyvm_ctx ctx;
    pyvm_stack* stack;
    void* hib_saved;              /* (owner) hibernating (sched/hibernate.c): the used top of its stack */
    uint32_t hib_len;             /* (owner) bytes in hib_saved */
    _Atomic uint8_t idle_mark;    /* hibernation sweeps: PYVM_IDLE_*, back to RAN whenever it runs */
    struct pyvm_worker* worker;   /* (owner) the worker running it, set at every switch in */
    void* heap;                   /* pyvm_heap* of runtime/heap, NULL without that module */
    pyvm_tstate tstate;
    pyvm_handler* root_handler;   /* the trampoline's, on this actor's stack */
    int switch_reason;            /* PYVM_SW_* */
    int reductions;               /* left in the current time slice */
    int pin;                      /* worker index + 1, or 0 */
    bool started;
    bool trap_exit;
    pyvm_actor_fn fn;
    pyvm_msg* start_arg;          /* encoded spawn argument, or NULL for raw_arg */
    pyvm_slot raw_arg;
    void (*arg_free)(void*);
    size_t heap_initial, heap_max;
    pyvm_pid parent;              /* the actor that spawned it (0: a thread outside actors) */
    pyvm_pid reply_to;            /* pyvm_spawn_opts.reply_to / reply_tag (runtime/lang/coro.c) */
    int64_t reply_tag;
    void (*cleanup)(void*);       /* (owner) called with cleanup_arg when it has ended */
    void* cleanup_arg;
    char* exit_reason;            /* malloc'd, set when it ends */
    void* asan_fake_stack;        /* sanitizer fiber bookkeeping */
    void* tsan_fiber;

    /* mailbox: the owner drains queue (see above) into inbox */
    pyvm_msg* inbox_head;         /* (owner) drained messages, oldest first */
    pyvm_msg* inbox_tail;
    int64_t inbox_len;
    pyvm_actor* send_cache;       /* (owner) the last actor sent to, with a reference held: a ring or
                                   * a round trip sends to one pid over and over, and this skips the
                                   * pid lookup and two reference-count atomics per send */
    pyvm_pid send_cache_pid;
    int64_t sent, received;       /* (owner) messages since the last switch, not yet in the worker's
                                   * statistics: two counter calls per message were a tenth of it */
    int64_t deadline;             /* (owner) of the receive in progress, INT64_MAX: none */
    int64_t timer_idx;            /* position in the timer heap, -1: none (timer lock, sched/timer.c) */
    bool timer_armed;             /* (owner) added to the timer heap since the last cancel (it may have fired) */

    /* (lock) relationships */
    atomic_flag lock;
    bool dead;
    pyvm_pid* links;
    int nlinks, caplinks;
    pyvm_monitor* monitors;       /* who watches me */
    int nmonitors, capmonitors;
    pyvm_monitor* watching;       /* (owner) whom I watch */
    int nwatching, capwatching;
    char* name;                   /* registered name (registry lock) */

    /* Last, and kept when the record is recycled: its place in the record directory and
     * how many actors it has held (together they make the pid). */
    uint32_t index;
    uint32_t generation;
};

/* Spawn with the argument already encoded (start, owned by the new actor;
 * NULL: raw `arg`). The supervisor restarts children this way. */
pyvm_pid pyvm_actor_spawn_encoded(pyvm_actor_fn fn, pyvm_msg* start, pyvm_slot arg, const pyvm_spawn_opts* opts,
                                  int64_t* monitor_ref);
/* (actor) fn(arg) runs at the actor's end, after its links and monitors are told:
 * state an actor keeps in malloc'd memory until it dies (pyvm_supervisor_run). */
void pyvm_actor_set_cleanup(void (*fn)(void*), void* arg);
/* The running actor (NULL on a scheduler or outside the runtime). */
pyvm_actor* pyvm_actor_current(void);
/* Alive actor for pid with a reference taken, or NULL. */
pyvm_actor* pyvm_actor_lookup(pyvm_pid pid);
void pyvm_actor_ref(pyvm_actor* a);
void pyvm_actor_unref(pyvm_actor* a);
void pyvm_actor_lock(pyvm_actor* a);
void pyvm_actor_unlock(pyvm_actor* a);
/* "Actor <pid 0.N> crashed:" for the actor `who` (a pyvm_actor*), made when a crash is reported. */
void pyvm_actor_banner(char* out, size_t n, const void* who);
/* The green thread's first function (runs on the actor's stack). */
void pyvm_actor_entry(void* actor);
/* Scheduler side, after the actor switched out for the last time: deliver
 * its exit to links and monitors, free its name, heap, stack and mailbox. */
void pyvm_actor_finish(pyvm_actor* a, int worker_index);
/* (owner) Moves everything from queue to inbox, acting on exit signals
 * (which may end the actor right here). */
void pyvm_actor_drain(pyvm_actor* a);
/* (owner) Ends the running actor with reason (copied). */
_Noreturn void pyvm_actor_die(pyvm_actor* a, const char* reason);
/* Pushes an exit signal into a's queue and wakes it. */
void pyvm_actor_signal_exit(pyvm_actor* a, pyvm_pid from, const char* reason, bool via_link);
/* Links and monitors (links.c): between a parent and a child it just
 * spawned; and the notifications of an ending actor. */
void pyvm_actor_link_new(pyvm_actor* parent, pyvm_actor* child);
int64_t pyvm_actor_monitor_new(pyvm_actor* watcher, pyvm_actor* target);
void pyvm_links_notify(pyvm_actor* a, const char* reason);
/* (owner, draining) Is m the DOWN of a monitor demonitor(flush) removed while it was on its way?
 * Then it is dropped rather than queued. */
bool pyvm_links_swallow_down(pyvm_actor* a, const pyvm_msg* m);
/* Delivers an envelope to a (a message: no lock, dropped later if a is gone). */
void pyvm_actor_deliver(pyvm_actor* a, pyvm_msg* m);
/* Every record ever carved is pyvm_actor_record(i) for 0 <= i < the count
 * (records are type-stable: free ones stay readable, pid 0). */
int64_t pyvm_actor_records_carved(void);
pyvm_actor* pyvm_actor_record(int64_t i);
/* Number of actors alive (exits are subtracted in batches, see sched.h). */
int64_t pyvm_actor_live(void);
/* n actors have ended (a worker's batched exits, sched.c): the live count drops. */
void pyvm_actor_live_sub(int64_t n);
void pyvm_actor_kill_all(void);
/* Frees the recycled actor records (runtime stop). */
void pyvm_actor_records_drain(void);
/* Registry internals: drop the name of a dead actor. */
void pyvm_registry_forget(pyvm_actor* a);
void pyvm_registry_reset(void);

#ifdef __cplusplus
}
#endif
#endif
