/* 6. memory per idle actor, and 7. a million actors alive at once.
 *
 * A root actor spawns n actors that each park in receive; once all of them
 * are parked, memory (resident pages + page tables) grew by (now - before) / n
 * per actor: measured 50 ms after the last one parked, and again when they
 * have been idle for `settle` ms (the runtime hibernates long-idle actors:
 * sched/hibernate.h). Then the root sends each one a message and they all end.
 *
 *   idle n=100000 name=idle workers=0 settle=1000
 *   metric <name>_parked_bytes_per_actor <memory delta / n, 50 ms after the last parked> B
 *   metric <name>_bytes_per_actor <memory delta / n, after `settle` ms> B
 *   metric <name>_spawn_ns <from the first spawn until all n are parked, per actor> ns
 *   metric <name>_release_ns <from the release signal until none is left, per actor> ns
 *   metric <name>_peak_rss_bytes <VmHWM> B
 *   metric <name>_alive <n: all were alive at once> actors
 * (`name=million n=1000000` for benchmark 7) */
#include "bench.h"

static atomic_long parked;

static void idler(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    const pyvm_type* t;
    pyvm_slot v;
    atomic_fetch_add(&parked, 1);
    pyvm_mailbox_receive(&t, &v, -1);
}

static void root(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    long n = (long)arg;
    pyvm_pid* pids = malloc((size_t)n * sizeof *pids);
    if (!pids)
        bench_fail("%s", "out of memory for the pid array");
    for (long i = 0; i < n; i++)
        pids[i] = pyvm_actor_spawn(idler, NULL, 0);
    const pyvm_type* t;
    pyvm_slot v;
    pyvm_mailbox_receive(&t, &v, -1); /* release signal from main */
    for (long i = 0; i < n; i++)
        pyvm_mailbox_send(pids[i], &pyvm_type_int, 0);
    free(pids);
}

int main(int argc, char** argv) {
    bench_args(argc, argv);
    long n = arg_long("n", 100000);
    const char* name = arg_str("name", "idle");
    long timeout_s = arg_long("timeout", 600);
    pyvm_rt_init();
    start_runtime((int)arg_long("workers", 0));
    long settle_ms = arg_long("settle", 1000);
    long rss0 = memory_bytes();
    int64_t t0 = now_ns();
    pyvm_pid r = pyvm_actor_spawn(root, NULL, (pyvm_slot)n);
    pyvm_actor_stats s;
    for (;;) {
        long p = atomic_load(&parked);
        pyvm_stats_get(&s);
        if (p >= n || s.crashed > 0)
            break;
        if (now_ns() - t0 > timeout_s * 1000000000L) {
            char buf[128];
            snprintf(buf, sizeof buf, "only %ld of %ld actors parked after %ld s", p, n, timeout_s);
            bench_fail("%s", buf);
        }
        sleep_ms(1);
    }
    int64_t t1 = now_ns();
    if (s.crashed > 0) {
        /* Some actors could not start (no stack, no memory). Let the spawning
         * finish, report how far it got (the memory figure over the actors
         * that did park), then fail. */
        long last = -1, now = 0;
        for (int stable = 0; stable < 3; sleep_ms(100)) {
            pyvm_stats_get(&s);
            now = atomic_load(&parked) + (long)s.crashed;
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        long p = atomic_load(&parked);
        long rss1 = memory_bytes();
        char m[128], buf[512];
        snprintf(m, sizeof m, "%s_bytes_per_actor", name);
        metric(m, p > 0 ? (double)(rss1 - rss0) / (double)p : 0, "B");
        snprintf(m, sizeof m, "%s_alive", name);
        metric(m, (double)p, "actors");
        snprintf(buf, sizeof buf,
                 "only %ld of %ld actors alive at once (vm.max_map_count %ld, stacks mapped %lld, "
                 "%lld failed to start or crashed)",
                 p, n, read_long_file("/proc/sys/vm/max_map_count"), (long long)s.stacks_mapped,
                 (long long)s.crashed);
        bench_fail("%s", buf);
    }
    sleep_ms(50); /* the last ones increment `parked` just before parking */
    long parked1 = memory_bytes();
    if (settle_ms > 50)
        sleep_ms(settle_ms - 50);
    long rss1 = memory_bytes();
    long alive = atomic_load(&parked); /* none can end before the release */
    int64_t t2 = now_ns();
    pyvm_mailbox_send(r, &pyvm_type_int, 0);
    wait_runtime();
    int64_t t3 = now_ns();
    check_no_crash(name);
    pyvm_actors_stop();
    char m[128];
    printf("%ld actors parked in receive; memory (RSS + page tables) %.1f MB -> %.1f MB after 50 ms, %.1f MB "
           "after %ld ms; %ld alive at the snapshot\n", n, rss0 / 1e6, parked1 / 1e6, rss1 / 1e6, settle_ms, alive);
    snprintf(m, sizeof m, "%s_parked_bytes_per_actor", name);
    metric(m, (double)(parked1 - rss0) / (double)n, "B");
    snprintf(m, sizeof m, "%s_bytes_per_actor", name);
    metric(m, (double)(rss1 - rss0) / (double)n, "B");
    snprintf(m, sizeof m, "%s_spawn_ns", name);
    metric(m, (double)(t1 - t0) / (double)n, "ns");
    snprintf(m, sizeof m, "%s_release_ns", name);
    metric(m, (double)(t3 - t2) / (double)n, "ns");
    snprintf(m, sizeof m, "%s_peak_rss_bytes", name);
    metric(m, (double)peak_rss_bytes(), "B");
    snprintf(m, sizeof m, "%s_alive", name);
    metric(m, (double)alive, "actors");
    return 0;
}
