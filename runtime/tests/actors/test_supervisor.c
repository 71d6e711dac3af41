/* Supervisors, mirroring OTP's supervisor_SUITE: strategies, restart types
 * against normal/shutdown/abnormal exits, restart intensity and its
 * escalation, the period, shutdown order, temporary bystanders, nested
 * trees, dynamic children, shutdown timeouts. Runs in deterministic mode
 * and compares event traces. */
#include "acheck.h"

/* A child: waits for commands ("crash", "normal", "shutdown", "hang"). */
static void worker(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    for (;;) {
        const pyvm_type* t;
        pyvm_slot v = recv_any(&t);
        if (t != &pyvm_type_str)
            continue;
        const char* c = cstr(v);
        if (strcmp(c, "crash") == 0)
            pyvm_raise(PYVM_EXC_ZERO_DIVISION, "division by zero");
        if (strcmp(c, "normal") == 0)
            return;
        if (strcmp(c, "shutdown") == 0)
            pyvm_actor_exit("shutdown");
        if (strcmp(c, "hang") == 0) {
            pyvm_actor_trap_exit(true); /* ignores the supervisor's "shutdown" */
            for (;;)
                recv_any(&t);
        }
    }
}

static void on_event(pyvm_pid sup, const char* event, void* ctx) {
    (void)sup;
    tracef("%s: %s", (const char*)ctx, event);
}

#define CHILD(name, restart) {name, worker, NULL, 0, restart, 1000, false}

static pyvm_sup_spec spec_of(int strategy, int intensity, int64_t period, const pyvm_child_spec* c, size_t n,
                             const char* label) {
    pyvm_sup_spec s = {strategy, intensity, period, c, n, NULL, on_event, (void*)label};
    return s;
}

/* Sends cmd to child id and waits until it is gone (and, if restarted, back). */
static void poke(pyvm_pid sup, const char* id, const char* cmd) {
    pyvm_pid p = pyvm_supervisor_which_child(sup, id);
    if (!p) {
        tracef("(%s not running)", id);
        return;
    }
    int64_t ref = pyvm_actor_monitor(p);
    pyvm_mailbox_send(p, &pyvm_type_str, S(cmd));
    const pyvm_type* t;
    for (;;) {
        pyvm_slot v = recv_any(&t);
        if (t == pyvm_actor_down_type() && (int64_t)tget(v, 1) == ref)
            break;
    }
    pyvm_supervisor_count_children(sup); /* a round trip: the supervisor has handled the exit */
}

static bool exit_from(const pyvm_type* t, pyvm_slot v, void* pid) {
    return t == pyvm_actor_exit_type() && tget(v, 1) == *(pyvm_pid*)pid;
}

static const char* wait_exit(pyvm_pid pid) {
    const pyvm_type* t;
    pyvm_slot v;
    pyvm_mailbox_receive_match(exit_from, &pid, &t, &v, -1);
    return cstr(tget(v, 2));
}

/* Children start asynchronously: wait for a supervisor child to register its supervisor. */
static pyvm_pid wait_named(const char* name, pyvm_pid not_this) {
    pyvm_pid p;
    while (!(p = pyvm_registry_whereis(name)) || p == not_this)
        pyvm_actor_sleep(1);
    return p;
}

typedef void (*scenario)(void);
static scenario current;

static void driver(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    pyvm_actor_trap_exit(true);
    current();
}

static void run(scenario s, const char* expected) {
    trace_reset();
    current = s;
    start(0, 1234);
    pyvm_actor_spawn(driver, NULL, 0);
    finish_runtime();
    CHECK_TRACE(expected);
}

static void stop_sup(pyvm_pid sup) {
    pyvm_actor_kill(sup, "shutdown");
    tracef("sup ended: %s", wait_exit(sup));
}

/* ---- strategies ---- */

static const pyvm_child_spec abc[] = {CHILD("a", PYVM_PERMANENT), CHILD("b", PYVM_PERMANENT),
                                      CHILD("c", PYVM_PERMANENT)};

static void s_one_for_one(void) {
    pyvm_sup_spec s = spec_of(PYVM_ONE_FOR_ONE, 3, 5000, abc, 3, "sup");
    pyvm_pid sup = pyvm_supervisor_start_link(&s);
    poke(sup, "b", "crash");
    stop_sup(sup);
}

static void s_one_for_all(void) {
    pyvm_sup_spec s = spec_of(PYVM_ONE_FOR_ALL, 3, 5000, abc, 3, "sup");
    pyvm_pid sup = pyvm_supervisor_start_link(&s);
    poke(sup, "b", "crash");
    stop_sup(sup);
}

static void s_rest_for_one(void) {
    pyvm_sup_spec s = spec_of(PYVM_REST_FOR_ONE, 3, 5000, abc, 3, "sup");
    pyvm_pid sup = pyvm_supervisor_start_link(&s);
    poke(sup, "b", "crash");
    stop_sup(sup);
}

static void t_strategies(long n) {
    (void)n;
    run(s_one_for_one,
        "sup: start a\nsup: start b\nsup: start c\n"
        "sup: exit b: ZeroDivisionError: division by zero\nsup: restart b\nsup: start b\n"
        "sup: terminate c\nsup: terminate b\nsup: terminate a\nsup: stop: shutdown\nsup ended: shutdown\n");
    run(s_one_for_all,
        "sup: start a\nsup: start b\nsup: start c\n"
        "sup: exit b: ZeroDivisionError: division by zero\nsup: restart b\n"
        "sup: terminate c\nsup: terminate a\nsup: start a\nsup: start b\nsup: start c\n"
        "sup: terminate c\nsup: terminate b\nsup: terminate a\nsup: stop: shutdown\nsup ended: shutdown\n");
    run(s_rest_for_one,
        "sup: start a\nsup: start b\nsup: start c\n"
        "sup: exit b: ZeroDivisionError: division by zero\nsup: restart b\n"
        "sup: terminate c\nsup: start b\nsup: start c\n"
        "sup: terminate c\nsup: terminate b\nsup: terminate a\nsup: stop: shutdown\nsup ended: shutdown\n");
}

/* ---- restart types x exit reasons ---- */

static const pyvm_child_spec types[] = {CHILD("perm", PYVM_PERMANENT), CHILD("trans", PYVM_TRANSIENT),
                                        CHILD("temp", PYVM_TEMPORARY)};

static void s_types(void) {
    pyvm_sup_spec s = spec_of(PYVM_ONE_FOR_ONE, 100, 5000, types, 3, "sup");
    pyvm_pid sup = pyvm_supervisor_start_link(&s);
    const char* cmds[] = {"normal", "shutdown", "crash"};
    for (int i = 0; i < 3; i++) {
        tracef("-- %s", cmds[i]);
        poke(sup, "perm", cmds[i]);
        poke(sup, "trans", cmds[i]);
        poke(sup, "temp", cmds[i]);
        if (!pyvm_supervisor_which_child(sup, "trans"))
            pyvm_supervisor_restart_child(sup, "trans");
        if (!pyvm_supervisor_which_child(sup, "temp")) {
            pyvm_child_spec again = CHILD("temp", PYVM_TEMPORARY);
            tracef("temp re-added: %d", pyvm_supervisor_start_child(sup, &again));
        }
    }
    tracef("children: %lld", (long long)pyvm_supervisor_count_children(sup));
    stop_sup(sup);
}

static void t_restart_types(long n) {
    (void)n;
    run(s_types,
        "sup: start perm\nsup: start trans\nsup: start temp\n"
        "-- normal\n"
        "sup: exit perm: normal\nsup: restart perm\nsup: start perm\n"
        "sup: exit trans: normal\n"
        "sup: exit temp: normal\n"
        "sup: start trans\nsup: start temp\ntemp re-added: 1\n"
        "-- shutdown\n"
        "sup: exit perm: shutdown\nsup: restart perm\nsup: start perm\n"
        "sup: exit trans: shutdown\n"
        "sup: exit temp: shutdown\n"
        "sup: start trans\nsup: start temp\ntemp re-added: 1\n"
        "-- crash\n"
        "sup: exit perm: ZeroDivisionError: division by zero\nsup: restart perm\nsup: start perm\n"
        "sup: exit trans: ZeroDivisionError: division by zero\nsup: restart trans\nsup: start trans\n"
        "sup: exit temp: ZeroDivisionError: division by zero\n"
        "sup: start temp\ntemp re-added: 1\n"
        "children: 3\n"
        "sup: terminate temp\nsup: terminate trans\nsup: terminate perm\nsup: stop: shutdown\n"
        "sup ended: shutdown\n");
}

/* ---- intensity, period, escalation ---- */

static void s_intensity(void) {
    pyvm_sup_spec s = spec_of(PYVM_ONE_FOR_ONE, 2, 10000, abc, 3, "sup");
    pyvm_pid sup = pyvm_supervisor_start_link(&s);
    poke(sup, "a", "crash");
    poke(sup, "a", "crash");
    pyvm_pid a = pyvm_supervisor_which_child(sup, "a");
    pyvm_mailbox_send(a, &pyvm_type_str, S("crash")); /* the third within 10 s */
    tracef("sup ended: %s", wait_exit(sup));
}

static void s_period(void) {
    pyvm_sup_spec s = spec_of(PYVM_ONE_FOR_ONE, 1, 1000, abc, 1, "sup");
    pyvm_pid sup = pyvm_supervisor_start_link(&s);
    for (int i = 0; i < 4; i++) {
        poke(sup, "a", "crash");
        pyvm_actor_sleep(1500); /* beyond the period: the last restart no longer counts */
    }
    tracef("alive: %d", pyvm_actor_alive(sup));
    stop_sup(sup);
}

static pyvm_sup_spec inner_spec;

static void inner_sup(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    /* A supervisor child: start the inner supervisor linked to us and mirror it. */
    pyvm_actor_trap_exit(true);
    pyvm_pid sup = pyvm_supervisor_start_link(&inner_spec);
    pyvm_registry_register("inner", sup);
    const pyvm_type* t;
    for (;;) {
        pyvm_slot v = recv_any(&t);
        if (t == pyvm_actor_exit_type()) {
            const char* r = cstr(tget(v, 2));
            if (tget(v, 1) != sup)
                pyvm_actor_kill(sup, r), wait_exit(sup);
            pyvm_actor_exit(r);
        }
    }
}

static const pyvm_child_spec inner_children[] = {CHILD("x", PYVM_PERMANENT), CHILD("y", PYVM_PERMANENT)};

static void s_escalation(void) {
    inner_spec = spec_of(PYVM_ONE_FOR_ONE, 1, 10000, inner_children, 2, "inner");
    pyvm_child_spec top_children[] = {CHILD("w", PYVM_PERMANENT),
                                      {"sub", inner_sup, NULL, 0, PYVM_PERMANENT, PYVM_INFINITY, true}};
    pyvm_sup_spec s = spec_of(PYVM_ONE_FOR_ONE, 3, 10000, top_children, 2, "top");
    pyvm_pid top = pyvm_supervisor_start_link(&s);
    pyvm_pid inner = wait_named("inner", 0);
    poke(inner, "y", "crash");
    poke(inner, "y", "crash"); /* second within the period: inner gives up, top restarts "sub" */
    tracef("new inner: %d", wait_named("inner", inner) != inner);
    stop_sup(top);
}

static void t_intensity(long n) {
    (void)n;
    run(s_intensity,
        "sup: start a\nsup: start b\nsup: start c\n"
        "sup: exit a: ZeroDivisionError: division by zero\nsup: restart a\nsup: start a\n"
        "sup: exit a: ZeroDivisionError: division by zero\nsup: restart a\nsup: start a\n"
        "sup: exit a: ZeroDivisionError: division by zero\n"
        "sup: shutdown: reached max restart intensity\n"
        "sup: terminate c\nsup: terminate b\nsup: stop: shutdown\nsup ended: shutdown\n");
    run(s_period,
        "sup: start a\n"
        "sup: exit a: ZeroDivisionError: division by zero\nsup: restart a\nsup: start a\n"
        "sup: exit a: ZeroDivisionError: division by zero\nsup: restart a\nsup: start a\n"
        "sup: exit a: ZeroDivisionError: division by zero\nsup: restart a\nsup: start a\n"
        "sup: exit a: ZeroDivisionError: division by zero\nsup: restart a\nsup: start a\n"
        "alive: 1\nsup: terminate a\nsup: stop: shutdown\nsup ended: shutdown\n");
    run(s_escalation,
        "top: start w\ntop: start sub\ninner: start x\ninner: start y\n"
        "inner: exit y: ZeroDivisionError: division by zero\ninner: restart y\ninner: start y\n"
        "inner: exit y: ZeroDivisionError: division by zero\n"
        "inner: shutdown: reached max restart intensity\n"
        "inner: terminate x\ninner: stop: shutdown\n"
        "top: exit sub: shutdown\ntop: restart sub\ntop: start sub\ninner: start x\ninner: start y\n"
        "new inner: 1\n"
        "inner: terminate y\ninner: terminate x\ninner: stop: shutdown\ntop: terminate sub\n"
        "top: terminate w\ntop: stop: shutdown\nsup ended: shutdown\n");
}

/* ---- bystanders, nesting, dynamic children, shutdown timeout ---- */

static void s_bystander(void) {
    pyvm_child_spec c[] = {CHILD("a", PYVM_PERMANENT), CHILD("t", PYVM_TEMPORARY), CHILD("b", PYVM_PERMANENT)};
    pyvm_sup_spec s = spec_of(PYVM_ONE_FOR_ALL, 3, 5000, c, 3, "sup");
    pyvm_pid sup = pyvm_supervisor_start_link(&s);
    poke(sup, "a", "crash");
    tracef("children: %lld", (long long)pyvm_supervisor_count_children(sup));
    stop_sup(sup);
}

static pyvm_sup_spec nested_spec;

static void nested_sup(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    inner_sup(ts, arg);
}

static void s_nested(void) {
    inner_spec = spec_of(PYVM_ONE_FOR_ONE, 3, 5000, inner_children, 2, "inner");
    (void)nested_spec;
    pyvm_child_spec c[] = {CHILD("w1", PYVM_PERMANENT),
                           {"sub", nested_sup, NULL, 0, PYVM_PERMANENT, PYVM_INFINITY, true},
                           CHILD("w2", PYVM_PERMANENT)};
    pyvm_sup_spec s = spec_of(PYVM_ONE_FOR_ONE, 3, 5000, c, 3, "top");
    pyvm_pid top = pyvm_supervisor_start_link(&s);
    poke(wait_named("inner", 0), "x", "crash"); /* handled below the top */
    poke(top, "w2", "crash");
    stop_sup(top);
}

static void s_dynamic(void) {
    pyvm_sup_spec s = spec_of(PYVM_ONE_FOR_ONE, 3, 5000, NULL, 0, "sup");
    pyvm_pid sup = pyvm_supervisor_start_link(&s);
    pyvm_child_spec d = CHILD("d", PYVM_TRANSIENT);
    tracef("start d: %d", pyvm_supervisor_start_child(sup, &d));
    tracef("start d again: %d", pyvm_supervisor_start_child(sup, &d));
    tracef("d running: %d", pyvm_supervisor_which_child(sup, "d") != 0);
    tracef("terminate d: %d", pyvm_supervisor_terminate_child(sup, "d"));
    tracef("d running: %d", pyvm_supervisor_which_child(sup, "d") != 0);
    tracef("restart d: %d", pyvm_supervisor_restart_child(sup, "d"));
    tracef("delete running d: %d", pyvm_supervisor_delete_child(sup, "d"));
    pyvm_supervisor_terminate_child(sup, "d");
    tracef("delete d: %d", pyvm_supervisor_delete_child(sup, "d"));
    tracef("children: %lld", (long long)pyvm_supervisor_count_children(sup));
    stop_sup(sup);
}

static void s_shutdown_timeout(void) {
    pyvm_child_spec c[] = {{"stubborn", worker, NULL, 0, PYVM_PERMANENT, 200, false}, CHILD("ok", PYVM_PERMANENT)};
    pyvm_sup_spec s = spec_of(PYVM_ONE_FOR_ONE, 3, 5000, c, 2, "sup");
    pyvm_pid sup = pyvm_supervisor_start_link(&s);
    pyvm_mailbox_send(pyvm_supervisor_which_child(sup, "stubborn"), &pyvm_type_str, S("hang"));
    pyvm_actor_sleep(1);
    int64_t ref = pyvm_actor_monitor(pyvm_supervisor_which_child(sup, "stubborn"));
    stop_sup(sup);
    const pyvm_type* t;
    pyvm_slot v;
    while (pyvm_mailbox_receive(&t, &v, 0))
        if (t == pyvm_actor_down_type() && (int64_t)tget(v, 1) == ref)
            tracef("stubborn: %s", cstr(tget(v, 3)));
}

static void t_trees(long n) {
    (void)n;
    run(s_bystander,
        "sup: start a\nsup: start t\nsup: start b\n"
        "sup: exit a: ZeroDivisionError: division by zero\nsup: restart a\n"
        "sup: terminate b\nsup: terminate t\nsup: start a\nsup: start b\n"
        "children: 2\n"
        "sup: terminate b\nsup: terminate a\nsup: stop: shutdown\nsup ended: shutdown\n");
    run(s_nested,
        "top: start w1\ntop: start sub\ntop: start w2\ninner: start x\ninner: start y\n"
        "inner: exit x: ZeroDivisionError: division by zero\ninner: restart x\ninner: start x\n"
        "top: exit w2: ZeroDivisionError: division by zero\ntop: restart w2\ntop: start w2\n"
        "top: terminate w2\ninner: terminate y\ninner: terminate x\ninner: stop: shutdown\n"
        "top: terminate sub\ntop: terminate w1\ntop: stop: shutdown\nsup ended: shutdown\n");
    run(s_dynamic,
        "sup: start d\nstart d: 1\nstart d again: 0\nd running: 1\n"
        "sup: terminate d\nterminate d: 1\nd running: 0\n"
        "sup: start d\nrestart d: 1\ndelete running d: 0\n"
        "sup: terminate d\ndelete d: 1\nchildren: 0\n"
        "sup: stop: shutdown\nsup ended: shutdown\n");
    run(s_shutdown_timeout,
        "sup: start stubborn\nsup: start ok\n"
        "sup: terminate ok\nsup: terminate stubborn\nsup: stop: shutdown\nsup ended: shutdown\n"
        "stubborn: killed\n");
}

int main(int argc, char** argv) {
    pyvm_rt_init();
    static const test_case tests[] = {
        {"strategies", t_strategies, 0},
        {"restart_types", t_restart_types, 0},
        {"intensity", t_intensity, 0},
        {"trees", t_trees, 0},
        {NULL, NULL, 0},
    };
    return run_tests(tests, argc, argv);
}
