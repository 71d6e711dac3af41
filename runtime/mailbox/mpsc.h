/* Dmitry Vyukov's intrusive multi-producer single-consumer queue: push is
 * one atomic exchange plus one store, wait-free for producers; pop is done
 * by the owning actor only. Producers that push in some order are popped
 * in that order, which gives per-sender FIFO. A pop may return NULL while a
 * push is half done (exchanged, link not yet stored); the producer then
 * wakes the consumer after its store, so nothing is missed. */
#ifndef PYVM_MPSC_H
#define PYVM_MPSC_H

#include "../message/message.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_mpsc {
    pyvm_msg_link* _Atomic head;  /* producers' end (last pushed) */
    /* The consumer's end on another cache line: sharing one with head made every push from
     * another core and every pop by the owner steal the line from each other. */
    char apart[64 - sizeof(void*)];
    pyvm_msg_link* tail;          /* consumer's end; owned by the consumer */
    pyvm_msg_link stub;
} pyvm_mpsc;

void pyvm_mpsc_init(pyvm_mpsc* q);
/* Any thread. */
void pyvm_mpsc_push(pyvm_mpsc* q, pyvm_msg* m);
/* Consumer only: oldest message, or NULL. */
pyvm_msg* pyvm_mpsc_pop(pyvm_mpsc* q);
/* Consumer only: true if a pop would find nothing (a push may be in flight). */
bool pyvm_mpsc_empty(pyvm_mpsc* q);

#ifdef __cplusplus
}
#endif
#endif
