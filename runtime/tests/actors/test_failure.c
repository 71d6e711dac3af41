/* Failure: a crash (raise, stack overflow, heap exhaustion, exit, kill) ends
 * one actor only and reaches its links and monitors with the right reason. */
#include "acheck.h"

static void divider(pyvm_tstate* ts, pyvm_slot arg) {
    (void)arg;
    pyvm_frame f;
    pyvm_frame_enter(&f, "divide", "main.py");
    f.line = 7;
    if (ts != pyvm_tstate_get())
        pyvm_raise(PYVM_EXC_RUNTIME, "wrong tstate");
    pyvm_raise(PYVM_EXC_ZERO_DIVISION, "division by zero");
}

/* Recursion that overflows the C stack long before 1000 shadow frames. */
static volatile long depth_limit = 1L << 40; /* never reached: the stack ends first */

static long deep(long n) {
    volatile char pad[4096];
    pad[0] = (char)n;
    pad[4095] = (char)n;
    if (n > depth_limit)
        return 0;
    return n + deep(n + 1) + pad[0] + pad[4095];
}

static void overflower(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    pyvm_frame f;
    pyvm_frame_enter(&f, "recurse", "main.py");
    f.line = 3;
    tracef("%ld", deep(0));
}

static void frame_recursion(int depth) {
    pyvm_frame f;
    pyvm_frame_enter(&f, "f", "main.py");
    f.line = 2;
    if (depth < depth_limit)
        frame_recursion(depth + 1);
    pyvm_frame_leave(&f);
}

static void recursor(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    frame_recursion(0); /* the shadow-frame limit: RecursionError raised by pyvm_frame_enter */
}

#if defined(__has_include)
#if __has_include("../../heap/heap.h")
#define HAVE_HEAP_MODULE 1
#endif
#endif

static void hog(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
#ifdef HAVE_HEAP_MODULE
    /* The actor's heap limit (1 MiB, see observer) is reached: MemoryError. */
    pyvm_list* keep = pyvm_list_new(T("L(s)"), 0);
    for (;;)
        pyvm_list_append(keep, pyvm_slot_from_ptr(pyvm_str_alloc(4096, 1)));
#else
    /* Without the heap module, the MemoryError it would raise. */
    pyvm_raise(PYVM_EXC_MEMORY, NULL);
#endif
}

static void quitter(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    pyvm_actor_exit(cstr(arg));
}

static void sys_exiter(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    pyvm_exit((int64_t)arg);
}

static void sleeper(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    const pyvm_type* t;
    pyvm_slot v;
    pyvm_mailbox_receive(&t, &v, -1);
}

static void busy_forever(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    for (;;)
        pyvm_safepoint();
}

static const char* down_reason(pyvm_pid pid) {
    const pyvm_type* t;
    for (;;) {
        pyvm_slot v = recv_any(&t);
        if (t == pyvm_actor_down_type() && tget(v, 2) == pid)
            return cstr(tget(v, 3));
    }
}

static void watch(const char* what, pyvm_actor_fn fn, const pyvm_type* at, pyvm_slot arg) {
    pyvm_spawn_opts o = {.monitor = true, .heap_max = 1 << 20};
    int64_t ref;
    pyvm_pid p = pyvm_actor_spawn_opt(fn, at, arg, &o, &ref);
    tracef("%s: %s", what, down_reason(p));
}

static void observer(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    watch("divide", divider, NULL, 0);
    watch("overflow", overflower, NULL, 0);
    watch("recursion", recursor, NULL, 0);
    watch("heap", hog, NULL, 0);
    watch("exit", quitter, &pyvm_type_str, S("custom reason"));
    watch("sys.exit(0)", sys_exiter, &pyvm_type_int, 0);
    watch("sys.exit(3)", sys_exiter, &pyvm_type_int, 3);
    /* kill: untrappable, even for an actor trapping exits */
    pyvm_spawn_opts o = {.monitor = true, .trap_exit = true};
    int64_t ref;
    pyvm_pid p = pyvm_actor_spawn_opt(sleeper, NULL, 0, &o, &ref);
    pyvm_actor_kill(p, "kill");
    tracef("kill: %s", down_reason(p));
    /* a busy actor dies at its next time slice */
    pyvm_spawn_opts o2 = {.monitor = true};
    p = pyvm_actor_spawn_opt(busy_forever, NULL, 0, &o2, &ref);
    pyvm_actor_sleep(2);
    pyvm_actor_kill(p, "stop now");
    tracef("busy: %s", down_reason(p));
    /* monitoring the dead */
    ref = pyvm_actor_monitor(p);
    tracef("dead: %s", down_reason(p));
    /* the observer itself is fine */
    tracef("observer alive: %d", pyvm_actor_alive(pyvm_actor_self()));
}

static void t_isolation(long n) {
    (void)n;
    trace_reset();
    start(2, -1);
    pyvm_actor_spawn(observer, NULL, 0);
    finish_runtime();
    CHECK_TRACE("divide: ZeroDivisionError: division by zero\n"
                "overflow: RecursionError: maximum recursion depth exceeded\n"
                "recursion: RecursionError: maximum recursion depth exceeded\n"
                "heap: MemoryError\n"
                "exit: custom reason\n"
                "sys.exit(0): normal\n"
                "sys.exit(3): exit status 3\n"
                "kill: killed\n"
                "busy: stop now\n"
                "dead: noproc\n"
                "observer alive: 1\n");
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    CHECK_EQ(s.crashed, 4);
}

/* ---- links ---- */

static void linked_crasher(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    pyvm_actor_sleep((int64_t)arg);
    pyvm_raise(PYVM_EXC_VALUE, "bad value");
}

static void linked_normal(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
}

static void middle(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    pyvm_spawn_opts o = {.link = true};
    pyvm_actor_spawn_opt(linked_normal, NULL, 0, &o, NULL); /* "normal": ignored */
    pyvm_actor_spawn_opt(linked_crasher, &pyvm_type_int, 5, &o, NULL);
    const pyvm_type* t;
    pyvm_slot v;
    pyvm_mailbox_receive(&t, &v, -1); /* dies of its link first */
    tracef("middle: not reached");
}

static void trapper(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    pyvm_actor_trap_exit(true);
    pyvm_spawn_opts o = {.link = true};
    pyvm_pid m = pyvm_actor_spawn_opt(middle, NULL, 0, &o, NULL);
    const pyvm_type* t;
    pyvm_slot v = recv_any(&t);
    CHECK(t == pyvm_actor_exit_type());
    CHECK(tget(v, 1) == m);
    tracef("trapper got %s from middle: %s", cstr(tget(v, 0)), cstr(tget(v, 2)));
    /* links to the dead: noproc, as a message when trapping */
    pyvm_actor_link(m);
    v = recv_any(&t);
    tracef("link to dead: %s %s", cstr(tget(v, 0)), cstr(tget(v, 2)));
    /* unlink: no signal afterwards */
    pyvm_pid c = pyvm_actor_spawn_opt(linked_crasher, &pyvm_type_int, 5, &o, NULL);
    pyvm_actor_unlink(c);
    CHECK(!pyvm_mailbox_receive(&t, &v, 60));
    /* an exit signal that is not "kill" is trapped too */
    pyvm_actor_kill(pyvm_actor_self(), "please stop");
    v = recv_any(&t);
    tracef("self signal: %s", cstr(tget(v, 2)));
    /* demonitor with flush: the DOWN never shows */
    pyvm_pid q = pyvm_actor_spawn(linked_normal, NULL, 0);
    int64_t ref = pyvm_actor_monitor(q);
    pyvm_actor_sleep(20);
    pyvm_actor_demonitor(ref, true);
    CHECK(!pyvm_mailbox_receive(&t, &v, 0));
}

static void t_links(long n) {
    (void)n;
    trace_reset();
    start(2, -1);
    pyvm_actor_spawn(trapper, NULL, 0);
    finish_runtime();
    CHECK_TRACE("trapper got EXIT from middle: ValueError: bad value\n"
                "link to dead: EXIT noproc\n"
                "self signal: please stop\n");
}

/* Many crashes at once on several workers: nothing else is disturbed. */
static atomic_long survivors;

static void crash_or_not(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    if ((int64_t)arg % 3 == 0)
        pyvm_raise(PYVM_EXC_INDEX, "list index out of range");
    if ((int64_t)arg % 3 == 1) {
        const char* san = getenv("PYVM_TEST_SANITIZER");
        if (san && strcmp(san, "thread") == 0) /* TSan's signal interception and overflow don't mix */
            pyvm_raise(PYVM_EXC_RECURSION, "maximum recursion depth exceeded");
        deep(0);
    }
    atomic_fetch_add(&survivors, 1);
}

static void t_mass_crash(long n) {
    atomic_store(&survivors, 0);
    start(0, -1);
    for (long i = 0; i < n; i++)
        pyvm_actor_spawn(crash_or_not, &pyvm_type_int, (pyvm_slot)i);
    finish_runtime();
    CHECK_EQ(atomic_load(&survivors), n / 3);
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    CHECK_EQ(s.crashed, n - n / 3);
}

static bool is_int(const pyvm_type* t, pyvm_slot v, void* ctx) {
    (void)v;
    (void)ctx;
    return t == &pyvm_type_int;
}

/* demonitor(ref, flush) right after a monitored actor's last message: its DOWN may be on its way
 * (the actor ends concurrently on another worker); it must never show up afterwards. Batches of
 * children, so that the other worker steals some and ends them while the flusher demonitors. */
static void reply_and_end(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    pyvm_mailbox_send((pyvm_pid)arg, &pyvm_type_int, 1);
}

static void flusher(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    enum { BATCH = 8 };
    long rounds = (long)arg, late = 0;
    for (long i = 0; i < rounds; i++) {
        int64_t refs[BATCH];
        pyvm_spawn_opts o = {.monitor = true};
        for (int k = 0; k < BATCH; k++)
            pyvm_actor_spawn_opt(reply_and_end, &pyvm_type_int, (pyvm_slot)pyvm_actor_self(), &o, &refs[k]);
        const pyvm_type* t;
        pyvm_slot v;
        for (int k = 0; k < BATCH; k++) {
            CHECK(pyvm_mailbox_receive_match(is_int, NULL, &t, &v, -1));
            pyvm_actor_demonitor(refs[k], true); /* any child's: all have replied by the last one */
        }
        while (pyvm_mailbox_receive(&t, &v, 0))
            late++;
    }
    CHECK_EQ(late, 0);
}

static void t_demonitor_race(long n) {
    start(2, -1);
    pyvm_actor_spawn(flusher, &pyvm_type_int, (pyvm_slot)n);
    finish_runtime();
}

int main(int argc, char** argv) {
    pyvm_rt_init();
    static const test_case tests[] = {
        {"isolation", t_isolation, 0},
        {"links", t_links, 0},
        {"mass_crash", t_mass_crash, 300},
        {"demonitor_race", t_demonitor_race, 2000},
        {NULL, NULL, 0},
    };
    return run_tests(tests, argc, argv);
}
