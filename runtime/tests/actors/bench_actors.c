/* Figures of the actor runtime (not a test): `bench_actors spawn|ring|idle N`.
 *   spawn N   spawn+exit of N actors from one actor: ns per actor
 *   ring N    1000 actors in a ring pass a token N times around: messages/s
 *   idle N    N actors parked in receive: time to spawn them, RSS per actor
 * On kernels without guard regions (before 6.13), idle actors beyond ~30000
 * need `sysctl -w vm.max_map_count=...` (two kernel mappings per stack). */
#include <unistd.h>

#include "acheck.h"

int64_t pyvm_actor_live(void); /* runtime-internal (actor/actor.h) */

static long rss_kb(void) {
    FILE* f = fopen("/proc/self/statm", "r");
    long pages = 0, res = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &res) != 2)
            res = 0;
        fclose(f);
    }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static void noop(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
}

static void spawner(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    for (long i = 0; i < (long)arg; i++)
        pyvm_actor_spawn(noop, NULL, 0);
}

static void ring_node(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    const pyvm_type* t;
    pyvm_pid next = recv_any(&t);
    for (;;) {
        pyvm_slot v = recv_any(&t);
        pyvm_mailbox_send(next, &pyvm_type_int, v);
        if ((int64_t)v <= 0)
            return;
    }
}

static double ring_dt;

static void ring_root(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    enum { R = 1000 };
    long laps = (long)arg;
    pyvm_pid pids[R];
    pids[0] = pyvm_actor_self();
    for (int i = 1; i < R; i++)
        pids[i] = pyvm_actor_spawn(ring_node, NULL, 0);
    for (int i = 1; i < R; i++)
        pyvm_mailbox_send(pids[i], &pyvm_type_pid, pids[(i + 1) % R]);
    double t0 = now_s();
    int64_t hops = (int64_t)laps * R;
    pyvm_mailbox_send(pids[1], &pyvm_type_int, (pyvm_slot)hops);
    const pyvm_type* t;
    for (;;) {
        int64_t v = (int64_t)recv_any(&t) - R;
        pyvm_mailbox_send(pids[1], &pyvm_type_int, (pyvm_slot)v);
        if (v <= 0)
            break;
    }
    ring_dt = now_s() - t0;
    printf("ring: 1000 actors, %ld laps: %.2f M messages/s\n", laps, (double)hops / ring_dt / 1e6);
}

static void idler(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    const pyvm_type* t;
    recv_any(&t);
}

static void idle_root(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    long n = (long)arg;
    long r0 = rss_kb();
    double t0 = now_s();
    for (long i = 0; i < n; i++)
        pyvm_actor_spawn(idler, NULL, 0);
    while (pyvm_actor_live() < n + 1)
        pyvm_actor_yield();
    /* let every one of them run into its receive */
    pyvm_actor_sleep(200);
    double dt = now_s() - t0;
    long r1 = rss_kb();
    printf("idle: %ld actors parked in receive: spawned and started in %.2f s (%.2f us each), "
           "RSS +%ld MB, %.1f KB per idle actor\n",
           n, dt, dt * 1e6 / (double)n, (r1 - r0) / 1024, (double)(r1 - r0) / (double)n);
}

int main(int argc, char** argv) {
    pyvm_rt_init();
    const char* what = argc > 1 ? argv[1] : "spawn";
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    pyvm_actors_config c;
    pyvm_actors_config_init(&c);
    pyvm_actors_start(&c);
    double t0 = now_s();
    if (strcmp(what, "spawn") == 0) {
        pyvm_actor_spawn(spawner, NULL, (pyvm_slot)n);
        pyvm_actors_wait();
        double dt = now_s() - t0;
        printf("spawn+exit: %ld actors in %.2f s: %.0f ns per actor (%d workers)\n", n, dt, dt * 1e9 / (double)n,
               c.workers);
    } else if (strcmp(what, "ring") == 0) {
        pyvm_actor_spawn(ring_root, NULL, (pyvm_slot)n);
        pyvm_actors_wait();
    } else {
        pyvm_actor_spawn(idle_root, NULL, (pyvm_slot)n);
        while (pyvm_actor_live() > 0 && now_s() - t0 < 600) {
            usleep(100000);
            static int once;
            if (!once && pyvm_actor_live() == n) { /* root done: only the idlers are left */
                once = 1;
                break;
            }
        }
        double s0 = now_s();
        pyvm_actors_stop(); /* kills them all */
        printf("idle: stop (kill %ld actors): %.2f s\n", n, now_s() - s0);
        return 0;
    }
    pyvm_actors_stop();
    return 0;
}
