/* Work-stealing run queue of one worker: the Chase-Lev deque (Chase & Lev,
 * SPAA 2005) with the C11 memory orders of Lê, Pop, Cohen and Zappa Nardelli
 * (PPoPP 2013), on a growable circular array.
 *
 * Only the owning worker pushes (at the bottom). Everyone takes from the
 * top, the owner included: taking the oldest entry makes the owner's queue
 * FIFO, which is what round-robin fairness between actors needs (the
 * LIFO owner-pop of the original would let a yielding actor run again at
 * once). Thieves and owner agree through one CAS on `top`. Arrays replaced
 * by a resize stay allocated until pyvm_deque_destroy, as a thief may still
 * read from one. */
#ifndef PYVM_DEQUE_H
#define PYVM_DEQUE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_deque_array {
    int64_t size;                      /* a power of two */
    struct pyvm_deque_array* retired;  /* older arrays, freed at destroy */
    void* _Atomic buf[];
} pyvm_deque_array;

typedef struct pyvm_deque {
    _Atomic int64_t top;
    char pad1[56];                     /* top and bottom on separate cache lines */
    _Atomic int64_t bottom;
    pyvm_deque_array* _Atomic array;
    char pad2[48];
} pyvm_deque;

void pyvm_deque_init(pyvm_deque* d);
void pyvm_deque_destroy(pyvm_deque* d);
/* Owner only. Returns false only if memory for a bigger array is refused. */
bool pyvm_deque_push(pyvm_deque* d, void* item);
/* A thief's take of half the entries (at most max), oldest first, into out;
 * how many (0 if empty; *lost is set when a race with another taker was
 * lost: the deque may not be empty, try again). One CAS for the lot: stealing one at a time made a thief and
 * the owner fight over the deque's top line for every actor of a spawn storm
 * (the scheduler takes at most 8: whole halves broke up rings of actors
 * that wake each other on one worker). */
int pyvm_deque_steal(pyvm_deque* d, void** out, int max, bool* lost);
/* The owner's take of the oldest entry, or NULL (*lost as above), without
 * the fence a thief needs. */
void* pyvm_deque_take_own(pyvm_deque* d, bool* lost);
/* Approximate number of entries (for idle checks and statistics). */
int64_t pyvm_deque_size(pyvm_deque* d);

#ifdef __cplusplus
}
#endif
#endif
