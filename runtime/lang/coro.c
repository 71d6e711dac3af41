/* Coroutines as actors: run_main, spawn, gather and the reply of a gathered
 * child (actors.h). */
#define PYVM_LANG_HIDE_SUP_SPEC /* the function; the type of that name is needed here */
#include "actors.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../actor/actor.h"
#include "../core/list.h"
#include "../core/str.h"
#include "../core/tuple.h"
#include "../core/typedesc.h"
#include "dyn.h"

/* The coroutine tuple's own header type (its static type may be F) and entry. */
static const pyvm_type* coro_type_of(pyvm_slot coro) {
    return ((const pyvm_tuple*)pyvm_slot_to_ptr(coro))->h.type;
}

static pyvm_actor_fn entry_of(pyvm_slot coro) {
    return (pyvm_actor_fn)(uintptr_t)((const pyvm_tuple*)pyvm_slot_to_ptr(coro))->items[0];
}

int64_t pyvm_coro_run_main(const pyvm_type* coro_type, pyvm_slot coro) {
    (void)coro_type;
    return pyvm_actors_run(entry_of(coro), coro_type_of(coro), coro);
}

int64_t pyvm_coro_spawn(const pyvm_type* coro_type, pyvm_slot coro) {
    (void)coro_type;
    return (int64_t)pyvm_actor_spawn(entry_of(coro), coro_type_of(coro), coro);
}

/* ---- gather ----
 *
 * A gathered child's result comes back as (reply_tag, child pid, box): the tag
 * is unique to that child of that gather (a process-wide counter), and the
 * pid must match too, so no message a program sends is taken for it. The
 * value travels boxed so this one descriptor serves every result type. */

static const pyvm_type* reply_type(void) {
    static const pyvm_type* _Atomic t;
    /* relaxed: interning is idempotent and thread-safe; every thread stores the same pointer */
    const pyvm_type* r = atomic_load_explicit(&t, memory_order_relaxed);
    if (!r) {
        r = pyvm_type_intern("T(i,P,A)");
        /* relaxed: as above */
        atomic_store_explicit(&t, r, memory_order_relaxed);
    }
    return r;
}

/* Tags handed out to gathered children; starts far from small integers a program might send. */
static _Atomic int64_t next_tag = INT64_C(0x6761746865720000);

void pyvm_coro_return(const pyvm_type* t, pyvm_slot v) {
    pyvm_actor* me = pyvm_actor_current();
    if (!me || !me->reply_to)
        return;
    pyvm_pid to = me->reply_to;
    me->reply_to = 0; /* one result per actor */
    pyvm_slot msg[3] = {(pyvm_slot)me->reply_tag, me->pid, pyvm_slot_from_ptr(pyvm_dyn_box(t, v))};
    pyvm_tuple* tu = pyvm_tuple_from_slots(reply_type(), msg, 3);
    pyvm_mailbox_send(to, reply_type(), pyvm_slot_from_ptr(tu));
}

typedef struct {
    int64_t tag;
    pyvm_pid pid;
    int64_t ref;
} child;

static pyvm_slot item(pyvm_slot tuple, int i) { return pyvm_tuple_get(pyvm_slot_to_ptr(tuple), i); }

static bool is_result(const pyvm_type* t, pyvm_slot v, const child* c) {
    return t == reply_type() && (int64_t)item(v, 0) == c->tag && item(v, 1) == c->pid;
}

static bool is_result_or_down(const pyvm_type* t, pyvm_slot v, void* ctx) {
    const child* c = ctx;
    return is_result(t, v, c) || (t == pyvm_actor_down_type() && (int64_t)item(v, 1) == c->ref);
}

static bool is_result_of_any(const pyvm_type* t, pyvm_slot v, void* ctx) {
    const child* const* range = ctx; /* [first, end) */
    for (const child* c = range[0]; c < range[1]; c++)
        if (is_result(t, v, c))
            return true;
    return false;
}

/* The children not waited for yet: their DOWNs and the results already here go. */
static void abandon(child* first, child* end) {
    for (child* c = first; c < end; c++)
        pyvm_actor_demonitor(c->ref, true);
    const child* range[2] = {first, end};
    const pyvm_type* t;
    pyvm_slot v;
    while (pyvm_mailbox_receive_match(is_result_of_any, range, &t, &v, 0))
        ;
}

/* Raises the exception an exit reason names: "ZeroDivisionError: division by
 * zero" is that kind with that message, "MemoryError" the kind alone; any
 * other reason a RuntimeError with the whole reason. */
static _Noreturn void raise_reason(const char* reason) {
    const char* colon = strstr(reason, ": ");
    size_t n = colon ? (size_t)(colon - reason) : strlen(reason);
    int kind = pyvm_exc_kind_from_name(reason, n);
    if (kind == PYVM_EXC_NONE)
        pyvm_raise(PYVM_EXC_RUNTIME, reason);
    pyvm_raise(kind, colon ? colon + 2 : NULL);
}

pyvm_list* pyvm_coro_gather(pyvm_list* coros, const pyvm_type* result_list_type) {
    pyvm_actor* me = pyvm_actor_current();
    if (!me)
        pyvm_raise(PYVM_EXC_RUNTIME, "gather outside an actor");
    int64_t n = coros->len;
    pyvm_list* out = pyvm_list_new(result_list_type, n);
    if (n == 0)
        return out;
    child* kids = calloc((size_t)n, sizeof *kids);
    if (!kids)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    /* relaxed: the counter only makes tags unique; nothing is published through it */
    int64_t base = atomic_fetch_add_explicit(&next_tag, n, memory_order_relaxed);
    for (int64_t i = 0; i < n; i++) {
        pyvm_slot coro = coros->items[i];
        pyvm_spawn_opts o = {.monitor = true, .reply_to = me->pid, .reply_tag = base + i};
        kids[i].tag = base + i;
        kids[i].pid = pyvm_actor_spawn_opt(entry_of(coro), coro_type_of(coro), coro, &o, &kids[i].ref);
    }
    const pyvm_type* elem = result_list_type->args[0];
    for (int64_t i = 0; i < n; i++) {
        const pyvm_type* t;
        pyvm_slot v;
        pyvm_mailbox_receive_match(is_result_or_down, &kids[i], &t, &v, -1);
        if (t == reply_type()) {
            /* the result's normal DOWN follows it: flushed with the monitor */
            pyvm_actor_demonitor(kids[i].ref, true);
            if (!pyvm_dyn_convert(elem, &pyvm_type_dyn, item(v, 2), &out->items[i])) {
                abandon(kids + i + 1, kids + n);
                free(kids);
                pyvm_dyn_expect(pyvm_slot_to_ptr(item(v, 2)), elem); /* raises its TypeError */
            }
            continue;
        }
        /* ("DOWN", ref, pid, reason) before any result: the child crashed or exited */
        abandon(kids + i + 1, kids + n);
        free(kids);
        raise_reason(pyvm_str_utf8(pyvm_slot_to_ptr(item(v, 3)), NULL));
    }
    free(kids);
    return out;
}
