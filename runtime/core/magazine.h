/* Magazines: a per-thread cache of free objects of one kind in front of a
 * global depot, the structure of Bonwick's magazine allocator and of
 * tcmalloc's thread caches. The hot paths (spawn, exit) take and give back
 * objects on one thread without a lock or an atomic; objects that travel (an
 * actor spawned on one worker and freed on another) flow back through the
 * depot in batches of PYVM_MAG_CAP / 2, so the depot's mutex is taken once
 * per batch. The depot keeps at most `limit` objects; the rest are destroyed.
 *
 * A kind is one static pyvm_depot plus one `_Thread_local pyvm_magazine*`
 * slot, passed by address; the magazine itself is malloc'd on first use
 * (the runtime's TLS is static TLS, and a dlopen'd libpyvmrt.so gets only
 * glibc's small static-TLS surplus). A slot's address must be taken by code
 * that cannot migrate between threads while it holds it: the scheduler side,
 * or an out-of-line accessor on a green thread (the pyvm_mag_* calls never
 * switch). A thread that ends gives its magazines back (pthread key
 * destructor). Without memory for a magazine, calls go to the depot. */
#ifndef PYVM_MAGAZINE_H
#define PYVM_MAGAZINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { PYVM_MAG_CAP = 64 };

typedef struct pyvm_depot pyvm_depot;

typedef struct pyvm_magazine {
    void* items[PYVM_MAG_CAP];
    int n;
    int64_t out;                  /* objects handed out minus given back here, not yet folded into the depot */
    pyvm_depot* depot;
    struct pyvm_magazine** slot;  /* the thread-local pointer to this magazine */
    struct pyvm_magazine* next;   /* the thread's magazines, for the exit flush */
} pyvm_magazine;

struct pyvm_depot {
    pthread_mutex_t mu;
    void** items;
    int64_t n, cap, limit;      /* limit 0: no caching at all (sanitizer builds) */
    int64_t out;                /* (mu) folded counts of the magazines: see pyvm_depot_out */
    void (*destroy)(void* obj); /* an object that does not fit (called outside the mutex) */
    /* Slab-backed kinds (obj_size > 0): new objects are carved from 1 MiB
     * chunks the depot maps itself, never freed one by one (no limit), and
     * the chunks are unmapped by pyvm_depot_drain once every object is back.
     * malloc would do, but glibc grows a thread's arena one mprotect at a
     * time, and each costs a TLB shoot-down on every core: a burst of spawns
     * paid one every ten actors. */
    size_t obj_size;
    char* carve_cur;            /* (mu) */
    char* carve_end;
    void* chunks;               /* (mu) linked through their first word */
};

#define PYVM_DEPOT_INIT(limit_, destroy_) \
    {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, (limit_), 0, (destroy_), 0, NULL, NULL, NULL}
#define PYVM_DEPOT_SLAB_INIT(obj_size_) \
    {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, INT64_MAX, 0, NULL, (obj_size_), NULL, NULL, NULL}

void* pyvm_mag_get_slow(pyvm_magazine** slot, pyvm_depot* d);
void pyvm_mag_put_slow(pyvm_magazine** slot, pyvm_depot* d, void* obj);

/* A free object from the magazine, refilled from the depot (or carved, for a
 * slab-backed kind); NULL if there is none (the caller makes a new one; for a
 * slab-backed kind: no memory). C99 inline fast paths (a magazine hit
 * is a load, a store and a counter); magazine.c emits the exported copies. */
inline void* pyvm_mag_get(pyvm_magazine** slot, pyvm_depot* d) {
    pyvm_magazine* m = *slot;
    if (__builtin_expect(m != NULL && m->n > 0, 1)) {
        m->out++;
        return m->items[--m->n];
    }
    return pyvm_mag_get_slow(slot, d);
}
/* Counts an object the caller made itself (pyvm_mag_get returned NULL) as handed out. */
void pyvm_mag_count_new(pyvm_magazine** slot, pyvm_depot* d);
/* Gives obj back; a full magazine first moves its older half to the depot. */
inline void pyvm_mag_put(pyvm_magazine** slot, pyvm_depot* d, void* obj) {
    pyvm_magazine* m = *slot;
    if (__builtin_expect(m != NULL && m->n < PYVM_MAG_CAP && d->limit != 0, 1)) {
        m->out--;
        m->items[m->n++] = obj;
        return;
    }
    pyvm_mag_put_slow(slot, d, obj);
}
/* Moves every object of the calling thread's magazine to the depot. */
void pyvm_mag_flush(pyvm_magazine** slot);
/* Destroys every object in the depot (magazines of live threads keep theirs). */
void pyvm_depot_drain(pyvm_depot* d);
/* Objects in the depot now. */
int64_t pyvm_depot_size(pyvm_depot* d);
/* Objects handed out and not given back: exact once every other thread that
 * used the kind has ended (workers after pyvm_actors_stop), a snapshot that
 * may lag by up to a magazine per thread before. Counting in the magazines
 * keeps shared atomics off spawn and exit: two workers bumping one counter
 * made every spawn a cache-line transfer. */
int64_t pyvm_depot_out(pyvm_depot* d, pyvm_magazine** mine);

#ifdef __cplusplus
}
#endif
#endif
