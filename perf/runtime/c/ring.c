/* 4a. throughput, ring: `nodes` actors in a ring, `tokens` tokens (ints
 * counting their remaining hops) injected at evenly spaced nodes, each
 * forwarded `hops` times. Messages per second over tokens x hops messages,
 * from the first injection to the last token's arrival back at the root.
 *
 *   ring nodes=1000 tokens=1000 hops=10000 workers=0
 *   metric ring_msgs_per_s <messages/s> msg/s */
#include "bench.h"

/* A node learns its successor from a pid message, then forwards tokens:
 * v > 0 goes on as v - 1, v == 0 reports to the root, v < 0 stops the node. */
static void node(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    pyvm_pid root = (pyvm_pid)arg, next = 0;
    const pyvm_type* t;
    pyvm_slot v;
    for (;;) {
        pyvm_mailbox_receive(&t, &v, -1);
        if (t == &pyvm_type_pid) {
            next = (pyvm_pid)v;
        } else if ((int64_t)v > 0) {
            pyvm_mailbox_send(next, &pyvm_type_int, v - 1);
        } else if ((int64_t)v == 0) {
            pyvm_mailbox_send(root, &pyvm_type_int, 0);
        } else {
            return;
        }
    }
}

typedef struct {
    long nodes, tokens, hops;
    double seconds;
} ring_args;

static void root(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    ring_args* a = pyvm_slot_to_ptr(arg);
    pyvm_pid* pids = malloc((size_t)a->nodes * sizeof *pids);
    for (long i = 0; i < a->nodes; i++)
        pids[i] = pyvm_actor_spawn(node, &pyvm_type_pid, pyvm_actor_self());
    for (long i = 0; i < a->nodes; i++)
        pyvm_mailbox_send(pids[i], &pyvm_type_pid, pids[(i + 1) % a->nodes]);
    const pyvm_type* t;
    pyvm_slot v;
    int64_t t0 = now_ns();
    for (long k = 0; k < a->tokens; k++)
        pyvm_mailbox_send(pids[k * a->nodes / a->tokens], &pyvm_type_int, (pyvm_slot)a->hops);
    for (long k = 0; k < a->tokens; k++)
        pyvm_mailbox_receive(&t, &v, -1);
    a->seconds = (double)(now_ns() - t0) / 1e9;
    for (long i = 0; i < a->nodes; i++)
        pyvm_mailbox_send(pids[i], &pyvm_type_int, (pyvm_slot)-1);
    free(pids);
}

int main(int argc, char** argv) {
    bench_args(argc, argv);
    ring_args a = {arg_long("nodes", 1000), arg_long("tokens", 1000), arg_long("hops", 10000), 0};
    pyvm_rt_init();
    start_runtime((int)arg_long("workers", 0));
    ring_args warm = {a.nodes, a.tokens, a.hops / 20 > 0 ? a.hops / 20 : 1, 0};
    pyvm_actor_spawn(root, NULL, pyvm_slot_from_ptr(&warm));
    wait_runtime();
    pyvm_actor_spawn(root, NULL, pyvm_slot_from_ptr(&a));
    wait_runtime();
    check_no_crash("ring");
    pyvm_actors_stop();
    double msgs = (double)a.tokens * (double)a.hops;
    printf("%ld nodes, %ld tokens x %ld hops = %.0f messages in %.3f s\n", a.nodes, a.tokens, a.hops, msgs,
           a.seconds);
    metric("ring_msgs_per_s", msgs / a.seconds, "msg/s");
    metric("ring_ns_per_msg", a.seconds * 1e9 / msgs, "ns");
    return 0;
}
