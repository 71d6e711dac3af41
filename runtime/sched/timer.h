/* Receive timeouts and sleeps: one process-wide binary min-heap of
 * deadlines under a mutex (timers are rare next to messages), with the
 * earliest deadline mirrored in an atomic so a worker's scheduling loop can
 * see "nothing due" without the lock. An actor has at most one timer (its
 * receive or sleep in progress); its heap index lives in the actor
 * (timer_idx, guarded by this module's lock) so a receive that gets a message early removes its timer in O(log n). */
#ifndef PYVM_TIMER_H
#define PYVM_TIMER_H

#include <stdatomic.h>
#include <stdint.h>

#include "../actor/actor.h"

#ifdef __cplusplus
extern "C" {
#endif

void pyvm_timer_reset(void);
/* Arms a's timer (replacing an armed one); the heap holds a reference. */
void pyvm_timer_add(pyvm_actor* a, int64_t deadline_ns);
/* Disarms a's timer if armed. */
void pyvm_timer_cancel(pyvm_actor* a);
/* The earliest deadline, mirrored outside the lock (written by timer.c only). */
extern _Atomic int64_t pyvm_timer_earliest;
/* Earliest deadline, INT64_MAX if none. C99 inline: every scheduling decision
 * asks; timer.c emits the exported definition. */
inline int64_t pyvm_timer_next(void) {
    /* acquire: pairs with the release in timer.c's publish_earliest */
    return atomic_load_explicit(&pyvm_timer_earliest, memory_order_acquire);
}
/* Wakes (pyvm_sched_wake) every actor whose deadline is <= now; returns how many. */
int pyvm_timer_fire(int64_t now);
int64_t pyvm_timer_count(void);

#ifdef __cplusplus
}
#endif
#endif
