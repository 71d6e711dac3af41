#include "mpsc.h"

void pyvm_mpsc_init(pyvm_mpsc* q) {
    /* relaxed: the queue is not shared yet; spawn publishes the actor with a release */
    atomic_store_explicit(&q->stub.next, NULL, memory_order_relaxed);
    /* relaxed: as above */
    atomic_store_explicit(&q->head, &q->stub, memory_order_relaxed);
    q->tail = &q->stub;
}

static void push_link(pyvm_mpsc* q, pyvm_msg_link* n) {
    /* relaxed: n is still private; the release of the store below publishes it */
    atomic_store_explicit(&n->next, NULL, memory_order_relaxed);
    /* acq_rel: acquire orders us after the previous producer's exchange (we
     * write into its node next), release makes n's contents visible to the
     * next producer, which links after n */
    pyvm_msg_link* prev = atomic_exchange_explicit(&q->head, n, memory_order_acq_rel);
    /* release: the consumer's acquire load of prev->next must see n's contents */
    atomic_store_explicit(&prev->next, n, memory_order_release);
}

void pyvm_mpsc_push(pyvm_mpsc* q, pyvm_msg* m) {
    push_link(q, &m->link);
}

pyvm_msg* pyvm_mpsc_pop(pyvm_mpsc* q) {
    pyvm_msg_link* tail = q->tail;
    /* acquire: pairs with the producer's release store of this link, so the
     * message it points to is fully written */
    pyvm_msg_link* next = atomic_load_explicit(&tail->next, memory_order_acquire);
    if (tail == &q->stub) {
        if (!next)
            return NULL;
        q->tail = next;
        tail = next;
        /* acquire: as above */
        next = atomic_load_explicit(&next->next, memory_order_acquire);
    }
    if (next) {
        q->tail = next;
        return (pyvm_msg*)tail;
    }
    /* acquire: if head is tail, no producer is between exchange and link store */
    pyvm_msg_link* head = atomic_load_explicit(&q->head, memory_order_acquire);
    if (tail != head)
        return NULL; /* a producer is mid-push; it will wake us when done */
    push_link(q, &q->stub);
    /* acquire: as above */
    next = atomic_load_explicit(&tail->next, memory_order_acquire);
    if (next) {
        q->tail = next;
        return (pyvm_msg*)tail;
    }
    return NULL;
}

bool pyvm_mpsc_empty(pyvm_mpsc* q) {
    pyvm_msg_link* tail = q->tail;
    /* acquire: as in pyvm_mpsc_pop */
    pyvm_msg_link* next = atomic_load_explicit(&tail->next, memory_order_acquire);
    if (tail != &q->stub || next)
        return false;
    /* acquire: a producer that exchanged head but has not linked yet counts as non-empty */
    return atomic_load_explicit(&q->head, memory_order_acquire) == &q->stub;
}
