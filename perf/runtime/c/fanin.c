/* 4b. throughput, fan-in: `senders` actors each send `count` ints to one
 * receiver as fast as they can. Messages per second from the start signal
 * until the receiver has taken every message.
 *
 *   fanin senders=1000 count=1000 workers=0
 *   metric fanin_msgs_per_s <messages/s> msg/s */
#include "bench.h"

typedef struct {
    long senders, count;
    double seconds;
} fanin_args;

static void sender(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    long count = (long)arg;
    const pyvm_type* t;
    pyvm_slot to;
    pyvm_mailbox_receive(&t, &to, -1); /* the start signal: the receiver's pid */
    for (long i = 0; i < count; i++)
        pyvm_mailbox_send((pyvm_pid)to, &pyvm_type_int, (pyvm_slot)i);
}

static void receiver(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    fanin_args* a = pyvm_slot_to_ptr(arg);
    pyvm_pid* pids = malloc((size_t)a->senders * sizeof *pids);
    for (long i = 0; i < a->senders; i++)
        pids[i] = pyvm_actor_spawn(sender, NULL, (pyvm_slot)a->count);
    const pyvm_type* t;
    pyvm_slot v;
    long total = a->senders * a->count;
    int64_t t0 = now_ns();
    for (long i = 0; i < a->senders; i++)
        pyvm_mailbox_send(pids[i], &pyvm_type_pid, pyvm_actor_self());
    for (long i = 0; i < total; i++)
        pyvm_mailbox_receive(&t, &v, -1);
    a->seconds = (double)(now_ns() - t0) / 1e9;
    free(pids);
}

int main(int argc, char** argv) {
    bench_args(argc, argv);
    fanin_args a = {arg_long("senders", 1000), arg_long("count", 1000), 0};
    pyvm_rt_init();
    start_runtime((int)arg_long("workers", 0));
    fanin_args warm = {a.senders, a.count / 20 > 0 ? a.count / 20 : 1, 0};
    pyvm_actor_spawn(receiver, NULL, pyvm_slot_from_ptr(&warm));
    wait_runtime();
    pyvm_actor_spawn(receiver, NULL, pyvm_slot_from_ptr(&a));
    wait_runtime();
    check_no_crash("fanin");
    pyvm_actors_stop();
    double msgs = (double)a.senders * (double)a.count;
    printf("%ld senders x %ld messages = %.0f messages in %.3f s\n", a.senders, a.count, msgs, a.seconds);
    metric("fanin_msgs_per_s", msgs / a.seconds, "msg/s");
    return 0;
}
