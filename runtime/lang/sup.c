/* Supervisors for compiled code: ChildSpec and Supervisor records built from
 * the program's values, started on runtime/supervisor (actors.h). */
#define PYVM_LANG_HIDE_SUP_SPEC /* the function; the type of that name is needed here */
#include "actors.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/pyvm/actors.h"
#include "../core/io.h"
#include "../core/list.h"
#include "../core/str.h"
#include "../core/tuple.h"
#include "../message/message.h"

/* A ChildSpec. Never freed (the program may start it any number of times); it
 * lives outside every heap, so its coroutine template is kept encoded: a
 * pointer into the creator's heap would not keep the tuple alive, and children
 * run in other heaps anyway. */
/* Every record made, chained: they stay reachable from a global, which is what
 * "owned by the runtime" means to a leak checker; nothing walks the chain. */
typedef struct kept {
    struct kept* next;
} kept;

static kept* _Atomic all_records;

static void keep(kept* k) {
    /* relaxed: the chain is never read by the runtime, only its reachability matters */
    kept* head = atomic_load_explicit(&all_records, memory_order_relaxed);
    do
        k->next = head;
    /* relaxed: as above, the CAS only has to link each record exactly once */
    while (!atomic_compare_exchange_weak_explicit(&all_records, &head, k, memory_order_relaxed, memory_order_relaxed));
}

typedef struct lang_child {
    kept chain;
    pyvm_child_spec spec;     /* start/arg point back at this record, or at a lang_sup */
    char* id;
    pyvm_msg* coro;           /* the coroutine tuple, encoded once; decoded at each start */
} lang_child;

/* A Supervisor: the runtime's spec, ready to start, and what it points to. */
typedef struct lang_sup {
    kept chain;
    pyvm_sup_spec spec;
    pyvm_child_spec* children;
    char* label;              /* trace prefix: the name, or "supervisor" */
} lang_sup;

static void* xmalloc(size_t n) {
    void* p = calloc(1, n ? n : 1);
    if (!p)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    return p;
}

static char* xstrdup(const char* s) {
    size_t n = strlen(s) + 1;
    char* r = xmalloc(n);
    memcpy(r, s, n);
    return r;
}

static const char* text(pyvm_str* s) { return s ? pyvm_str_utf8(s, NULL) : ""; }

/* A child's actor: its own copy of the coroutine, then the coroutine's entry. */
static void coro_child(pyvm_tstate* ts, pyvm_slot arg) {
    const lang_child* c = pyvm_slot_to_ptr(arg);
    pyvm_slot coro = pyvm_message_decode(c->coro);
    pyvm_actor_fn entry = (pyvm_actor_fn)(uintptr_t)((const pyvm_tuple*)pyvm_slot_to_ptr(coro))->items[0];
    entry(ts, coro);
}

static int restart_of(int64_t r) {
    return r == 1 ? PYVM_TRANSIENT : r == 2 ? PYVM_TEMPORARY : PYVM_PERMANENT;
}

void* pyvm_sup_child(pyvm_str* id, const pyvm_type* coro_type, pyvm_slot coro, int64_t restart, double shutdown_s) {
    (void)coro_type; /* F in containers: the tuple's header says what it is */
    lang_child* c = xmalloc(sizeof *c);
    c->id = xstrdup(text(id));
    c->coro = pyvm_message_encode(((const pyvm_tuple*)pyvm_slot_to_ptr(coro))->h.type, coro);
    int64_t ms;
    if (shutdown_s == 0)
        ms = PYVM_BRUTAL_KILL;
    else if (!(shutdown_s > 0) || shutdown_s * 1000.0 >= 9.2e15)
        ms = PYVM_INFINITY; /* negative, nan or infinite: wait for it */
    else
        ms = (int64_t)ceil(shutdown_s * 1000.0);
    c->spec = (pyvm_child_spec){c->id, coro_child, NULL, pyvm_slot_from_ptr(c), restart_of(restart), ms, false};
    keep(&c->chain);
    return c;
}

void* pyvm_sup_child_sup(pyvm_str* id, void* sup_spec, int64_t restart) {
    lang_child* c = xmalloc(sizeof *c);
    c->id = xstrdup(text(id));
    /* the child actor is the supervisor itself (runtime/supervisor's pyvm_supervisor_child) */
    c->spec = (pyvm_child_spec){c->id, pyvm_supervisor_child, NULL,
                                pyvm_slot_from_ptr(&((const lang_sup*)sup_spec)->spec), restart_of(restart),
                                PYVM_INFINITY, true};
    keep(&c->chain);
    return c;
}

/* The supervisor's events on stdout, one print call per line: print calls are
 * serialised whole (core/io.c), so a line never mixes with other actors' output. */
static void on_trace(pyvm_pid sup, const char* event, void* ctx) {
    (void)sup;
    const char* label = ctx;
    size_t nl = strlen(label), ne = strlen(event), n = nl + 2 + ne + 1; /* "label: event\n" */
    char small[600];
    char* line = n <= sizeof small ? small : malloc(n);
    if (!line)
        return;
    memcpy(line, label, nl);
    memcpy(line + nl, ": ", 2);
    memcpy(line + nl + 2, event, ne);
    line[nl + 2 + ne] = '\n';
    pyvm_print_bytes(line, (int64_t)n);
    if (line != small)
        free(line);
}

void* pyvm_lang_sup_new(pyvm_list* children, int64_t strategy, int64_t max_restarts, double within_s,
                        pyvm_str* name, bool trace) {
    lang_sup* s = xmalloc(sizeof *s);
    int64_t n = children ? children->len : 0;
    s->children = xmalloc((size_t)n * sizeof *s->children);
    for (int64_t i = 0; i < n; i++)
        s->children[i] = ((const lang_child*)pyvm_slot_to_ptr(children->items[i]))->spec;
    const char* nm = name ? text(name) : NULL;
    s->label = xstrdup(nm ? nm : "supervisor");
    double ms = ceil(within_s * 1000.0);
    s->spec = (pyvm_sup_spec){
        .strategy = strategy == 1 ? PYVM_ONE_FOR_ALL : strategy == 2 ? PYVM_REST_FOR_ONE : PYVM_ONE_FOR_ONE,
        .intensity = max_restarts < 0 ? 0 : max_restarts > INT32_MAX ? INT32_MAX : (int)max_restarts,
        .period_ms = ms >= 1 && ms < 9.2e15 ? (int64_t)ms : ms >= 9.2e15 ? INT64_C(4000000000000) : 1,
        .children = s->children,
        .nchildren = (size_t)n,
        .name = nm ? s->label : NULL,
        .trace = trace ? on_trace : NULL,
        .trace_ctx = s->label,
    };
    keep(&s->chain);
    return s;
}

int64_t pyvm_sup_start(void* sup_spec) {
    return (int64_t)pyvm_supervisor_start_link(&((const lang_sup*)sup_spec)->spec);
}

int64_t pyvm_sup_which_child(int64_t sup, pyvm_str* id) {
    return (int64_t)pyvm_supervisor_which_child((pyvm_pid)sup, text(id));
}

bool pyvm_sup_terminate_child(int64_t sup, pyvm_str* id) {
    return pyvm_supervisor_terminate_child((pyvm_pid)sup, text(id));
}

bool pyvm_sup_restart_child(int64_t sup, pyvm_str* id) {
    return pyvm_supervisor_restart_child((pyvm_pid)sup, text(id));
}

bool pyvm_sup_delete_child(int64_t sup, pyvm_str* id) {
    return pyvm_supervisor_delete_child((pyvm_pid)sup, text(id));
}

int64_t pyvm_sup_count_children(int64_t sup) { return pyvm_supervisor_count_children((pyvm_pid)sup); }
