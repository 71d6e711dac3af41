/* PyVM actor runtime: the public API (green threads, mailboxes, links,
 * monitors, registry, supervisors). Compiled `async def` actors and C
 * runtime code call these; nothing here runs until pyvm_actors_start (the
 * shared library starts no thread and installs no signal handler on load).
 *
 * Values. Messages and spawn arguments are any PyVM value with its type
 * descriptor (runtime/README.md); they are deep-copied into the receiver's
 * heap, so actors never share mutable memory. Pids are values too: the
 * descriptor letter P, 8-byte slot holding the pid's serial, repr
 * `<pid 0.42>` (node 0 = this process), ordered and hashed like ints; 0 is
 * never a pid and serials are never reused.
 *
 * Exit reasons are strings: "normal" (the entry function returned, or
 * pyvm_actor_exit("normal"), or sys.exit(0)), "shutdown" (stopped by a
 * supervisor), "killed" (pyvm_actor_kill(pid, "kill"): cannot be trapped),
 * "noproc" (linking/monitoring a pid that is not alive), an exception as
 * `Name: message` ("ZeroDivisionError: division by zero",
 * "RecursionError: maximum recursion depth exceeded", "MemoryError"), or any
 * text given to pyvm_actor_exit / pyvm_actor_kill.
 *
 * Signals, Erlang's semantics: when an actor ends, every linked actor gets
 * an exit signal with the reason. An actor trapping exits receives it as the
 * message ("EXIT", pid, reason) of type T(s,P,s); otherwise "normal" is
 * ignored and any other reason ends it with the same reason. Monitors are
 * one-way and always a message: ("DOWN", ref, pid, reason) of type
 * T(s,i,P,s). Messages from one sender arrive in the order sent, and the
 * exit signal/DOWN of an actor arrives after every message it sent.
 *
 * Calls marked (actor) are valid only inside an actor; outside one they
 * raise RuntimeError (or, for pyvm_safepoint, do nothing). */
#ifndef PYVM_ACTORS_H
#define PYVM_ACTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../core/obj.h"
#include "../../core/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t pyvm_pid;

/* An actor's code: runs on its own green thread with its own pyvm_tstate
 * (shadow frames, recursion depth), heap and stack. `arg` is the spawn
 * argument, already copied into the actor's heap (or the raw bits given to
 * spawn with a NULL type: C callers passing a pointer they own). */
typedef void (*pyvm_actor_fn)(pyvm_tstate* ts, pyvm_slot arg);

/* ---- the runtime ---- */

typedef struct pyvm_actors_config {
    int workers;             /* OS worker threads; 0: PYVM_WORKERS, else the number of cores */
    bool deterministic;      /* one worker, seeded random choice of the next actor, virtual clock */
    uint64_t seed;           /* for deterministic mode */
    size_t stack_size;       /* usable bytes per green-thread stack (default 1 MiB, PYVM_STACK_SIZE) */
    size_t heap_initial;     /* per-actor heap; 0: the heap module's default (PYVM_HEAP_SIZE, 2 MiB) */
    size_t heap_max;         /* per-actor limit, MemoryError beyond; 0: PYVM_HEAP_MAX or unlimited */
    bool stats;              /* print the counters at pyvm_actors_stop (PYVM_STATS=1) */
    int hibernate_ms;        /* an actor parked this long (to twice as long) gives its stack pages back
                              * until it wakes; default 100 (PYVM_HIBERNATE_MS), negative: never */
} pyvm_actors_config;

/* Defaults, then the environment: PYVM_WORKERS=N, PYVM_DETERMINISTIC=SEED,
 * PYVM_STACK_SIZE (bytes, K/M/G suffix), PYVM_STATS=1, PYVM_REDUCTIONS=N
 * (time slice, default 4000), PYVM_HIBERNATE_MS=N (0: never). Heap sizes are the heap module's
 * (PYVM_HEAP_SIZE, PYVM_HEAP_MAX). */
void pyvm_actors_config_init(pyvm_actors_config* cfg);
/* Starts the workers (cfg NULL: pyvm_actors_config_init's). Returns 0, or -1
 * if the runtime is already running or threads cannot be created. */
int pyvm_actors_start(const pyvm_actors_config* cfg);
/* Blocks the calling (non-actor) thread until no actor is alive. Returns 0,
 * or -1 if every remaining actor waits for a message that nothing can send
 * any more (detected in deterministic mode, and in pyvm_actors_run). */
int pyvm_actors_wait(void);
/* Stops the workers (kills actors still alive first), prints the statistics
 * if asked for, frees everything. */
void pyvm_actors_stop(void);
/* All of the above for a program: start, spawn main_fn(arg), wait until
 * main has ended (asyncio.run's semantics: actors still alive then are
 * killed), stop. Returns 0 if main ended normally, 1 if it crashed, exited
 * otherwise, or every actor blocked forever (a deadlock, reported). */
int64_t pyvm_actors_run(pyvm_actor_fn main_fn, const pyvm_type* arg_type, pyvm_slot arg);

/* ---- actors ---- */

typedef struct pyvm_spawn_opts {
    bool link;               /* spawn_link: linked to the caller before it can run */
    bool monitor;            /* spawn_monitor: monitor ref written to *monitor_ref */
    bool trap_exit;          /* starts with trap_exit set */
    int pin_worker;          /* 0: any; k > 0: always runs on worker k-1, never stolen */
    size_t heap_initial;     /* 0: the runtime's default */
    size_t heap_max;         /* 0: the runtime's default */
    void (*arg_free)(void*); /* raw (NULL type) argument: called with it when the actor is gone */
    /* Where the language's pyvm_coro_return sends the actor's result (runtime/lang/actors.h):
     * 0: nowhere; else reply_to gets a message carrying reply_tag and the result (gather). */
    pyvm_pid reply_to;
    int64_t reply_tag;
} pyvm_spawn_opts;

/* New actor running fn(arg); arg (of type arg_type) is deep-copied now.
 * Returns its pid (0 if the runtime is not running). */
pyvm_pid pyvm_actor_spawn(pyvm_actor_fn fn, const pyvm_type* arg_type, pyvm_slot arg);
pyvm_pid pyvm_actor_spawn_opt(pyvm_actor_fn fn, const pyvm_type* arg_type, pyvm_slot arg,
                              const pyvm_spawn_opts* opts, int64_t* monitor_ref);
/* The running actor's pid, 0 outside actors. */
pyvm_pid pyvm_actor_self(void);
/* (actor) Lets the other runnable actors run first. */
void pyvm_actor_yield(void);
/* Compiled code calls this at function entries and loop back-edges: counts
 * one reduction and yields when the time slice is used up (or an exit
 * signal is pending). A no-op outside actors. */
void pyvm_safepoint(void);
/* (actor) Ends the calling actor with `reason` ("normal", "shutdown", ...). */
_Noreturn void pyvm_actor_exit(const char* reason);
/* Sends an exit signal to pid (Erlang's exit/2): "kill" ends it whatever it
 * traps (reason "killed"); "normal" is ignored unless it traps exits; any
 * other reason ends it, or arrives as an EXIT message when it traps exits. */
void pyvm_actor_kill(pyvm_pid pid, const char* reason);
bool pyvm_actor_alive(pyvm_pid pid);
/* (actor) Sets trap_exit; returns the previous value. */
bool pyvm_actor_trap_exit(bool on);
/* (actor) Bidirectional link; linking to a dead pid delivers "noproc" to the caller. */
void pyvm_actor_link(pyvm_pid pid);
void pyvm_actor_unlink(pyvm_pid pid);
/* (actor) One-way monitor; returns its ref (> 0). A DOWN message arrives when
 * pid ends (at once, with "noproc", if it is not alive). */
int64_t pyvm_actor_monitor(pyvm_pid pid);
/* (actor) Removes the monitor; with flush, also a DOWN already in the mailbox.
 * Returns whether the monitor was still active. */
bool pyvm_actor_demonitor(int64_t ref, bool flush);
/* (actor) Sleeps; other actors run meanwhile. */
void pyvm_actor_sleep(int64_t ms);
/* Exit reason text for an exception kind and message ("ZeroDivisionError: x"),
 * malloc'd; free it. */
char* pyvm_actor_reason_for(int kind, const char* message);

/* Descriptors of the system messages: T(s,P,s) for ("EXIT", pid, reason),
 * T(s,i,P,s) for ("DOWN", ref, pid, reason). Compare by pointer. */
const pyvm_type* pyvm_actor_exit_type(void);
const pyvm_type* pyvm_actor_down_type(void);

/* ---- registry: one name per actor, freed when it ends ---- */

/* false if the name is taken, the pid is not alive or already has a name. */
bool pyvm_registry_register(const char* name, pyvm_pid pid);
pyvm_pid pyvm_registry_whereis(const char* name);  /* 0 if none */
bool pyvm_registry_unregister(const char* name);

/* ---- messages ---- */

/* Sends a deep copy of v (type t). Never fails: a message to a pid that is
 * not alive is dropped, as in Erlang. Works from any thread. */
void pyvm_mailbox_send(pyvm_pid to, const pyvm_type* t, pyvm_slot v);
/* send to a registered name; false (nothing sent) if the name is not registered. */
bool pyvm_mailbox_send_named(const char* name, const pyvm_type* t, pyvm_slot v);
/* (actor) Oldest message; waits for one. timeout_ms < 0: forever, 0: poll.
 * Returns false on timeout. *type_out / *value_out receive the message. */
bool pyvm_mailbox_receive(const pyvm_type** type_out, pyvm_slot* value_out, int64_t timeout_ms);
/* Selective receive: the oldest message for which match(type, value, ctx)
 * is true; the others stay, in order, for later receives. match sees each
 * candidate copied into the actor's heap. */
typedef bool (*pyvm_match_fn)(const pyvm_type* type, pyvm_slot value, void* ctx);
bool pyvm_mailbox_receive_match(pyvm_match_fn match, void* ctx, const pyvm_type** type_out,
                                pyvm_slot* value_out, int64_t timeout_ms);
/* (actor) Messages waiting (received ones not counted). */
int64_t pyvm_mailbox_count(void);

/* ---- statistics ---- */

typedef struct pyvm_actor_stats {
    int64_t workers;
    int64_t spawned, exited, crashed, restarted;
    int64_t sent, received;      /* every message put in / taken from a mailbox (EXIT/DOWN included) */
    int64_t dropped;             /* sends to a pid that was not alive (nothing was queued) */
    int64_t discarded;           /* queued, but freed unreceived with their dead receiver;
                                    sent == received + discarded once everything is over */
    int64_t switches, steals, parks;
    int64_t gc_runs, gc_pause_p50_ns, gc_pause_max_ns;
    int64_t stacks_in_use, stacks_mapped, heaps_live, actors_live;
    int64_t hibernated, thawed;  /* stacks of long-idle actors given back to the kernel / restored at a wake */
} pyvm_actor_stats;
/* A snapshot (exact once the workers are stopped). */
void pyvm_stats_get(pyvm_actor_stats* out);
/* The [Green Thread Scheduler] block, on stderr. */
void pyvm_stats_print(void);
/* Supervisors count their restarts here. */
void pyvm_stats_count_restart(void);

/* ---- supervisors (OTP's supervisor, as an actor written in C) ---- */

enum pyvm_sup_strategy { PYVM_ONE_FOR_ONE = 0, PYVM_ONE_FOR_ALL = 1, PYVM_REST_FOR_ONE = 2 };
enum pyvm_restart { PYVM_PERMANENT = 0, PYVM_TRANSIENT = 1, PYVM_TEMPORARY = 2 };
/* Child shutdown: milliseconds to wait after exit signal "shutdown" before
 * "kill"; PYVM_BRUTAL_KILL kills at once, PYVM_INFINITY waits forever
 * (the default for supervisor children). */
enum { PYVM_BRUTAL_KILL = 0, PYVM_INFINITY = -1 };

typedef struct pyvm_child_spec {
    const char* id;            /* unique within the supervisor */
    pyvm_actor_fn start;       /* the child's code; started with spawn_link */
    const pyvm_type* arg_type; /* its argument (copied once now, again at each start) */
    pyvm_slot arg;
    int restart;               /* PYVM_PERMANENT / TRANSIENT / TEMPORARY */
    int64_t shutdown_ms;       /* > 0, PYVM_BRUTAL_KILL or PYVM_INFINITY; 0 means brutal_kill */
    bool supervisor;           /* the child is a supervisor (type supervisor) */
} pyvm_child_spec;

typedef struct pyvm_sup_spec {
    int strategy;
    int intensity;             /* at most this many restarts ... */
    int64_t period_ms;         /* ... within this many milliseconds */
    const pyvm_child_spec* children;
    size_t nchildren;
    const char* name;          /* registered name, or NULL */
    /* Optional event trace, called in the supervisor actor: "start a",
     * "exit a: <reason>", "restart a", "terminate a",
     * "shutdown: reached max restart intensity", "stop: <reason>". */
    void (*trace)(pyvm_pid sup, const char* event, void* trace_ctx);
    void* trace_ctx;
} pyvm_sup_spec;

/* (actor) Starts a supervisor linked to the caller and returns its pid once
 * every child has been started in order (0 if the runtime is not running).
 * The spec is copied: it need not outlive the call. */
pyvm_pid pyvm_supervisor_start_link(const pyvm_sup_spec* spec);
/* (actor) Dynamic children: add and start one (false if the id exists);
 * stop one (kept, not restarted, until deleted); restart a stopped one;
 * delete a stopped one. */
bool pyvm_supervisor_start_child(pyvm_pid sup, const pyvm_child_spec* child);
bool pyvm_supervisor_terminate_child(pyvm_pid sup, const char* id);
bool pyvm_supervisor_restart_child(pyvm_pid sup, const char* id);
bool pyvm_supervisor_delete_child(pyvm_pid sup, const char* id);
/* (actor) The pid of child `id` (0 if not running), and the number of children. */
pyvm_pid pyvm_supervisor_which_child(pyvm_pid sup, const char* id);
int64_t pyvm_supervisor_count_children(pyvm_pid sup);
/* (actor) Runs a supervisor in the calling actor itself, which traps exits from
 * here on. Its parent, whose exit signal shuts it down, is the actor that
 * spawned the caller; once its children are started it tells the parent so
 * (a message any supervisor ignores unless it waits for it). Never returns. */
_Noreturn void pyvm_supervisor_run(const pyvm_sup_spec* spec);
/* A child's start function for a nested supervisor living in the child actor
 * itself: its raw argument (arg_type NULL) is a pyvm_sup_spec* that outlives
 * the tree, run with pyvm_supervisor_run. A supervisor starting such a child
 * waits until it has started its own children (a tree starts synchronously,
 * as OTP's start_link of a supervisor child does). */
void pyvm_supervisor_child(pyvm_tstate* ts, pyvm_slot spec);

#ifdef __cplusplus
}
#endif
#endif
