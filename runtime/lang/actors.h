/* Actors in the language: what compiled `async def` programs call
 * (compiler/pyvm/ACTORS.md §3). Thin glue over the actor runtime
 * (runtime/include/pyvm/actors.h), in the language's representation:
 *
 *   Pid        int64_t, the pid's bits (0 = None). Pids are written int64_t
 *              here, not pyvm_pid, so that the compiler's header parser
 *              (pyvm.toolchain.runtime_abi) reads these prototypes as i64.
 *   Any        a box (void*, runtime/lang/dyn.h).
 *   Coro[T]    a tuple T(i,i,A1..An): slot 0 the actor entry
 *              `void entry(pyvm_tstate*, pyvm_slot coro)`, slot 1 the inline
 *              runner, slots 2.. the arguments; in containers its descriptor
 *              is F, so the runtime reads the tuple's own header type.
 *              entry calls the runner, then pyvm_coro_return(T, result).
 *   ChildSpec / Supervisor  opaque pointers to malloc'd records, owned by the
 *              runtime and never freed (descriptor i in containers).
 *
 * Seconds are doubles, rounded up to whole milliseconds; a negative timeout
 * waits forever. Strings are pyvm_str*. Calls marked (actor) raise
 * RuntimeError outside an actor.
 *
 * Files: coro.c (coroutines, gather), act.c (pyvm_act_*), sup.c and
 * sup_spec.c (supervisors). */
#ifndef PYVM_LANG_ACTORS_H
#define PYVM_LANG_ACTORS_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/error.h"
#include "../core/obj.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_str pyvm_str;
typedef struct pyvm_list pyvm_list;

/* ---- coroutines (coro.c) ---- */

/* The program: runs entry(coro) as the first actor (pyvm_actors_run), returns
 * 0 when it ended normally, 1 if it crashed or exited otherwise. */
int64_t pyvm_coro_run_main(const pyvm_type* coro_type, pyvm_slot coro);
/* spawn(c): a new actor running a copy of the coroutine; its result is dropped. */
int64_t pyvm_coro_spawn(const pyvm_type* coro_type, pyvm_slot coro);
/* (actor) await gather(cs): spawns each coroutine (list order) monitored, then
 * collects their results in order into a new list of result_list_type. The
 * first child, in list order, that ends without a result raises its
 * exception here (kind from the reason's name, message after ": "; another
 * reason is a RuntimeError with the whole reason); the others keep running. */
pyvm_list* pyvm_coro_gather(pyvm_list* coros, const pyvm_type* result_list_type);
/* The end of an entry: sends v (of type t) back to the gathering actor if
 * gather spawned the calling actor; nothing otherwise. */
void pyvm_coro_return(const pyvm_type* t, pyvm_slot v);

/* ---- messages, links, registry (act.c) ---- */

/* send(pid, v): a deep copy; t may be A, then the box's content is sent (the
 * receiver gets the inner type). A dead pid drops it. */
void pyvm_act_send(int64_t to, const pyvm_type* t, pyvm_slot v);
/* (actor) receive(timeout): the oldest message as a box; a None box after the timeout. */
void* pyvm_act_receive(double timeout_s);
/* (actor) receive(timeout, where=pred): the oldest message, as a box, for which
 * pred(the actor's tstate, env, box) is true; the others stay queued in order.
 * pred must not receive itself. */
void* pyvm_act_receive_where(bool (*pred)(pyvm_tstate*, void* env, void* box), void* env, double timeout_s);
/* (actor) sleep(seconds); 0 or less yields. */
void pyvm_act_sleep(double seconds);
/* self_pid(): 0 outside actors. */
int64_t pyvm_act_self(void);
/* (actor) monitor(pid) -> ref; demonitor(ref) also drops a DOWN already queued. */
int64_t pyvm_act_monitor(int64_t pid);
bool pyvm_act_demonitor(int64_t ref);
/* (actor) link / unlink / trap_exit (returns the previous setting). */
void pyvm_act_link(int64_t pid);
void pyvm_act_unlink(int64_t pid);
bool pyvm_act_trap_exit(bool on);
/* kill(pid, reason): Erlang's exit/2 ("kill" cannot be trapped). NULL: "kill". */
void pyvm_act_kill(int64_t pid, pyvm_str* reason);
/* (actor) exit(reason): ends the calling actor. NULL: "normal". */
_Noreturn void pyvm_act_exit(pyvm_str* reason);
/* register(name, pid) / whereis(name) (0 when the name is free). */
bool pyvm_act_register(pyvm_str* name, int64_t pid);
int64_t pyvm_act_whereis(pyvm_str* name);
/* pyvm_safepoint, under the language's prefix. */
void pyvm_act_safepoint(void);

/* ---- supervisors (sup.c, sup_spec.c) ---- */

/* ChildSpec(id, start, args, restart, shutdown) with an `async def` start:
 * coro is start(*args), kept encoded and copied afresh into each new child.
 * restart: 0 permanent, 1 transient, 2 temporary; shutdown seconds: 0 brutal
 * kill, negative or infinite: wait forever. */
void* pyvm_sup_child(pyvm_str* id, const pyvm_type* coro_type, pyvm_slot coro, int64_t restart, double shutdown_s);
/* ChildSpec(id, Supervisor(...)): the child actor runs that supervisor itself;
 * shutdown infinity. */
void* pyvm_sup_child_sup(pyvm_str* id, void* sup_spec, int64_t restart);
/* Supervisor(children, strategy, max_restarts, within_seconds, name, trace):
 * children is a list of pyvm_sup_child / pyvm_sup_child_sup pointers (slots
 * of descriptor i); strategy 0 one_for_one, 1 one_for_all, 2 rest_for_one;
 * name NULL: none. With trace, every event prints "<label>: <event>" on
 * stdout, label = name or "supervisor". */
#ifndef PYVM_LANG_HIDE_SUP_SPEC /* defined by the runtime's files that also see include/pyvm/actors.h */
void* pyvm_sup_spec(pyvm_list* children, int64_t strategy, int64_t max_restarts, double within_s,
                    pyvm_str* name, bool trace);
#endif
/* start_supervisor(spec): linked to the caller; returns once every child started. */
int64_t pyvm_sup_start(void* sup_spec);
/* (actor) which_child (0: not running), terminate_child, restart_child,
 * delete_child, count_children. */
int64_t pyvm_sup_which_child(int64_t sup, pyvm_str* id);
bool pyvm_sup_terminate_child(int64_t sup, pyvm_str* id);
bool pyvm_sup_restart_child(int64_t sup, pyvm_str* id);
bool pyvm_sup_delete_child(int64_t sup, pyvm_str* id);
int64_t pyvm_sup_count_children(int64_t sup);

/* sup.c's half of pyvm_sup_spec: the function named pyvm_sup_spec lives in
 * sup_spec.c, which does not see include/pyvm/actors.h's typedef of the same
 * name (a C identifier cannot name both in one file; files that include both
 * headers define PYVM_LANG_HIDE_SUP_SPEC first). */
void* pyvm_lang_sup_new(pyvm_list* children, int64_t strategy, int64_t max_restarts, double within_s,
                        pyvm_str* name, bool trace);

#ifdef __cplusplus
}
#endif
#endif
