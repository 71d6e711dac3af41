/* Shared helpers of the actor runtime's C tests: thread-safe checks, an event
 * trace (compared with expected text in deterministic mode), and a tiny
 * command line: `prog [test-name] [size]`. Each test prints "ok NAME" and the
 * program ends with "N checks passed" (exit 1 if any check failed). */
#ifndef PYVM_ACHECK_H
#define PYVM_ACHECK_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pyvm/actors.h"
#include "pyvm/rt.h"

static atomic_int acheck_failures, acheck_count;

#define CHECK(cond)                                                                                  \
    do {                                                                                             \
        atomic_fetch_add(&acheck_count, 1);                                                          \
        if (!(cond)) {                                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                 \
            atomic_fetch_add(&acheck_failures, 1);                                                   \
        }                                                                                            \
    } while (0)

#define CHECK_EQ(a, b)                                                                               \
    do {                                                                                             \
        long long _x = (long long)(a), _y = (long long)(b);                                          \
        atomic_fetch_add(&acheck_count, 1);                                                          \
        if (_x != _y) {                                                                              \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, %s == %lld\n", __FILE__, __LINE__,  \
                    #a, _x, #b, _y);                                                                 \
            atomic_fetch_add(&acheck_failures, 1);                                                   \
        }                                                                                            \
    } while (0)

static inline int acheck_finish(void) {
    if (atomic_load(&acheck_failures)) {
        fprintf(stderr, "%d of %d checks failed\n", atomic_load(&acheck_failures), atomic_load(&acheck_count));
        return 1;
    }
    printf("%d checks passed\n", atomic_load(&acheck_count));
    return 0;
}

/* ---- event trace ---- */

static pthread_mutex_t trace_mu = PTHREAD_MUTEX_INITIALIZER;
static char trace_buf[1 << 16];
static size_t trace_len;

static inline void tracef(const char* fmt, ...) {
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&trace_mu);
    if (n > 0 && trace_len + (size_t)n + 2 < sizeof trace_buf) {
        memcpy(trace_buf + trace_len, line, (size_t)n);
        trace_len += (size_t)n;
        trace_buf[trace_len++] = '\n';
        trace_buf[trace_len] = 0;
    }
    pthread_mutex_unlock(&trace_mu);
}

static inline void trace_reset(void) {
    pthread_mutex_lock(&trace_mu);
    trace_len = 0;
    trace_buf[0] = 0;
    pthread_mutex_unlock(&trace_mu);
}

#define CHECK_TRACE(expected)                                                                        \
    do {                                                                                             \
        atomic_fetch_add(&acheck_count, 1);                                                          \
        if (strcmp(trace_buf, (expected)) != 0) {                                                    \
            fprintf(stderr, "%s:%d: trace differs.\n--- expected\n%s--- got\n%s---\n", __FILE__,     \
                    __LINE__, (expected), trace_buf);                                                \
            atomic_fetch_add(&acheck_failures, 1);                                                   \
        }                                                                                            \
    } while (0)

/* ---- time and configuration ---- */

static inline double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline pyvm_actors_config config(int workers, long seed) {
    pyvm_actors_config c;
    pyvm_actors_config_init(&c);
    c.stats = false;
    if (workers > 0)
        c.workers = workers;
    if (seed >= 0) {
        c.deterministic = true;
        c.seed = (uint64_t)seed;
    } else {
        c.deterministic = false;
    }
    return c;
}

static inline void start(int workers, long seed) {
    pyvm_actors_config c = config(workers, seed);
    CHECK_EQ(pyvm_actors_start(&c), 0);
}

static inline void finish_runtime(void) {
    CHECK_EQ(pyvm_actors_wait(), 0);
    pyvm_actors_stop();
    pyvm_actor_stats s;
    pyvm_stats_get(&s);
    CHECK_EQ(s.stacks_in_use, 0);
    CHECK_EQ(s.stacks_mapped, 0);
    CHECK_EQ(s.actors_live, 0);
}

/* ---- values ---- */

static inline const pyvm_type* T(const char* spec) { return pyvm_type_intern(spec); }
static inline pyvm_slot S(const char* s) { return pyvm_slot_from_ptr(pyvm_str_from_cstr(s)); }
static inline const char* cstr(pyvm_slot s) { return pyvm_str_utf8(pyvm_slot_to_ptr(s), NULL); }
static inline pyvm_slot tget(pyvm_slot t, int i) { return pyvm_tuple_get(pyvm_slot_to_ptr(t), i); }
static inline pyvm_slot recv_any(const pyvm_type** t) {
    pyvm_slot v;
    const pyvm_type* tt;
    pyvm_mailbox_receive(t ? t : &tt, &v, -1);
    return v;
}
static inline const char* repr(const pyvm_type* t, pyvm_slot v) {
    return pyvm_str_utf8(pyvm_repr(t, v), NULL);
}

typedef struct {
    const char* name;
    void (*fn)(long size);
    long default_size;
} test_case;

static inline int run_tests(const test_case* tests, int argc, char** argv) {
    const char* only = argc > 1 ? argv[1] : NULL;
    long size = argc > 2 ? atol(argv[2]) : 0;
    int ran = 0;
    for (const test_case* t = tests; t->name; t++) {
        if (only && strcmp(only, "all") != 0 && strcmp(only, t->name) != 0)
            continue;
        int before = atomic_load(&acheck_failures);
        double t0 = now_s();
        t->fn(size > 0 ? size : t->default_size);
        printf("%s %s (%.3f s)\n", atomic_load(&acheck_failures) == before ? "ok" : "FAILED", t->name,
               now_s() - t0);
        fflush(stdout);
        ran++;
    }
    if (!ran) {
        fprintf(stderr, "no test named %s\n", only);
        return 2;
    }
    return acheck_finish();
}

#endif
