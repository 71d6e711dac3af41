/* GC pause distribution on a 2 MiB heap of small objects (driven by
 * test_heap.py; the benchmark gate reads the same numbers).
 *
 *   explicit   a heap of 2 MiB whose live data (about 1.6 MiB: tuples of an int
 *              and a short string, small lists, a dict, all reachable from one
 *              list) is 10% replaced between collections; 400 collections.
 *   automatic  the same heap left to its own trigger (near 80% of 2 MiB):
 *              steady churn over a live set of about 0.9 MiB, pauses taken
 *              from the GC hook; 400 collections.
 *
 * Output: one line per mode, `pause <mode>: n=... live=... p50=...us p99=...us
 * max=...us`, then the usual check summary. */
#include <time.h>

#include "check.h"

enum { SAMPLES = 400 };

static uint64_t pauses[SAMPLES * 2];
static int npauses;
static uint64_t cpu[SAMPLES]; /* thread CPU time of each explicit collection: the pause without preemption */

static uint64_t thread_cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_gc(pyvm_heap* h, uint64_t ns) {
    (void)h;
    if (npauses < (int)(sizeof pauses / sizeof pauses[0]))
        pauses[npauses++] = ns;
}

static int cmp_u64(const void* a, const void* b) {
    uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
    return x < y ? -1 : x > y;
}

static uint64_t pct(const uint64_t* sorted, int n, double p) {
    int i = (int)(p * (n - 1) + 0.5);
    return sorted[i];
}

static uint64_t state = 88172645463325252u;

static uint64_t rnd(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static const pyvm_type *T_TIS, *T_LT, *T_LI, *T_D;

/* One small object cluster: a tuple (int, str), and every fourth a 4-int list. */
static uint64_t make_item(int64_t i) {
    char buf[32];
    int n = snprintf(buf, sizeof buf, "item-%lld", (long long)i);
    pyvm_tuple* t = pyvm_tuple_new(T_TIS, 2);
    t->items[0] = (uint64_t)i;
    t->items[1] = pyvm_slot_from_ptr(pyvm_str_from_ascii(buf, n));
    return pyvm_slot_from_ptr(t);
}

static void report(const char* mode, pyvm_heap* h, int check_target) {
    qsort(pauses, (size_t)npauses, sizeof pauses[0], cmp_u64);
    pyvm_heap_stats_t st;
    pyvm_heap_stats(h, &st);
    uint64_t p50 = pct(pauses, npauses, 0.50), p99 = pct(pauses, npauses, 0.99), mx = pauses[npauses - 1];
    printf("pause %s: n=%d live=%zu bytes in %llu blocks, capacity=%zu, p50=%.1fus p99=%.1fus max=%.1fus\n", mode,
           npauses, st.bytes_in_use, (unsigned long long)st.live_blocks, st.capacity, (double)p50 / 1e3,
           (double)p99 / 1e3, (double)mx / 1e3);
    CHECK(npauses >= SAMPLES);
    CHECK(st.capacity <= (size_t)4 << 20);
    /* The seed target is 5 ms; p50 is asserted here (robust on a loaded
     * machine), p99 and max are printed for the benchmark gate. */
    if (check_target)
        CHECK(p50 <= 5000000);
}

int main(int argc, char** argv) {
    pyvm_rt_init();
    T_TIS = pyvm_type_intern("T(i,s)");
    T_LT = pyvm_type_intern("L(T(i,s))");
    T_LI = pyvm_type_intern("L(i)");
    T_D = pyvm_type_intern("D(i,L(i))");
    int check_target = !(argc > 1 && strcmp(argv[1], "--no-target") == 0);

    /* explicit */
    pyvm_heap* h = pyvm_heap_new(2 << 20, 3 << 20);
    pyvm_heap_set_current(h);
    enum { N = 10000 };
    pyvm_list* root = pyvm_list_new(T_LT, N);
    for (int64_t i = 0; i < N; i++)
        root->items[i] = make_item(i);
    pyvm_dict* d = pyvm_dict_new(T_D);
    for (int64_t i = 0; i < 1500; i++) {
        pyvm_list* l = pyvm_list_new(T_LI, 4);
        l->items[0] = (uint64_t)i;
        pyvm_dict_set(d, (uint64_t)i, pyvm_slot_from_ptr(l));
    }
    pyvm_heap_set_gc_hook(on_gc);
    for (int round = 0; round < SAMPLES; round++) {
        for (int k = 0; k < N / 10; k++) {
            int64_t i = (int64_t)(rnd() % N);
            root->items[i] = make_item(i + round);
        }
        uint64_t t0 = thread_cpu_ns();
        pyvm_heap_collect(h);
        cpu[round] = thread_cpu_ns() - t0;
    }
    /* The hook also saw the automatic collections the churn triggered: keep
     * the explicit ones only (the last SAMPLES). */
    memmove(pauses, pauses + (npauses - SAMPLES), SAMPLES * sizeof pauses[0]);
    npauses = SAMPLES;
    report("explicit", h, check_target);
    qsort(cpu, SAMPLES, sizeof cpu[0], cmp_u64);
    printf("cpu explicit: p50=%.1fus p99=%.1fus max=%.1fus\n", (double)pct(cpu, SAMPLES, 0.5) / 1e3,
           (double)pct(cpu, SAMPLES, 0.99) / 1e3, (double)cpu[SAMPLES - 1] / 1e3);
    int ok = 1;
    for (int64_t i = 0; i < 1500; i++)
        ok &= ((pyvm_list*)pyvm_slot_to_ptr(pyvm_dict_get(d, (uint64_t)i)))->items[0] == (uint64_t)i;
    CHECK(ok);
    pyvm_heap_set_current(NULL);
    pyvm_heap_free(h);

    /* automatic */
    npauses = 0;
    h = pyvm_heap_new(2 << 20, 4 << 20);
    pyvm_heap_set_current(h);
    enum { M = 6500 };
    root = pyvm_list_new(T_LT, M);
    for (int64_t i = 0; i < M; i++)
        root->items[i] = make_item(i);
    int64_t next = M;
    while (npauses < SAMPLES + 20) {
        int64_t i = (int64_t)(rnd() % M);
        root->items[i] = make_item(next++);
        pyvm_list* garbage = pyvm_list_new(T_LI, (int64_t)(rnd() % 6));
        (void)garbage;
    }
    memmove(pauses, pauses + 20, SAMPLES * sizeof pauses[0]); /* after warm-up */
    npauses = SAMPLES;
    report("automatic", h, check_target);
    ok = 1;
    for (int64_t i = 0; i < M; i++)
        ok &= ((pyvm_tuple*)pyvm_slot_to_ptr(root->items[i]))->len == 2;
    CHECK(ok);
    pyvm_heap_set_gc_hook(NULL);
    pyvm_heap_set_current(NULL);
    pyvm_heap_free(h);
    return check_done("heap_pause");
}
