/* 5. GC pause: one actor keeps `live` bytes (default 2 MiB) of small objects
 * alive -- a list of (int, str) tuples -- and keeps replacing random entries
 * (and dropping short-lived garbage) until its heap has been collected
 * `collections` times. Every pause comes from the heap's gc hook
 * (pyvm_heap_set_gc_hook); the heap's own statistics cross-check the maximum.
 *
 *   gc live=2097152 collections=300 heap=0
 *   metric gc_pause_p50_ns / gc_pause_p99_ns / gc_pause_max_ns  ns
 *   metric gc_collections, gc_live_bytes (after a full collection), gc_heap_capacity_bytes */
#include "bench.h"

#define MAX_SAMPLES 200000

static int64_t samples[MAX_SAMPLES];
static atomic_long nsamples;
static _Atomic(pyvm_heap*) target;

static void hook(pyvm_heap* heap, uint64_t pause_ns) {
    if (heap != atomic_load(&target))
        return;
    long i = atomic_fetch_add(&nsamples, 1);
    if (i < MAX_SAMPLES)
        samples[i] = (int64_t)pause_ns;
}

typedef struct {
    long live, collections;
    long entries;
    size_t live_bytes, capacity, max_pause_stats;
    uint64_t heap_collections;
} gc_args;

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static inline uint64_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static pyvm_slot entry(const pyvm_type* tt, long i) {
    char text[24];
    int len = snprintf(text, sizeof text, "item-%ld", i % 100000);
    pyvm_slot items[2] = {(pyvm_slot)i, pyvm_slot_from_ptr(pyvm_str_from_ascii(text, len))};
    return pyvm_slot_from_ptr(pyvm_tuple_from_slots(tt, items, 2));
}

static void worker(pyvm_tstate* ts, pyvm_slot arg) {
    (void)ts;
    gc_args* a = pyvm_slot_to_ptr(arg);
    pyvm_heap* heap = pyvm_heap_current();
    const pyvm_type* tt = pyvm_type_intern("T(i,s)");
    const pyvm_type* lt = pyvm_type_intern("L(T(i,s))");
    pyvm_heap_stats_t st;
    /* Size one entry: the list slot plus what one tuple and its string take. */
    pyvm_heap_collect(heap);
    pyvm_heap_stats(heap, &st);
    size_t before = st.bytes_in_use;
    volatile pyvm_slot probe = entry(tt, 123456);
    pyvm_heap_stats(heap, &st);
    long per_entry = (long)(st.bytes_in_use - before) + 8;
    (void)probe;
    long n = a->live / per_entry;
    pyvm_list* volatile list = pyvm_list_new(lt, 0);
    for (long i = 0; i < n; i++)
        pyvm_list_append(list, entry(tt, i));
    pyvm_heap_collect(heap);
    pyvm_heap_stats(heap, &st);
    a->entries = n;
    a->live_bytes = st.bytes_in_use;
    /* Measure from here: every collection of this heap is now triggered by allocation. */
    atomic_store(&nsamples, 0);
    atomic_store(&target, heap);
    uint64_t start = st.collections;
    for (long i = 0; st.collections - start < (uint64_t)a->collections; i++) {
        pyvm_list_set(list, (int64_t)(next_rand() % (uint64_t)n), entry(tt, i));
        (void)entry(tt, i + 1); /* short-lived garbage */
        if ((i & 255) == 0)
            pyvm_heap_stats(heap, &st);
    }
    atomic_store(&target, NULL);
    pyvm_heap_stats(heap, &st);
    a->capacity = st.capacity;
    a->max_pause_stats = st.max_pause_ns;
    a->heap_collections = st.collections - start;
    if (pyvm_list_len(list) != n)
        bench_fail("%s", "gc: the list lost entries");
}

int main(int argc, char** argv) {
    bench_args(argc, argv);
    gc_args a = {.live = arg_long("live", 2L << 20), .collections = arg_long("collections", 300)};
    pyvm_rt_init();
    start_runtime(1);
    pyvm_heap_set_gc_hook(hook); /* after start: the runtime installs its own */
    pyvm_spawn_opts o = {.heap_initial = (size_t)arg_long("heap", 0)};
    pyvm_actor_spawn_opt(worker, NULL, pyvm_slot_from_ptr(&a), &o, NULL);
    wait_runtime();
    check_no_crash("gc");
    pyvm_heap_set_gc_hook(NULL);
    pyvm_actors_stop();
    long k = atomic_load(&nsamples);
    if (k > MAX_SAMPLES)
        k = MAX_SAMPLES;
    if (k == 0)
        bench_fail("%s", "gc: no collection was reported to the gc hook");
    printf("%ld entries (int, str) live, %ld collections seen by the hook, %llu by the heap's stats "
           "(its max pause %.3f ms)\n",
           a.entries, k, (unsigned long long)a.heap_collections, (double)a.max_pause_stats / 1e6);
    report_samples("gc_pause", samples, k, 1.0);
    metric("gc_collections", (double)k, "collections");
    metric("gc_live_bytes", (double)a.live_bytes, "B");
    metric("gc_heap_capacity_bytes", (double)a.capacity, "B");
    return 0;
}
