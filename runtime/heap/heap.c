/* Per-actor heaps and their collector: see heap.h for the interface and
 * runtime/README.md ("Heaps and the collector") for the design.
 *
 * Memory layout
 *   chunk   256 KiB, aligned to 256 KiB, so the chunk of any address is
 *           addr & ~(256 KiB - 1). A chunk starts with its header (owner,
 *           links, a start bitmap: one bit per 16-byte granule, set where a
 *           block header lies) followed by blocks.
 *   block   8-byte header (size | flags, alloc.h PYVM_BLOCK_*) + payload;
 *           sizes are multiples of 16 and headers sit at 8 mod 16, so
 *           payloads are 16-byte aligned. Free space is made of FREE blocks,
 *           so a chunk parses from its first block to its end.
 *   large   blocks above 64 KiB get a mapping of their own (a "large chunk",
 *           same header without bitmap, aligned to 256 KiB).
 *   region  the [cur, end) range the inline fast path bumps through; always
 *           zeroed; a hole (free run) claimed from the heap's hole list.
 *
 * Start bits are not set by the fast path: they are set for a whole region
 * when it is retired (the allocator moves on, or a collection seals it), by
 * walking the headers just written. Between collections the bitmap is thus
 * exact for everything except the live region, and every collection starts
 * by retiring it.
 *
 * A heap finds its chunks through a small open-addressing table keyed by
 * address >> 18 (a large block registers every 256 KiB unit it spans), after
 * a [lo, lo + span) filter that rejects most non-pointers with one compare. */
#include "heap.h"

#include "../core/magazine.h"

#include <link.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "../core/alloc.h"
#include "../core/dict.h"
#include "../core/error.h"
#include "../core/list.h"
#include "../core/str.h"
#include "../core/tuple.h"

/* ---- sanitizers ---------------------------------------------------------------------------- */

#if !PYVM_ALLOC_FAST
#include <sanitizer/asan_interface.h>
#define HEAP_ASAN 1
/* Functions reading block headers, free memory or foreign stack frames: those
 * bytes are poisoned on purpose (headers and free space) or are redzones. */
#define NOASAN __attribute__((no_sanitize_address))
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define HEAP_ASAN 0
#define NOASAN
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* The conservative scans read memory other code owns (stacks of suspended
 * actors, the executable's globals): not data races in any sense that
 * matters to the collector, which only looks for addresses. */
#ifdef PYVM_TSAN
#define NOTSAN __attribute__((no_sanitize("thread")))
#else
#define NOTSAN
#endif

/* ---- constants ----------------------------------------------------------------------------- */

#define CHUNK_SHIFT 18
#define CHUNK_SIZE ((size_t)1 << CHUNK_SHIFT)
#define BITMAP_WORDS (CHUNK_SIZE / 16 / 64)
#define LARGE_BLOCK ((size_t)64 << 10)  /* blocks above this get their own mapping */
#define MIN_HOLE 32                     /* free runs below this are not listed for reuse */
#define MEDIUM 256                      /* requests above this may be placed beside the region */
#define REGION_CAP (16 * 1024)         /* the most of a not-yet-zeroed hole one region claims */
#define KEEP_REGION 1024                /* ...when the region still has this much left */
#define HOLE_SEARCH 64                  /* holes examined for one request before growing */
#define PAGE 4096

#define B_MARK ((uint64_t)PYVM_BLOCK_MARK)
#define B_OBJ ((uint64_t)PYVM_BLOCK_OBJ)
#define B_BUF ((uint64_t)PYVM_BLOCK_BUF)
#define B_FREE ((uint64_t)PYVM_BLOCK_FREE)
#define B_ZERO B_OBJ /* on a FREE block: its payload is known to be zero */
#define B_FLAGS ((uint64_t)15)

#define HDR(p) (*(uint64_t*)(void*)(p))
#define BSIZE(h) ((size_t)((h) & ~B_FLAGS))
#define HOLE_NEXT(p) (*(char**)(void*)((char*)(p) + 8))

typedef struct chunk {
    struct chunk* next;  /* the owner's chunk list, or the global pool */
    struct chunk* prev;
    struct pyvm_heap* owner;
    size_t map_size;     /* bytes mapped */
    size_t charge;       /* bytes counted in the owner's capacity */
    char* hole_head;     /* sweep: this chunk's free runs in address order */
    char* hole_tail;
    size_t live;         /* sweep: bytes of surviving blocks */
    uint32_t large;
    uint32_t reserved;
    uint64_t starts[];   /* normal chunks: BITMAP_WORDS words */
} chunk;

/* First block header of a normal chunk (8 mod 16, after header and bitmap),
 * end of its block area, and the header of a large chunk's only block. */
#define DATA_OFF ((sizeof(chunk) + BITMAP_WORDS * 8 + 8 + 15) / 16 * 16 - 8)
#define LIMIT_OFF (CHUNK_SIZE - 8)
#define LDATA_OFF ((sizeof(chunk) + 8 + 15) / 16 * 16 - 8)

_Static_assert(DATA_OFF % 16 == 8 && LDATA_OFF % 16 == 8, "block headers sit at 8 mod 16");
_Static_assert(LARGE_BLOCK < LIMIT_OFF - DATA_OFF, "a large block does not fit a chunk");

typedef struct region {
    char* cur;
    char* end;
    char* start;
} region;

typedef struct mslot {
    uintptr_t key; /* address >> CHUNK_SHIFT; 0 = empty */
    chunk* c;
} mslot;

struct pyvm_heap {
    region reg;           /* the bump region while the heap is not current on a thread */
    chunk* chunks;        /* normal chunks */
    chunk* large;         /* large blocks */
    size_t nchunks, nlarge;
    char* holes;          /* free runs to claim, linked through their second word */
    uintptr_t lo, span;   /* every chunk lies in [lo, lo + span) */
    mslot* map;
    size_t map_mask, map_count;
    size_t initial, max, budget, next_gc, capacity;
    int64_t used;         /* bytes of allocated blocks outside the live region */
    bool collect, in_gc, is_default, scan_globals, shared, hook_pending;
    char* stack_lo;
    char* stack_hi;
    void* owner;          /* default heap: tag of the thread whose stack is scanned */
    /* Tag (address of a thread-local) of the thread the heap is current on,
     * NULL if none. Only a misuse check: the scheduler's own synchronisation
     * orders the heap's data between threads, so relaxed accesses suffice
     * (a thread that legitimately takes the heap over has already synchronised
     * with the store that cleared it). */
    _Atomic(void*) running_on;
    char** mstack;        /* mark stack: headers of marked blocks still to trace */
    size_t mlen, mcap;
    uint64_t collections, total_pause, max_pause, last_pause, freed_blocks, freed_bytes, live_blocks;
    uint64_t hook_pause;
};

/* ---- configuration and global state -------------------------------------------------------- */

/* Defaults for new heaps. Independent values read when a heap is created;
 * nothing else is published through them, so relaxed is enough. */
static _Atomic size_t def_initial = (size_t)2 << 20;
static _Atomic size_t def_max = SIZE_MAX;
static size_t pool_max = 64; /* chunks kept in the pool; written once under cfg_once */
static int verbose;
static int verify; /* PYVM_HEAP_VERIFY=1: check every chunk's structure at each slow-path step (slow) */
static pthread_once_t cfg_once = PTHREAD_ONCE_INIT;

/* Statistics counters: each is an independent number nothing synchronises
 * on, so relaxed read-modify-writes are enough. */
static _Atomic int64_t g_chunks, g_large, g_default_chunks, g_pool, g_mapped;

/* Written with release by pyvm_heap_set_gc_hook and read with acquire before
 * a call, so whatever the hook's owner set up before registering it is
 * visible to the collecting thread that calls it. */
static _Atomic(void (*)(pyvm_heap*, uint64_t)) g_hook;

/* The global pool of free normal chunks (dirty). Chunks move between heaps of
 * different threads only through it; the mutex orders a chunk's last use by
 * the releasing heap before its first use by the acquiring one. */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static chunk* pool_head;
static size_t pool_count;

/* The default heap: shared by every thread that allocates with no heap
 * current, so its slow path, collections and stats run under default_lock
 * (each thread still bumps through a region of its own). */
static pyvm_heap default_heap;
static bool default_ready;
static pthread_mutex_t default_lock = PTHREAD_MUTEX_INITIALIZER;

static _Thread_local pyvm_heap* tls_heap;  /* current heap; NULL = the default heap */
static _Thread_local char* tls_start;      /* start of the region in pyvm_bump_tls */
static _Thread_local region tls_default;   /* this thread's default-heap region while another is current */
static _Thread_local char tls_tag;         /* its address identifies the thread */
static _Thread_local char* tls_stack_lo;   /* the thread's own stack (lazily) */
static _Thread_local char* tls_stack_hi;
static _Thread_local char* tls_run_lo;     /* the registered stack the thread was last seen running on */
static _Thread_local char* tls_run_hi;

static size_t parse_size(const char* s, size_t dflt) {
    if (!s || !*s)
        return dflt;
    if (!strcmp(s, "unlimited"))
        return SIZE_MAX;
    char* end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s)
        return dflt;
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: break;
    }
    if (*end == 'i')
        end++;
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end)
        return dflt;
    if (shift && v > (SIZE_MAX >> shift))
        return SIZE_MAX;
    return (size_t)v << shift;
}

static void cfg_load(void) {
    size_t init = parse_size(getenv("PYVM_HEAP_SIZE"), (size_t)2 << 20);
    size_t max = parse_size(getenv("PYVM_HEAP_MAX"), SIZE_MAX);
    /* relaxed: an independent setting, read when a heap is created */
    atomic_store_explicit(&def_initial, init ? init : (size_t)2 << 20, memory_order_relaxed);
    atomic_store_explicit(&def_max, max ? max : SIZE_MAX, memory_order_relaxed);
    pool_max = parse_size(getenv("PYVM_HEAP_POOL"), pool_max * CHUNK_SIZE) / CHUNK_SIZE;
    const char* v = getenv("PYVM_GC_VERBOSE");
    verbose = v && *v && strcmp(v, "0") != 0;
    v = getenv("PYVM_HEAP_VERIFY");
    verify = v && *v && strcmp(v, "0") != 0;
}

static size_t round_chunks(size_t n) {
    if (n < CHUNK_SIZE)
        return CHUNK_SIZE;
    if (n > SIZE_MAX - CHUNK_SIZE)
        return SIZE_MAX;
    return (n + CHUNK_SIZE - 1) & ~(CHUNK_SIZE - 1);
}

static _Atomic bool cfg_loaded;

static void cfg_load_once(void) {
    cfg_load();
    /* release: the settings cfg_load wrote are visible to whoever sees the flag */
    atomic_store_explicit(&cfg_loaded, true, memory_order_release);
}

static void heap_config(pyvm_heap* h, size_t initial, size_t max) {
    /* acquire: pairs with the release in cfg_load_once (pthread_once alone was 5% of a spawn) */
    if (!atomic_load_explicit(&cfg_loaded, memory_order_acquire))
        pthread_once(&cfg_once, cfg_load_once);
    if (!initial)
        /* relaxed: see def_initial */
        initial = atomic_load_explicit(&def_initial, memory_order_relaxed);
    if (!max)
        max = atomic_load_explicit(&def_max, memory_order_relaxed);
    h->max = round_chunks(max);
    h->initial = round_chunks(initial);
    if (h->initial > h->max)
        h->initial = h->max;
    h->budget = h->initial;
    h->next_gc = h->budget / 5 * 4;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static _Noreturn void heap_abort(const char* what) {
    fprintf(stderr, "pyvm heap: %s\n", what);
    abort();
}

/* ---- mappings and the chunk pool ----------------------------------------------------------- */

static void* map_aligned(size_t size) {
    if (size > SIZE_MAX - CHUNK_SIZE)
        return NULL;
    size_t len = size + CHUNK_SIZE;
    char* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    uintptr_t a = ((uintptr_t)p + CHUNK_SIZE - 1) & ~(uintptr_t)(CHUNK_SIZE - 1);
    size_t head = a - (uintptr_t)p, tail = len - head - size;
    if (head)
        munmap(p, head);
    if (tail)
        munmap((char*)a + size, tail);
    /* relaxed: a statistic */
    atomic_fetch_add_explicit(&g_mapped, (int64_t)size, memory_order_relaxed);
    return (void*)a;
}

static void unmap(void* p, size_t size) {
    UNPOISON(p, size); /* the next mapping at this address starts clean */
    munmap(p, size);
    /* relaxed: a statistic */
    atomic_fetch_sub_explicit(&g_mapped, (int64_t)size, memory_order_relaxed);
}

/* A chunk for a heap: from the pool (dirty) or freshly mapped (zero). */
static chunk* chunk_acquire(bool* fresh) {
    pthread_mutex_lock(&pool_lock);
    chunk* c = pool_head;
    if (c) {
        pool_head = c->next;
        pool_count--;
    }
    pthread_mutex_unlock(&pool_lock);
    if (c) {
        /* relaxed: a statistic (the pool itself is under pool_lock) */
        atomic_fetch_sub_explicit(&g_pool, 1, memory_order_relaxed);
        *fresh = false;
        return c;
    }
    *fresh = true;
    return map_aligned(CHUNK_SIZE);
}

static void chunk_release(chunk* c) {
    UNPOISON(c, CHUNK_SIZE);
    pthread_mutex_lock(&pool_lock);
    bool keep = pool_count < pool_max;
    if (keep) {
        c->next = pool_head;
        pool_head = c;
        pool_count++;
    }
    pthread_mutex_unlock(&pool_lock);
    if (keep)
        /* relaxed: a statistic (the pool itself is under pool_lock) */
        atomic_fetch_add_explicit(&g_pool, 1, memory_order_relaxed);
    else
        unmap(c, CHUNK_SIZE);
}

/* ---- the chunk table of a heap ------------------------------------------------------------- */

static inline size_t mhash(uintptr_t k) {
    return (size_t)((k * (uint64_t)0x9E3779B97F4A7C15u) >> 29);
}

static inline chunk* map_get(const pyvm_heap* h, uintptr_t key) {
    if (!h->map)
        return NULL;
    size_t i = mhash(key) & h->map_mask;
    for (;;) {
        const mslot* s = &h->map[i];
        if (s->key == key)
            return s->c;
        if (!s->key)
            return NULL;
        i = (i + 1) & h->map_mask;
    }
}

static bool map_insert(mslot* tab, size_t mask, uintptr_t key, chunk* c) {
    size_t i = mhash(key) & mask;
    while (tab[i].key && tab[i].key != key)
        i = (i + 1) & mask;
    bool added = !tab[i].key;
    tab[i].key = key;
    tab[i].c = c;
    return added;
}

static bool map_put(pyvm_heap* h, uintptr_t key, chunk* c) {
    if ((h->map_count + 1) * 2 > h->map_mask + 1 || !h->map) {
        size_t cap = h->map ? (h->map_mask + 1) * 2 : 16;
        mslot* tab = calloc(cap, sizeof *tab);
        if (!tab)
            return false;
        if (h->map) {
            for (size_t i = 0; i <= h->map_mask; i++)
                if (h->map[i].key)
                    map_insert(tab, cap - 1, h->map[i].key, h->map[i].c);
            free(h->map);
        }
        h->map = tab;
        h->map_mask = cap - 1;
    }
    if (map_insert(h->map, h->map_mask, key, c))
        h->map_count++;
    return true;
}

static void map_del(pyvm_heap* h, uintptr_t key) {
    if (!h->map)
        return;
    size_t mask = h->map_mask, i = mhash(key) & mask;
    while (h->map[i].key != key) {
        if (!h->map[i].key)
            return;
        i = (i + 1) & mask;
    }
    /* Backward-shift deletion keeps every probe sequence unbroken. */
    for (size_t j = i;;) {
        j = (j + 1) & mask;
        if (!h->map[j].key)
            break;
        size_t k = mhash(h->map[j].key) & mask;
        bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!stays) {
            h->map[i] = h->map[j];
            i = j;
        }
    }
    h->map[i].key = 0;
    h->map[i].c = NULL;
    h->map_count--;
}

/* Registers [p, p + len) (whole 256 KiB units) as c's. */
static bool map_range(pyvm_heap* h, chunk* c, const char* p, size_t len) {
    uintptr_t first = (uintptr_t)p >> CHUNK_SHIFT, last = ((uintptr_t)p + len - 1) >> CHUNK_SHIFT;
    for (uintptr_t k = first; k <= last; k++) {
        if (!map_put(h, k, c)) {
            for (uintptr_t j = first; j < k; j++)
                map_del(h, j);
            return false;
        }
    }
    uintptr_t lo = first << CHUNK_SHIFT, hi = (last + 1) << CHUNK_SHIFT;
    if (!h->span) {
        h->lo = lo;
        h->span = hi - lo;
    } else {
        uintptr_t old_hi = h->lo + h->span;
        if (lo < h->lo)
            h->lo = lo;
        h->span = (hi > old_hi ? hi : old_hi) - h->lo;
    }
    return true;
}

static void unmap_range(pyvm_heap* h, const char* p, size_t len) {
    uintptr_t first = (uintptr_t)p >> CHUNK_SHIFT, last = ((uintptr_t)p + len - 1) >> CHUNK_SHIFT;
    for (uintptr_t k = first; k <= last; k++)
        map_del(h, k);
}

static void list_push(chunk** head, chunk* c) {
    c->prev = NULL;
    c->next = *head;
    if (*head)
        (*head)->prev = c;
    *head = c;
}

static void list_unlink(chunk** head, chunk* c) {
    if (c->prev)
        c->prev->next = c->next;
    else
        *head = c->next;
    if (c->next)
        c->next->prev = c->prev;
}

static void count_chunk(const pyvm_heap* h, bool large, int64_t delta) {
    _Atomic int64_t* counter = h->is_default ? &g_default_chunks : large ? &g_large : &g_chunks;
    /* relaxed: a statistic */
    atomic_fetch_add_explicit(counter, delta, memory_order_relaxed);
}

/* ---- start bitmap and block lookup --------------------------------------------------------- */

static inline void set_start(chunk* c, const char* b) {
    size_t k = (size_t)(b - (char*)c - 8) >> 4;
    c->starts[k >> 6] |= (uint64_t)1 << (k & 63);
}

/* Highest set bit at or below k, or SIZE_MAX. */
static inline size_t prev_start(const chunk* c, size_t k) {
    size_t wi = k >> 6;
    uint64_t m = c->starts[wi] & (~(uint64_t)0 >> (63 - (k & 63)));
    while (!m) {
        if (wi == 0)
            return SIZE_MAX;
        m = c->starts[--wi];
    }
    return (wi << 6) + 63 - (size_t)__builtin_clzll(m);
}

/* The allocated block w points into (its payload, or just past its end: LLVM
 * keeps end pointers of loops), as its header address; NULL for anything
 * else. Exact for blocks outside the live region. */
NOASAN static inline char* resolve(const pyvm_heap* h, uintptr_t w) {
    chunk* c = map_get(h, w >> CHUNK_SHIFT);
    if (!c)
        return NULL;
    if (c->large) {
        char* b = (char*)c + LDATA_OFF;
        uintptr_t lo = (uintptr_t)b + 8, hi = (uintptr_t)b + BSIZE(HDR(b));
        return w >= lo && w <= hi ? b : NULL;
    }
    uintptr_t off = w - (uintptr_t)c;
    if (off < DATA_OFF + 8 || off > LIMIT_OFF)
        return NULL;
    size_t k = prev_start(c, (size_t)(off - 8) >> 4);
    if (k == SIZE_MAX)
        return NULL;
    char* b = (char*)c + k * 16 + 8;
    uint64_t hd = HDR(b);
    if (w < (uintptr_t)b + 8) {
        /* Inside b's header: one past the end of the block before b. */
        if (k == 0 || (k = prev_start(c, k - 1)) == SIZE_MAX)
            return NULL;
        char* a = (char*)c + k * 16 + 8;
        uint64_t ha = HDR(a);
        return a + BSIZE(ha) == b && !(ha & B_FREE) ? a : NULL;
    }
    if (w > (uintptr_t)b + BSIZE(hd) || (hd & B_FREE))
        return NULL;
    return b;
}

/* ---- regions ------------------------------------------------------------------------------- */

typedef struct rloc {
    char** cur;
    char** end;
    char** start;
} rloc;

static inline pyvm_heap* current_heap(void) {
    return tls_heap ? tls_heap : &default_heap;
}

/* Where h's region for the calling thread lives. */
static rloc region_of(pyvm_heap* h) {
    if (h == current_heap())
        return (rloc){&pyvm_bump_tls.cur, &pyvm_bump_tls.end, &tls_start};
    if (h->is_default)
        return (rloc){&tls_default.cur, &tls_default.end, &tls_default.start};
    return (rloc){&h->reg.cur, &h->reg.end, &h->reg.start};
}

static inline int64_t used_now(const pyvm_heap* h, rloc r) {
    return h->used + (*r.start ? *r.cur - *r.start : 0);
}

NOASAN static void zero_range(char* p, size_t n) {
    UNPOISON(p, n);
    memset(p, 0, n);
    POISON(p, n);
}

static _Noreturn void corrupt(const char* where) {
    heap_abort(where);
}

/* The allocator leaves the region: the rest becomes a free block, and the
 * blocks bumped through it get their start bits. */
NOASAN static void retire(pyvm_heap* h, rloc r) {
    char* start = *r.start;
    if (!start)
        return;
    char *cur = *r.cur, *end = *r.end;
    if (end > cur)
        HDR(cur) = (uint64_t)(end - cur) | B_FREE | B_ZERO;
    chunk* c = (chunk*)((uintptr_t)start & ~(uintptr_t)(CHUNK_SIZE - 1));
    for (char* p = start; p < end;) {
        size_t sz = BSIZE(HDR(p));
        if (sz < 16 || sz > (size_t)(end - p))
            corrupt("corrupt block header in a region (a write past the end of an object?)");
        set_start(c, p);
        p += sz;
    }
    h->used += cur - start;
    *r.cur = *r.end = *r.start = NULL;
}

NOASAN static void* bump(rloc r, size_t n, uint64_t flags) {
    char* p = *r.cur;
    *r.cur = p + n;
    HDR(p) = n | flags;
    UNPOISON(p + 8, n - 8);
    return p + 8;
}

NOASAN static void clear_hole_words(char* p, uint64_t hd, size_t n) {
    if (hd & B_ZERO) {
        HDR(p) = 0;
        HOLE_NEXT(p) = NULL;
    } else {
        zero_range(p, n);
    }
}

/* Claims the first listed hole of at least n bytes as the region. A hole that is not known zero
 * (a recycled chunk is one such hole of ~256 KiB) becomes a region of at most REGION_CAP bytes (or
 * n): the region must be zeroed, and a new actor that allocates a few objects should not pay for
 * zeroing a whole chunk. The rest stays a listed hole, zeroed when it is claimed in turn. */
NOASAN static bool claim_hole(pyvm_heap* h, rloc r, size_t n) {
    char** link = &h->holes;
    for (int seen = 0; *link && seen < HOLE_SEARCH; seen++) {
        char* p = *link;
        uint64_t hd = HDR(p);
        size_t sz = BSIZE(hd);
        if (sz >= n) {
            size_t take = n > REGION_CAP ? n : REGION_CAP;
            if (!(hd & B_ZERO) && sz > take && sz - take >= MIN_HOLE) {
                char* q = p + take;
                HDR(q) = (sz - take) | B_FREE;
                HOLE_NEXT(q) = HOLE_NEXT(p);
                *link = q;
                set_start((chunk*)((uintptr_t)p & ~(uintptr_t)(CHUNK_SIZE - 1)), q);
                sz = take;
            } else {
                *link = HOLE_NEXT(p);
            }
            clear_hole_words(p, hd, sz);
            *r.start = *r.cur = p;
            *r.end = p + sz;
            return true;
        }
        if (link == &h->holes && n <= MEDIUM) {
            *link = HOLE_NEXT(p); /* too small even for small requests: skip it until the next sweep */
            continue;
        }
        link = &HOLE_NEXT(p);
    }
    return false;
}

/* A block of n bytes from the front of a listed hole, leaving the region alone. */
NOASAN static void* carve(pyvm_heap* h, size_t n, uint64_t flags) {
    char** link = &h->holes;
    for (int seen = 0; *link && seen < HOLE_SEARCH; seen++) {
        char* p = *link;
        uint64_t hd = HDR(p);
        size_t sz = BSIZE(hd);
        if (sz < n) {
            link = &HOLE_NEXT(p);
            continue;
        }
        chunk* c = (chunk*)((uintptr_t)p & ~(uintptr_t)(CHUNK_SIZE - 1));
        char* next = HOLE_NEXT(p);
        size_t rest = sz - n;
        clear_hole_words(p, hd, n);
        char* q = p + n;
        if (rest >= MIN_HOLE) {
            HDR(q) = rest | B_FREE | (hd & B_ZERO);
            HOLE_NEXT(q) = next;
            *link = q;
            set_start(c, q);
        } else {
            *link = next;
            if (rest) {
                HDR(q) = rest | B_FREE;
                set_start(c, q);
            }
        }
        HDR(p) = n | flags;
        set_start(c, p);
        UNPOISON(p + 8, n - 8);
        h->used += (int64_t)n;
        return p + 8;
    }
    return NULL;
}

NOASAN static bool add_chunk(pyvm_heap* h) {
    if (CHUNK_SIZE > h->max - h->capacity)
        return false;
    bool fresh;
    chunk* c = chunk_acquire(&fresh);
    if (!c)
        return false;
    if (!map_range(h, c, (char*)c, CHUNK_SIZE)) {
        chunk_release(c);
        return false;
    }
    memset(c, 0, DATA_OFF);
    c->owner = h;
    c->map_size = c->charge = CHUNK_SIZE;
    char* d = (char*)c + DATA_OFF;
    size_t sz = LIMIT_OFF - DATA_OFF;
    POISON(d, sz);
    HDR(d) = sz | B_FREE | (fresh ? B_ZERO : 0);
    HOLE_NEXT(d) = h->holes;
    h->holes = d;
    set_start(c, d);
    list_push(&h->chunks, c);
    h->nchunks++;
    h->capacity += CHUNK_SIZE;
    if (h->capacity > h->budget)
        h->budget = h->capacity;
    count_chunk(h, false, 1);
    return true;
}

static bool collect(pyvm_heap* h);

static size_t page_round(size_t n) {
    return (n + PAGE - 1) & ~(size_t)(PAGE - 1);
}

NOASAN static void* large_alloc(pyvm_heap* h, size_t n, uint64_t flags, bool may_gc) {
    if (n > SIZE_MAX / 4)
        return NULL;
    size_t charge = page_round(LDATA_OFF + n);
    bool collected = false;
    if (may_gc && used_now(h, region_of(h)) + (int64_t)n > (int64_t)h->next_gc)
        collected = collect(h);
    if (charge > h->max - h->capacity) {
        if (may_gc && !collected)
            collect(h);
        if (charge > h->max - h->capacity)
            return NULL;
    }
    size_t map_size = round_chunks(LDATA_OFF + n);
    chunk* c = map_aligned(map_size);
    if (!c)
        return NULL;
    if (!map_range(h, c, (char*)c, LDATA_OFF + n + 1)) {
        unmap(c, map_size);
        return NULL;
    }
    c->owner = h;
    c->large = 1;
    c->map_size = map_size;
    c->charge = charge;
    char* b = (char*)c + LDATA_OFF;
    HDR(b) = n | flags;
    POISON(b, 8);
    list_push(&h->large, c);
    h->nlarge++;
    h->capacity += charge;
    if (h->capacity > h->budget)
        h->budget = h->capacity;
    h->used += (int64_t)n;
    count_chunk(h, true, 1);
    return b + 8;
}

NOASAN static void free_large(pyvm_heap* h, chunk* c) {
    char* b = (char*)c + LDATA_OFF;
    size_t n = BSIZE(HDR(b));
    unmap_range(h, (char*)c, LDATA_OFF + n + 1);
    list_unlink(&h->large, c);
    h->nlarge--;
    h->capacity -= c->charge;
    count_chunk(h, true, -1);
    unmap(c, c->map_size);
}

/* Debugging aid: every chunk parses from its first block to its end, and
 * start bits sit exactly on block headers (outside the live region, which
 * only has one at its start). */
NOASAN static void verify_heap(pyvm_heap* h, const char* where) {
    rloc r = region_of(h);
    for (chunk* c = h->chunks; c; c = c->next) {
        char *p = (char*)c + DATA_OFF, *lim = (char*)c + LIMIT_OFF;
        size_t bit = (size_t)(p - (char*)c - 8) >> 4;
        while (p < lim) {
            bool in_region = *r.start && p >= *r.start && p < *r.end;
            if (in_region) {
                p = *r.end;
                continue;
            }
            size_t sz = BSIZE(HDR(p));
            size_t k = (size_t)(p - (char*)c - 8) >> 4;
            if (sz < 16 || sz > (size_t)(lim - p)) {
                fprintf(stderr, "pyvm heap verify (%s): chunk %p: bad size %zu at %p\n", where, (void*)c, sz, (void*)p);
                abort();
            }
            if (!((c->starts[k >> 6] >> (k & 63)) & 1) && !(HDR(p) & B_FREE)) {
                fprintf(stderr, "pyvm heap verify (%s): chunk %p: no start bit for block %p hdr %llx\n", where,
                        (void*)c, (void*)p, (unsigned long long)HDR(p));
                abort();
            }
            for (size_t j = bit; j < k; j++)
                if ((c->starts[j >> 6] >> (j & 63)) & 1) {
                    char* q = (char*)c + j * 16 + 8;
                    if (!(*r.start && q >= *r.start && q < *r.end)) {
                        fprintf(stderr, "pyvm heap verify (%s): chunk %p: stray start bit at %p\n", where, (void*)c,
                                (void*)q);
                        abort();
                    }
                }
            bit = k + 1;
            p += sz;
        }
    }
}

#define VERIFY(h, where) \
    do {                 \
        if (verify)      \
            verify_heap((h), (where)); \
    } while (0)

/* The slow path proper. NULL when the heap may not grow (MemoryError). */
NOASAN static void* heap_alloc(pyvm_heap* h, rloc r, size_t bytes, uint64_t flags, bool may_gc) {
    size_t n = (bytes + 8 + 15) & ~(size_t)15;
    if (n <= bytes)
        return NULL;
    if (n > LARGE_BLOCK)
        return large_alloc(h, n, flags, may_gc);
    bool collected = false;
    VERIFY(h, "slow path");
    for (;;) {
        if ((size_t)(*r.end - *r.cur) >= n)
            return bump(r, n, flags);
        if (may_gc && !collected && used_now(h, r) + (int64_t)n > (int64_t)h->next_gc) {
            collected = true;
            if (collect(h))
                continue;
        }
        if (n > MEDIUM && (size_t)(*r.end - *r.cur) >= KEEP_REGION) {
            void* p = carve(h, n, flags);
            if (p)
                return p;
        } else {
            retire(h, r);
            if (claim_hole(h, r, n))
                continue;
        }
        if (may_gc && !collected && h->capacity + CHUNK_SIZE > h->budget) {
            collected = true;
            if (collect(h))
                continue;
        }
        if (!add_chunk(h))
            return NULL;
    }
}

/* ---- the collector ------------------------------------------------------------------------- */

NOASAN static void push(pyvm_heap* h, char* b) {
    if (h->mlen == h->mcap) {
        size_t cap = h->mcap ? h->mcap * 2 : 4096;
        char** s = realloc(h->mstack, cap * sizeof *s);
        if (!s)
            heap_abort("out of memory for the mark stack");
        h->mstack = s;
        h->mcap = cap;
    }
    h->mstack[h->mlen++] = b;
}

NOASAN static inline void mark_word(pyvm_heap* h, uint64_t w) {
    if ((uintptr_t)w - h->lo >= h->span)
        return;
    char* b = resolve(h, (uintptr_t)w);
    if (!b)
        return;
    uint64_t hd = HDR(b);
    if (hd & B_MARK)
        return;
    HDR(b) = hd | B_MARK;
    push(h, b);
}

/* Marks a buffer or cache its owner traces; returns its header if this
 * marked it (the owner then traces its slots), NULL if not in the heap or
 * already marked (then it is or was scanned conservatively). */
NOASAN static char* mark_owned(pyvm_heap* h, const void* p) {
    uintptr_t w = (uintptr_t)p;
    if (w - h->lo >= h->span)
        return NULL;
    char* b = resolve(h, w);
    if (!b)
        return NULL;
    uint64_t hd = HDR(b);
    if (hd & B_MARK)
        return NULL;
    HDR(b) = hd | B_MARK;
    return b;
}

NOASAN NOTSAN static void scan_words(pyvm_heap* h, const char* lo, const char* hi) {
    const uint64_t* p = (const uint64_t*)(((uintptr_t)lo + 7) & ~(uintptr_t)7);
    const uint64_t* e = (const uint64_t*)((uintptr_t)hi & ~(uintptr_t)7);
    for (; p < e; p++)
        mark_word(h, *p);
}

/* Slots are traced in order: fetching the header of the slot a few places
 * ahead overlaps the cache misses that dominate marking (a prefetch of a
 * word that is no pointer is harmless). */
#define PREFETCH_AHEAD 8
#define PREFETCH_SLOT(w) __builtin_prefetch((const char*)(uintptr_t)(w) - 8)

static inline size_t clamp_len(int64_t len, size_t cap) {
    if (len <= 0)
        return 0;
    return (uint64_t)len < cap ? (size_t)len : cap;
}

static inline const pyvm_type* type_arg(const pyvm_type* t, uint32_t i) {
    return t && i < t->nargs ? t->args[i] : NULL;
}

/* Precise tracing of an object by its kind and descriptor. Defensive about
 * half-built objects (all fields start zeroed) and bounded by the block. */
NOASAN static void trace_obj(pyvm_heap* h, char* b) {
    const pyvm_obj* o = (const pyvm_obj*)(b + 8);
    size_t payload = BSIZE(HDR(b)) - 8;
    const pyvm_type* t = o->type;
    switch (o->kind) {
    case PYVM_KIND_STR: {
        const pyvm_str* s = (const pyvm_str*)o;
        if (payload < sizeof(pyvm_str))
            break;
        const char* u = s->utf8;
        if (u && (u < (const char*)o || u >= (const char*)o + payload))
            mark_owned(h, u); /* the cached UTF-8 encoding: bytes, nothing to trace */
        return;
    }
    case PYVM_KIND_LIST: {
        const pyvm_list* l = (const pyvm_list*)o;
        if (payload < sizeof(pyvm_list) || !l->items)
            return;
        char* buf = mark_owned(h, l->items);
        const pyvm_type* et = type_arg(t, 0);
        if (!buf || (et && !et->is_ref))
            return;
        size_t n = clamp_len(l->len, (BSIZE(HDR(buf)) - 8) / sizeof(pyvm_slot));
        for (size_t i = 0; i < n; i++) {
            if (i + PREFETCH_AHEAD < n)
                PREFETCH_SLOT(l->items[i + PREFETCH_AHEAD]);
            mark_word(h, l->items[i]);
        }
        return;
    }
    case PYVM_KIND_DICT: {
        const pyvm_dict* d = (const pyvm_dict*)o;
        if (payload < sizeof(pyvm_dict))
            return;
        if (d->index)
            mark_owned(h, d->index);
        if (!d->entries)
            return;
        char* buf = mark_owned(h, d->entries);
        const pyvm_type *kt = type_arg(t, 0), *vt = type_arg(t, 1);
        bool kr = !kt || kt->is_ref, vr = !vt || vt->is_ref;
        if (!buf || (!kr && !vr))
            return;
        size_t n = clamp_len(d->used, (BSIZE(HDR(buf)) - 8) / sizeof(pyvm_dict_entry));
        for (size_t i = 0; i < n; i++) {
            const pyvm_dict_entry* e = &d->entries[i];
            if (i + PREFETCH_AHEAD < n) {
                PREFETCH_SLOT(e[PREFETCH_AHEAD].key);
                PREFETCH_SLOT(e[PREFETCH_AHEAD].value);
            }
            if (e->hash == -1)
                continue;
            if (kr)
                mark_word(h, e->key);
            if (vr)
                mark_word(h, e->value);
        }
        return;
    }
    case PYVM_KIND_TUPLE: {
        const pyvm_tuple* tu = (const pyvm_tuple*)o;
        if (payload < sizeof(pyvm_tuple))
            return;
        size_t n = clamp_len(tu->len, (payload - sizeof(pyvm_tuple)) / sizeof(pyvm_slot));
        for (size_t i = 0; i < n; i++) {
            const pyvm_type* et = t && i < t->nargs ? t->args[i] : NULL;
            if (!et || et->is_ref)
                mark_word(h, tu->items[i]);
        }
        return;
    }
    case PYVM_KIND_CELL: {
        const pyvm_cell* c = (const pyvm_cell*)o;
        if (payload < sizeof(pyvm_cell))
            return;
        const pyvm_type* et = t && t->tag == PYVM_T_CELL ? type_arg(t, 0) : NULL;
        if (!et || et->is_ref)
            mark_word(h, c->value);
        return;
    }
    case PYVM_KIND_CLOSURE: {
        /* Provisional layout: the captures (and the environment block they
         * may point to) are scanned conservatively. */
        const pyvm_closure* f = (const pyvm_closure*)o;
        if (payload < sizeof(pyvm_closure))
            break;
        size_t n = clamp_len(f->ncaptures, (payload - sizeof(pyvm_closure)) / sizeof(pyvm_slot));
        for (size_t i = 0; i < n; i++)
            mark_word(h, f->captures[i]);
        return;
    }
    default:
        break;
    }
    scan_words(h, b + 8, b + 8 + payload);
}

NOASAN static void drain(pyvm_heap* h) {
    while (h->mlen) {
        char* b = h->mstack[--h->mlen];
        if (h->mlen >= 2)
            __builtin_prefetch(h->mstack[h->mlen - 2]); /* popped after the next one */
        uint64_t hd = HDR(b);
        if (hd & B_OBJ)
            trace_obj(h, b);
        else
            scan_words(h, b + 8, b + BSIZE(hd)); /* raw block, or a buffer reached without its owner */
    }
}

#if HEAP_ASAN
/* ASan may keep locals in "fake stack" frames off the real stack (detect_stack_use_after_return);
 * the real stack then holds pointers to those frames, which are scanned too. */
NOASAN NOTSAN static void scan_stack(pyvm_heap* h, const char* lo, const char* hi) {
    void* fake = __asan_get_current_fake_stack();
    const uint64_t* p = (const uint64_t*)(((uintptr_t)lo + 7) & ~(uintptr_t)7);
    const uint64_t* e = (const uint64_t*)((uintptr_t)hi & ~(uintptr_t)7);
    for (; p < e; p++) {
        mark_word(h, *p);
        void *beg, *end;
        if (fake && __asan_addr_is_in_fake_stack(fake, (void*)(uintptr_t)*p, &beg, &end))
            scan_words(h, beg, end);
    }
}
#else
#define scan_stack scan_words
#endif

/* Writable segments of the main program (.data, .bss): compiled programs keep
 * module globals and string literals there. */
static struct {
    const char* lo;
    const char* hi;
} g_ranges[16];
static int g_nranges;
static pthread_once_t g_ranges_once = PTHREAD_ONCE_INIT;

static int phdr_cb(struct dl_phdr_info* info, size_t size, void* data) {
    (void)size;
    (void)data;
    for (int i = 0; i < info->dlpi_phnum && g_nranges < 16; i++) {
        const ElfW(Phdr)* ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W)) {
            g_ranges[g_nranges].lo = (const char*)(info->dlpi_addr + ph->p_vaddr);
            g_ranges[g_nranges].hi = g_ranges[g_nranges].lo + ph->p_memsz;
            g_nranges++;
        }
    }
    return 1; /* the first object is the main program: stop there */
}

static void find_globals(void) {
    dl_iterate_phdr(phdr_cb, NULL);
}

static void thread_stack(void) {
    if (tls_stack_hi)
        return;
    pthread_attr_t a;
    if (pthread_getattr_np(pthread_self(), &a) == 0) {
        void* addr;
        size_t size;
        if (pthread_attr_getstack(&a, &addr, &size) == 0) {
            tls_stack_lo = addr;
            tls_stack_hi = (char*)addr + size;
        }
        pthread_attr_destroy(&a);
    }
}

/* The top of the stack sp is on, or NULL if unknown. */
static char* running_stack_top(const pyvm_heap* h, char* sp) {
    if (h->is_default) /* only ever from its owner's own stack: never scan a whole thread stack */
        return h->stack_hi && sp >= h->stack_lo && sp < h->stack_hi ? h->stack_hi : NULL;
    if (h->stack_hi && sp >= h->stack_lo && sp < h->stack_hi)
        return h->stack_hi;
    if (tls_run_hi && sp >= tls_run_lo && sp < tls_run_hi)
        return tls_run_hi;
    thread_stack();
    if (tls_stack_hi && sp >= tls_stack_lo && sp < tls_stack_hi)
        return tls_stack_hi;
    return NULL;
}

static void adjust_budget(pyvm_heap* h) {
    size_t live = h->used > 0 ? (size_t)h->used : 0, b = h->budget;
    while (live > b / 2 && b < h->max)
        b = b > h->max / 2 ? h->max : b * 2;
    while (b > h->initial && live < b / 8)
        b = b / 2 > h->initial ? b / 2 : h->initial;
    h->budget = b;
    size_t next = b / 5 * 4, room = h->max > live ? h->max - live : 0;
    size_t step = room / 2 > CHUNK_SIZE ? room / 2 : CHUNK_SIZE;
    if (next < live + CHUNK_SIZE)
        next = live > SIZE_MAX - step ? SIZE_MAX : live + step;
    h->next_gc = next;
}

NOASAN static void emit_hole(chunk* c, char* p, size_t sz, bool zero) {
    HDR(p) = sz | B_FREE | (zero ? B_ZERO : 0);
    set_start(c, p);
    if (sz < MIN_HOLE)
        return;
    HOLE_NEXT(p) = NULL;
    if (c->hole_tail)
        HOLE_NEXT(c->hole_tail) = p;
    else
        c->hole_head = p;
    c->hole_tail = p;
}

NOASAN static void sweep(pyvm_heap* h) {
    uint64_t freed = 0, freed_bytes = 0, live_blocks = 0;
    size_t live = 0;
    for (chunk* c = h->chunks; c; c = c->next) {
        memset(c->starts, 0, BITMAP_WORDS * sizeof(uint64_t));
        c->hole_head = c->hole_tail = NULL;
        c->live = 0;
        char *p = (char*)c + DATA_OFF, *lim = (char*)c + LIMIT_OFF, *run = NULL;
        bool run_zero = false;
        while (p < lim) {
            uint64_t hd = HDR(p);
            size_t sz = BSIZE(hd);
            if (sz < 16 || sz > (size_t)(lim - p))
                corrupt("corrupt block header during sweep (a write past the end of an object?)");
            if ((hd & (B_MARK | B_FREE)) == B_MARK) {
                HDR(p) = hd & ~B_MARK;
                if (run) {
                    emit_hole(c, run, (size_t)(p - run), run_zero);
                    run = NULL;
                }
                set_start(c, p);
                c->live += sz;
                live_blocks++;
            } else {
                if (!(hd & B_FREE)) {
                    freed++;
                    freed_bytes += sz;
                    POISON(p + 8, sz - 8);
                }
                run_zero = !run && (hd & B_FREE) && (hd & B_ZERO);
                if (!run)
                    run = p;
            }
            p += sz;
        }
        if (run)
            emit_hole(c, run, (size_t)(lim - run), run_zero);
        live += c->live;
    }
    for (chunk *c = h->large, *next; c; c = next) {
        next = c->next;
        char* b = (char*)c + LDATA_OFF;
        uint64_t hd = HDR(b);
        if (hd & B_MARK) {
            HDR(b) = hd & ~B_MARK;
            live += BSIZE(hd);
            live_blocks++;
        } else {
            freed++;
            freed_bytes += BSIZE(hd);
            free_large(h, c);
        }
    }
    h->used = (int64_t)live;
    h->freed_blocks += freed;
    h->freed_bytes += freed_bytes;
    h->live_blocks = live_blocks;
}

static void release_chunk(pyvm_heap* h, chunk* c) {
    unmap_range(h, (char*)c, CHUNK_SIZE);
    list_unlink(&h->chunks, c);
    h->nchunks--;
    h->capacity -= CHUNK_SIZE;
    count_chunk(h, false, -1);
    chunk_release(c);
}

/* Roots, mark, sweep. */
NOASAN __attribute__((noinline)) static bool collect_from(pyvm_heap* h) {
    /* This frame lies below collect()'s, whose prologue saved the registers. */
    char* sp = (char*)__builtin_frame_address(0);
    char* top = running_stack_top(h, sp);
    if (!top)
        return false; /* not on a stack we know the extent of: grow instead */
    uint64_t t0 = now_ns();
    h->in_gc = true;
    retire(h, region_of(h));
    h->mlen = 0;
    scan_stack(h, sp, top);
    if (h->stack_hi && !(sp >= h->stack_lo && sp < h->stack_hi))
        scan_stack(h, h->stack_lo, h->stack_hi); /* the heap's actor is suspended elsewhere */
    if (h->scan_globals) {
        pthread_once(&g_ranges_once, find_globals);
        for (int i = 0; i < g_nranges; i++)
            scan_words(h, g_ranges[i].lo, g_ranges[i].hi);
    }
    VERIFY(h, "collect start");
    drain(h);
    sweep(h);
    adjust_budget(h);
    /* Hand empty chunks back while the heap holds more than its soft size,
     * then queue the free runs of the rest for the allocator. */
    char** tail = &h->holes;
    h->holes = NULL;
    for (chunk *c = h->chunks, *next; c; c = next) {
        next = c->next;
        if (!c->live && h->capacity - CHUNK_SIZE >= h->budget) {
            release_chunk(h, c);
            continue;
        }
        if (c->hole_head) {
            *tail = c->hole_head;
            tail = &HOLE_NEXT(c->hole_tail);
        }
    }
    if (h->mcap > 65536) {
        free(h->mstack);
        h->mstack = NULL;
        h->mcap = 0;
    }
    VERIFY(h, "collect end");
    uint64_t pause = now_ns() - t0;
    h->collections++;
    h->total_pause += pause;
    h->last_pause = pause;
    if (pause > h->max_pause)
        h->max_pause = pause;
    h->hook_pause = pause;
    h->hook_pending = true;
    h->in_gc = false;
    if (verbose)
        fprintf(stderr, "pyvm gc: heap %p: %.3f ms, %zu bytes live in %llu blocks, capacity %zu, limit %zu\n",
                (void*)h, (double)pause / 1e6, (size_t)h->used, (unsigned long long)h->live_blocks, h->capacity,
                h->budget);
    return true;
}

NOASAN __attribute__((noinline)) static void spill(jmp_buf* regs) {
    setjmp(*regs);
}

/* Spills the callee-saved registers into this frame (the prologue saves all
 * of them because of __builtin_unwind_init; setjmp copies them again), so
 * that the scan from a deeper frame covers every register of the mutator. */
NOASAN __attribute__((noinline)) static bool collect(pyvm_heap* h) {
    if (h->in_gc)
        return false;
    jmp_buf regs;
    __builtin_unwind_init();
    spill(&regs);
    bool done = collect_from(h);
    __asm__ volatile("" ::"r"(&regs) : "memory"); /* keeps regs (and this frame: no tail call) alive */
    return done;
}


/* ---- the default heap ---------------------------------------------------------------------- */

static void default_init_locked(void) {
    if (default_ready)
        return;
    default_heap.is_default = true;
    default_heap.scan_globals = true;
    default_heap.collect = false;
    heap_config(&default_heap, 0, 0);
    default_ready = true;
}

static void default_own_locked(void) {
    default_heap.owner = &tls_tag;
    thread_stack();
    default_heap.stack_lo = tls_stack_lo;
    default_heap.stack_hi = tls_stack_hi;
}

static void default_enter(void) {
    pthread_mutex_lock(&default_lock);
    default_init_locked();
}

/* The calling thread allocates in the default heap (lock held). */
static void default_attach(void) {
    if (!default_heap.owner)
        default_own_locked();
    else if (default_heap.owner != &tls_tag)
        default_heap.shared = true; /* a collection would miss this thread's stack and region: never again */
}

static bool default_may_gc(void) {
    return default_heap.collect && !default_heap.shared && default_heap.owner == &tls_tag;
}

/* h, or the default heap locked; undo with heap_leave. */
static pyvm_heap* heap_enter(pyvm_heap* h) {
    if (h && !h->is_default) {
        /* relaxed: a misuse check only (see running_on) */
        void* on = atomic_load_explicit(&h->running_on, memory_order_relaxed);
        if (on && on != &tls_tag)
            heap_abort("a heap was used from a thread other than the one it is current on");
        return h;
    }
    default_enter();
    return &default_heap;
}

/* Unlocks the default heap, then calls the GC hook if a collection ran
 * meanwhile (outside the lock: the hook may allocate). */
static void heap_leave(pyvm_heap* h) {
    bool pending = h->hook_pending;
    uint64_t pause = h->hook_pause;
    h->hook_pending = false;
    if (h->is_default)
        pthread_mutex_unlock(&default_lock);
    if (pending) {
        /* acquire: pairs with the release in pyvm_heap_set_gc_hook */
        void (*hook)(pyvm_heap*, uint64_t) = atomic_load_explicit(&g_hook, memory_order_acquire);
        if (hook)
            hook(h->is_default ? NULL : h, pause);
    }
}

static bool may_gc(pyvm_heap* h) {
    return h->is_default ? default_may_gc() : h->collect;
}

/* ---- allocation entry points --------------------------------------------------------------- */

void* pyvm_alloc_slow(size_t bytes, uint64_t flags) {
    pyvm_heap* h = heap_enter(tls_heap);
    if (h->is_default)
        default_attach();
    void* p = heap_alloc(h, region_of(h), bytes, flags & (B_OBJ | B_BUF), may_gc(h));
    heap_leave(h);
    if (!p)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    return p;
}

void* pyvm_alloc_obj_slow(uint32_t kind, const pyvm_type* type, size_t bytes) {
    pyvm_obj* o = pyvm_alloc_slow(bytes, B_OBJ);
    o->kind = kind;
    o->type = type;
    return o;
}

static void* alloc_in(pyvm_heap* heap, size_t bytes, uint64_t flags) {
    if (heap == tls_heap)
        return pyvm_alloc_block(bytes, flags);
    pyvm_heap* h = heap_enter(heap);
    if (h->is_default)
        default_attach();
    void* p = heap_alloc(h, region_of(h), bytes, flags, false);
    heap_leave(h);
    if (!p)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    return p;
}

void* pyvm_heap_alloc_in(pyvm_heap* heap, size_t bytes) {
    return alloc_in(heap, bytes, 0);
}

void* pyvm_heap_alloc_obj_in(pyvm_heap* heap, uint32_t kind, const pyvm_type* type, size_t bytes) {
    pyvm_obj* o = alloc_in(heap, bytes, B_OBJ);
    o->kind = kind;
    o->type = type;
    return o;
}

void* pyvm_heap_buf_alloc_in(pyvm_heap* heap, size_t bytes) {
    return alloc_in(heap, bytes, B_BUF);
}

/* The block whose payload starts at p, if it belongs to h (else NULL). */
NOASAN static char* own_block(pyvm_heap* h, const void* p, chunk** cout) {
    uintptr_t w = (uintptr_t)p;
    if (w - h->lo >= h->span || (w & 15))
        return NULL;
    chunk* c = map_get(h, w >> CHUNK_SHIFT);
    if (!c)
        return NULL;
    char* b = (char*)p - 8;
    if (c->large ? b != (char*)c + LDATA_OFF : (size_t)(b - (char*)c) < DATA_OFF)
        return NULL;
    if (HDR(b) & B_FREE)
        return NULL;
    *cout = c;
    return b;
}

NOASAN static void free_block(pyvm_heap* h, void* p) {
    chunk* c;
    char* b = own_block(h, p, &c);
    if (!b)
        return; /* not this heap's (or already free): its own collector will see to it */
    uint64_t hd = HDR(b);
    size_t sz = BSIZE(hd);
    if (c->large) {
        h->used -= (int64_t)sz;
        free_large(h, c);
        return;
    }
    rloc r = region_of(h);
    if (*r.start && b >= *r.start && b + sz == *r.cur) {
        zero_range(b, sz); /* the top of the region: hand it back, the region stays zeroed */
        *r.cur = b;
        return;
    }
    HDR(b) = sz | B_FREE;
    POISON(p, sz - 8);
    h->used -= (int64_t)sz;
}

void pyvm_buf_free(void* buf, size_t bytes) {
    (void)bytes;
    if (!buf)
        return;
    pyvm_heap* h = heap_enter(tls_heap);
    free_block(h, buf);
    VERIFY(h, "buf_free");
    heap_leave(h);
}

/* Grows a large block's mapping: in place within the mapping, else by moving
 * its pages into a bigger aligned reservation (no copy). */
NOASAN static bool grow_large(pyvm_heap* h, chunk** cp, size_t n) {
    chunk* c = *cp;
    char* b = (char*)c + LDATA_OFF;
    size_t old_n = BSIZE(HDR(b));
    size_t charge = page_round(LDATA_OFF + n);
    if (charge - c->charge > h->max - h->capacity)
        return false;
    if (LDATA_OFF + n < c->map_size) {
        if (!map_range(h, c, (char*)c, LDATA_OFF + n + 1))
            return false;
        HDR(b) = n | (HDR(b) & B_FLAGS);
    } else {
        size_t want = LDATA_OFF + n;
        size_t map_size = round_chunks(want + want / 4); /* room to grow in place next time */
        char* q = map_aligned(map_size);
        if (!q)
            return false;
        size_t moved = c->charge, old_map = c->map_size;
        UNPOISON(c, moved);
        void* r = mremap(c, moved, moved, MREMAP_MAYMOVE | MREMAP_FIXED, q);
        if (r == MAP_FAILED) {
            POISON(b, 8);
            unmap(q, map_size);
            return false;
        }
        if (old_map > moved)
            munmap((char*)c + moved, old_map - moved);
        /* relaxed: a statistic */
        atomic_fetch_sub_explicit(&g_mapped, (int64_t)old_map, memory_order_relaxed);
        unmap_range(h, (char*)c, LDATA_OFF + old_n + 1);
        chunk* nc = (chunk*)q;
        if (!map_range(h, nc, q, LDATA_OFF + n + 1))
            heap_abort("out of memory for the chunk table");
        if (nc->prev)
            nc->prev->next = nc;
        else
            h->large = nc;
        if (nc->next)
            nc->next->prev = nc;
        nc->map_size = map_size;
        b = q + LDATA_OFF;
        HDR(b) = n | (HDR(b) & B_FLAGS);
        c = nc;
    }
    POISON(b, 8);
    UNPOISON(b + 8, n - 8);
    h->capacity += charge - c->charge;
    c->charge = charge;
    h->used += (int64_t)(n - old_n);
    *cp = c;
    return true;
}

/* In place if possible: spare room in the block, the top of the region, or
 * a large mapping. NULL when the caller must allocate and copy. */
NOASAN static void* grow_in_place(pyvm_heap* h, void* buf, size_t new_bytes, size_t* old_payload) {
    chunk* c;
    char* b = own_block(h, buf, &c);
    if (!b)
        return NULL;
    uint64_t hd = HDR(b);
    size_t sz = BSIZE(hd);
    size_t n = (new_bytes + 8 + 15) & ~(size_t)15;
    if (n <= new_bytes)
        return NULL;
    *old_payload = sz - 8;
    if (n <= sz)
        return buf;
    if (c->large) {
        if (!grow_large(h, &c, n))
            return NULL;
        return (char*)c + LDATA_OFF + 8;
    }
    rloc r = region_of(h);
    /* The region's last block (not a block that merely ends where the region starts). */
    if (*r.start && b >= *r.start && b + sz == *r.cur && n <= (size_t)(*r.end - b) && n <= LARGE_BLOCK) {
        *r.cur = b + n;
        HDR(b) = n | (hd & B_FLAGS);
        UNPOISON(b + 8, n - 8);
        return buf;
    }
    return NULL;
}

void* pyvm_buf_grow(void* buf, size_t old_bytes, size_t new_bytes) {
    if (new_bytes <= old_bytes)
        return buf;
    if (!buf)
        return pyvm_buf_alloc(new_bytes);
    pyvm_heap* h = heap_enter(tls_heap);
    size_t old_payload = 0;
    void* p = grow_in_place(h, buf, new_bytes, &old_payload);
    VERIFY(h, "buf_grow");
    heap_leave(h);
    if (p) {
        /* Beyond the old block everything is fresh zeroed memory; zero the
         * old block's slack in case the owner wrote past old_bytes. */
        size_t upto = new_bytes < old_payload ? new_bytes : old_payload;
        if (upto > old_bytes)
            memset((char*)p + old_bytes, 0, upto - old_bytes);
        return p;
    }
    void* nb = pyvm_buf_alloc(new_bytes);
    if (old_bytes)
        memcpy(nb, buf, old_bytes);
    pyvm_buf_free(buf, old_bytes);
    return nb;
}

/* ---- the public interface ------------------------------------------------------------------ */

/* Heap records recycle through magazines (core/magazine.h): an actor's heap
 * is made and freed on the scheduler side of whichever worker runs it. */
/* ASan builds cache nothing: a use after free must stay visible. The
 * magazines still count the heaps alive (pyvm_heap_global_stats). */
#if HEAP_ASAN
static pyvm_depot record_depot = PYVM_DEPOT_INIT(0, free);
#else
static pyvm_depot record_depot = PYVM_DEPOT_SLAB_INIT(sizeof(pyvm_heap));
#endif
static _Thread_local pyvm_magazine* record_magazine;

/* Out of line: the TLS address is computed afresh on every call (a caller on a
 * green thread may have moved to another OS thread since its last call). */
__attribute__((noinline)) static pyvm_magazine** records(void) { return &record_magazine; }

static pyvm_heap* record_new(void) {
    pyvm_heap* h = pyvm_mag_get(records(), &record_depot);
    if (h) {
        memset(h, 0, sizeof *h);
        return h;
    }
    if (HEAP_ASAN && (h = calloc(1, sizeof *h)))
        pyvm_mag_count_new(records(), &record_depot);
    return h;
}

void pyvm_heap_records_drain(void) {
    pyvm_mag_flush(records());
    pyvm_depot_drain(&record_depot);
}

pyvm_heap* pyvm_heap_new(size_t initial, size_t max) {
    pyvm_heap* h = record_new();
    if (!h)
        return NULL;
    heap_config(h, initial, max);
    h->collect = true;
    return h;
}

void pyvm_heap_free(pyvm_heap* h) {
    if (!h || h->is_default)
        return;
    /* relaxed: a misuse check only (see running_on) */
    void* on = atomic_load_explicit(&h->running_on, memory_order_relaxed);
    if (on == &tls_tag)
        pyvm_heap_set_current(NULL);
    else if (on)
        heap_abort("pyvm_heap_free: the heap is current on another thread");
    while (h->large)
        free_large(h, h->large);
    while (h->chunks)
        release_chunk(h, h->chunks);
    if (h->map) /* an actor that never allocated has neither: two calls saved per exit */
        free(h->map);
    if (h->mstack)
        free(h->mstack);
    pyvm_mag_put(records(), &record_depot, h);
}

void pyvm_heap_set_current(pyvm_heap* h) {
    pyvm_heap* old = tls_heap;
    if (old == h)
        return;
    if (h) {
        /* relaxed, and a load and a store rather than a compare-and-swap (a quarter of a
         * context switch): a misuse check only, which catches a heap made current twice
         * unless the two threads race; the scheduler orders the heap's data (see running_on) */
        if (atomic_load_explicit(&h->running_on, memory_order_relaxed))
            heap_abort("pyvm_heap_set_current: the heap is already current on another thread");
        atomic_store_explicit(&h->running_on, &tls_tag, memory_order_relaxed);
    }
    region r = {pyvm_bump_tls.cur, pyvm_bump_tls.end, tls_start};
    if (old) {
        old->reg = r;
        /* relaxed: see running_on */
        atomic_store_explicit(&old->running_on, NULL, memory_order_relaxed);
    } else {
        tls_default = r;
    }
    if (h) {
        r = h->reg;
        h->reg = (region){NULL, NULL, NULL};
        char* sp = (char*)__builtin_frame_address(0);
        if (h->stack_hi && sp >= h->stack_lo && sp < h->stack_hi) {
            tls_run_lo = h->stack_lo;
            tls_run_hi = h->stack_hi;
        }
    } else {
        r = tls_default;
        tls_default = (region){NULL, NULL, NULL};
    }
    pyvm_bump_tls.cur = r.cur;
    pyvm_bump_tls.end = r.end;
    tls_start = r.start;
    tls_heap = h;
}

pyvm_heap* pyvm_heap_current(void) {
    return tls_heap;
}

void pyvm_heap_set_stack(pyvm_heap* heap, void* stack_lo, void* stack_hi) {
    pyvm_heap* h = heap_enter(heap);
    h->stack_lo = stack_lo;
    h->stack_hi = stack_hi;
    heap_leave(h);
}

void pyvm_heap_collect(pyvm_heap* heap) {
    pyvm_heap* h = heap_enter(heap);
    if (may_gc(h))
        collect(h);
    heap_leave(h);
}

void pyvm_heap_set_collect(pyvm_heap* heap, bool enabled) {
    pyvm_heap* h = heap_enter(heap);
    if (!h->is_default) {
        h->collect = enabled;
    } else if (!enabled) {
        h->collect = false;
    } else {
        const char* env = getenv("PYVM_GC");
        if (!(env && !strcmp(env, "0")) && !h->shared) {
            if (!h->owner)
                default_own_locked();
            if (h->owner == &tls_tag) /* another thread's region would be invisible */
                h->collect = true;
        }
    }
    heap_leave(h);
}

void pyvm_heap_set_gc_hook(void (*hook)(pyvm_heap*, uint64_t pause_ns)) {
    /* release: what the hook uses, set up before, is visible to collecting threads */
    atomic_store_explicit(&g_hook, hook, memory_order_release);
}

void pyvm_heap_stats(pyvm_heap* heap, pyvm_heap_stats_t* out) {
    pyvm_heap* h = heap_enter(heap);
    int64_t used = used_now(h, region_of(h));
    out->bytes_in_use = used > 0 ? (size_t)used : 0;
    out->capacity = h->capacity;
    out->limit = h->budget;
    out->max = h->max;
    out->collections = h->collections;
    out->total_pause_ns = h->total_pause;
    out->max_pause_ns = h->max_pause;
    out->last_pause_ns = h->last_pause;
    out->objects_freed = h->freed_blocks;
    out->bytes_freed = h->freed_bytes;
    out->live_blocks = h->live_blocks;
    out->chunks = h->nchunks;
    out->large_blocks = h->nlarge;
    out->collect_enabled = h->collect && !h->shared;
    heap_leave(h);
}

void pyvm_heap_global_stats(pyvm_heap_global_stats_t* out) {
    /* relaxed: statistics, each exact on its own */
    out->heaps = pyvm_depot_out(&record_depot, records());
    out->chunks = atomic_load_explicit(&g_chunks, memory_order_relaxed);
    out->large_blocks = atomic_load_explicit(&g_large, memory_order_relaxed);
    out->default_chunks = atomic_load_explicit(&g_default_chunks, memory_order_relaxed);
    out->pool_chunks = atomic_load_explicit(&g_pool, memory_order_relaxed);
    out->mapped_bytes = atomic_load_explicit(&g_mapped, memory_order_relaxed);
}

NOASAN bool pyvm_heap_contains(pyvm_heap* heap, const void* p) {
    pyvm_heap* h = heap_enter(heap);
    uintptr_t w = (uintptr_t)p;
    bool in = false;
    if (w - h->lo < h->span) {
        chunk* c = map_get(h, w >> CHUNK_SHIFT);
        if (c && c->large)
            in = w >= (uintptr_t)c + LDATA_OFF + 8 && w <= (uintptr_t)c + LDATA_OFF + BSIZE(HDR((char*)c + LDATA_OFF));
        else if (c)
            in = w >= (uintptr_t)c + DATA_OFF + 8 && w <= (uintptr_t)c + LIMIT_OFF;
    }
    heap_leave(h);
    return in;
}

NOASAN bool pyvm_heap_is_live(pyvm_heap* heap, const void* p) {
    pyvm_heap* h = heap_enter(heap);
    uintptr_t w = (uintptr_t)p;
    bool live = false;
    if (w - h->lo < h->span) {
        rloc r = region_of(h);
        if (*r.start && w >= (uintptr_t)*r.start && w <= (uintptr_t)*r.cur) {
            for (char* b = *r.start; b < *r.cur; b += BSIZE(HDR(b))) {
                if (w >= (uintptr_t)b + 8 && w <= (uintptr_t)b + BSIZE(HDR(b))) {
                    live = !(HDR(b) & B_FREE);
                    break;
                }
            }
        } else {
            live = resolve(h, w) != NULL;
        }
    }
    heap_leave(h);
    return live;
}

void pyvm_heap_set_defaults(size_t initial, size_t max) {
    pthread_once(&cfg_once, cfg_load_once);
    if (initial)
        /* relaxed: an independent setting, read when a heap is created */
        atomic_store_explicit(&def_initial, initial, memory_order_relaxed);
    if (max)
        atomic_store_explicit(&def_max, max, memory_order_relaxed);
}

void pyvm_heap_set_scan_globals(pyvm_heap* heap, bool enabled) {
    pyvm_heap* h = heap_enter(heap);
    h->scan_globals = enabled;
    heap_leave(h);
}

/* PYVM_GC_STATS=1: one line about the default heap on stderr at exit. */
static void stats_at_exit(void) {
    pyvm_heap_stats_t st;
    pyvm_heap_stats(NULL, &st);
    long hwm = -1;
    FILE* f = fopen("/proc/self/status", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "VmHWM: %ld", &hwm) == 1)
                break;
        fclose(f);
    }
    fprintf(stderr,
            "pyvm gc stats: %llu collections, pause total %.3f ms, max %.3f ms; %llu blocks freed; "
            "in use %zu bytes, capacity %zu bytes; peak RSS %ld KiB\n",
            (unsigned long long)st.collections, (double)st.total_pause_ns / 1e6, (double)st.max_pause_ns / 1e6,
            (unsigned long long)st.objects_freed, st.bytes_in_use, st.capacity, hwm);
}

void pyvm_heap_rt_init(void) {
    pthread_mutex_lock(&default_lock);
    default_init_locked();
    if (!default_heap.owner)
        default_own_locked();
    static bool stats_registered;
    const char* env = getenv("PYVM_GC_STATS");
    bool want_stats = !stats_registered && env && *env && strcmp(env, "0") != 0;
    stats_registered |= want_stats;
    pthread_mutex_unlock(&default_lock);
    if (want_stats)
        atexit(stats_at_exit);
}

