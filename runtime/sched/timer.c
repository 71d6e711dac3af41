#include "timer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "sched.h"

typedef struct {
    int64_t deadline;
    uint64_t seq; /* ties broken by arming order: deterministic mode replays exactly */
    pyvm_actor* actor;
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry* heap;
static int64_t len, cap;
static uint64_t seq;
_Atomic int64_t pyvm_timer_earliest = INT64_MAX;

extern inline int64_t pyvm_timer_next(void);

static bool less(const entry* x, const entry* y) {
    return x->deadline < y->deadline || (x->deadline == y->deadline && x->seq < y->seq);
}

static void place(int64_t i, entry e) {
    heap[i] = e;
    e.actor->timer_idx = i;
}

static void sift_up(int64_t i) {
    entry e = heap[i];
    while (i > 0) {
        int64_t p = (i - 1) / 2;
        if (!less(&e, &heap[p]))
            break;
        place(i, heap[p]);
        i = p;
    }
    place(i, e);
}

static void sift_down(int64_t i) {
    entry e = heap[i];
    for (;;) {
        int64_t c = 2 * i + 1;
        if (c >= len)
            break;
        if (c + 1 < len && less(&heap[c + 1], &heap[c]))
            c++;
        if (!less(&heap[c], &e))
            break;
        place(i, heap[c]);
        i = c;
    }
    place(i, e);
}

static void publish_earliest(void) {
    /* release: a worker that sees a deadline and takes the lock finds the entry
     * (the lock orders that anyway); release keeps the mirror monotone with the heap */
    atomic_store_explicit(&pyvm_timer_earliest, len ? heap[0].deadline : INT64_MAX, memory_order_release);
}

/* Removes heap[i]; returns its actor. */
static pyvm_actor* remove_at(int64_t i) {
    pyvm_actor* a = heap[i].actor;
    a->timer_idx = -1;
    len--;
    if (i != len) {
        pyvm_actor* moved = heap[len].actor;
        place(i, heap[len]);
        sift_down(i);
        sift_up(moved->timer_idx);
    }
    return a;
}

void pyvm_timer_reset(void) {
    pthread_mutex_lock(&lock);
    while (len > 0)
        pyvm_actor_unref(remove_at(len - 1));
    free(heap);
    heap = NULL;
    cap = 0;
    seq = 0;
    publish_earliest();
    pthread_mutex_unlock(&lock);
}

void pyvm_timer_add(pyvm_actor* a, int64_t deadline_ns) {
    a->timer_armed = true;
    pthread_mutex_lock(&lock);
    if (a->timer_idx >= 0) {
        int64_t i = a->timer_idx;
        heap[i].deadline = deadline_ns;
        heap[i].seq = seq++;
        sift_down(i);
        sift_up(a->timer_idx);
    } else {
        if (len == cap) {
            cap = cap ? cap * 2 : 64;
            heap = realloc(heap, (size_t)cap * sizeof *heap);
        }
        pyvm_actor_ref(a);
        place(len, (entry){deadline_ns, seq++, a});
        len++;
        sift_up(len - 1);
    }
    publish_earliest();
    pthread_mutex_unlock(&lock);
}

void pyvm_timer_cancel(pyvm_actor* a) {
    /* Most actors never wait with a timeout: no global lock for them. */
    if (!a->timer_armed)
        return;
    a->timer_armed = false;
    pyvm_actor* drop = NULL;
    pthread_mutex_lock(&lock);
    if (a->timer_idx >= 0)
        drop = remove_at(a->timer_idx);
    publish_earliest();
    pthread_mutex_unlock(&lock);
    if (drop)
        pyvm_actor_unref(drop);
}

int pyvm_timer_fire(int64_t now) {
    if (pyvm_timer_next() > now)
        return 0;
    pyvm_actor* due[64];
    int n = 0;
    pthread_mutex_lock(&lock);
    while (len > 0 && heap[0].deadline <= now && n < 64)
        due[n++] = remove_at(0);
    publish_earliest();
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < n; i++) {
        pyvm_sched_wake(due[i]);
        pyvm_actor_unref(due[i]);
    }
    return n;
}

int64_t pyvm_timer_count(void) {
    pthread_mutex_lock(&lock);
    int64_t n = len;
    pthread_mutex_unlock(&lock);
    return n;
}
