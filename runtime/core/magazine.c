#include "magazine.h"

#include <stdlib.h>

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
    for (int i = 0; i < k; i++) {
        out[i] = m->items[i];
        if (d->deposit)
            d->deposit(out[i]);
    }
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
        return obj;
    }
    if (m->n == 0) {
        pthread_mutex_lock(&d->mu);
        d->out += m->out;
        m->out = 0;
        while (d->n > 0 && m->n < PYVM_MAG_CAP / 2)
            m->items[m->n++] = d->items[--d->n];
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
    void** items = d->items;
    int64_t n = d->n;
    d->items = NULL;
    d->n = d->cap = 0;
    pthread_mutex_unlock(&d->mu);
    for (int64_t i = 0; i < n; i++)
        d->destroy(items[i]);
    free(items);
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
