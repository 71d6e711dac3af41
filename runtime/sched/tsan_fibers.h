/* A budget on the number of green threads that hold a ThreadSanitizer fiber
 * at once (tsan_fibers.c explains why). Other builds get trivial definitions
 * (every actor admitted, nothing waiting), so the symbols exist everywhere. */
#ifndef PYVM_TSAN_FIBERS_H
#define PYVM_TSAN_FIBERS_H

#include <stdbool.h>

#include "../actor/actor.h"
#include "../core/sanitizers.h"

#ifdef __cplusplus
extern "C" {
#endif

/* (scheduler side) Before an actor's first run: true with a->tsan_fiber
 * created, or false when the budget is spent: the actor is then QUEUED on
 * the budget's own FIFO queue and runs once another actor's fiber is gone. */
bool pyvm_tsan_fiber_admit(pyvm_actor* a);
/* (scheduler side) After __tsan_destroy_fiber: the slot goes to the oldest
 * waiting actor (its fiber is made and it is enqueued), or back to the budget. */
void pyvm_tsan_fiber_release(void);
/* The budget in force: PYVM_TSAN_FIBERS (default 256), bounded by TSan's thread limit and vm.max_map_count. */
long pyvm_tsan_fiber_budget(void);
/* Actors waiting for a fiber now (the deadlock report's hint). */
long pyvm_tsan_fiber_waiting(void);

#ifdef __cplusplus
}
#endif
#endif
