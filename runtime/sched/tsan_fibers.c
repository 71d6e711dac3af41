/* ThreadSanitizer builds only: how many green threads may hold a TSan fiber
 * at once.
 *
 * Every started actor needs a fiber of its own (__tsan_create_fiber) from its
 * first run to its exit: TSan keeps the actor's shadow call stack and clock in
 * it while the actor is switched out. To TSan a fiber is a thread, and in the
 * runtime GCC 12 ships (libtsan.so.2, TSan's "v2") threads are expensive:
 *   - at most 8128 threads and fibers may be alive at once ("Thread limit (8128
 *     threads) exceeded. Dying.");
 *   - each has a trace of its own, four kernel mappings (kept while its thread
 *     id is reused) and ~1.6 MB once the actor has run a while; with the shadow
 *     and meta shadow of the actor's stack and heap chunk a live actor costs ~10
 *     kernel mappings, so about 5000 of them exhaust vm.max_map_count (65530 by
 *     default): mmap then fails with ENOMEM ("ThreadSanitizer failed to allocate
 *     ... error code: 12"), and so does munmap, whose interceptor unmaps and
 *     remaps the meta shadow of the range, which needs a mapping to split it
 *     ("ThreadSanitizer failed to deallocate");
 *   - vector clocks grow with the number of thread ids in use: every
 *     synchronising operation (a message send, a mutex, a fiber switch) costs
 *     time in proportion, and every sync object (one per message in flight)
 *     memory, which TSan's clock allocator never returns. 10M messages among
 *     100k actors took 128 s and 2.0 GB with 128 fibers at a time, 157 s and
 *     2.7 GB with 256, 200 s and 4.2 GB with 512, 442 s and 10 GB with 2048.
 * These are the sanitizer's limits, not the program's.
 *
 * So under TSan the scheduler starts an actor only while fewer than `budget`
 * actors hold a fiber; the others wait, in the order they were first picked,
 * on a queue of their own and start as fibers are destroyed. Started actors
 * run exactly as before (the budget only delays first runs), and the races
 * TSan can see are between the worker threads, however many green threads are
 * suspended. A program needs no change unless more than `budget` actors must
 * be suspended at the same time for any of them to finish: it then stops
 * making progress, which pyvm_actors_run's deadlock check reports (with a hint
 * at PYVM_TSAN_FIBERS). The budget: PYVM_TSAN_FIBERS (default 256), never more
 * than TSan's thread limit nor (vm.max_map_count - 8192) / 12. */
#include "tsan_fibers.h"

#ifdef PYVM_TSAN
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <sanitizer/tsan_interface.h>

#include "sched.h"

enum {
    DEFAULT_BUDGET = 256,
    TSAN_THREAD_LIMIT = 8000, /* 8128 in libtsan.so.2, less the OS threads */
    MAPS_PER_ACTOR = 12,      /* ~10 measured (4 fiber trace, 4 shadow and meta, stack, heap chunk), with margin */
    MAPS_RESERVED = 8192,     /* the rest of the process: libraries, TSan's own, heaps, messages */
    MIN_BUDGET = 64,          /* the map-count bound never goes below it */
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long budget;               /* written once under `once` */
static long holding;              /* (mu) actors holding a fiber */
static pyvm_actor* wait_head;     /* (mu) actors waiting for their first run, FIFO through qnext */
static pyvm_actor* wait_tail;
static long waiting;              /* (mu) actors on that queue */

static void init(void) {
    const char* s = getenv("PYVM_TSAN_FIBERS");
    budget = s && atol(s) > 0 ? atol(s) : DEFAULT_BUDGET;
    long maps = 65530;
    FILE* f = fopen("/proc/sys/vm/max_map_count", "r");
    if (f) {
        if (fscanf(f, "%ld", &maps) != 1)
            maps = 65530;
        fclose(f);
    }
    long most = (maps - MAPS_RESERVED) / MAPS_PER_ACTOR;
    if (most > TSAN_THREAD_LIMIT)
        most = TSAN_THREAD_LIMIT;
    if (most < MIN_BUDGET)
        most = MIN_BUDGET;
    if (budget > most)
        budget = most;
}

long pyvm_tsan_fiber_budget(void) {
    pthread_once(&once, init);
    return budget;
}

long pyvm_tsan_fiber_waiting(void) {
    pthread_mutex_lock(&mu);
    long n = waiting;
    pthread_mutex_unlock(&mu);
    return n;
}

bool pyvm_tsan_fiber_admit(pyvm_actor* a) {
    if (a->tsan_fiber)
        return true; /* handed a slot by pyvm_tsan_fiber_release */
    pthread_once(&once, init);
    pthread_mutex_lock(&mu);
    bool admitted = holding < budget;
    if (admitted) {
        holding++;
    } else {
        /* relaxed: we own a (taken from a run queue); the mutex hands it to whoever
         * enqueues it again. A concurrent waker's NOTIFIED is not lost: an actor that has
         * not started looks at its mailbox and signals when it does. */
        atomic_store_explicit(&a->run_state, PYVM_RS_QUEUED, memory_order_relaxed);
        a->qnext = NULL;
        if (wait_tail)
            wait_tail->qnext = a;
        else
            wait_head = a;
        wait_tail = a;
        waiting++;
    }
    pthread_mutex_unlock(&mu);
    if (admitted)
        a->tsan_fiber = __tsan_create_fiber(0);
    return admitted;
}

void pyvm_tsan_fiber_release(void) {
    pthread_mutex_lock(&mu);
    pyvm_actor* a = wait_head;
    if (a) {
        wait_head = a->qnext;
        if (!wait_head)
            wait_tail = NULL;
        waiting--;
    } else {
        holding--;
    }
    pthread_mutex_unlock(&mu);
    if (a) {
        a->tsan_fiber = __tsan_create_fiber(0); /* the slot passes straight to it */
        pyvm_sched_spawned(a);
    }
}

#else
bool pyvm_tsan_fiber_admit(pyvm_actor* a) {
    (void)a;
    return true;
}

void pyvm_tsan_fiber_release(void) {}

long pyvm_tsan_fiber_budget(void) { return 0; }

long pyvm_tsan_fiber_waiting(void) { return 0; }
#endif
