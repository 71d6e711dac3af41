/* send/receive, links, monitors and the registry for compiled code (actors.h). */
#define PYVM_LANG_HIDE_SUP_SPEC /* the function; the type of that name is needed here */
#include "actors.h"

#include <math.h>

#include "../include/pyvm/actors.h"
#include "../core/str.h"
#include "../core/tuple.h"
#include "../core/typedesc.h"
#include "dyn.h"

/* Seconds to the runtime's milliseconds, rounding up (a timeout never ends
 * early); negative, nan and beyond ~292 years: -1, forever. */
static int64_t to_ms(double s) {
    if (!(s >= 0))
        return -1;
    double ms = ceil(s * 1000.0);
    return ms < 9.2e12 ? (int64_t)ms : -1;
}

static const char* text(pyvm_str* s, const char* dflt) { return s ? pyvm_str_utf8(s, NULL) : dflt; }

void pyvm_act_send(int64_t to, const pyvm_type* t, pyvm_slot v) {
    if (t->tag == PYVM_T_DYN) { /* the receiver gets the value itself, with its own type */
        void* box = pyvm_slot_to_ptr(v);
        t = pyvm_dyn_type(box);
        v = pyvm_dyn_value(box);
    }
    pyvm_mailbox_send((pyvm_pid)to, t, v);
}

void* pyvm_act_receive(double timeout_s) {
    const pyvm_type* t;
    pyvm_slot v;
    if (!pyvm_mailbox_receive(&t, &v, to_ms(timeout_s)))
        return pyvm_dyn_box(&pyvm_type_none, 0);
    return pyvm_dyn_box(t, v);
}

typedef struct {
    bool (*pred)(pyvm_tstate*, void*, void*);
    void* env;
    void* box; /* the candidate pred accepted */
} where;

static bool where_match(const pyvm_type* t, pyvm_slot v, void* ctx) {
    where* w = ctx;
    void* box = pyvm_dyn_box(t, v);
    /* the tstate afresh: pred may be compiled code that raises, and the actor may
     * have moved to another OS thread since the receive began */
    if (!w->pred(pyvm_tstate_get(), w->env, box))
        return false;
    w->box = box;
    return true;
}

void* pyvm_act_receive_where(bool (*pred)(pyvm_tstate*, void* env, void* box), void* env, double timeout_s) {
    where w = {pred, env, NULL};
    const pyvm_type* t;
    pyvm_slot v;
    if (!pyvm_mailbox_receive_match(where_match, &w, &t, &v, to_ms(timeout_s)))
        return pyvm_dyn_box(&pyvm_type_none, 0);
    return w.box;
}

void pyvm_act_sleep(double seconds) {
    int64_t ms = to_ms(seconds);
    if (seconds > 0 && ms < 0)
        ms = INT64_C(4000000000000); /* "forever": ~127 years, far from the clock's overflow */
    pyvm_actor_sleep(ms < 0 ? 0 : ms);
}

int64_t pyvm_act_self(void) { return (int64_t)pyvm_actor_self(); }

int64_t pyvm_act_monitor(int64_t pid) { return pyvm_actor_monitor((pyvm_pid)pid); }

bool pyvm_act_demonitor(int64_t ref) { return pyvm_actor_demonitor(ref, true); }

void pyvm_act_link(int64_t pid) { pyvm_actor_link((pyvm_pid)pid); }

void pyvm_act_unlink(int64_t pid) { pyvm_actor_unlink((pyvm_pid)pid); }

bool pyvm_act_trap_exit(bool on) { return pyvm_actor_trap_exit(on); }

void pyvm_act_kill(int64_t pid, pyvm_str* reason) { pyvm_actor_kill((pyvm_pid)pid, text(reason, "kill")); }

_Noreturn void pyvm_act_exit(pyvm_str* reason) { pyvm_actor_exit(text(reason, "normal")); }

bool pyvm_act_register(pyvm_str* name, int64_t pid) {
    return pyvm_registry_register(text(name, ""), (pyvm_pid)pid);
}

int64_t pyvm_act_whereis(pyvm_str* name) { return (int64_t)pyvm_registry_whereis(text(name, "")); }

void pyvm_act_safepoint(void) { pyvm_safepoint(); }
