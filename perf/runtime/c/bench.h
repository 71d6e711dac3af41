/* Shared helpers of the actor-runtime benchmarks (perf/runtime/c/, one .c file each).
 *
 * Every benchmark is a small program using only the public API
 * (pyvm/actors.h, pyvm/rt.h). Arguments are `key=value` words
 * (`n=100000 workers=1`); results are printed on stdout as metric lines
 *
 *     metric <name> <value> <unit>
 *
 * which perf/runtime/bench.py parses (the Go and Erlang versions print the
 * same lines). Anything else on stdout is commentary. A benchmark that cannot
 * do what it measures prints `error <text>` and exits 1. */
#ifndef PYVM_BENCH_H
#define PYVM_BENCH_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pyvm/actors.h"
#include "pyvm/rt.h"

/* ---- arguments ---- */

static int bench_argc;
static char** bench_argv;

static inline void bench_args(int argc, char** argv) {
    bench_argc = argc;
    bench_argv = argv;
}

static inline long arg_long(const char* key, long dflt) {
    size_t k = strlen(key);
    for (int i = 1; i < bench_argc; i++)
        if (strncmp(bench_argv[i], key, k) == 0 && bench_argv[i][k] == '=')
            return strtol(bench_argv[i] + k + 1, NULL, 10);
    return dflt;
}

static inline const char* arg_str(const char* key, const char* dflt) {
    size_t k = strlen(key);
    for (int i = 1; i < bench_argc; i++)
        if (strncmp(bench_argv[i], key, k) == 0 && bench_argv[i][k] == '=')
            return bench_argv[i] + k + 1;
    return dflt;
}

/* ---- time ---- */

static inline int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- output ---- */

static inline void metric(const char* name, double value, const char* unit) {
    printf("metric %s %.6g %s\n", name, value, unit);
    fflush(stdout);
}

static inline _Noreturn void bench_fail(const char* fmt, const char* detail) {
    printf("error ");
    printf(fmt, detail);
    printf("\n");
    fflush(stdout);
    exit(1);
}

/* ---- samples: percentiles of per-operation times ---- */

static int cmp_i64(const void* a, const void* b) {
    int64_t x = *(const int64_t*)a, y = *(const int64_t*)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples (p in [0, 100]). */
static inline int64_t percentile(const int64_t* sorted, long n, double p) {
    if (n <= 0)
        return 0;
    long rank = (long)(p / 100.0 * (double)n + 0.999999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return sorted[rank - 1];
}

/* Sorts the samples and prints <prefix>_p50/_p99/_max (in ns, each divided by div). */
static inline void report_samples(const char* prefix, int64_t* samples, long n, double div) {
    qsort(samples, (size_t)n, sizeof *samples, cmp_i64);
    char name[128];
    snprintf(name, sizeof name, "%s_p50_ns", prefix);
    metric(name, (double)percentile(samples, n, 50) / div, "ns");
    snprintf(name, sizeof name, "%s_p99_ns", prefix);
    metric(name, (double)percentile(samples, n, 99) / div, "ns");
    snprintf(name, sizeof name, "%s_max_ns", prefix);
    metric(name, (double)samples[n - 1] / div, "ns");
}

/* ---- memory ---- */

/* Resident set size of this process in bytes (/proc/self/statm), 0 if unknown. */
static inline long rss_bytes(void) {
    FILE* f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    long size = 0, resident = 0;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
        resident = 0;
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

/* A field of /proc/self/status in bytes ("VmPTE:" ...), 0 if unknown. */
static inline long status_bytes(const char* key) {
    FILE* f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    long kb = 0;
    size_t k = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, k) == 0)
            kb = strtol(line + k, NULL, 10);
    fclose(f);
    return kb * 1024;
}

/* The memory a process holds: resident pages plus the page tables mapping
 * them (VmPTE), which RSS leaves out although they are memory too (a stack
 * per megabyte of address space costs a 4 KiB page-table page per two). */
static inline long memory_bytes(void) {
    return rss_bytes() + status_bytes("VmPTE:");
}

/* Peak resident set size in bytes (VmHWM of /proc/self/status), 0 if unknown. */
static inline long peak_rss_bytes(void) {
    FILE* f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    long kb = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb * 1024;
}

static inline long read_long_file(const char* path) {
    FILE* f = fopen(path, "r");
    if (!f)
        return -1;
    long v = -1;
    if (fscanf(f, "%ld", &v) != 1)
        v = -1;
    fclose(f);
    return v;
}

/* ---- the runtime ---- */

/* Starts the runtime with `workers` workers (0: the runtime's default, i.e.
 * PYVM_WORKERS or one per core) and no statistics printout. */
static inline int start_runtime(int workers) {
    pyvm_actors_config c;
    pyvm_actors_config_init(&c);
    c.stats = false;
    c.deterministic = false;
    if (workers > 0)
        c.workers = workers;
    if (pyvm_actors_start(&c) != 0)
        bench_fail("%s", "pyvm_actors_start failed");
    printf("workers %d\n", c.workers);
    return c.workers;
}

static inline void wait_runtime(void) {
    if (pyvm_actors_wait() != 0)
        bench_fail("%s", "pyvm_actors_wait: actors left waiting forever");
}

/* Fails the benchmark if any actor crashed so far (its numbers would be wrong). */
static inline void check_no_crash(const char* what) {
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    if (s.crashed > 0) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s: %lld actor(s) crashed (see stderr)", what, (long long)s.crashed);
        bench_fail("%s", buf);
    }
}

#endif
