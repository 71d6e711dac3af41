/* Sending and receiving. A message is encoded by the sender (message.h),
 * pushed on the receiver's MPSC queue, and decoded by the receiver into its
 * own heap when a receive looks at it. The receiver first moves its queue
 * into a private FIFO (the inbox: exit signals are acted on during that
 * move), then scans the inbox oldest first; a selective receive leaves the
 * messages it skips where they are, and on a later wake-up only looks at
 * messages that arrived since (as Erlang's receive does). */
#include <stdlib.h>
#include <string.h>

#include "../actor/actor.h"
#include "../message/message.h"
#include "../sched/sched.h"
#include "../sched/stats.h"
#include "../sched/timer.h"
#include "mpsc.h"

/* Reductions a send or receive costs (a safepoint costs 1). */
enum { MSG_REDUCTIONS = 8 };

/* The sender's cached destination if it is `to` and still alive (it may die
 * right after the check: then the message is discarded with it, exactly as
 * when the receiver dies between a lookup and the push). */
static pyvm_actor* cached_destination(pyvm_actor* me, pyvm_pid to) {
    pyvm_actor* a = me->send_cache;
    if (!a || me->send_cache_pid != to)
        return NULL;
    /* acquire: pairs with the release store of DEAD in pyvm_actor_finish */
    if (atomic_load_explicit(&a->run_state, memory_order_acquire) == PYVM_RS_DEAD) {
        me->send_cache = NULL;
        pyvm_actor_unref(a);
        return NULL;
    }
    return a;
}

void pyvm_mailbox_send(pyvm_pid to, const pyvm_type* t, pyvm_slot v) {
    pyvm_msg* m = pyvm_message_encode(t, v); /* first: a TypeError sends nothing */
    pyvm_actor* me = pyvm_actor_current(); /* once: every thread-local lookup counts here */
    if (!me)
        pyvm_sched_external(1);
    pyvm_actor* a = me ? cached_destination(me, to) : NULL;
    bool owned = false;
    if (!a) {
        a = pyvm_actor_lookup(to);
        owned = a != NULL;
    }
    if (a) {
        m->from = me ? me->pid : 0;
        if (me) {
            me->sent++; /* folded into the worker's counters at the next switch (sched.c) */
            pyvm_mpsc_push(&a->queue, m);
            pyvm_sched_wake(a);
        } else {
            pyvm_actor_deliver(a, m);
        }
        if (owned && me) {
            /* the lookup's reference moves into the cache */
            if (me->send_cache)
                pyvm_actor_unref(me->send_cache);
            me->send_cache = a;
            me->send_cache_pid = to;
        } else if (owned) {
            pyvm_actor_unref(a);
        }
    } else {
        pyvm_message_free(m);
        pyvm_stats_add(PYVM_STAT_DROPPED, 1);
    }
    if (!me)
        pyvm_sched_external(-1);
    else if (a)
        pyvm_sched_charge_actor(me, MSG_REDUCTIONS);
}

bool pyvm_mailbox_send_named(const char* name, const pyvm_type* t, pyvm_slot v) {
    pyvm_pid pid = pyvm_registry_whereis(name);
    if (!pid)
        return false;
    pyvm_mailbox_send(pid, t, v);
    return true;
}

static void unlink_msg(pyvm_actor* a, pyvm_msg* prev, pyvm_msg* m) {
    if (prev)
        prev->next = m->next;
    else
        a->inbox_head = m->next;
    if (a->inbox_tail == m)
        a->inbox_tail = prev;
    a->inbox_len--;
}

bool pyvm_mailbox_receive_match(pyvm_match_fn match, void* ctx, const pyvm_type** type_out,
                                pyvm_slot* value_out, int64_t timeout_ms) {
    pyvm_actor* a = pyvm_actor_current();
    if (!a)
        pyvm_raise(PYVM_EXC_RUNTIME, "receive outside an actor");
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : pyvm_sched_now() + timeout_ms * 1000000;
    bool armed = false;
    pyvm_msg* prev = NULL;   /* last message examined (NULL: none yet) */
    bool scanned = false;
    for (;;) {
        pyvm_actor_drain(a);
        pyvm_msg* m = scanned ? (prev ? prev->next : a->inbox_head) : a->inbox_head;
        if (!scanned)
            prev = NULL;
        for (; m; prev = m, m = m->next) {
            pyvm_slot v = pyvm_message_decode(m);
            if (match && !match(m->type, v, ctx))
                continue;
            unlink_msg(a, prev, m);
            *type_out = m->type;
            *value_out = v;
            pyvm_message_free(m);
            if (armed)
                pyvm_timer_cancel(a);
            a->received++; /* folded at the next switch, as `sent` */
            pyvm_sched_charge_actor(a, MSG_REDUCTIONS);
            return true;
        }
        scanned = true;
        if (timeout_ms == 0)
            return false;
        if (deadline != INT64_MAX && pyvm_sched_now() >= deadline) {
            if (armed)
                pyvm_timer_cancel(a);
            return false;
        }
        if (deadline != INT64_MAX && !armed) {
            pyvm_timer_add(a, deadline);
            armed = true;
        }
        pyvm_sched_park();
    }
}

bool pyvm_mailbox_receive(const pyvm_type** type_out, pyvm_slot* value_out, int64_t timeout_ms) {
    return pyvm_mailbox_receive_match(NULL, NULL, type_out, value_out, timeout_ms);
}

int64_t pyvm_mailbox_count(void) {
    pyvm_actor* a = pyvm_actor_current();
    if (!a)
        return 0;
    pyvm_actor_drain(a);
    return a->inbox_len;
}
