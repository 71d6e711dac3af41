#include "deque.h"

#include <stdbool.h>
#include <stdlib.h>

static pyvm_deque_array* new_array(int64_t size) {
    pyvm_deque_array* a = calloc(1, sizeof *a + (size_t)size * sizeof(void*));
    if (a)
        a->size = size;
    return a;
}

void pyvm_deque_init(pyvm_deque* d) {
    /* relaxed: the deque is published to other threads by pthread_create / the start barrier */
    atomic_store_explicit(&d->top, 0, memory_order_relaxed);
    /* relaxed: as above */
    atomic_store_explicit(&d->bottom, 0, memory_order_relaxed);
    /* relaxed: as above */
    atomic_store_explicit(&d->array, new_array(256), memory_order_relaxed);
}

void pyvm_deque_destroy(pyvm_deque* d) {
    /* relaxed: called after every worker thread was joined */
    pyvm_deque_array* a = atomic_load_explicit(&d->array, memory_order_relaxed);
    while (a) {
        pyvm_deque_array* next = a->retired;
        free(a);
        a = next;
    }
    /* relaxed: as above */
    atomic_store_explicit(&d->array, NULL, memory_order_relaxed);
}

bool pyvm_deque_push(pyvm_deque* d, void* item) {
    /* relaxed: only the owner writes bottom */
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_relaxed);
    /* acquire: entries below top were taken; their slots may be reused only
     * after the takers' reads of them, which the CAS on top released */
    int64_t t = atomic_load_explicit(&d->top, memory_order_acquire);
    /* relaxed: only the owner replaces the array */
    pyvm_deque_array* a = atomic_load_explicit(&d->array, memory_order_relaxed);
    if (b - t > a->size - 1) {
        pyvm_deque_array* bigger = new_array(a->size * 2);
        if (!bigger)
            return false;
        for (int64_t i = t; i < b; i++)
            /* relaxed: the slots are published by the release store of the array below */
            atomic_store_explicit(&bigger->buf[i & (bigger->size - 1)],
                                  /* relaxed: the owner wrote these slots itself */
                                  atomic_load_explicit(&a->buf[i & (a->size - 1)], memory_order_relaxed),
                                  memory_order_relaxed);
        bigger->retired = a;
        /* release: a thief that loads the new array must see its copied slots */
        atomic_store_explicit(&d->array, bigger, memory_order_release);
        a = bigger;
    }
    /* relaxed: published by the release fence + bottom store below */
    atomic_store_explicit(&a->buf[b & (a->size - 1)], item, memory_order_relaxed);
    /* release: the slot (and the actor it points to) is visible to a taker that
     * acquires the new bottom (Lê et al. use a release fence + relaxed store; a
     * release store is the same on x86/ARM and ThreadSanitizer understands it) */
    atomic_store_explicit(&d->bottom, b + 1, memory_order_release);
    return true;
}

int pyvm_deque_steal(pyvm_deque* d, void** out, int max, bool* lost) {
    *lost = false;
    /* acquire: pairs with the CAS of the previous taker */
    int64_t t = atomic_load_explicit(&d->top, memory_order_acquire);
    /* seq_cst: the top load must not be reordered after the bottom load
     * (Lê et al.: the fence in steal) */
    atomic_thread_fence(memory_order_seq_cst);
    /* acquire: pairs with the owner's release store of bottom */
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_acquire);
    if (t >= b)
        return 0;
    int64_t k = (b - t + 1) / 2;
    if (k > max)
        k = max;
    /* acquire: the array a push published (with its copied slots) */
    pyvm_deque_array* a = atomic_load_explicit(&d->array, memory_order_acquire);
    for (int64_t i = 0; i < k; i++)
        /* relaxed: the fence/acquire pair above already orders the slot writes before us */
        out[i] = atomic_load_explicit(&a->buf[(t + i) & (a->size - 1)], memory_order_relaxed);
    /* seq_cst on success: claims [t, t + k) at once; every taker moves top by CAS, so nobody
     * else took any of them, and the owner overwrites no slot at or above top */
    if (!atomic_compare_exchange_strong_explicit(&d->top, &t, t + k, memory_order_seq_cst, memory_order_relaxed)) {
        *lost = true;
        return 0;
    }
    return (int)k;
}

void* pyvm_deque_take_own(pyvm_deque* d, bool* lost) {
    *lost = false;
    /* acquire: pairs with the CAS of the previous taker. No fence before the bottom load:
     * the owner wrote bottom itself, so it cannot see a stale one (the thieves' fence keeps
     * them from pairing an old bottom with a newer top). A stale top makes the CAS fail. */
    int64_t t = atomic_load_explicit(&d->top, memory_order_acquire);
    /* relaxed: only the owner writes bottom */
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_relaxed);
    if (t >= b)
        return NULL;
    /* relaxed: only the owner replaces the array */
    pyvm_deque_array* a = atomic_load_explicit(&d->array, memory_order_relaxed);
    /* relaxed: the owner wrote the slot itself */
    void* item = atomic_load_explicit(&a->buf[t & (a->size - 1)], memory_order_relaxed);
    /* seq_cst on success: the linearisation point among all takers; relaxed on failure */
    if (!atomic_compare_exchange_strong_explicit(&d->top, &t, t + 1, memory_order_seq_cst,
                                                 memory_order_relaxed)) {
        *lost = true;
        return NULL;
    }
    return item;
}

int64_t pyvm_deque_size(pyvm_deque* d) {
    /* relaxed: an estimate; callers re-check with a take or a steal */
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_relaxed);
    /* relaxed: as above */
    int64_t t = atomic_load_explicit(&d->top, memory_order_relaxed);
    return b > t ? b - t : 0;
}
