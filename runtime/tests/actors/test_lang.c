/* The language's actor glue (runtime/lang/actors.h, dyn.h) driven the way
 * compiled code drives it: coroutine tuples whose entry/runner pairs are
 * written here in C, boxes from receive, supervisors built from
 * pyvm_sup_child / pyvm_sup_spec values. `test_lang CASE` runs one program
 * through pyvm_coro_run_main; everything goes to stdout through the runtime's
 * writer (as print does), then "status N". tests/test_lang_actors.py compares
 * the output line by line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyvm/actors.h"
#include "pyvm/rt.h"
#define PYVM_LANG_HIDE_SUP_SPEC
#include "../../lang/actors.h"
#include "../../lang/dyn.h"

/* pyvm_sup_spec (the function) is hidden here by the type of the same name. */
static void* sup_spec_of(pyvm_list* children, int64_t strategy, int64_t max_restarts, double within_s,
                         const char* name, bool trace) {
    return pyvm_lang_sup_new(children, strategy, max_restarts, within_s, name ? pyvm_str_from_cstr(name) : NULL,
                             trace);
}

static void say(const char* fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    pyvm_print_bytes(line, n);
}

static const pyvm_type* T(const char* spec) { return pyvm_type_intern(spec); }
static pyvm_slot P(const void* p) { return pyvm_slot_from_ptr(p); }
static pyvm_str* S(const char* s) { return pyvm_str_from_cstr(s); }
static const char* repr_of(void* box) { return pyvm_str_utf8(pyvm_dyn_repr(box), NULL); }
static pyvm_slot arg(pyvm_tuple* coro, int i) { return coro->items[2 + i]; }

/* ---- coroutines, as the compiler generates them ----
 * `async def f(args) -> R`: the runner computes R inline; the entry (an
 * actor's first function) calls it, then pyvm_coro_return(R, result). */

#define ENTRY(name, rtype)                                                                           \
    static void name##_entry(pyvm_tstate* ts, pyvm_slot coro) {                                      \
        pyvm_frame f;                                                                                \
        pyvm_frame_enter(&f, #name, "main.py");                                                      \
        pyvm_slot r = name##_run(ts, pyvm_slot_to_ptr(coro));                                         \
        pyvm_frame_leave(&f);                                                                        \
        pyvm_coro_return(rtype, r);                                                                  \
    }

static pyvm_slot coro(void (*entry)(pyvm_tstate*, pyvm_slot), pyvm_slot (*run)(pyvm_tstate*, pyvm_tuple*),
                      const char* spec, int n, ...) {
    pyvm_slot slots[8] = {(pyvm_slot)(uintptr_t)entry, (pyvm_slot)(uintptr_t)run};
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        slots[2 + i] = va_arg(ap, pyvm_slot);
    va_end(ap);
    return P(pyvm_tuple_from_slots(T(spec), slots, 2 + n));
}

/* async def square(x: int, delay_ms: int) -> int: await sleep(delay); return x * x */
static pyvm_slot square_run(pyvm_tstate* ts, pyvm_tuple* c) {
    (void)ts;
    pyvm_act_sleep((double)(int64_t)arg(c, 1) / 1000.0);
    return (pyvm_slot)((int64_t)arg(c, 0) * (int64_t)arg(c, 0));
}
ENTRY(square, &pyvm_type_int)

/* async def shout(s: str) -> str */
static pyvm_slot shout_run(pyvm_tstate* ts, pyvm_tuple* c) {
    (void)ts;
    return P(pyvm_str_concat(pyvm_slot_to_ptr(arg(c, 0)), S("!")));
}
ENTRY(shout, &pyvm_type_str)

/* async def fail(kind: int, delay_ms: int) -> int: sleeps, then raises kind (0: exit("custom")) */
static pyvm_slot fail_run(pyvm_tstate* ts, pyvm_tuple* c) {
    (void)ts;
    pyvm_act_sleep((double)(int64_t)arg(c, 1) / 1000.0);
    pyvm_frame_top()->line = 7;
    switch ((int64_t)arg(c, 0)) {
    case PYVM_EXC_ZERO_DIVISION: pyvm_raise(PYVM_EXC_ZERO_DIVISION, "division by zero");
    case PYVM_EXC_KEY: pyvm_raise_key_error(&pyvm_type_str, P(S("missing")));
    case PYVM_EXC_MEMORY: pyvm_raise(PYVM_EXC_MEMORY, NULL);
    default: pyvm_act_exit(S("custom"));
    }
}
ENTRY(fail, &pyvm_type_int)

/* async def tell(parent: Pid, msg: tuple[str, int]) -> None: await send(parent, msg) */
static pyvm_slot tell_run(pyvm_tstate* ts, pyvm_tuple* c) {
    (void)ts;
    pyvm_act_send((int64_t)arg(c, 0), T("T(s,i)"), arg(c, 1));
    return 0;
}
ENTRY(tell, &pyvm_type_none)

/* async def worker() -> None: obeys "crash", "normal", "shutdown" */
static pyvm_slot worker_run(pyvm_tstate* ts, pyvm_tuple* c) {
    (void)ts;
    (void)c;
    for (;;) {
        void* m = pyvm_act_receive(-1);
        if (!pyvm_dyn_isinstance(m, PYVM_T_STR))
            continue;
        const char* cmd = pyvm_str_utf8(pyvm_slot_to_ptr(pyvm_dyn_value(m)), NULL);
        pyvm_frame_top()->line = 3;
        if (strcmp(cmd, "crash") == 0)
            pyvm_raise(PYVM_EXC_ZERO_DIVISION, "division by zero");
        if (strcmp(cmd, "normal") == 0)
            return 0;
        if (strcmp(cmd, "shutdown") == 0)
            pyvm_act_exit(S("shutdown"));
    }
}
ENTRY(worker, &pyvm_type_none)

static pyvm_slot worker_coro(void) { return coro(worker_entry, worker_run, "T(i,i)", 0); }

/* ---- the cases: each is main's body ---- */

static void c_spawn(void) {
    int64_t me = pyvm_act_self();
    pyvm_slot msg = P(pyvm_tuple_from_slots(T("T(s,i)"), (pyvm_slot[]){P(S("hello")), 42}, 2));
    int64_t child = pyvm_coro_spawn(T("F"), coro(tell_entry, tell_run, "T(i,i,P,T(s,i))", 2, (pyvm_slot)me, msg));
    say("spawned: %s", child > 0 && child != me ? "yes" : "no");
    void* m = pyvm_act_receive(-1);
    say("got %s, a tuple: %d", repr_of(m), pyvm_dyn_isinstance(m, PYVM_T_TUPLE));
    void* first = pyvm_dyn_item(m, 0);
    say("first %s, second %lld", pyvm_str_utf8(pyvm_dyn_str(first), NULL),
        (long long)pyvm_dyn_expect(pyvm_dyn_item(m, 1), &pyvm_type_int));
    /* the inline runner: `await square(5, 0)` in this actor */
    pyvm_slot sq = coro(square_entry, square_run, "T(i,i,i,i)", 2, (pyvm_slot)5, (pyvm_slot)0);
    say("inline %lld", (long long)square_run(NULL, pyvm_slot_to_ptr(sq)));
}

static pyvm_list* coros(int n, pyvm_slot* items) { return pyvm_list_from_slots(T("L(F)"), items, n); }

static void c_gather(void) {
    pyvm_slot cs[5];
    for (int i = 0; i < 5; i++) /* the first ones finish last */
        cs[i] = coro(square_entry, square_run, "T(i,i,i,i)", 2, (pyvm_slot)i, (pyvm_slot)(5 - i) * 3);
    pyvm_list* r = pyvm_coro_gather(coros(5, cs), T("L(i)"));
    say("%s", pyvm_str_utf8(pyvm_repr(T("L(i)"), P(r)), NULL));
    say("%s", pyvm_str_utf8(pyvm_repr(T("L(i)"), P(pyvm_coro_gather(coros(0, NULL), T("L(i)")))), NULL));
    pyvm_slot ss[2] = {coro(shout_entry, shout_run, "T(i,i,s)", 1, P(S("a"))),
                       coro(shout_entry, shout_run, "T(i,i,s)", 1, P(S("b")))};
    say("%s", pyvm_str_utf8(pyvm_repr(T("L(s)"), P(pyvm_coro_gather(coros(2, ss), T("L(s)")))), NULL));
    /* results into list[Any], and list[float] from ints */
    say("%s", pyvm_str_utf8(pyvm_repr(T("L(A)"), P(pyvm_coro_gather(coros(2, ss), T("L(A)")))), NULL));
    pyvm_slot two[2] = {coro(square_entry, square_run, "T(i,i,i,i)", 2, (pyvm_slot)3, (pyvm_slot)0),
                        coro(square_entry, square_run, "T(i,i,i,i)", 2, (pyvm_slot)4, (pyvm_slot)0)};
    say("%s", pyvm_str_utf8(pyvm_repr(T("L(f)"), P(pyvm_coro_gather(coros(2, two), T("L(f)")))), NULL));
    /* nothing is left behind in the mailbox: no result, no DOWN */
    say("left %lld, none %s", (long long)pyvm_mailbox_count(), repr_of(pyvm_act_receive(0)));
}

/* gather([square(1), fail(a, 30), fail(b, 0)]): the later child crashes first, the earlier one is raised */
static void gather_failing(int64_t first_kind, int64_t second_kind) {
    pyvm_slot cs[3] = {coro(square_entry, square_run, "T(i,i,i,i)", 2, (pyvm_slot)1, (pyvm_slot)0),
                       coro(fail_entry, fail_run, "T(i,i,i,i)", 2, (pyvm_slot)first_kind, (pyvm_slot)30),
                       coro(fail_entry, fail_run, "T(i,i,i,i)", 2, (pyvm_slot)second_kind, (pyvm_slot)0)};
    pyvm_frame_top()->line = 12;
    pyvm_coro_gather(coros(3, cs), T("L(i)"));
}

static void try_gather(int64_t first_kind, int64_t second_kind) {
    pyvm_handler h;
    pyvm_try_enter(&h);
    if (setjmp(h.env) == 0) {
        gather_failing(first_kind, second_kind);
        pyvm_try_leave(&h);
        say("nothing raised");
    } else {
        const char* m = pyvm_rt_error_message();
        say("caught %s%s%s", pyvm_exc_name(pyvm_exc_kind()), *m ? ": " : "", m);
    }
    pyvm_act_sleep(0.05); /* the abandoned children end meanwhile */
}

static void c_gather_errors(void) {
    try_gather(PYVM_EXC_KEY, PYVM_EXC_ZERO_DIVISION);
    try_gather(PYVM_EXC_ZERO_DIVISION, PYVM_EXC_KEY);
    try_gather(0, PYVM_EXC_KEY);
    try_gather(PYVM_EXC_MEMORY, 0);
    say("left %lld", (long long)pyvm_mailbox_count());
}

static void c_gather_crash(void) { gather_failing(PYVM_EXC_ZERO_DIVISION, PYVM_EXC_ZERO_DIVISION); }

static bool is_str(pyvm_tstate* ts, void* env, void* box) {
    (void)env;
    if (ts != pyvm_tstate_get())
        say("wrong tstate");
    return pyvm_dyn_isinstance(box, PYVM_T_STR);
}

static bool is_down_of(pyvm_tstate* ts, void* env, void* box) {
    (void)ts;
    if (pyvm_dyn_seq_len(box) != 4 || !pyvm_dyn_eq(pyvm_dyn_item(box, 0), &pyvm_type_str, P(S("DOWN"))))
        return false;
    return pyvm_dyn_eq(pyvm_dyn_item(box, 1), &pyvm_type_int, (pyvm_slot) * (int64_t*)env);
}

static void c_receive(void) {
    void* m = pyvm_act_receive(0.02);
    say("timeout: %s, none %d", repr_of(m), pyvm_dyn_isinstance(m, PYVM_T_NONE));
    int64_t me = pyvm_act_self();
    pyvm_act_send(me, &pyvm_type_int, 1);
    pyvm_act_send(me, &pyvm_type_str, P(S("a")));
    pyvm_act_send(me, &pyvm_type_float, pyvm_slot_from_float(2.5));
    pyvm_act_send(me, &pyvm_type_str, P(S("b")));
    /* a dynamic value sent on: the receiver gets its content, not a box of a box */
    pyvm_act_send(me, &pyvm_type_dyn, P(pyvm_dyn_box(T("L(i)"), P(pyvm_list_from_slots(T("L(i)"), (pyvm_slot[]){7, 8}, 2)))));
    void* w1 = pyvm_act_receive_where(is_str, NULL, -1);
    void* w2 = pyvm_act_receive_where(is_str, NULL, -1);
    void* w3 = pyvm_act_receive_where(is_str, NULL, 0.01);
    say("where: %s %s %s", repr_of(w1), repr_of(w2), repr_of(w3));
    void* r1 = pyvm_act_receive(-1);
    void* r2 = pyvm_act_receive(-1);
    void* r3 = pyvm_act_receive(-1);
    say("rest: %s %s %s", repr_of(r1), repr_of(r2), repr_of(r3));
    say("types: %s %s", pyvm_dyn_type(r2)->spec, pyvm_dyn_type(r3)->spec);
    pyvm_list* l = pyvm_slot_to_ptr(pyvm_dyn_expect(r3, T("L(i)")));
    say("sum %lld", (long long)(l->items[0] + l->items[1]));
    /* monitors and DOWN as boxes */
    int64_t child = pyvm_coro_spawn(T("F"), coro(fail_entry, fail_run, "T(i,i,i,i)", 2, (pyvm_slot)0, (pyvm_slot)0));
    int64_t ref = pyvm_act_monitor(child);
    void* down = pyvm_act_receive_where(is_down_of, &ref, 1.0);
    say("down: %s", pyvm_str_utf8(pyvm_dyn_str(pyvm_dyn_item(down, 3)), NULL));
    say("pid repr ok: %d", strncmp(repr_of(pyvm_dyn_item(down, 2)), "<pid 0.", 7) == 0);
    /* registry, sleep */
    bool registered = pyvm_act_register(S("me"), me);
    say("register %d, whereis self %d", registered, pyvm_act_whereis(S("me")) == me);
    say("whereis free %lld", (long long)pyvm_act_whereis(S("nobody")));
    pyvm_act_sleep(0.001);
    bool was = pyvm_act_trap_exit(true);
    say("trap %d %d", was, pyvm_act_trap_exit(false));
}

/* ---- supervisors ---- */

static pyvm_list* specs(int n, void** items) {
    pyvm_slot s[8];
    for (int i = 0; i < n; i++)
        s[i] = P(items[i]);
    return pyvm_list_from_slots(T("L(i)"), s, n);
}

static void* child(const char* id, int restart) {
    return pyvm_sup_child(S(id), T("F"), worker_coro(), restart, 5.0);
}

/* Sends cmd to the child and waits until the supervisor has dealt with its end. */
static void poke(int64_t sup, const char* id, const char* cmd) {
    int64_t pid = pyvm_sup_which_child(sup, S(id));
    if (!pid) {
        say("(%s not running)", id);
        return;
    }
    int64_t ref = pyvm_act_monitor(pid);
    say("%s %s", cmd, id);
    pyvm_act_send(pid, &pyvm_type_str, P(S(cmd)));
    pyvm_act_receive_where(is_down_of, &ref, -1);
    pyvm_sup_count_children(sup); /* a round trip: the supervisor has handled the exit */
}

static bool is_exit_of(pyvm_tstate* ts, void* env, void* box) {
    (void)ts;
    return pyvm_dyn_seq_len(box) == 3 && pyvm_dyn_eq(pyvm_dyn_item(box, 0), &pyvm_type_str, P(S("EXIT"))) &&
           pyvm_dyn_eq(pyvm_dyn_item(box, 1), &pyvm_type_pid, (pyvm_slot) * (int64_t*)env);
}

static void stop(int64_t sup) {
    pyvm_act_trap_exit(true);
    pyvm_act_kill(sup, S("shutdown"));
    void* e = pyvm_act_receive_where(is_exit_of, &sup, -1);
    say("sup ended: %s", pyvm_str_utf8(pyvm_dyn_str(pyvm_dyn_item(e, 2)), NULL));
}

static void strategy(int64_t which) {
    void* abc[3] = {child("a", 0), child("b", 0), child("c", 0)};
    int64_t sup = pyvm_sup_start(sup_spec_of(specs(3, abc), which, 3, 5.0, "top", true));
    say("children %lld", (long long)pyvm_sup_count_children(sup));
    poke(sup, "b", "crash");
    stop(sup);
}

static void c_one_for_one(void) { strategy(0); }
static void c_one_for_all(void) { strategy(1); }
static void c_rest_for_one(void) { strategy(2); }

static void c_intensity(void) {
    void* a[1] = {child("a", 0)};
    int64_t sup = pyvm_sup_start(sup_spec_of(specs(1, a), 0, 1, 5.0, NULL, true));
    pyvm_act_trap_exit(true);
    poke(sup, "a", "crash");
    int64_t pid = pyvm_sup_which_child(sup, S("a"));
    say("crash a");
    pyvm_act_send(pid, &pyvm_type_str, P(S("crash")));
    void* e = pyvm_act_receive_where(is_exit_of, &sup, -1);
    say("sup ended: %s", pyvm_str_utf8(pyvm_dyn_str(pyvm_dyn_item(e, 2)), NULL));
}

static void c_restart_types(void) {
    void* k[3] = {child("perm", 0), child("trans", 1), child("temp", 2)};
    int64_t sup = pyvm_sup_start(sup_spec_of(specs(3, k), 0, 10, 5.0, "rt", true));
    poke(sup, "trans", "normal");
    poke(sup, "temp", "crash");
    poke(sup, "perm", "normal");
    say("children %lld", (long long)pyvm_sup_count_children(sup));
    say("terminate trans %d", pyvm_sup_terminate_child(sup, S("trans")));
    say("which trans %lld", (long long)pyvm_sup_which_child(sup, S("trans")));
    say("restart trans %d", pyvm_sup_restart_child(sup, S("trans")));
    say("delete trans %d", pyvm_sup_delete_child(sup, S("trans")));
    say("terminate trans %d", pyvm_sup_terminate_child(sup, S("trans")));
    say("delete trans %d", pyvm_sup_delete_child(sup, S("trans")));
    say("children %lld", (long long)pyvm_sup_count_children(sup));
    stop(sup);
}

static void c_nested(void) {
    void* pool_children[2] = {child("w1", 0), child("w2", 0)};
    void* pool = sup_spec_of(specs(2, pool_children), 1, 3, 5.0, "pool", true);
    void* top_children[2] = {child("db", 0), pyvm_sup_child_sup(S("workers"), pool, 0)};
    int64_t top = pyvm_sup_start(sup_spec_of(specs(2, top_children), 0, 3, 5.0, "top", true));
    int64_t workers = pyvm_sup_which_child(top, S("workers"));
    say("pool is the workers child: %d", pyvm_act_whereis(S("pool")) == workers);
    poke(workers, "w1", "crash");
    /* the nested supervisor itself dies: its parent restarts it, and it its children */
    int64_t ref = pyvm_act_monitor(workers);
    say("kill workers");
    pyvm_act_kill(workers, S("kill"));
    pyvm_act_receive_where(is_down_of, &ref, -1);
    pyvm_sup_count_children(top);
    int64_t again = pyvm_sup_which_child(top, S("workers"));
    pyvm_sup_count_children(again); /* it has started its children */
    say("new pool: %d", again != workers && pyvm_act_whereis(S("pool")) == again);
    stop(top);
}

typedef struct {
    const char* name;
    void (*body)(void);
} lang_case;

static const lang_case cases[] = {
    {"spawn", c_spawn}, {"gather", c_gather}, {"gather_errors", c_gather_errors}, {"gather_crash", c_gather_crash},
    {"receive", c_receive}, {"one_for_one", c_one_for_one}, {"one_for_all", c_one_for_all},
    {"rest_for_one", c_rest_for_one}, {"intensity", c_intensity}, {"restart_types", c_restart_types},
    {"nested", c_nested}, {NULL, NULL},
};

/* async def main() -> None: the case's body, in a frame named main */
static pyvm_slot main_run(pyvm_tstate* ts, pyvm_tuple* c) {
    (void)ts;
    cases[(int64_t)arg(c, 0)].body();
    return 0;
}
ENTRY(main, &pyvm_type_none)

int main(int argc, char** argv) {
    pyvm_rt_init();
    for (int64_t i = 0; argc > 1 && cases[i].name; i++)
        if (strcmp(cases[i].name, argv[1]) == 0) {
            int64_t status = pyvm_coro_run_main(T("F"), coro(main_entry, main_run, "T(i,i,i)", 1, (pyvm_slot)i));
            say("status %lld", (long long)status);
            pyvm_flush();
            return 0;
        }
    fprintf(stderr, "usage: test_lang CASE\n");
    return 2;
}
