#include "supervisor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../actor/actor.h"
#include "../core/str.h"
#include "../core/tuple.h"
#include "../core/typedesc.h"
#include "../message/message.h"
#include "../sched/sched.h"

typedef struct child {
    char* id;
    pyvm_actor_fn start;
    pyvm_msg* arg;          /* encoded argument, copied for each start (NULL: raw) */
    pyvm_slot raw;
    int restart;
    int64_t shutdown_ms;
    bool supervisor;
    pyvm_pid pid;           /* 0: not running */
} child;

typedef struct sup {
    pyvm_pid parent;
    pyvm_pid self;
    int strategy, intensity;
    int64_t period_ms;
    child* children;
    int n, cap;
    int64_t* restarts;      /* times of recent restarts */
    int nrestarts, caprestarts;
    char* name;
    void (*trace)(pyvm_pid, const char*, void*);
    void* trace_ctx;
} sup;

enum { OP_START, OP_TERMINATE, OP_RESTART, OP_DELETE, OP_WHICH, OP_COUNT };

typedef struct request {
    int op;
    const char* id;
    child spec;             /* OP_START: the new child (owned by the request until taken) */
    int64_t result;
} request;

static const pyvm_type* call_type(void) { return pyvm_type_intern("T(s,P,i)"); }
static const pyvm_type* reply_type(void) { return pyvm_type_intern("T(s,i)"); }
static const pyvm_type* ack_type(void) { return pyvm_type_intern("T(s,P)"); }

static void trace(sup* s, const char* fmt, const char* a, const char* b) {
    if (!s->trace)
        return;
    char buf[512];
    snprintf(buf, sizeof buf, fmt, a, b ? b : "");
    s->trace(s->self, buf, s->trace_ctx);
}

static char* xstrdup(const char* t) {
    char* r = strdup(t ? t : "");
    if (!r)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    return r;
}

static child copy_spec(const pyvm_child_spec* c) {
    child k = {0};
    k.id = xstrdup(c->id);
    k.start = c->start;
    k.arg = c->arg_type ? pyvm_message_encode(c->arg_type, c->arg) : NULL;
    k.raw = c->arg;
    k.restart = c->restart;
    k.shutdown_ms = c->shutdown_ms;
    if (c->supervisor && c->shutdown_ms == 0)
        k.shutdown_ms = PYVM_INFINITY; /* OTP's default for supervisor children */
    k.supervisor = c->supervisor;
    return k;
}

static void free_child(child* c) {
    free(c->id);
    pyvm_message_free(c->arg);
    c->id = NULL;
    c->arg = NULL;
}

static void free_sup(void* p) {
    sup* s = p;
    for (int i = 0; i < s->n; i++)
        free_child(&s->children[i]);
    free(s->children);
    free(s->restarts);
    free(s->name);
    free(s);
}

static int find_id(sup* s, const char* id) {
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->children[i].id, id) == 0)
            return i;
    return -1;
}

static int find_pid(sup* s, pyvm_pid pid) {
    for (int i = 0; i < s->n; i++)
        if (s->children[i].pid == pid)
            return i;
    return -1;
}

static void remove_child(sup* s, int i) {
    free_child(&s->children[i]);
    memmove(&s->children[i], &s->children[i + 1], (size_t)(s->n - i - 1) * sizeof *s->children);
    s->n--;
}

static bool add_child(sup* s, child c) {
    if (s->n == s->cap) {
        int nc = s->cap ? s->cap * 2 : 8;
        child* p = realloc(s->children, (size_t)nc * sizeof *p);
        if (!p)
            return false;
        s->children = p;
        s->cap = nc;
    }
    s->children[s->n++] = c;
    return true;
}

static void await_started(pyvm_pid pid);

static void start_child(sup* s, int i) {
    child* c = &s->children[i];
    pyvm_spawn_opts o = {.link = true};
    c->pid = pyvm_actor_spawn_encoded(c->start, c->arg ? pyvm_message_clone(c->arg) : NULL, c->raw, &o, NULL);
    if (c->start == pyvm_supervisor_child && c->pid)
        await_started(c->pid); /* it acknowledges once its own children run */
    trace(s, "start %s", c->id, NULL);
}

/* ---- waiting for particular messages ---- */

static const char* tuple_str(pyvm_slot tuple, int i) {
    return pyvm_str_utf8(pyvm_slot_to_ptr(pyvm_tuple_get(pyvm_slot_to_ptr(tuple), i)), NULL);
}

static pyvm_slot tuple_at(pyvm_slot tuple, int i) {
    return pyvm_tuple_get(pyvm_slot_to_ptr(tuple), i);
}

static bool is_down(const pyvm_type* t, pyvm_slot v, void* ref) {
    return t == pyvm_message_down_type() && (int64_t)tuple_at(v, 1) == *(int64_t*)ref;
}

static bool is_exit_from(const pyvm_type* t, pyvm_slot v, void* pid) {
    return t == pyvm_message_exit_type() && tuple_at(v, 1) == *(pyvm_pid*)pid;
}

/* OTP's shutdown/2 for one child. */
static void terminate_child(sup* s, int i) {
    child* c = &s->children[i];
    if (!c->pid)
        return;
    pyvm_pid pid = c->pid;
    int64_t ref = pyvm_actor_monitor(pid);
    pyvm_actor_unlink(pid);
    const pyvm_type* t;
    pyvm_slot v;
    if (c->shutdown_ms == PYVM_BRUTAL_KILL) {
        pyvm_actor_kill(pid, "kill");
        pyvm_mailbox_receive_match(is_down, &ref, &t, &v, -1);
    } else {
        pyvm_actor_kill(pid, "shutdown");
        int64_t wait = c->shutdown_ms == PYVM_INFINITY ? -1 : c->shutdown_ms;
        if (!pyvm_mailbox_receive_match(is_down, &ref, &t, &v, wait)) {
            pyvm_actor_kill(pid, "kill");
            pyvm_mailbox_receive_match(is_down, &ref, &t, &v, -1);
        }
    }
    /* An EXIT sent before the unlink took effect must not be taken for a new crash. */
    while (pyvm_mailbox_receive_match(is_exit_from, &pid, &t, &v, 0))
        ;
    trace(s, "terminate %s", c->id, NULL);
    c->pid = 0;
}

/* Children from `from` to the end, last started first. */
static void terminate_from(sup* s, int from, int except) {
    for (int i = s->n - 1; i >= from; i--)
        if (i != except)
            terminate_child(s, i);
}

static _Noreturn void shutdown_and_exit(sup* s, const char* reason) {
    terminate_from(s, 0, -1);
    trace(s, "stop: %s", reason, NULL);
    pyvm_actor_exit(reason);
}

/* OTP's add_restart: false once more than `intensity` restarts fall within the period. */
static bool add_restart(sup* s) {
    int64_t now = pyvm_sched_now();
    int64_t period = s->period_ms * 1000000;
    int k = 0;
    for (int i = 0; i < s->nrestarts; i++)
        if (now - s->restarts[i] < period)
            s->restarts[k++] = s->restarts[i];
    s->nrestarts = k;
    if (s->nrestarts == s->caprestarts) {
        int nc = s->caprestarts ? s->caprestarts * 2 : 8;
        int64_t* p = realloc(s->restarts, (size_t)nc * sizeof *p);
        if (!p)
            return false;
        s->restarts = p;
        s->caprestarts = nc;
    }
    s->restarts[s->nrestarts++] = now;
    return s->nrestarts <= s->intensity;
}

static bool normal_exit(const char* reason) {
    return strcmp(reason, "normal") == 0 || strcmp(reason, "shutdown") == 0 || strncmp(reason, "shutdown:", 9) == 0;
}

/* Restarts children [from, n) except temporary ones, which are dropped. */
static void restart_from(sup* s, int from) {
    for (int i = from; i < s->n;) {
        if (s->children[i].restart == PYVM_TEMPORARY && !s->children[i].pid) {
            remove_child(s, i);
            continue;
        }
        if (!s->children[i].pid) {
            pyvm_stats_count_restart();
            start_child(s, i);
        }
        i++;
    }
}

static void child_exited(sup* s, int i, const char* reason) {
    child* c = &s->children[i];
    c->pid = 0;
    trace(s, "exit %s: %s", c->id, reason);
    bool again = c->restart == PYVM_PERMANENT || (c->restart == PYVM_TRANSIENT && !normal_exit(reason));
    if (!again) {
        if (c->restart == PYVM_TEMPORARY)
            remove_child(s, i);
        return;
    }
    if (!add_restart(s)) {
        trace(s, "shutdown: reached max restart intensity", NULL, NULL);
        shutdown_and_exit(s, "shutdown");
    }
    trace(s, "restart %s", c->id, NULL);
    switch (s->strategy) {
    case PYVM_ONE_FOR_ALL:
        terminate_from(s, 0, i);
        restart_from(s, 0);
        break;
    case PYVM_REST_FOR_ONE:
        terminate_from(s, i + 1, -1);
        restart_from(s, i);
        break;
    default:
        pyvm_stats_count_restart();
        start_child(s, i);
        break;
    }
}

static void handle_call(sup* s, request* r) {
    int i = r->id ? find_id(s, r->id) : -1;
    switch (r->op) {
    case OP_START:
        if (find_id(s, r->spec.id) >= 0 || !add_child(s, r->spec)) {
            r->result = 0;
            return;
        }
        memset(&r->spec, 0, sizeof r->spec); /* the supervisor owns it now */
        start_child(s, s->n - 1);
        r->result = 1;
        return;
    case OP_TERMINATE:
        if (i < 0) {
            r->result = 0;
            return;
        }
        terminate_child(s, i);
        if (s->children[i].restart == PYVM_TEMPORARY)
            remove_child(s, i);
        r->result = 1;
        return;
    case OP_RESTART:
        if (i < 0 || s->children[i].pid) {
            r->result = 0;
            return;
        }
        start_child(s, i);
        r->result = 1;
        return;
    case OP_DELETE:
        if (i < 0 || s->children[i].pid) {
            r->result = 0;
            return;
        }
        remove_child(s, i);
        r->result = 1;
        return;
    case OP_WHICH:
        r->result = i < 0 ? 0 : (int64_t)s->children[i].pid;
        return;
    default:
        r->result = s->n;
        return;
    }
}

/* The supervisor's life in the actor it runs in; ack: tell the parent (start_link waits for it). */
static _Noreturn void sup_loop(sup* s, bool ack) {
    s->self = pyvm_actor_self();
    if (s->name)
        pyvm_registry_register(s->name, s->self);
    for (int i = 0; i < s->n; i++)
        start_child(s, i);
    if (ack && s->parent) {
        pyvm_slot ack[2] = {pyvm_slot_from_ptr(pyvm_str_from_cstr("$sup_started")), s->self};
        pyvm_mailbox_send(s->parent, ack_type(),
                          pyvm_slot_from_ptr(pyvm_tuple_from_slots(ack_type(), ack, 2)));
    }
    for (;;) {
        const pyvm_type* t;
        pyvm_slot v;
        pyvm_mailbox_receive(&t, &v, -1);
        if (t == pyvm_message_exit_type()) {
            pyvm_pid from = tuple_at(v, 1);
            const char* reason = tuple_str(v, 2);
            if (from == s->parent && s->parent) {
                char r[256];
                snprintf(r, sizeof r, "%s", reason);
                shutdown_and_exit(s, r);
            }
            int i = find_pid(s, from);
            if (i >= 0)
                child_exited(s, i, reason);
        } else if (t == call_type()) {
            pyvm_pid caller = tuple_at(v, 1);
            request* r = (request*)(uintptr_t)tuple_at(v, 2);
            handle_call(s, r);
            pyvm_slot reply[2] = {pyvm_slot_from_ptr(pyvm_str_from_cstr("$sup_reply")), (pyvm_slot)(uintptr_t)r};
            pyvm_mailbox_send(caller, reply_type(),
                              pyvm_slot_from_ptr(pyvm_tuple_from_slots(reply_type(), reply, 2)));
        }
        /* anything else is not for a supervisor: dropped */
    }
}

static void sup_main(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    sup_loop(pyvm_slot_to_ptr(arg), true);
}

static sup* sup_new(const pyvm_sup_spec* spec, pyvm_pid parent) {
    sup* s = calloc(1, sizeof *s);
    if (!s)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    s->parent = parent;
    s->strategy = spec->strategy;
    s->intensity = spec->intensity;
    s->period_ms = spec->period_ms > 0 ? spec->period_ms : 5000;
    s->name = spec->name ? xstrdup(spec->name) : NULL;
    s->trace = spec->trace;
    s->trace_ctx = spec->trace_ctx;
    for (size_t i = 0; i < spec->nchildren; i++)
        add_child(s, copy_spec(&spec->children[i]));
    return s;
}

_Noreturn void pyvm_supervisor_run(const pyvm_sup_spec* spec) {
    pyvm_actor* me = pyvm_actor_current();
    if (!me)
        pyvm_raise(PYVM_EXC_RUNTIME, "pyvm_supervisor_run outside an actor");
    sup* s = sup_new(spec, me->parent);
    pyvm_actor_set_cleanup(free_sup, s); /* it only ever ends by exiting */
    pyvm_actor_trap_exit(true);
    sup_loop(s, true);
}

void pyvm_supervisor_child(pyvm_tstate* ts, pyvm_slot spec) {
    (void)ts;
    pyvm_supervisor_run(pyvm_slot_to_ptr(spec));
}

static bool is_ack(const pyvm_type* t, pyvm_slot v, void* sup_pid) {
    return t == ack_type() && tuple_at(v, 1) == *(pyvm_pid*)sup_pid;
}

static bool is_ack_or_exit(const pyvm_type* t, pyvm_slot v, void* pid) {
    return is_ack(t, v, pid) || is_exit_from(t, v, pid);
}

/* A child running pyvm_supervisor_run has started its children, or died trying:
 * its EXIT goes back to the end of the mailbox for the main loop to handle. */
static void await_started(pyvm_pid pid) {
    const pyvm_type* t;
    pyvm_slot v;
    pyvm_mailbox_receive_match(is_ack_or_exit, &pid, &t, &v, -1);
    if (t == pyvm_message_exit_type())
        pyvm_mailbox_send(pyvm_actor_self(), t, v);
}

static bool is_ack_or_down(const pyvm_type* t, pyvm_slot v, void* ctx) {
    pyvm_pid* p = ctx; /* [0] supervisor, [1] monitor ref */
    return is_ack(t, v, &p[0]) || is_down(t, v, &p[1]);
}

pyvm_pid pyvm_supervisor_start_link(const pyvm_sup_spec* spec) {
    if (!pyvm_sched_running())
        return 0;
    sup* s = sup_new(spec, pyvm_actor_self());
    pyvm_spawn_opts o = {.link = s->parent != 0, .trap_exit = true, .arg_free = free_sup};
    pyvm_pid pid = pyvm_actor_spawn_opt(sup_main, NULL, pyvm_slot_from_ptr(s), &o, NULL);
    if (!s->parent || !pid)
        return pid;
    pyvm_pid ctx[2] = {pid, (pyvm_pid)pyvm_actor_monitor(pid)};
    const pyvm_type* t;
    pyvm_slot v;
    pyvm_mailbox_receive_match(is_ack_or_down, ctx, &t, &v, -1);
    pyvm_actor_demonitor((int64_t)ctx[1], true);
    return t == ack_type() ? pid : 0;
}

static bool is_reply(const pyvm_type* t, pyvm_slot v, void* r) {
    return t == reply_type() && tuple_at(v, 1) == (pyvm_slot)(uintptr_t)r;
}

static bool is_reply_or_down(const pyvm_type* t, pyvm_slot v, void* ctx) {
    void** p = ctx; /* [0] request, [1] &monitor ref */
    return is_reply(t, v, p[0]) || is_down(t, v, p[1]);
}

static int64_t call(pyvm_pid sup_pid, request* r) {
    int64_t ref = pyvm_actor_monitor(sup_pid);
    pyvm_slot msg[3] = {pyvm_slot_from_ptr(pyvm_str_from_cstr("$sup_call")), pyvm_actor_self(),
                        (pyvm_slot)(uintptr_t)r};
    r->result = 0;
    pyvm_mailbox_send(sup_pid, call_type(), pyvm_slot_from_ptr(pyvm_tuple_from_slots(call_type(), msg, 3)));
    void* ctx[2] = {r, &ref};
    const pyvm_type* t;
    pyvm_slot v;
    pyvm_mailbox_receive_match(is_reply_or_down, ctx, &t, &v, -1);
    pyvm_actor_demonitor(ref, true);
    return t == reply_type() ? r->result : 0;
}

bool pyvm_supervisor_start_child(pyvm_pid sup_pid, const pyvm_child_spec* c) {
    request r = {.op = OP_START, .spec = copy_spec(c)};
    bool ok = call(sup_pid, &r) != 0;
    if (r.spec.id) /* not taken */
        free_child(&r.spec);
    return ok;
}

bool pyvm_supervisor_terminate_child(pyvm_pid sup_pid, const char* id) {
    request r = {.op = OP_TERMINATE, .id = id};
    return call(sup_pid, &r) != 0;
}

bool pyvm_supervisor_restart_child(pyvm_pid sup_pid, const char* id) {
    request r = {.op = OP_RESTART, .id = id};
    return call(sup_pid, &r) != 0;
}

bool pyvm_supervisor_delete_child(pyvm_pid sup_pid, const char* id) {
    request r = {.op = OP_DELETE, .id = id};
    return call(sup_pid, &r) != 0;
}

pyvm_pid pyvm_supervisor_which_child(pyvm_pid sup_pid, const char* id) {
    request r = {.op = OP_WHICH, .id = id};
    return (pyvm_pid)call(sup_pid, &r);
}

int64_t pyvm_supervisor_count_children(pyvm_pid sup_pid) {
    request r = {.op = OP_COUNT};
    return call(sup_pid, &r);
}
