/* The scheduler: N worker threads running green threads.
 *
 * Each worker owns a Chase-Lev run queue (deque.h) used FIFO, a `runnext`
 * slot for the actor its current actor just woke (a message round trip then
 * stays on one core, as in Go), and a lock-protected queue of actors pinned
 * to it. Idle workers steal from a random victim, then spin briefly, then
 * park on their own condition variable (parking is ~20-25 us to undo, so
 * a worker spins ~50 us first). Fairness: an actor runs for a time slice of
 * PYVM_REDUCTIONS (default 4000) reductions, counted by pyvm_safepoint and
 * message operations; an actor taken from runnext inherits what is left of
 * the slice, so a ping-pong pair cannot monopolise a worker.
 *
 * Switching: an actor that yields or parks picks its successor itself and
 * switches to it directly (one context switch; through the worker loop's
 * own stack it was two, and most of a yield). The actor left behind is
 * requeued or parked by its successor, right after the switch, once nothing
 * runs on its stack any more. The loop's stack is used for exits, for
 * actors with nothing to hand over to, and in deterministic mode.
 *
 * Deterministic mode: one worker, every runnable actor in one array, the
 * next one chosen by a seeded xorshift generator, and a virtual clock that
 * jumps to the next timer when nothing can run and advances 50 us for every
 * time slice an actor spends to the end, so the same seed replays the same
 * interleaving (and timeouts cost no real time). */
#ifndef PYVM_SCHED_H
#define PYVM_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "../actor/actor.h"

#ifdef __cplusplus
extern "C" {
#endif

bool pyvm_sched_running(void);
bool pyvm_sched_deterministic(void);
/* A new actor (run_state QUEUED): to the caller's worker queue, or the global one. */
void pyvm_sched_spawned(pyvm_actor* a);
/* Something for a arrived (message, signal, timeout): make it runnable if it waits. */
void pyvm_sched_wake(pyvm_actor* a);
/* (actor) Back of the run queue. */
void pyvm_sched_yield(void);
/* (actor) Until woken. The caller re-checks what it waits for afterwards. */
void pyvm_sched_park(void);
/* (actor) The last switch: the scheduler then calls pyvm_actor_finish. */
_Noreturn void pyvm_sched_exit(void);
/* (actor) Reductions: subtract n; yields when the slice is spent. */
void pyvm_sched_charge(int n);
/* The same for an actor the caller already holds (the running one): saves
 * the thread-local lookups on the message paths. */
void pyvm_sched_charge_actor(struct pyvm_actor* a, int n);
/* Monotonic nanoseconds (virtual in deterministic mode). */
int64_t pyvm_sched_now(void);
/* Default heap sizes for spawn. */
size_t pyvm_sched_heap_initial(void);
size_t pyvm_sched_heap_max(void);
/* A thread outside the workers starts / ends making work (deadlock detection must wait). */
void pyvm_sched_external(int delta);
/* Live-actor bookkeeping for pyvm_actors_wait. */
void pyvm_sched_actor_gone(void);
/* (scheduler side) An actor ended on worker `index`. Exits are counted per
 * worker and subtracted from the live count in batches (every 256, and
 * whenever the worker runs out of work), so spawn and exit on two cores do
 * not bounce one counter between them. The live count never undercounts:
 * spawns add to it at once, so it reaches zero only when every actor has
 * ended and every worker has flushed. */
void pyvm_sched_count_exit(int index);
/* Fiber bookkeeping on the actor's side of a switch (sanitizers). */
void pyvm_sched_fiber_entered(pyvm_actor* a);
void pyvm_sched_fiber_destroy(pyvm_actor* a);

#ifdef __cplusplus
}
#endif
#endif
