/* PYVM_STATS=1: the counters are printed when the runtime stops (the
 * configuration comes from the environment, as for a compiled program). */
#include "acheck.h"

static void echo(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    const pyvm_type* t;
    pyvm_slot v = recv_any(&t);
    pyvm_mailbox_send((pyvm_pid)arg, t, v);
}

static void main_actor(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    for (int i = 0; i < 100; i++) {
        pyvm_pid p = pyvm_actor_spawn(echo, &pyvm_type_pid, pyvm_actor_self());
        pyvm_mailbox_send(p, &pyvm_type_str, S("hello"));
    }
    for (int i = 0; i < 100; i++)
        recv_any(NULL);
    /* some garbage for the collector */
    for (int i = 0; i < 20000; i++)
        pyvm_list_new(T("L(i)"), 64);
}

int main(void) {
    pyvm_rt_init();
    setenv("PYVM_WORKERS", "3", 1);
    return (int)pyvm_actors_run(main_actor, NULL, 0);
}
