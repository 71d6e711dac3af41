/* 2. context switch: two actors yielding to each other on one worker; the
 * time per switch (one yield = one switch from one actor to the other).
 *
 *   switch n=2000000 workers=1
 *   metric switch_ns <ns per switch> ns */
#include "bench.h"

static _Atomic int64_t first_start, last_end;

static void yielder(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    long n = (long)arg;
    int64_t expected = 0, t0 = now_ns();
    atomic_compare_exchange_strong(&first_start, &expected, t0);
    for (long i = 0; i < n; i++)
        pyvm_actor_yield();
    int64_t t1 = now_ns(), prev = atomic_load(&last_end);
    while (prev < t1 && !atomic_compare_exchange_weak(&last_end, &prev, t1))
        ;
}

static double round_ns(long n) {
    atomic_store(&first_start, 0);
    atomic_store(&last_end, 0);
    pyvm_actor_spawn(yielder, NULL, (pyvm_slot)n);
    pyvm_actor_spawn(yielder, NULL, (pyvm_slot)n);
    wait_runtime();
    return (double)(atomic_load(&last_end) - atomic_load(&first_start)) / (2.0 * (double)n);
}

int main(int argc, char** argv) {
    bench_args(argc, argv);
    long n = arg_long("n", 2000000);
    pyvm_rt_init();
    start_runtime((int)arg_long("workers", 1));
    round_ns(n / 10 > 0 ? n / 10 : 1);
    double ns = round_ns(n);
    check_no_crash("switch");
    pyvm_actors_stop();
    printf("2 actors x %ld yields\n", n);
    metric("switch_ns", ns, "ns");
    return 0;
}
