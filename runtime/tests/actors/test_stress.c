/* Stress: many actors, many messages, random crashes and restarts.
 *   waves  feeders spawn receivers in waves (bounded: on kernels without guard
 *          regions each live stack is two kernel mappings) and send each K messages,
 *          interleaved; every receiver checks its K values arrive in order and
 *          reports; some crash at a random point and report how far they got.
 *   chaos  a supervisor with 50 permanent workers, crashed at random while
 *          being sent to; every crash must be followed by exactly one restart.
 * Afterwards: sent == received + discarded (every message taken exactly once
 * or freed with its dead receiver), and no stack, heap or actor is left. */
#include "acheck.h"

enum { FEEDERS = 4, WAVE = 2000 };

static long g_actors, g_per;

static uint64_t rnd(uint64_t* s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* arg: (feeder, k, crash_at or -1) */
static void receiver(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    pyvm_pid feeder = tget(arg, 0);
    int64_t k = (int64_t)tget(arg, 1), crash_at = (int64_t)tget(arg, 2);
    const pyvm_type* rep = T("T(P,i,i)");
    int64_t expect = 0, bad = 0;
    for (int64_t i = 0; i < k; i++) {
        if (i == crash_at) {
            pyvm_slot r[3] = {pyvm_actor_self(), -1, i};
            pyvm_mailbox_send(feeder, rep, pyvm_slot_from_ptr(pyvm_tuple_from_slots(rep, r, 3)));
            pyvm_raise(PYVM_EXC_VALUE, "chaos");
        }
        const pyvm_type* t;
        pyvm_slot v = recv_any(&t);
        if ((int64_t)v != expect)
            bad++;
        expect++;
    }
    pyvm_slot r[3] = {pyvm_actor_self(), bad, expect};
    pyvm_mailbox_send(feeder, rep, pyvm_slot_from_ptr(pyvm_tuple_from_slots(rep, r, 3)));
}

static atomic_long total_ok, total_crashed, total_bad;

static void feeder(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    uint64_t seed = (uint64_t)arg * 0x9E3779B97F4A7C15ull + 1;
    long mine = g_actors / FEEDERS;
    const pyvm_type* at = T("T(P,i,i)");
    pyvm_pid* pids = malloc(sizeof(pyvm_pid) * WAVE);
    for (long done = 0; done < mine;) {
        long w = mine - done < WAVE ? mine - done : WAVE;
        for (long i = 0; i < w; i++) {
            int64_t crash_at = rnd(&seed) % 20 == 0 ? (int64_t)(rnd(&seed) % (uint64_t)g_per) : -1;
            pyvm_slot a[3] = {pyvm_actor_self(), (pyvm_slot)g_per, (pyvm_slot)crash_at};
            pids[i] = pyvm_actor_spawn(receiver, at, pyvm_slot_from_ptr(pyvm_tuple_from_slots(at, a, 3)));
        }
        for (long k = 0; k < g_per; k++)
            for (long i = 0; i < w; i++)
                pyvm_mailbox_send(pids[i], &pyvm_type_int, (pyvm_slot)k);
        for (long i = 0; i < w; i++) {
            const pyvm_type* t;
            pyvm_slot v = recv_any(&t);
            if ((int64_t)tget(v, 1) < 0) {
                atomic_fetch_add(&total_crashed, 1);
            } else {
                atomic_fetch_add(&total_ok, 1);
                atomic_fetch_add(&total_bad, (long)tget(v, 1));
                if ((int64_t)tget(v, 2) != g_per)
                    atomic_fetch_add(&total_bad, 1);
            }
        }
        done += w;
    }
    free(pids);
}

static void t_waves(long actors) {
    g_actors = actors / FEEDERS * FEEDERS;
    g_per = getenv("PYVM_STRESS_PER") ? atol(getenv("PYVM_STRESS_PER")) : 100;
    atomic_store(&total_ok, 0);
    atomic_store(&total_crashed, 0);
    atomic_store(&total_bad, 0);
    start(0, -1);
    double t0 = now_s();
    for (long f = 0; f < FEEDERS; f++)
        pyvm_actor_spawn(feeder, &pyvm_type_int, (pyvm_slot)f);
    finish_runtime();
    double dt = now_s() - t0;
    CHECK_EQ(atomic_load(&total_ok) + atomic_load(&total_crashed), g_actors);
    CHECK_EQ(atomic_load(&total_bad), 0);
    CHECK(atomic_load(&total_crashed) > 0);
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    CHECK_EQ(s.sent, s.received + s.discarded);
    CHECK_EQ(s.spawned, g_actors + FEEDERS);
    CHECK_EQ(s.exited, s.spawned);
    CHECK_EQ(s.heaps_live, 0);
    printf("  %ld actors, %lld messages (%lld discarded with %ld crashed receivers) in %.2f s: "
           "%.2f M msg/s, %lld steals\n",
           g_actors, (long long)s.sent, (long long)s.discarded, atomic_load(&total_crashed), dt,
           (double)s.sent / dt / 1e6, (long long)s.steals);
}

/* ---- chaos under a supervisor ---- */

static void pool_worker(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    for (;;) {
        const pyvm_type* t;
        recv_any(&t);
        if (t == &pyvm_type_str)
            pyvm_raise(PYVM_EXC_KEY, "chaos");
    }
}

static atomic_long crashes_caused;

static void chaos(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    long rounds = (long)arg;
    enum { N = 50 };
    static pyvm_child_spec kids[N];
    static char names[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "w%d", i);
        kids[i] = (pyvm_child_spec){names[i], pool_worker, NULL, 0, PYVM_PERMANENT, 100, false};
    }
    pyvm_sup_spec s = {PYVM_ONE_FOR_ONE, 1000000, 1000, kids, N, NULL, NULL, NULL};
    pyvm_actor_trap_exit(true);
    pyvm_pid sup = pyvm_supervisor_start_link(&s);
    uint64_t seed = 12345;
    for (long r = 0; r < rounds; r++) {
        int i = (int)(rnd(&seed) % N);
        pyvm_pid p = pyvm_supervisor_which_child(sup, names[i]);
        for (int k = 0; k < 20; k++)
            pyvm_mailbox_send(pyvm_supervisor_which_child(sup, names[(i + k) % N]), &pyvm_type_int, (pyvm_slot)k);
        int64_t ref = pyvm_actor_monitor(p);
        pyvm_mailbox_send(p, &pyvm_type_str, S("die"));
        const pyvm_type* t;
        for (;;) {
            pyvm_slot v = recv_any(&t);
            if (t == pyvm_actor_down_type() && (int64_t)tget(v, 1) == ref)
                break;
        }
        atomic_fetch_add(&crashes_caused, 1);
    }
    pyvm_supervisor_count_children(sup); /* the last restart is done */
    pyvm_actor_kill(sup, "shutdown");
    const pyvm_type* t;
    pyvm_slot v;
    while (pyvm_mailbox_receive(&t, &v, -1))
        if (t == pyvm_actor_exit_type() && tget(v, 1) == sup)
            break;
}

static void t_chaos(long rounds) {
    atomic_store(&crashes_caused, 0);
    start(0, -1);
    pyvm_actor_spawn(chaos, &pyvm_type_int, (pyvm_slot)rounds);
    finish_runtime();
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    CHECK_EQ(atomic_load(&crashes_caused), rounds);
    CHECK_EQ(s.restarted, rounds);
    CHECK_EQ(s.sent, s.received + s.discarded);
    printf("  %ld crashes, %lld restarts\n", rounds, (long long)s.restarted);
}

int main(int argc, char** argv) {
    pyvm_rt_init();
    static const test_case tests[] = {
        {"waves", t_waves, 100000},
        {"chaos", t_chaos, 1000},
        {NULL, NULL, 0},
    };
    return run_tests(tests, argc, argv);
}
