/* Scheduler and green threads: spawn/exit, yield, ping-pong, work stealing,
 * parking, fairness, deterministic replay, pids as values. */
#include <sys/resource.h>
#include <unistd.h>

#include "acheck.h"

/* ---- spawn / exit ---- */

static atomic_long ran;

static void noop(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    atomic_fetch_add(&ran, (long)arg);
}

static void t_spawn_exit(long n) {
    atomic_store(&ran, 0);
    start(0, -1);
    for (long i = 0; i < n; i++)
        CHECK(pyvm_actor_spawn(noop, &pyvm_type_int, 1) != 0);
    finish_runtime();
    CHECK_EQ(atomic_load(&ran), n);
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    CHECK_EQ(s.spawned, n);
    CHECK_EQ(s.exited, n);
}

/* ---- arguments are deep copies ---- */

static void check_arg(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    const pyvm_type* t = T("T(s,L(i),D(s,f),P,n,b)");
    CHECK(strcmp(repr(t, arg), "('h\u00e9llo', [1, 2, 3], {'x': 1.5}, <pid 0.7>, None, True)") == 0);
    /* the copy is private: mutate it */
    pyvm_list_append(pyvm_slot_to_ptr(tget(arg, 1)), 4);
    atomic_fetch_add(&ran, 1);
}

static void t_spawn_arg(long n) {
    (void)n;
    atomic_store(&ran, 0);
    start(2, -1);
    const pyvm_type* t = T("T(s,L(i),D(s,f),P,n,b)");
    pyvm_list* l = pyvm_list_new(T("L(i)"), 0);
    for (int i = 1; i <= 3; i++)
        pyvm_list_append(l, (pyvm_slot)i);
    pyvm_dict* d = pyvm_dict_new(T("D(s,f)"));
    pyvm_dict_set(d, S("x"), pyvm_slot_from_float(1.5));
    pyvm_slot items[6] = {S("h\u00e9llo"), pyvm_slot_from_ptr(l), pyvm_slot_from_ptr(d), 7, 0, 1};
    pyvm_slot tup = pyvm_slot_from_ptr(pyvm_tuple_from_slots(t, items, 6));
    pyvm_actor_spawn(check_arg, t, tup);
    pyvm_actor_spawn(check_arg, t, tup);
    finish_runtime();
    CHECK_EQ(atomic_load(&ran), 2);
    CHECK_EQ(l->len, 3); /* the original was never touched */
}

/* ---- yield ping-pong and message ping-pong ---- */

static void yielder(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    for (long i = 0; i < (long)arg; i++)
        pyvm_actor_yield();
    atomic_fetch_add(&ran, 1);
}

static void t_yield(long n) {
    atomic_store(&ran, 0);
    start(1, -1);
    double t0 = now_s();
    pyvm_actor_spawn(yielder, &pyvm_type_int, (pyvm_slot)n);
    pyvm_actor_spawn(yielder, &pyvm_type_int, (pyvm_slot)n);
    finish_runtime();
    double dt = now_s() - t0;
    CHECK_EQ(atomic_load(&ran), 2);
    printf("  yield: %.1f ns per switch (2 actors x %ld yields, 1 worker)\n", dt * 1e9 / (2.0 * (double)n), n);
}

static void ponger(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    const pyvm_type* t;
    for (;;) {
        pyvm_slot v = recv_any(&t);
        if (t == &pyvm_type_int && (int64_t)v < 0)
            return;
        pyvm_pid from = tget(v, 0);
        pyvm_mailbox_send(from, &pyvm_type_int, tget(v, 1));
    }
}

typedef struct {
    long rounds;
    int pin_a, pin_b;
} pp_args;

static _Atomic double pp_result_ns;

static void pinger(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    pp_args* a = pyvm_slot_to_ptr(arg);
    pyvm_spawn_opts o = {.pin_worker = a->pin_b};
    pyvm_pid p = pyvm_actor_spawn_opt(ponger, NULL, 0, &o, NULL);
    const pyvm_type* req = T("T(P,i)");
    double t0 = now_s();
    for (long i = 0; i < a->rounds; i++) {
        pyvm_slot items[2] = {pyvm_actor_self(), (pyvm_slot)i};
        pyvm_mailbox_send(p, req, pyvm_slot_from_ptr(pyvm_tuple_from_slots(req, items, 2)));
        const pyvm_type* t;
        pyvm_slot v = recv_any(&t);
        CHECK((int64_t)v == i);
    }
    pp_result_ns = (now_s() - t0) * 1e9 / (double)a->rounds;
    pyvm_mailbox_send(p, &pyvm_type_int, (pyvm_slot)-1);
}

static void t_pingpong(long n) {
    pp_args same = {n, 1, 1}, cross = {n, 1, 2};
    start(2, -1);
    pyvm_spawn_opts o = {.pin_worker = 1};
    pyvm_actor_spawn_opt(pinger, NULL, pyvm_slot_from_ptr(&same), &o, NULL);
    finish_runtime();
    printf("  message round trip, same worker: %.0f ns (latency %.0f ns)\n", pp_result_ns, pp_result_ns / 2);
    start(2, -1);
    pyvm_actor_spawn_opt(pinger, NULL, pyvm_slot_from_ptr(&cross), &o, NULL);
    finish_runtime();
    printf("  message round trip, across workers: %.0f ns (latency %.0f ns)\n", pp_result_ns, pp_result_ns / 2);
    start(2, -1);
    pp_args free_ = {n, 0, 0};
    pyvm_actor_spawn(pinger, NULL, pyvm_slot_from_ptr(&free_));
    finish_runtime();
    printf("  message round trip, unpinned (runnext hand-off): %.0f ns\n", pp_result_ns);
}

/* ---- work stealing: a fan-out from one actor ---- */

static void busy(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    volatile long x = 0;
    for (long i = 0; i < (long)arg; i++) {
        x += i;
        pyvm_safepoint();
    }
    atomic_fetch_add(&ran, 1);
}

static void fan_out(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    for (long i = 0; i < (long)arg; i++)
        pyvm_actor_spawn(busy, &pyvm_type_int, 20000);
}

static void t_stealing(long n) {
    atomic_store(&ran, 0);
    start(4, -1);
    pyvm_actor_spawn(fan_out, &pyvm_type_int, (pyvm_slot)n);
    finish_runtime();
    CHECK_EQ(atomic_load(&ran), n);
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    printf("  steals: %lld of %ld actors\n", (long long)s.steals, n);
    CHECK(s.steals > 0);
}

/* ---- parking: an idle runtime uses no CPU ---- */

static double cpu_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void waiter(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    const pyvm_type* t;
    pyvm_slot v;
    pyvm_mailbox_receive(&t, &v, -1);
    atomic_fetch_add(&ran, 1);
}

static void t_parking(long n) {
    (void)n;
    atomic_store(&ran, 0);
    start(4, -1);
    pyvm_pid p = pyvm_actor_spawn(waiter, NULL, 0);
    usleep(20000);
    double c0 = cpu_s(), t0 = now_s();
    usleep(200000);
    double used = cpu_s() - c0, wall = now_s() - t0;
    printf("  idle runtime (4 workers): %.2f ms CPU in %.0f ms\n", used * 1e3, wall * 1e3);
    CHECK(used < 0.02);
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    CHECK(s.parks >= 4);
    pyvm_mailbox_send(p, &pyvm_type_int, 1); /* from outside any actor */
    finish_runtime();
    CHECK_EQ(atomic_load(&ran), 1);
}

/* ---- hibernation: idle stacks go back to the kernel and come back intact ----
 *
 * Actors park in receive below a chain of frames (0..39 deep, so some span
 * pages) full of known words and pointers into themselves. Once every
 * actor has hibernated, messages wake them in waves while sweeps (every
 * millisecond here) keep putting them back to sleep, some caught halfway
 * (a wake during a sweep); each frame is checked after every wake. */

enum { HIB_WORDS = 32, HIB_ROUNDS = 4 };
static atomic_long hib_parked, hib_ok;

static uint64_t hib_word(long seed, long depth, int i) {
    return (uint64_t)seed * 0x9E3779B97F4A7C15ull + (uint64_t)(depth * HIB_WORDS + i);
}

static long hib_frame(long depth, long seed) {
    volatile uint64_t local[HIB_WORDS];
    for (int i = 0; i < HIB_WORDS; i++)
        local[i] = hib_word(seed, depth, i);
    volatile uint64_t* volatile inside = &local[depth % HIB_WORDS]; /* a pointer into this stack */
    long got = 0;
    if (depth > 0) {
        got = hib_frame(depth - 1, seed);
    } else {
        atomic_fetch_add(&hib_parked, 1);
        for (int r = 0; r < HIB_ROUNDS; r++) {
            const pyvm_type* t;
            pyvm_slot v;
            pyvm_mailbox_receive(&t, &v, -1);
            got += (long)v;
        }
    }
    for (int i = 0; i < HIB_WORDS; i++)
        CHECK_EQ(local[i], hib_word(seed, depth, i));
    CHECK(inside == &local[depth % HIB_WORDS]);
    CHECK_EQ(*inside, hib_word(seed, depth, (int)(depth % HIB_WORDS)));
    return got;
}

static void hibernator(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    long i = (long)arg;
    if (hib_frame(i % 40, i) == (long)HIB_ROUNDS * (i + 1))
        atomic_fetch_add(&hib_ok, 1);
}

static int64_t hibernated_now(void) {
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    return s.hibernated;
}

static void t_hibernation(long n) {
    const char* san = getenv("PYVM_TEST_SANITIZER");
    if (san && strcmp(san, "thread") == 0 && n > 200)
        n = 200; /* TSan: at most PYVM_TSAN_FIBERS (256) actors may be suspended at once */
    atomic_store(&hib_parked, 0);
    atomic_store(&hib_ok, 0);
    pyvm_actors_config c = config(2, -1);
    c.hibernate_ms = 1;
    CHECK_EQ(pyvm_actors_start(&c), 0);
    pyvm_pid* pids = malloc((size_t)n * sizeof *pids);
    for (long i = 0; i < n; i++)
        pids[i] = pyvm_actor_spawn(hibernator, NULL, (pyvm_slot)i);
    double t0 = now_s();
    while ((atomic_load(&hib_parked) < n || hibernated_now() < n) && now_s() - t0 < 60)
        usleep(1000);
    CHECK_EQ(atomic_load(&hib_parked), n);
    CHECK(hibernated_now() >= n);
    printf("  %ld actors parked and hibernated after %.0f ms\n", n, (now_s() - t0) * 1e3);
    /* Each round wakes every actor once, in a random order, slowly enough for sweeps to run
     * meanwhile: some messages reach an actor while a sweep is saving its stack. */
    long* order = malloc((size_t)n * sizeof *order);
    uint64_t rng = 12345;
    for (int r = 0; r < HIB_ROUNDS; r++) {
        for (long i = 0; i < n; i++)
            order[i] = i;
        for (long i = n - 1; i > 0; i--) {
            rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
            long j = (long)(rng % (uint64_t)(i + 1)), x = order[i];
            order[i] = order[j], order[j] = x;
        }
        for (long i = 0; i < n; i++) {
            pyvm_mailbox_send(pids[order[i]], &pyvm_type_int, (pyvm_slot)(order[i] + 1));
            if (i % 8 == 0)
                usleep(20);
        }
    }
    free(order);
    finish_runtime();
    free(pids);
    CHECK_EQ(atomic_load(&hib_ok), n);
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    printf("  %lld hibernations, %lld wakes from hibernation\n", (long long)s.hibernated, (long long)s.thawed);
    CHECK_EQ(s.thawed, s.hibernated); /* every sleeper was woken before it ended */
    CHECK(s.hibernated >= n);
}

/* ---- fairness: a busy loop cannot starve a ping-pong pair ---- */

static atomic_int stop_busy;

static void spinner(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    while (!atomic_load(&stop_busy))
        pyvm_safepoint();
}

static void t_fairness(long n) {
    atomic_store(&stop_busy, 0);
    start(1, -1);
    pyvm_actor_spawn(spinner, NULL, 0);
    pyvm_actor_spawn(spinner, NULL, 0);
    pp_args a = {n, 0, 0};
    pp_result_ns = 0;
    double t0 = now_s();
    pyvm_actor_spawn(pinger, NULL, pyvm_slot_from_ptr(&a));
    while (pp_result_ns == 0 && now_s() - t0 < 20)
        usleep(1000);
    atomic_store(&stop_busy, 1);
    finish_runtime();
    CHECK(pp_result_ns > 0);
    printf("  ping-pong next to 2 busy loops on 1 worker: %.0f us per round trip\n", pp_result_ns / 1e3);
}

/* ---- deterministic mode: same seed, same interleaving ---- */

static void det_child(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    for (int i = 0; i < 3; i++) {
        tracef("%lld step %d", (long long)arg, i);
        pyvm_actor_yield();
    }
}

static void det_root(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    for (long i = 0; i < 5; i++)
        pyvm_actor_spawn(det_child, &pyvm_type_int, (pyvm_slot)i);
}

static char* det_run(long seed) {
    trace_reset();
    start(0, seed);
    pyvm_actor_spawn(det_root, NULL, 0);
    finish_runtime();
    return strdup(trace_buf);
}

static void t_deterministic(long n) {
    (void)n;
    char* a = det_run(42);
    char* b = det_run(42);
    char* c = det_run(7);
    CHECK(strcmp(a, b) == 0);
    CHECK(strcmp(a, c) != 0);
    CHECK(strlen(a) > 0);
    free(a);
    free(b);
    free(c);
}

/* ---- receive timeout, sleep, virtual time ---- */

static void timeouts(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    const pyvm_type* t;
    pyvm_slot v;
    double t0 = now_s();
    CHECK(!pyvm_mailbox_receive(&t, &v, 30));
    double dt = now_s() - t0;
    tracef("timeout after %s", dt >= 0.029 ? ">=30ms" : "too early");
    CHECK(!pyvm_mailbox_receive(&t, &v, 0));
    pyvm_actor_sleep(10);
    atomic_fetch_add(&ran, 1);
}

static void t_timeouts(long n) {
    (void)n;
    atomic_store(&ran, 0);
    trace_reset();
    start(2, -1);
    pyvm_actor_spawn(timeouts, NULL, 0);
    finish_runtime();
    CHECK_EQ(atomic_load(&ran), 1);
    CHECK_TRACE("timeout after >=30ms\n");
}

static void vsleeper(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    pyvm_actor_sleep((int64_t)arg);
    tracef("woke %lld", (long long)arg);
}

static void vroot(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    pyvm_actor_spawn(vsleeper, &pyvm_type_int, 3000000);
    pyvm_actor_spawn(vsleeper, &pyvm_type_int, 1000);
    pyvm_actor_spawn(vsleeper, &pyvm_type_int, 60000);
}

static void t_virtual_time(long n) {
    (void)n;
    trace_reset();
    double t0 = now_s();
    start(0, 1);
    pyvm_actor_spawn(vroot, NULL, 0);
    finish_runtime();
    CHECK(now_s() - t0 < 1.0); /* an hour of virtual sleeping, instantly */
    CHECK_TRACE("woke 1000\nwoke 60000\nwoke 3000000\n");
}

/* ---- pids are values ---- */

/* ---- a pid outlives its actor: it never reaches the record's next actor ---- */

static pyvm_pid first_pid;

static void stale_receiver(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    const pyvm_type* t;
    pyvm_slot v;
    /* only the message sent to this actor's own pid may arrive */
    CHECK(pyvm_mailbox_receive(&t, &v, -1));
    CHECK_EQ((long)v, 2);
    CHECK(!pyvm_mailbox_receive(&t, &v, 50));
    atomic_fetch_add(&ran, 1);
}

static void stale_root(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    first_pid = pyvm_actor_spawn(noop, &pyvm_type_int, 1);
    while (pyvm_actor_alive(first_pid))
        pyvm_actor_yield();
    /* one worker, LIFO magazines: the next spawn reuses the record just freed */
    pyvm_pid second = pyvm_actor_spawn(stale_receiver, NULL, 0);
    CHECK(second != first_pid);
    CHECK_EQ((uint32_t)second, (uint32_t)first_pid); /* same record, next generation */
    CHECK(pyvm_actor_alive(second) && !pyvm_actor_alive(first_pid));
    pyvm_mailbox_send(first_pid, &pyvm_type_int, 1); /* dropped */
    pyvm_mailbox_send(second, &pyvm_type_int, 2);
}

static void t_stale_pid(long n) {
    (void)n;
    atomic_store(&ran, 0);
    start(1, -1);
    pyvm_actor_spawn(stale_root, NULL, 0);
    finish_runtime();
    CHECK_EQ(atomic_load(&ran), 2);
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    CHECK_EQ(s.dropped, 1);
}

static void t_pid_values(long n) {
    (void)n;
    const pyvm_type* p = T("P");
    CHECK(p == &pyvm_type_pid);
    CHECK(strcmp(repr(p, 42), "<pid 0.42>") == 0);
    CHECK(strcmp(repr(p, (3ull << 32) | 42), "<pid 0.42.3>") == 0); /* the record's 4th actor */
    CHECK(strcmp(repr(T("L(P)"), pyvm_slot_from_ptr(pyvm_list_from_slots(T("L(P)"), (uint64_t[]){1, 2}, 2))),
                 "[<pid 0.1>, <pid 0.2>]") == 0);
    CHECK(pyvm_value_eq(p, 5, 5) && !pyvm_value_eq(p, 5, 6));
    CHECK(pyvm_value_richcompare(p, 5, 6, PYVM_CMP_LT));
    CHECK_EQ(pyvm_value_hash(p, 5), pyvm_value_hash(&pyvm_type_int, 5));
    CHECK(strcmp(pyvm_type_name(p), "pid") == 0);
}

int main(int argc, char** argv) {
    pyvm_rt_init();
    static const test_case tests[] = {
        {"pid_values", t_pid_values, 0},
        {"stale_pid", t_stale_pid, 0},
        {"spawn_exit", t_spawn_exit, 20000},
        {"spawn_arg", t_spawn_arg, 0},
        {"yield", t_yield, 200000},
        {"pingpong", t_pingpong, 100000},
        {"stealing", t_stealing, 2000},
        {"parking", t_parking, 0},
        {"hibernation", t_hibernation, 2000},
        {"fairness", t_fairness, 2000},
        {"deterministic", t_deterministic, 0},
        {"timeouts", t_timeouts, 0},
        {"virtual_time", t_virtual_time, 0},
        {NULL, NULL, 0},
    };
    return run_tests(tests, argc, argv);
}
