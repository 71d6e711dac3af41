/* Hibernation: the stacks of long-idle actors go back to the kernel.
 *
 * A parked actor uses a few hundred bytes of its stack, yet keeps a whole
 * resident page (4 KiB) and its share of a page-table page (1 MiB stacks:
 * half of a 4 KiB page each, not even counted in the resident set size).
 * Idle workers sweep the actor records (at most one sweep per interval,
 * PYVM_HIBERNATE_MS, default 100 ms, and only while actors have run since
 * the last one): an actor found waiting by one sweep and still waiting,
 * not run since, at the next has the used top of its stack (from its saved
 * stack pointer up) copied into a buffer of that size, and its stack pages,
 * guard and, where a block of neighbours all sleep, page tables given back
 * (ctx/stack.c). The stack keeps its addresses, so pointers into it stay
 * valid: when the actor is next switched in, its guard and bytes go back
 * where they were (a system call and a page fault: microseconds, once per
 * wake after a long idle). BEAM does the same on request (erlang:hibernate,
 * which also drops the stack) and Go shrinks idle stacks at collections;
 * here it needs no request.
 *
 * States (actor/actor.h): the sweeper takes a WAITING actor to HIBERNATING
 * and owns it then; a waker meanwhile moves it to HIB_WOKEN, and the
 * sweeper, finished, enqueues it instead of making it WAITING again.
 * Deterministic mode never hibernates (sweeps run on real time). */
#ifndef PYVM_HIBERNATE_H
#define PYVM_HIBERNATE_H

#include <stdbool.h>
#include <stdint.h>

#include "../actor/actor.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pyvm_worker;

/* Runtime start: sweep every interval_ms (0: never). */
void pyvm_hibernate_reset(int interval_ms);
/* An idle worker, before it parks: runs a step of a due sweep. True if it
 * did (it should look for work again before parking). */
bool pyvm_hibernate_idle(struct pyvm_worker* w);
/* When a parked worker should wake for the next sweep (INT64_MAX: none due). */
int64_t pyvm_hibernate_next(void);
/* (scheduler side, a switched out and owned) Puts a hibernated actor's
 * stack back: called before every switch into it while a->hib_saved. */
void pyvm_hibernate_thaw(struct pyvm_worker* w, pyvm_actor* a);

#ifdef __cplusplus
}
#endif
#endif
