#include "magazine.h"

#include <stdlib.h>
#include <sys/mman.h>

extern inline void* pyvm_mag_get(pyvm_magazine** slot, pyvm_depot* d);
extern inline void pyvm_mag_put(pyvm_magazine** slot, pyvm_depot* d, void* obj);

static pthread_key_t exit_key;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

/* Thread exit: every magazine of the thread goes back to its depot. */
static void flush_thread(void* head) {
    for (pyvm_magazine* m = head; m;) {
        pyvm_magazine* next = m->next;
        *m->slot = NULL;
        if (m->n || m->out)
            pyvm_mag_flush(&m);
        free(m);
        m = next;
    }
}

static void make_key(void) {
    pthread_key_create(&exit_key, flush_thread);
}

/* The thread's magazine of the kind, made on first use; NULL without memory
 * (callers then go to the depot directly). */
static pyvm_magazine* local(pyvm_magazine** slot, pyvm_depot* d) {
    pyvm_magazine* m = *slot;
    if (m)
        return m;
    pthread_once(&exit_once, make_key);
    if (!(m = calloc(1, sizeof *m)))
        return NULL;
    m->depot = d;
    m->slot = slot;
    m->next = pthread_getspecific(exit_key);
    pthread_setspecific(exit_key, m);
    return *slot = m;
}

/* Moves items[0, k) of m into the depot: the oldest, so the hot ones stay.
 * Folds m's count into the depot's on the way. */
static void deposit(pyvm_magazine* m, pyvm_depot* d, int k) {
    void* out[PYVM_MAG_CAP];
    for (int i = 0; i < k; i++)
        out[i] = m->items[i];
    m->n -= k;
    for (int i = 0; i < m->n; i++)
        m->items[i] = m->items[i + k];
    int kept = 0;
    pthread_mutex_lock(&d->mu);
    d->out += m->out;
    m->out = 0;
    if (d->n + k > d->cap && d->cap < d->limit) {
        int64_t cap = d->cap ? d->cap : 256;
        while (cap < d->n + k)
            cap *= 2;
        if (cap > d->limit)
            cap = d->limit;
        void** grown = realloc(d->items, (size_t)cap * sizeof *grown);
        if (grown) {
            d->items = grown;
            d->cap = cap;
        }
    }
    for (; kept < k && d->n < d->cap; kept++)
        d->items[d->n++] = out[kept];
    pthread_mutex_unlock(&d->mu);
    for (int i = kept; i < k; i++)
        d->destroy(out[i]);
}

enum { CHUNK_BYTES = 1 << 20 };

/* (d->mu) Fills m with up to half a magazine of never-used objects. */
static void carve(pyvm_depot* d, pyvm_magazine* m) {
    size_t size = (d->obj_size + 63) & ~(size_t)63; /* whole cache lines: no false sharing */
    while (m->n < PYVM_MAG_CAP / 2) {
        if (d->carve_cur == NULL || (size_t)(d->carve_end - d->carve_cur) < size) {
            char* c = mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (c == MAP_FAILED)
                return;
            *(void**)c = d->chunks;
            d->chunks = c;
            d->carve_cur = c + 64;
            d->carve_end = c + CHUNK_BYTES;
        }
        m->items[m->n++] = d->carve_cur;
        d->carve_cur += size;
    }
}

void* pyvm_mag_get_slow(pyvm_magazine** slot, pyvm_depot* d) {
    pyvm_magazine* m = local(slot, d);
    if (!m) {
        void* obj = NULL;
        pthread_mutex_lock(&d->mu);
        if (d->n > 0) {
            obj = d->items[--d->n];
            d->out++;
        }
        pthread_mutex_unlock(&d->mu);
        return obj; /* a slab-backed kind without a magazine: only what was given back */
    }
    if (m->n == 0) {
        pthread_mutex_lock(&d->mu);
        d->out += m->out;
        m->out = 0;
        while (d->n > 0 && m->n < PYVM_MAG_CAP / 2)
            m->items[m->n++] = d->items[--d->n];
        if (m->n == 0 && d->obj_size)
            carve(d, m);
        pthread_mutex_unlock(&d->mu);
        if (m->n == 0)
            return NULL;
    }
    m->out++;
    return m->items[--m->n];
}

void pyvm_mag_count_new(pyvm_magazine** slot, pyvm_depot* d) {
    pyvm_magazine* m = local(slot, d);
    if (m) {
        m->out++;
        return;
    }
    pthread_mutex_lock(&d->mu);
    d->out++;
    pthread_mutex_unlock(&d->mu);
}

void pyvm_mag_put_slow(pyvm_magazine** slot, pyvm_depot* d, void* obj) {
    pyvm_magazine* m = d->limit ? local(slot, d) : *slot;
    if (!m) {
        pthread_mutex_lock(&d->mu);
        d->out--;
        pthread_mutex_unlock(&d->mu);
        d->destroy(obj);
        return;
    }
    m->out--;
    if (d->limit == 0) {
        d->destroy(obj);
        return;
    }
    if (m->n == PYVM_MAG_CAP)
        deposit(m, d, PYVM_MAG_CAP / 2);
    m->items[m->n++] = obj;
}

void pyvm_mag_flush(pyvm_magazine** slot) {
    pyvm_magazine* m = *slot;
    if (m && (m->n || m->out))
        deposit(m, m->depot, m->n);
}

void pyvm_depot_drain(pyvm_depot* d) {
    pthread_mutex_lock(&d->mu);
    if (d->obj_size && d->out != 0) {
        pthread_mutex_unlock(&d->mu); /* objects still out: their chunks stay */
        return;
    }
    void** items = d->items;
    int64_t n = d->n;
    void* chunks = d->chunks;
    d->items = NULL;
    d->n = d->cap = 0;
    d->chunks = NULL;
    d->carve_cur = d->carve_end = NULL;
    pthread_mutex_unlock(&d->mu);
    for (int64_t i = 0; i < n && d->destroy; i++)
        d->destroy(items[i]);
    free(items);
    while (chunks) {
        void* next = *(void**)chunks;
        munmap(chunks, CHUNK_BYTES);
        chunks = next;
    }
}

int64_t pyvm_depot_out(pyvm_depot* d, pyvm_magazine** mine) {
    pthread_mutex_lock(&d->mu);
    int64_t n = d->out + (*mine && (*mine)->depot == d ? (*mine)->out : 0);
    pthread_mutex_unlock(&d->mu);
    return n;
}

int64_t pyvm_depot_size(pyvm_depot* d) {
    pthread_mutex_lock(&d->mu);
    int64_t n = d->n;
    pthread_mutex_unlock(&d->mu);
    return n;
}
