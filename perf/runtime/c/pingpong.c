/* 3. message latency: two actors bounce an int; latency = round trip / 2.
 *   cross=0: both actors on one worker (workers=1)
 *   cross=1: two workers, the actors pinned to different ones
 *
 *   pingpong n=1000000 samples=100000 workers=1 cross=0
 *   metric latency_same_ns <round trip / 2, mean over n> ns
 *   metric latency_same_rtt_ns <round trip> ns
 *   metric latency_same_p50_ns / _p99_ns / _max_ns  <per round trip / 2, timed one by one> ns
 * (latency_cross_* with cross=1) */
#include "bench.h"

typedef struct {
    long n, samples;
    int pin_ponger;
    double rtt_ns;
    int64_t* sample_ns;
} pp_args;

static void ponger(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    pyvm_pid back = (pyvm_pid)arg;
    const pyvm_type* t;
    pyvm_slot v;
    for (;;) {
        pyvm_mailbox_receive(&t, &v, -1);
        if ((int64_t)v < 0)
            return;
        pyvm_mailbox_send(back, &pyvm_type_int, v);
    }
}

static inline void round_trip(pyvm_pid p, long i) {
    const pyvm_type* t;
    pyvm_slot v;
    pyvm_mailbox_send(p, &pyvm_type_int, (pyvm_slot)i);
    pyvm_mailbox_receive(&t, &v, -1);
    if ((long)v != i)
        bench_fail("%s", "pingpong: wrong reply");
}

static void pinger(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    pp_args* a = pyvm_slot_to_ptr(arg);
    pyvm_spawn_opts o = {.pin_worker = a->pin_ponger};
    pyvm_pid p = pyvm_actor_spawn_opt(ponger, &pyvm_type_pid, pyvm_actor_self(), &o, NULL);
    for (long i = 0; i < a->n / 10; i++) /* warm-up */
        round_trip(p, i);
    int64_t t0 = now_ns();
    for (long i = 0; i < a->n; i++)
        round_trip(p, i);
    a->rtt_ns = (double)(now_ns() - t0) / (double)a->n;
    for (long i = 0; i < a->samples; i++) {
        int64_t s = now_ns();
        round_trip(p, i);
        a->sample_ns[i] = now_ns() - s;
    }
    pyvm_mailbox_send(p, &pyvm_type_int, (pyvm_slot)-1);
}

int main(int argc, char** argv) {
    bench_args(argc, argv);
    int cross = (int)arg_long("cross", 0);
    pp_args a = {.n = arg_long("n", 1000000), .samples = arg_long("samples", 100000)};
    if (a.samples < 1)
        a.samples = 1;
    a.sample_ns = malloc((size_t)a.samples * sizeof *a.sample_ns);
    pyvm_rt_init();
    int workers = start_runtime((int)arg_long("workers", cross ? 2 : 1));
    if (cross && workers < 2)
        bench_fail("%s", "cross=1 needs at least 2 workers");
    pyvm_spawn_opts o = {.pin_worker = cross ? 1 : 0};
    a.pin_ponger = cross ? 2 : 0;
    pyvm_actor_spawn_opt(pinger, NULL, pyvm_slot_from_ptr(&a), &o, NULL);
    wait_runtime();
    check_no_crash("pingpong");
    pyvm_actors_stop();
    const char* prefix = cross ? "latency_cross" : "latency_same";
    char name[64];
    printf("%ld round trips (%s), %ld timed one by one\n", a.n,
           cross ? "actors pinned to workers 1 and 2" : "one worker", a.samples);
    snprintf(name, sizeof name, "%s_ns", prefix);
    metric(name, a.rtt_ns / 2, "ns");
    snprintf(name, sizeof name, "%s_rtt_ns", prefix);
    metric(name, a.rtt_ns, "ns");
    report_samples(prefix, a.sample_ns, a.samples, 2.0);
    free(a.sample_ns);
    return 0;
}
