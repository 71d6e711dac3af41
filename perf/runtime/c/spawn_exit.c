/* 1. spawn + exit: one actor spawns n actors that return at once; the time
 * from the first spawn until the runtime has no actor left, per actor.
 *
 *   spawn_exit n=100000 workers=0
 *   metric spawn_exit_ns <ns per actor> ns */
#include "bench.h"

static atomic_long ran;

static void nop(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    /* relaxed: counted for the check after pyvm_actors_wait, which orders it */
    atomic_fetch_add_explicit(&ran, 1, memory_order_relaxed);
}

static void spawner(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    long n = (long)arg;
    for (long i = 0; i < n; i++)
        pyvm_actor_spawn(nop, NULL, 0);
}

static double round_ns(long n) {
    atomic_store(&ran, 0);
    int64_t t0 = now_ns();
    pyvm_actor_spawn(spawner, NULL, (pyvm_slot)n);
    wait_runtime();
    int64_t dt = now_ns() - t0;
    if (atomic_load(&ran) != n)
        bench_fail("%s", "not every actor ran");
    return (double)dt / (double)n;
}

int main(int argc, char** argv) {
    bench_args(argc, argv);
    long n = arg_long("n", 100000);
    pyvm_rt_init();
    start_runtime((int)arg_long("workers", 0));
    round_ns(n / 10 > 0 ? n / 10 : 1); /* warm-up: stack pool, page faults, allocator */
    double ns = round_ns(n);
    check_no_crash("spawn_exit");
    pyvm_actors_stop();
    printf("spawned %ld actors\n", n);
    metric("spawn_exit_ns", ns, "ns");
    return 0;
}
