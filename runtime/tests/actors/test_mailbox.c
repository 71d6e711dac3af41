/* Mailboxes: per-sender FIFO under 4 producers, selective receive, timeouts,
 * nothing lost or duplicated, sends from outside actors, the registry. */
#include "acheck.h"

enum { PRODUCERS = 4 };

typedef struct {
    pyvm_pid consumer;
    long count;
    int id;
} prod_args;

static void producer(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    prod_args* a = pyvm_slot_to_ptr(arg);
    const pyvm_type* t = T("T(i,i)");
    for (long i = 0; i < a->count; i++) {
        pyvm_slot items[2] = {(pyvm_slot)a->id, (pyvm_slot)i};
        pyvm_mailbox_send(a->consumer, t, pyvm_slot_from_ptr(pyvm_tuple_from_slots(t, items, 2)));
    }
}

static double fifo_rate;

static void consumer(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    long per = (long)arg;
    long next[PRODUCERS] = {0};
    prod_args args[PRODUCERS];
    double t0 = now_s();
    for (int p = 0; p < PRODUCERS; p++) {
        args[p] = (prod_args){pyvm_actor_self(), per, p};
        pyvm_actor_spawn(producer, NULL, pyvm_slot_from_ptr(&args[p]));
    }
    long bad = 0;
    for (long k = 0; k < per * PRODUCERS; k++) {
        const pyvm_type* t;
        pyvm_slot v = recv_any(&t);
        int64_t id = (int64_t)tget(v, 0), seq = (int64_t)tget(v, 1);
        if (id < 0 || id >= PRODUCERS || seq != next[id])
            bad++;
        else
            next[id]++;
    }
    fifo_rate = (double)(per * PRODUCERS) / (now_s() - t0);
    CHECK_EQ(bad, 0);
    for (int p = 0; p < PRODUCERS; p++)
        CHECK_EQ(next[p], per);
    const pyvm_type* t;
    pyvm_slot v;
    CHECK(!pyvm_mailbox_receive(&t, &v, 0)); /* nothing duplicated */
}

static void t_fifo(long total) {
    start(0, -1);
    pyvm_actor_spawn(consumer, &pyvm_type_int, (pyvm_slot)(total / PRODUCERS));
    finish_runtime();
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    CHECK_EQ(s.sent, total);
    CHECK_EQ(s.received, total);
    printf("  %ld messages from %d producers: %.2f M msg/s\n", total, PRODUCERS, fifo_rate / 1e6);
}

/* ---- selective receive ---- */

static bool is_even(const pyvm_type* t, pyvm_slot v, void* ctx) {
    (void)ctx;
    return t == &pyvm_type_int && (int64_t)v % 2 == 0;
}

static bool is_str(const pyvm_type* t, pyvm_slot v, void* ctx) {
    (void)v;
    (void)ctx;
    return t == &pyvm_type_str;
}

static void selective(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    pyvm_pid self = pyvm_actor_self();
    for (int64_t i = 1; i <= 6; i++)
        pyvm_mailbox_send(self, &pyvm_type_int, (pyvm_slot)i);
    const pyvm_type* t;
    pyvm_slot v;
    /* evens first, in order; the odds stay, in order */
    for (int64_t want = 2; want <= 6; want += 2) {
        CHECK(pyvm_mailbox_receive_match(is_even, NULL, &t, &v, -1));
        CHECK_EQ((int64_t)v, want);
    }
    CHECK(!pyvm_mailbox_receive_match(is_even, NULL, &t, &v, 0));
    CHECK(!pyvm_mailbox_receive_match(is_str, NULL, &t, &v, 20)); /* times out, keeps the odds */
    CHECK_EQ(pyvm_mailbox_count(), 3);
    pyvm_mailbox_send(self, &pyvm_type_str, S("late"));
    CHECK(pyvm_mailbox_receive_match(is_str, NULL, &t, &v, -1));
    CHECK(strcmp(cstr(v), "late") == 0);
    for (int64_t want = 1; want <= 5; want += 2) {
        CHECK(pyvm_mailbox_receive(&t, &v, 0));
        CHECK_EQ((int64_t)v, want);
    }
    CHECK_EQ(pyvm_mailbox_count(), 0);
}

static void t_selective(long n) {
    (void)n;
    start(2, -1);
    pyvm_actor_spawn(selective, NULL, 0);
    finish_runtime();
}

/* A selective receive that waits: the match arrives later, from another actor. */
static void late_sender(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    pyvm_actor_sleep(5);
    for (int64_t i = 1; i <= 3; i++)
        pyvm_mailbox_send(arg, &pyvm_type_int, (pyvm_slot)i); /* 1, 3 skipped; 2 matches */
}

static void selective_wait(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    pyvm_actor_spawn(late_sender, &pyvm_type_pid, pyvm_actor_self());
    const pyvm_type* t;
    pyvm_slot v;
    CHECK(pyvm_mailbox_receive_match(is_even, NULL, &t, &v, 5000));
    CHECK_EQ((int64_t)v, 2);
    CHECK(pyvm_mailbox_receive(&t, &v, 1000));
    CHECK_EQ((int64_t)v, 1);
    CHECK(pyvm_mailbox_receive(&t, &v, 1000));
    CHECK_EQ((int64_t)v, 3);
}

static void t_selective_wait(long n) {
    (void)n;
    start(2, -1);
    pyvm_actor_spawn(selective_wait, NULL, 0);
    finish_runtime();
}

/* ---- deep copies: aliasing and cycles survive, nothing is shared ---- */

static void copies(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    const pyvm_type* lt = T("L(L(i))");
    pyvm_list* inner = pyvm_list_from_slots(T("L(i)"), (uint64_t[]){1, 2}, 2);
    pyvm_list* outer = pyvm_list_new(lt, 0);
    pyvm_list_append(outer, pyvm_slot_from_ptr(inner));
    pyvm_list_append(outer, pyvm_slot_from_ptr(inner)); /* the same list twice */
    pyvm_mailbox_send(pyvm_actor_self(), lt, pyvm_slot_from_ptr(outer));
    const pyvm_type* t;
    pyvm_slot v = recv_any(&t);
    pyvm_list* got = pyvm_slot_to_ptr(v);
    CHECK(got != outer);
    CHECK(got->items[0] == got->items[1]); /* aliasing kept */
    CHECK(got->items[0] != pyvm_slot_from_ptr(inner));
    CHECK(strcmp(repr(lt, v), "[[1, 2], [1, 2]]") == 0);
    /* a dict with str keys, unicode and a nested tuple */
    const pyvm_type* dt = T("D(s,T(f,s))");
    pyvm_dict* d = pyvm_dict_new(dt);
    pyvm_slot tv[2] = {pyvm_slot_from_float(2.5), S("\u6f22\U0001F600")};
    pyvm_dict_set(d, S("k\u00e9"), pyvm_slot_from_ptr(pyvm_tuple_from_slots(dt->args[1], tv, 2)));
    pyvm_dict_set(d, S(""), pyvm_slot_from_ptr(pyvm_tuple_from_slots(dt->args[1], tv, 2)));
    pyvm_mailbox_send(pyvm_actor_self(), dt, pyvm_slot_from_ptr(d));
    v = recv_any(&t);
    CHECK(t == dt);
    CHECK(strcmp(repr(dt, v), repr(dt, pyvm_slot_from_ptr(d))) == 0);
    CHECK(pyvm_value_eq(dt, v, pyvm_slot_from_ptr(d)));
    CHECK(pyvm_dict_contains(pyvm_slot_to_ptr(v), S("k\u00e9")));
    /* functions cannot be sent */
    pyvm_handler h;
    pyvm_try_enter(&h);
    if (setjmp(h.env) == 0) {
        pyvm_mailbox_send(pyvm_actor_self(), &pyvm_type_func, 0);
        pyvm_try_leave(&h);
        CHECK(0);
    } else {
        CHECK_EQ(pyvm_exc_kind(), PYVM_EXC_TYPE);
    }
}

static void t_copies(long n) {
    (void)n;
    start(1, -1);
    pyvm_actor_spawn(copies, NULL, 0);
    finish_runtime();
}

/* ---- registry ---- */

static void named(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    const pyvm_type* t;
    pyvm_slot v = recv_any(&t);
    tracef("named got %s", cstr(v));
}

static void registrar(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    (void)arg;
    pyvm_pid p = pyvm_actor_spawn(named, NULL, 0);
    CHECK(pyvm_registry_register("svc", p));
    CHECK(!pyvm_registry_register("svc", pyvm_actor_self())); /* taken */
    CHECK(!pyvm_registry_register("other", p));               /* one name per actor */
    CHECK_EQ(pyvm_registry_whereis("svc"), p);
    int64_t ref = pyvm_actor_monitor(p);
    CHECK(pyvm_mailbox_send_named("svc", &pyvm_type_str, S("hi")));
    const pyvm_type* t;
    pyvm_slot v = recv_any(&t);
    CHECK(t == pyvm_actor_down_type());
    CHECK_EQ((int64_t)tget(v, 1), ref);
    CHECK(strcmp(cstr(tget(v, 3)), "normal") == 0);
    CHECK_EQ(pyvm_registry_whereis("svc"), 0); /* freed when it died */
    CHECK(!pyvm_mailbox_send_named("svc", &pyvm_type_str, S("lost")));
    CHECK(pyvm_registry_register("svc", pyvm_actor_self()));
    CHECK(pyvm_registry_unregister("svc"));
    CHECK(!pyvm_registry_unregister("svc"));
    CHECK(pyvm_registry_register("svc2", pyvm_actor_self()));
}

static void t_registry(long n) {
    (void)n;
    trace_reset();
    start(2, -1);
    pyvm_actor_spawn(registrar, NULL, 0);
    finish_runtime();
    CHECK_TRACE("named got hi\n");
}

int main(int argc, char** argv) {
    pyvm_rt_init();
    static const test_case tests[] = {
        {"fifo", t_fifo, 400000},
        {"selective", t_selective, 0},
        {"selective_wait", t_selective_wait, 0},
        {"copies", t_copies, 0},
        {"registry", t_registry, 0},
        {NULL, NULL, 0},
    };
    return run_tests(tests, argc, argv);
}
