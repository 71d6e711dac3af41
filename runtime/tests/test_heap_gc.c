/* Per-actor heaps and the collector (runtime/heap/): random object graphs
 * checked against a model, interior pointers, roots held only by compiled
 * locals (run at -O0, -O2 and under ASan/UBSan by test_heap.py and
 * test_runtime_core.py), growth and MemoryError, buffers, the default heap,
 * heaps across threads and the global counters. */
#include <pthread.h>

#include "check.h"

/* ---- helpers ------------------------------------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rnd(void) {
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static uint64_t below(uint64_t n) {
    return rnd() % n;
}

/* Pointers the test keeps for itself are stored disguised, so that the
 * collector (which scans memory conservatively) cannot see them. */
#define DISGUISE(p) ((uintptr_t)(p) ^ (uintptr_t)0xA5A5A5A5A5A5A5A5u)
/* An opaque step (no common subexpression across calls), so the compiler
 * does not keep revealed addresses around in registers of its own. */
static inline void* reveal(uintptr_t x) {
    __asm__ volatile("" : "+r"(x) : : "memory");
    return (void*)(x ^ (uintptr_t)0xA5A5A5A5A5A5A5A5u);
}
#define REVEAL(x) reveal(x)

/* Overwrites the dead part of the stack below the caller, so that stale
 * copies of pointers from earlier calls cannot keep objects alive. */
__attribute__((noinline)) static void scrub_stack_below(void) {
    volatile char buf[32768];
    for (size_t i = 0; i < sizeof buf; i += 64)
        buf[i] = 0;
    memset((char*)buf, 0, sizeof buf);
}

/* ...and the callee-saved registers the caller holds no live value in: a
 * stale one (say, the address of the first object of an earlier heap, whose
 * chunk the pool hands to the next heap) is a perfectly good conservative
 * root. The compiler saves and restores whatever is live around this. */
#if defined(__x86_64__)
#define forget_registers() \
    __asm__ volatile("xor %%ebx, %%ebx\n\txor %%r12d, %%r12d\n\txor %%r13d, %%r13d\n\t" \
                     "xor %%r14d, %%r14d\n\txor %%r15d, %%r15d" ::: "rbx", "r12", "r13", "r14", "r15", "memory")
#else
#define forget_registers() ((void)0)
#endif

#define scrub_stack()        \
    do {                     \
        scrub_stack_below(); \
        forget_registers();  \
    } while (0)

static const pyvm_type *T_S, *T_TIS, *T_LS, *T_LLS, *T_D, *T_CLS, *T_CF, *T_F, *T_LI;

static void init_types(void) {
    T_S = pyvm_type_intern("s");
    T_TIS = pyvm_type_intern("T(i,s)");
    T_LS = pyvm_type_intern("L(s)");
    T_LLS = pyvm_type_intern("L(L(s))");
    T_D = pyvm_type_intern("D(s,T(i,s))");
    T_CLS = pyvm_type_intern("C(L(s))");
    T_CF = pyvm_type_intern("C(F)");
    T_F = pyvm_type_intern("F");
    T_LI = pyvm_type_intern("L(i)");
}

/* The code points of string number `seed`: 10..50 of them, the first ten
 * spelling the seed (so strings of different seeds differ), the rest random,
 * some beyond Latin-1 (width 2 or 4), so strings have UTF-8 caches in blocks
 * of their own. */
static int64_t str_cps(uint64_t seed, uint32_t* out) {
    uint64_t x = seed * 0x2545F4914F6CDD1Du + 1;
    int64_t n = 10 + (int64_t)(x % 41);
    int kind = (int)((x >> 8) % 4);
    for (int64_t i = 0; i < n; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        uint32_t c = 'a' + (uint32_t)((x >> 33) % 26);
        if (kind == 1 && i % 5 == 1)
            c = 0xe9;
        if (kind == 2 && i % 7 == 3)
            c = 0x4e2d;
        if (kind == 3 && i == n - 1)
            c = 0x1F600;
        out[i] = c;
    }
    uint64_t v = seed;
    for (int i = 0; i < 10; i++, v /= 26)
        out[i] = 'A' + (uint32_t)(v % 26);
    return n;
}

static pyvm_str* make_str(uint64_t seed) {
    uint32_t cps[64];
    int64_t n = str_cps(seed, cps);
    pyvm_str* s = pyvm_str_from_ucs4(cps, n);
    if (seed % 3 == 0)
        pyvm_str_utf8(s, NULL); /* a cached encoding: a raw block owned by the string */
    return s;
}

static bool str_ok(pyvm_str* s, uint64_t seed) {
    uint32_t cps[64];
    int64_t n = str_cps(seed, cps);
    if (s->h.kind != PYVM_KIND_STR || s->len != n)
        return false;
    for (int64_t i = 0; i < n; i++)
        if (pyvm_str_get(s, i) != cps[i])
            return false;
    if (s->utf8) {
        /* Re-encode and compare with the cache. */
        char buf[256];
        int64_t k = 0;
        for (int64_t i = 0; i < n; i++) {
            uint32_t c = cps[i];
            if (c < 0x80) {
                buf[k++] = (char)c;
            } else if (c < 0x800) {
                buf[k++] = (char)(0xc0 | (c >> 6));
                buf[k++] = (char)(0x80 | (c & 0x3f));
            } else if (c < 0x10000) {
                buf[k++] = (char)(0xe0 | (c >> 12));
                buf[k++] = (char)(0x80 | ((c >> 6) & 0x3f));
                buf[k++] = (char)(0x80 | (c & 0x3f));
            } else {
                buf[k++] = (char)(0xf0 | (c >> 18));
                buf[k++] = (char)(0x80 | ((c >> 12) & 0x3f));
                buf[k++] = (char)(0x80 | ((c >> 6) & 0x3f));
                buf[k++] = (char)(0x80 | (c & 0x3f));
            }
        }
        if (s->utf8_len != k || memcmp(s->utf8, buf, (size_t)k) != 0)
            return false;
    }
    return true;
}

/* ---- 1. random graphs against a model ------------------------------------------------------ */

enum { K_S, K_T, K_LS, K_LL, K_D, K_C, K_F, K_CF, K_KINDS };

typedef struct node {
    int kind;
    bool dead;       /* unreachable at some collection: never touched again */
    bool reach;
    uintptr_t addr;  /* disguised */
    uint64_t val;    /* S: seed; T: the int */
    int nchild;
    int child[24];   /* LS/LL: items; D: k0, v0, k1, v1...; T: [S]; C: [LS]; F: [CF, LS]; CF: [F] */
} node;

enum { MAXN = 40000, NROOTS = 256 };
static node* nodes;
static int nnodes;

static int pick(int kind) {
    if (!nnodes)
        return -1;
    for (int tries = 0; tries < 64; tries++) {
        int i = (int)below((uint64_t)nnodes);
        if (nodes[i].kind == kind && !nodes[i].dead)
            return i;
    }
    return -1;
}

static void* obj(int i) {
    return REVEAL(nodes[i].addr);
}

static uint64_t str_seed_counter;

/* Builds one node of a random kind out of live nodes; returns its index. */
static int new_node(void) {
    if (nnodes >= MAXN)
        return -1;
    int kind = (int)below(K_KINDS);
    node* n = &nodes[nnodes];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    switch (kind) {
    case K_S: {
        n->val = ++str_seed_counter;
        n->addr = DISGUISE(make_str(n->val));
        break;
    }
    case K_T: {
        int s = pick(K_S);
        if (s < 0)
            return -1;
        pyvm_tuple* t = pyvm_tuple_new(T_TIS, 2);
        n->val = rnd();
        pyvm_tuple_set(t, 0, n->val);
        pyvm_tuple_set(t, 1, pyvm_slot_from_ptr(obj(s)));
        n->child[n->nchild++] = s;
        n->addr = DISGUISE(t);
        break;
    }
    case K_LS:
    case K_LL: {
        pyvm_list* l = pyvm_list_new(kind == K_LS ? T_LS : T_LLS, 0);
        int m = (int)below(kind == K_LS ? 24 : 8);
        for (int k = 0; k < m; k++) {
            int c = pick(kind == K_LS ? K_S : K_LS);
            if (c < 0)
                break;
            pyvm_list_append(l, pyvm_slot_from_ptr(obj(c)));
            n->child[n->nchild++] = c;
        }
        n->addr = DISGUISE(l);
        break;
    }
    case K_D: {
        pyvm_dict* d = pyvm_dict_new(T_D);
        int m = (int)below(12);
        for (int k = 0; k < m; k++) {
            int ks = pick(K_S), vt = pick(K_T);
            if (ks < 0 || vt < 0)
                break;
            bool dup = false;
            for (int j = 0; j < n->nchild; j += 2)
                dup |= n->child[j] == ks;
            if (dup)
                continue;
            pyvm_dict_set(d, pyvm_slot_from_ptr(obj(ks)), pyvm_slot_from_ptr(obj(vt)));
            n->child[n->nchild++] = ks;
            n->child[n->nchild++] = vt;
        }
        /* Some deletions (holes in the entry table) with their keys re-added. */
        if (n->nchild >= 4 && below(2)) {
            pyvm_dict_del(d, pyvm_slot_from_ptr(obj(n->child[0])));
            pyvm_dict_set(d, pyvm_slot_from_ptr(obj(n->child[0])), pyvm_slot_from_ptr(obj(n->child[1])));
            /* entry order is now k1.., k0: rotate the model */
            int k0 = n->child[0], v0 = n->child[1];
            memmove(n->child, n->child + 2, (size_t)(n->nchild - 2) * sizeof(int));
            n->child[n->nchild - 2] = k0;
            n->child[n->nchild - 1] = v0;
        }
        n->addr = DISGUISE(d);
        break;
    }
    case K_C: {
        int ls = pick(K_LS);
        if (ls < 0)
            return -1;
        pyvm_cell* c = pyvm_alloc_obj(PYVM_KIND_CELL, T_CLS, sizeof(pyvm_cell));
        c->value = pyvm_slot_from_ptr(obj(ls));
        n->child[n->nchild++] = ls;
        n->addr = DISGUISE(c);
        break;
    }
    case K_F:
    case K_CF: {
        /* A closure whose environment (a raw block, as compiled code makes it)
         * holds a cell C(F) that holds the closure itself: a cycle. */
        int ls = pick(K_LS);
        if (ls < 0 || nnodes + 1 >= MAXN)
            return -1;
        pyvm_cell* cell = pyvm_alloc_obj(PYVM_KIND_CELL, T_CF, sizeof(pyvm_cell));
        uint64_t* env = pyvm_alloc(2 * sizeof(uint64_t));
        env[0] = pyvm_slot_from_ptr(cell);
        env[1] = pyvm_slot_from_ptr(obj(ls));
        pyvm_closure* f = pyvm_alloc_obj(PYVM_KIND_CLOSURE, T_F, sizeof(pyvm_closure) + 8);
        f->name = "f";
        f->ncaptures = 1;
        f->captures[0] = pyvm_slot_from_ptr(env);
        cell->value = pyvm_slot_from_ptr(f);
        n->kind = K_F;
        n->child[n->nchild++] = nnodes + 1;
        n->child[n->nchild++] = ls;
        n->addr = DISGUISE(f);
        node* c = &nodes[nnodes + 1];
        memset(c, 0, sizeof *c);
        c->kind = K_CF;
        c->child[c->nchild++] = nnodes;
        c->addr = DISGUISE(cell);
        nnodes += 2;
        return nnodes - 2;
    }
    }
    return nnodes++;
}

/* Does the object of node i hold exactly what the model says? */
static bool node_ok(int i) {
    node* n = &nodes[i];
    void* o = obj(i);
    switch (n->kind) {
    case K_S:
        return str_ok(o, n->val);
    case K_T: {
        pyvm_tuple* t = o;
        return t->h.kind == PYVM_KIND_TUPLE && t->h.type == T_TIS && t->len == 2 && t->items[0] == n->val &&
               pyvm_slot_to_ptr(t->items[1]) == obj(n->child[0]);
    }
    case K_LS:
    case K_LL: {
        pyvm_list* l = o;
        if (l->h.kind != PYVM_KIND_LIST || l->len != n->nchild)
            return false;
        for (int k = 0; k < n->nchild; k++)
            if (pyvm_slot_to_ptr(l->items[k]) != obj(n->child[k]))
                return false;
        return true;
    }
    case K_D: {
        pyvm_dict* d = o;
        if (d->h.kind != PYVM_KIND_DICT || d->len * 2 != n->nchild)
            return false;
        int64_t cursor = 0, k = 0;
        uint64_t key, value;
        while (pyvm_dict_next_item(d, &cursor, &key, &value)) {
            if (pyvm_slot_to_ptr(key) != obj(n->child[k]) || pyvm_slot_to_ptr(value) != obj(n->child[k + 1]))
                return false;
            k += 2;
        }
        return k == n->nchild;
    }
    case K_C: {
        pyvm_cell* c = o;
        return c->h.kind == PYVM_KIND_CELL && pyvm_slot_to_ptr(c->value) == obj(n->child[0]);
    }
    case K_F: {
        pyvm_closure* f = o;
        if (f->h.kind != PYVM_KIND_CLOSURE || f->ncaptures != 1)
            return false;
        uint64_t* env = pyvm_slot_to_ptr(f->captures[0]);
        return pyvm_slot_to_ptr(env[0]) == obj(n->child[0]) && pyvm_slot_to_ptr(env[1]) == obj(n->child[1]);
    }
    case K_CF: {
        pyvm_cell* c = o;
        return c->h.kind == PYVM_KIND_CELL && pyvm_slot_to_ptr(c->value) == obj(n->child[0]);
    }
    }
    return false;
}

static void mark_model(int i) {
    /* iterative DFS */
    static int stack[MAXN * 24];
    int sp = 0;
    stack[sp++] = i;
    while (sp) {
        int j = stack[--sp];
        if (nodes[j].reach)
            continue;
        nodes[j].reach = true;
        for (int k = 0; k < nodes[j].nchild; k++)
            if (!nodes[nodes[j].child[k]].reach)
                stack[sp++] = nodes[j].child[k];
    }
}

static int roots_model[NROOTS]; /* node index + 1, 0 = empty */

/* Garbage that reuses freed memory: a wrongly freed object would be overwritten. */
__attribute__((noinline)) static void churn(int64_t count) {
    for (int64_t i = 0; i < count; i++) {
        pyvm_list* l = pyvm_list_new(T_LI, 0);
        for (int k = 0; k < (int)(i % 9); k++)
            pyvm_list_append(l, 0xdeadbeefdeadbeefu);
        pyvm_str* s = pyvm_str_from_ascii("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", (int64_t)(2 + i % 40));
        (void)s;
    }
}

__attribute__((noinline)) static void verify_graph(const char* when, int* bad) {
    (void)when;
    for (int i = 0; i < nnodes; i++)
        if (nodes[i].reach && !node_ok(i)) {
            if (*bad < 10)
                fprintf(stderr, "%s: node %d (kind %d) damaged\n", when, i, nodes[i].kind);
            (*bad)++;
        }
}

__attribute__((noinline)) static void graph_round(pyvm_heap* h, uint64_t* roots, int round, int* bad,
                                                  int64_t* dropped, int64_t* freed) {
    /* New nodes, some rooted. Until the round's collection every new node is
     * also held by `pending` (automatic collections run meanwhile). */
    int add = 600 + (int)below(900);
    uint64_t* pending = pyvm_alloc(2 * (size_t)add * sizeof(uint64_t));
    for (int k = 0; k < add; k++) {
        int first = nnodes;
        int i = new_node();
        if (i < 0)
            continue;
        for (int j = first; j < nnodes; j++)
            pending[2 * k + (j - first)] = pyvm_slot_from_ptr(obj(j));
        int r = (int)below(NROOTS);
        if (below(4) == 0 && !roots_model[r]) { /* roots are only dropped below, right before collecting */
            roots[r] = pyvm_slot_from_ptr(obj(i));
            roots_model[r] = i + 1;
        }
    }
    /* drop roots */
    for (int r = 0; r < NROOTS; r++) {
        if (roots_model[r] && below(3) == 0) {
            roots[r] = 0;
            roots_model[r] = 0;
        }
    }
    memset(pending, 0, 2 * (size_t)add * sizeof(uint64_t));
    for (int i = 0; i < nnodes; i++)
        nodes[i].reach = false;
    for (int r = 0; r < NROOTS; r++)
        if (roots_model[r])
            mark_model(roots_model[r] - 1);
    scrub_stack();
    pyvm_heap_stats_t before, after;
    pyvm_heap_stats(h, &before);
    pyvm_heap_collect(h);
    pyvm_heap_stats(h, &after);
    CHECK(after.collections == before.collections + 1);
    /* Nothing allocated since the collection: liveness answers are exact. */
    for (int i = 0; i < nnodes; i++) {
        if (nodes[i].dead)
            continue;
        if (nodes[i].reach) {
            if (!pyvm_heap_is_live(h, obj(i))) {
                if (*bad < 10)
                    fprintf(stderr, "round %d: node %d (kind %d) freed while reachable\n", round, i, nodes[i].kind);
                (*bad)++;
            }
        } else {
            nodes[i].dead = true;
            (*dropped)++;
            if (!pyvm_heap_is_live(h, obj(i)))
                (*freed)++;
        }
    }
    verify_graph("after collect", bad);
    churn(2000 + round * 100);
    verify_graph("after churn", bad);
}

__attribute__((noinline)) static void test_random_graphs(void) {
    pyvm_heap* h = pyvm_heap_new(1 << 20, 0);
    pyvm_heap_set_current(h);
    nodes = calloc(MAXN, sizeof *nodes);
    nnodes = 0;
    memset(roots_model, 0, sizeof roots_model);
    /* The root table is a raw block reached only from this frame. */
    uint64_t* roots = pyvm_alloc(NROOTS * sizeof(uint64_t));
    int bad = 0;
    int64_t dropped = 0, freed = 0;
    for (int round = 0; round < 24 && nnodes < MAXN - 2000; round++)
        graph_round(h, roots, round, &bad, &dropped, &freed);
    CHECK(bad == 0);
    if (bad)
        fprintf(stderr, "random graphs: %d reachable objects damaged or freed\n", bad);
    /* Conservative roots may retain a few dead objects, never most of them. */
    CHECK(dropped > 1000);
    CHECK(freed * 100 >= dropped * 97);
    printf("random graphs: %d nodes, %lld became unreachable, %lld freed (%.2f%%)\n", nnodes, (long long)dropped,
           (long long)freed, dropped ? 100.0 * (double)freed / (double)dropped : 0.0);
    pyvm_heap_stats_t st;
    pyvm_heap_stats(h, &st);
    CHECK(st.objects_freed > 10000 && st.collections >= 24);
    CHECK(roots[0] == 0 || pyvm_heap_is_live(h, pyvm_slot_to_ptr(roots[0])));
    pyvm_heap_set_current(NULL);
    pyvm_heap_free(h);
    free(nodes);
}

/* ---- 2. interior pointers ------------------------------------------------------------------ */

enum { NINT = 32 };

typedef struct {
    pyvm_slot* item[NINT];   /* &list->items[3]: inside a list's items buffer */
    const char* data[NINT];  /* inside a string */
    char* end[NINT];         /* one past a tuple's last slot */
    uintptr_t list_x[NINT], str_x[NINT], tup_x[NINT], dead_x[NINT]; /* the objects, disguised */
} interior;

/* Keeps only derived pointers into new objects; the objects' own addresses
 * die with this frame (and scrub_stack erases stale copies). */
__attribute__((noinline)) static void make_interior(interior* in) {
    for (int k = 0; k < NINT; k++) {
        pyvm_list* l = pyvm_list_new(T_LS, 0);
        for (int i = 0; i < 10; i++)
            pyvm_list_append(l, pyvm_slot_from_ptr(make_str(1000 + 100 * (uint64_t)k + (uint64_t)i)));
        pyvm_str* s = make_str(5000 + (uint64_t)k);
        pyvm_tuple* t = pyvm_tuple_new(T_TIS, 2);
        t->items[0] = 77 + (uint64_t)k;
        t->items[1] = pyvm_slot_from_ptr(make_str(6000 + (uint64_t)k));
        pyvm_str* dead = make_str(7000 + (uint64_t)k);
        in->item[k] = &l->items[3];
        in->data[k] = (const char*)PYVM_STR_DATA(s) + 2;
        in->end[k] = (char*)t + sizeof(pyvm_tuple) + 16;
        in->list_x[k] = DISGUISE(l);
        in->str_x[k] = DISGUISE(s);
        in->tup_x[k] = DISGUISE(t);
        in->dead_x[k] = DISGUISE(dead);
    }
}

__attribute__((noinline)) static void test_interior_pointers(void) {
    pyvm_heap* h = pyvm_heap_new(0, 0);
    pyvm_heap_set_current(h);
    interior* in = calloc(1, sizeof *in); /* not scanned... */
    pyvm_slot** items = pyvm_alloc(sizeof in->item); /* ...so the derived pointers go to a raw block */
    const char** data = pyvm_alloc(sizeof in->data);  /* reached only from this frame */
    char** ends = pyvm_alloc(sizeof in->end);
    make_interior(in);
    memcpy(items, in->item, sizeof in->item);
    memcpy(data, in->data, sizeof in->data);
    memcpy(ends, in->end, sizeof in->end);
    memset(in->item, 0, sizeof in->item + sizeof in->data + sizeof in->end);
    scrub_stack();
    pyvm_heap_collect(h);
    /* The list objects had no pointer left: only their buffers are kept, and
     * a buffer reached without its owner keeps the strings. Stale registers
     * may keep one or two of the dead objects. */
    int lists_freed = 0, dead_freed = 0, live = 0;
    for (int k = 0; k < NINT; k++) {
        lists_freed += !pyvm_heap_is_live(h, REVEAL(in->list_x[k]));
        dead_freed += !pyvm_heap_is_live(h, REVEAL(in->dead_x[k]));
        live += pyvm_heap_is_live(h, items[k]) && pyvm_heap_is_live(h, REVEAL(in->str_x[k])) &&
                pyvm_heap_is_live(h, REVEAL(in->tup_x[k]));
    }
    CHECK(live == NINT);
    CHECK(lists_freed >= NINT - 3 && dead_freed >= NINT - 3);
    churn(3000);
    pyvm_heap_collect(h);
    churn(3000);
    int ok = 1;
    for (int k = 0; k < NINT; k++) {
        pyvm_slot* item = items[k];
        uint64_t base = 1000 + 100 * (uint64_t)k;
        ok &= str_ok(pyvm_slot_to_ptr(item[0]), base + 3) && str_ok(pyvm_slot_to_ptr(item[-3]), base) &&
              str_ok(pyvm_slot_to_ptr(item[6]), base + 9);
        ok &= str_ok((pyvm_str*)(data[k] - 2 - sizeof(pyvm_str)), 5000 + (uint64_t)k);
        pyvm_tuple* t = (pyvm_tuple*)(ends[k] - 16 - sizeof(pyvm_tuple));
        ok &= t->items[0] == 77 + (uint64_t)k && str_ok(pyvm_slot_to_ptr(t->items[1]), 6000 + (uint64_t)k);
    }
    CHECK(ok);
    free(in);
    pyvm_heap_set_current(NULL);
    pyvm_heap_free(h);
}

/* ---- 3. roots only in compiled locals and registers: deep recursion ------------------------ */

static int deep_bad;

__attribute__((noinline)) static int64_t deep(pyvm_heap* h, int depth, uint64_t seed) {
    /* Plain locals: at -O2 they live in callee-saved registers or spill slots
     * across the calls below; nothing else refers to these objects. */
    pyvm_str* s = make_str(seed);
    pyvm_list* l = pyvm_list_new(T_LS, 0);
    pyvm_list_append(l, pyvm_slot_from_ptr(make_str(seed + 1)));
    pyvm_list_append(l, pyvm_slot_from_ptr(make_str(seed + 2)));
    pyvm_tuple* t = pyvm_tuple_new(T_TIS, 2);
    t->items[0] = seed * 3;
    t->items[1] = pyvm_slot_from_ptr(make_str(seed + 3));
    pyvm_slot* items = &l->items[1]; /* after this only an interior pointer into the buffer may remain */
    const char* sdata = (const char*)PYVM_STR_DATA(s) + 5; /* and into the string */
    int64_t r = 0;
    if (depth > 0) {
        r = deep(h, depth - 1, seed + 10);
    } else {
        churn(30000); /* automatic collections while every level's objects are live */
        scrub_stack();
        pyvm_heap_collect(h);
        churn(1000);
    }
    if (!str_ok((pyvm_str*)(sdata - 5 - sizeof(pyvm_str)), seed) || !str_ok(pyvm_slot_to_ptr(items[-1]), seed + 1) ||
        !str_ok(pyvm_slot_to_ptr(items[0]), seed + 2) || t->items[0] != seed * 3 ||
        !str_ok(pyvm_slot_to_ptr(t->items[1]), seed + 3))
        deep_bad++;
    return r + 1;
}

__attribute__((noinline)) static void test_deep_recursion(void) {
    pyvm_heap* h = pyvm_heap_new(256 << 10, 0);
    pyvm_heap_set_current(h);
    deep_bad = 0;
    CHECK(deep(h, 300, 5000000) == 301);
    CHECK(deep_bad == 0);
    pyvm_heap_stats_t st;
    pyvm_heap_stats(h, &st);
    CHECK(st.collections >= 3);
    pyvm_heap_set_current(NULL);
    pyvm_heap_free(h);
}

/* ---- 4. growth to the maximum, then MemoryError --------------------------------------------- */

static void fill_forever(void* arg) {
    pyvm_list* keep = arg;
    for (int64_t i = 0;; i++) {
        pyvm_list* l = pyvm_list_new(T_LI, 16);
        l->items[0] = (uint64_t)i;
        pyvm_list_append(keep, pyvm_slot_from_ptr(l));
    }
}

static void one_huge(void* arg) {
    (void)arg;
    pyvm_list_new(T_LI, 2 << 20); /* 16 MiB of slots */
}

static void fill_garbage(void* arg) {
    (void)arg;
    churn(200000);
}

__attribute__((noinline)) static void test_growth_and_memory_error(void) {
    pyvm_heap* h = pyvm_heap_new(256 << 10, 4 << 20);
    pyvm_heap_set_current(h);
    pyvm_list* keep = pyvm_list_new(pyvm_type_intern("L(L(i))"), 0);
    int kind = pyvm_rt_protect(fill_forever, keep);
    CHECK(kind == PYVM_EXC_MEMORY);
    CHECK(strcmp(pyvm_rt_error_message(), "") == 0);
    pyvm_heap_stats_t st;
    pyvm_heap_stats(h, &st);
    CHECK(st.capacity <= (size_t)4 << 20 && st.capacity >= (size_t)3 << 20);
    CHECK(st.limit > (size_t)256 << 10); /* it grew before giving up */
    CHECK(st.collections >= 2);
    CHECK(keep->len > 10000);
    int ok = 1;
    for (int64_t i = 0; i < keep->len; i++)
        ok &= ((pyvm_list*)pyvm_slot_to_ptr(keep->items[i]))->items[0] == (uint64_t)i;
    CHECK(ok);
    /* A single block beyond the maximum. */
    CHECK(pyvm_rt_protect(one_huge, NULL) == PYVM_EXC_MEMORY);
    /* Garbage alone never runs out: collections reclaim it. */
    keep->len = 0;
    CHECK(pyvm_rt_protect(fill_garbage, NULL) == 0);
    pyvm_heap_stats(h, &st);
    CHECK(st.capacity <= (size_t)4 << 20);
    pyvm_heap_set_current(NULL);
    pyvm_heap_free(h);

    /* Collection disabled (the interpreter's mode): growth only, still bounded. */
    h = pyvm_heap_new(256 << 10, 2 << 20);
    pyvm_heap_set_collect(h, false);
    pyvm_heap_set_current(h);
    CHECK(pyvm_rt_protect(fill_garbage, NULL) == PYVM_EXC_MEMORY);
    pyvm_heap_stats(h, &st);
    CHECK(st.collections == 0 && st.capacity <= (size_t)2 << 20 && !st.collect_enabled);
    pyvm_heap_collect(h); /* disabled: no effect */
    pyvm_heap_stats(h, &st);
    CHECK(st.collections == 0);
    pyvm_heap_set_collect(h, true);
    pyvm_heap_collect(h);
    pyvm_heap_stats(h, &st);
    CHECK(st.collections == 1 && st.bytes_in_use < (size_t)64 << 10);
    pyvm_heap_set_current(NULL);
    pyvm_heap_free(h);
}

/* ---- 5. buffers: growth in place, large blocks, dicts --------------------------------------- */

__attribute__((noinline)) static void buffers_work(pyvm_heap* h, uintptr_t* bufs_x) {
    pyvm_list* big = pyvm_list_new(T_LI, 0);
    for (int64_t i = 0; i < 3000000; i++)
        pyvm_list_append(big, (uint64_t)i * 7);
    int ok = 1;
    for (int64_t i = 0; i < big->len; i++)
        ok &= big->items[i] == (uint64_t)i * 7;
    CHECK(ok);
    pyvm_heap_stats_t st;
    pyvm_heap_stats(h, &st);
    CHECK(st.large_blocks >= 1);
    /* Zeroed growth across a large block's move. */
    pyvm_list* z = pyvm_list_new(T_LI, 0);
    pyvm_list_append(z, 1);
    for (int k = 0; k < 22; k++)
        pyvm_list_inplace_repeat(z, 2);
    CHECK(z->len == (1 << 22) && z->items[(1 << 22) - 1] == 1 && z->items[12345] == 1);
    /* A dict large enough for big tables, keys and values on the heap. */
    pyvm_dict* d = pyvm_dict_new(pyvm_type_intern("D(s,L(i))"));
    for (int i = 0; i < 20000; i++) {
        pyvm_list* v = pyvm_list_new(T_LI, 1);
        v->items[0] = (uint64_t)i;
        pyvm_dict_set(d, pyvm_slot_from_ptr(make_str((uint64_t)i)), pyvm_slot_from_ptr(v));
        if (i % 3 == 0)
            pyvm_dict_del(d, pyvm_slot_from_ptr(make_str((uint64_t)i)));
    }
    churn(20000);
    pyvm_heap_collect(h);
    churn(20000);
    ok = 1;
    int64_t cursor = 0, n = 0;
    uint64_t key, value;
    while (pyvm_dict_next_item(d, &cursor, &key, &value)) {
        pyvm_list* v = pyvm_slot_to_ptr(value);
        ok &= v->len == 1 && str_ok(pyvm_slot_to_ptr(key), v->items[0]) && v->items[0] % 3 != 0;
        n++;
    }
    CHECK(ok && n == 20000 - 6667);
    ok = 1;
    for (int64_t i = 0; i < big->len; i += 997)
        ok &= big->items[i] == (uint64_t)i * 7;
    CHECK(ok);
    bufs_x[0] = DISGUISE(big->items);
    bufs_x[1] = DISGUISE(z->items);
    bufs_x[2] = DISGUISE(d->entries);
}

__attribute__((noinline)) static void test_buffers(void) {
    pyvm_heap* h = pyvm_heap_new(0, 0);
    pyvm_heap_set_current(h);
    uintptr_t bufs_x[3];
    buffers_work(h, bufs_x);
    /* Dropped (they lived in buffers_work's frame): the large blocks go too.
     * A stale word on the stack that happens to fall inside one of these
     * 24-32 MiB blocks keeps it (seen about once in 40 runs): allow one. */
    scrub_stack();
    pyvm_heap_collect(h);
    int freed = 0;
    for (int k = 0; k < 3; k++)
        freed += !pyvm_heap_is_live(h, REVEAL(bufs_x[k]));
    CHECK(freed >= 2);
    pyvm_heap_stats_t st;
    pyvm_heap_stats(h, &st);
    CHECK(st.large_blocks <= 1);
    CHECK(st.bytes_in_use < (st.large_blocks ? (size_t)40 << 20 : (size_t)256 << 10));
    int ok;
    /* A slice assignment from a temporary list whose only reference is the callee's copy. */
    pyvm_list* dst = pyvm_list_new(T_LS, 0);
    for (int i = 0; i < 50; i++) {
        pyvm_list* tmp = pyvm_list_new(T_LS, 0);
        for (int k = 0; k < 40; k++)
            pyvm_list_append(tmp, pyvm_slot_from_ptr(make_str(90000 + (uint64_t)k)));
        pyvm_list_set_slice(dst, 0, dst->len, 1, 0, tmp);
        churn(500);
    }
    ok = dst->len == 40;
    for (int k = 0; k < 40 && ok; k++)
        ok &= str_ok(pyvm_slot_to_ptr(dst->items[k]), 90000 + (uint64_t)k);
    CHECK(ok);
    pyvm_heap_set_current(NULL);
    pyvm_heap_free(h);
}

/* ---- 6. stacks, heaps that are not current, alloc_in, hooks --------------------------------- */

static int hook_calls;
static uint64_t hook_last;
static pyvm_heap* hook_heap;

static void hook(pyvm_heap* h, uint64_t pause_ns) {
    hook_calls++;
    hook_last = pause_ns;
    hook_heap = h;
    (void)pyvm_alloc(32); /* hooks may allocate */
}

__attribute__((noinline)) static void test_stacks_and_alloc_in(void) {
    enum { NS = 32 };
    pyvm_heap* h = pyvm_heap_new(0, 0);
    /* A registered "stack" (as a green thread's) holding the only references. */
    uint64_t* fake_stack = calloc(512, sizeof(uint64_t));
    pyvm_heap_set_stack(h, fake_stack, fake_stack + 512);
    uintptr_t ax[NS], rx[NS], bx[NS];
    for (int k = 0; k < NS; k++) {
        pyvm_str* a = pyvm_heap_alloc_obj_in(h, PYVM_KIND_STR, NULL, sizeof(pyvm_str) + 8);
        a->len = 3;
        a->width = 1;
        a->hash = -1;
        memcpy(PYVM_STR_DATA(a), "abc", 4);
        uint64_t* raw = pyvm_heap_alloc_in(h, 64);
        raw[0] = pyvm_slot_from_ptr(pyvm_heap_buf_alloc_in(h, 100)); /* reached through the raw block */
        fake_stack[100 + 2 * k] = pyvm_slot_from_ptr(a);
        fake_stack[101 + 2 * k] = pyvm_slot_from_ptr((char*)raw + 8); /* interior */
        ax[k] = DISGUISE(a);
        rx[k] = DISGUISE(raw);
        bx[k] = DISGUISE(pyvm_slot_to_ptr(raw[0]));
    }
    CHECK(pyvm_heap_current() == NULL);
    pyvm_heap_set_gc_hook(hook);
    hook_calls = 0;
    scrub_stack();
    pyvm_heap_collect(h); /* not current here: scans its registered stack wholly, and ours */
    CHECK(hook_calls == 1 && hook_heap == h && hook_last > 0);
    int live = 0;
    for (int k = 0; k < NS; k++)
        live += pyvm_heap_is_live(h, REVEAL(ax[k])) && pyvm_heap_is_live(h, REVEAL(rx[k])) &&
                pyvm_heap_is_live(h, REVEAL(bx[k])) && memcmp(PYVM_STR_DATA((pyvm_str*)REVEAL(ax[k])), "abc", 4) == 0;
    CHECK(live == NS);
    CHECK(pyvm_heap_contains(h, REVEAL(ax[0])) && !pyvm_heap_contains(h, fake_stack) &&
          !pyvm_heap_contains(h, pyvm_str_from_char('x')));
    memset(fake_stack, 0, 512 * sizeof(uint64_t));
    scrub_stack();
    pyvm_heap_collect(h);
    int freed = 0;
    for (int k = 0; k < NS; k++)
        freed += !pyvm_heap_is_live(h, REVEAL(ax[k])) && !pyvm_heap_is_live(h, REVEAL(rx[k])) &&
                 !pyvm_heap_is_live(h, REVEAL(bx[k]));
    CHECK(freed >= NS - 3);
    pyvm_heap_stats_t st;
    pyvm_heap_stats(h, &st);
    CHECK(st.collections == 2 && st.objects_freed >= 3 * (NS - 3) && st.bytes_in_use <= 3 * 3 * 128);
    pyvm_heap_set_gc_hook(NULL);
    /* alloc_in never collects, even far past the trigger. */
    pyvm_heap* small = pyvm_heap_new(256 << 10, 0);
    for (int i = 0; i < 100000; i++)
        pyvm_heap_alloc_in(small, 40);
    pyvm_heap_stats(small, &st);
    CHECK(st.collections == 0 && st.bytes_in_use >= 100000u * 48);
    pyvm_heap_free(small);
    pyvm_heap_free(h);
    free(fake_stack);
}

/* ---- 7. the default heap -------------------------------------------------------------------- */

static pyvm_list* global_root; /* module globals of compiled programs live in .data/.bss like this */

__attribute__((noinline)) static void test_default_heap(void) {
    pyvm_heap_stats_t st;
    pyvm_heap_stats(NULL, &st);
    CHECK(!st.collect_enabled); /* off until enabled (entry.c does it for native programs) */
    pyvm_heap_set_collect(NULL, true);
    pyvm_heap_stats(NULL, &st);
    CHECK(st.collect_enabled);
    uint64_t before = st.collections;
    global_root = pyvm_list_new(T_LS, 0);
    for (int i = 0; i < 100; i++)
        pyvm_list_append(global_root, pyvm_slot_from_ptr(make_str(700000 + (uint64_t)i)));
    churn(200000);
    pyvm_heap_stats(NULL, &st);
    CHECK(st.collections > before);
    CHECK(st.capacity < (size_t)16 << 20);
    int ok = global_root->len == 100;
    for (int i = 0; i < 100 && ok; i++)
        ok &= str_ok(pyvm_slot_to_ptr(global_root->items[i]), 700000 + (uint64_t)i);
    CHECK(ok);
    pyvm_heap_set_collect(NULL, false);
}

/* ---- 8. heaps on several threads, the chunk pool, counters ---------------------------------- */

typedef struct {
    int id;
    int bad;
    pyvm_heap* handed;   /* a heap built here and finished by another thread */
    uint64_t* stack;     /* its registered "stack" (malloc'd): holds its only root */
    uintptr_t str_x;     /* that root, disguised */
} worker_arg;

static void* worker(void* p) {
    worker_arg* w = p;
    for (int round = 0; round < 6; round++) {
        pyvm_heap* h = pyvm_heap_new(256 << 10, 64 << 20);
        pyvm_heap_set_current(h);
        pyvm_list* keep = pyvm_list_new(T_LS, 0);
        for (int i = 0; i < 3000; i++) {
            pyvm_list_append(keep, pyvm_slot_from_ptr(make_str((uint64_t)(w->id * 100000 + i))));
            churn(3);
        }
        pyvm_heap_collect(h);
        for (int i = 0; i < 3000; i++)
            w->bad += !str_ok(pyvm_slot_to_ptr(keep->items[i]), (uint64_t)(w->id * 100000 + i));
        pyvm_heap_set_current(NULL);
        pyvm_heap_free(h); /* its chunks go back to the pool for other threads */
    }
    /* A heap handed over to the main thread (migration between OS threads). */
    pyvm_heap* h = pyvm_heap_new(0, 0);
    pyvm_heap_set_current(h);
    w->stack = calloc(4, sizeof(uint64_t));
    pyvm_str* s = make_str(424242);
    w->stack[1] = pyvm_slot_from_ptr(s);
    w->str_x = DISGUISE(s);
    pyvm_heap_set_stack(h, w->stack, w->stack + 4);
    pyvm_heap_set_current(NULL);
    w->handed = h;
    return NULL;
}

__attribute__((noinline)) static void test_threads(void) {
    pyvm_heap_global_stats_t g0, g1;
    pyvm_heap_global_stats(&g0);
    enum { NT = 4 };
    pthread_t th[NT];
    worker_arg args[NT];
    for (int i = 0; i < NT; i++) {
        args[i] = (worker_arg){i + 1, 0, NULL, NULL, 0};
        pthread_create(&th[i], NULL, worker, &args[i]);
    }
    for (int i = 0; i < NT; i++)
        pthread_join(th[i], NULL);
    int bad = 0;
    for (int i = 0; i < NT; i++) {
        bad += args[i].bad;
        pyvm_heap* h = args[i].handed;
        pyvm_heap_set_current(h);
        churn(20000); /* collections here, on another thread than the one that built it */
        pyvm_heap_collect(h);
        pyvm_heap_stats_t st;
        pyvm_heap_stats(h, &st);
        CHECK(st.collections >= 1 && pyvm_heap_is_live(h, REVEAL(args[i].str_x)));
        CHECK(str_ok(REVEAL(args[i].str_x), 424242));
        pyvm_heap_set_current(NULL);
        pyvm_heap_free(h);
        free(args[i].stack);
    }
    CHECK(bad == 0);
    pyvm_heap_global_stats(&g1);
    CHECK(g1.heaps == g0.heaps && g1.chunks == g0.chunks && g1.large_blocks == g0.large_blocks);
    CHECK(g1.pool_chunks > 0);
}

/* ---- 9. misuse checks and defaults --------------------------------------------------------- */

__attribute__((noinline)) static void test_defaults(void) {
    pyvm_heap* h = pyvm_heap_new(0, 0);
    pyvm_heap_stats_t st;
    pyvm_heap_stats(h, &st);
    const char* env = getenv("PYVM_HEAP_SIZE");
    if (!env)
        CHECK(st.limit == (size_t)2 << 20);
    CHECK(st.capacity == 0 && st.chunks == 0 && st.collect_enabled); /* memory is taken lazily */
    pyvm_heap_free(h);
    pyvm_heap_set_defaults(1 << 20, 8 << 20);
    h = pyvm_heap_new(0, 0);
    pyvm_heap_stats(h, &st);
    CHECK(st.limit == (size_t)1 << 20 && st.max == (size_t)8 << 20);
    pyvm_heap_free(h);
    h = pyvm_heap_new(100, 1000); /* rounded up to whole chunks */
    pyvm_heap_stats(h, &st);
    CHECK(st.limit == (size_t)256 << 10 && st.max == (size_t)256 << 10);
    pyvm_heap_free(h);
    pyvm_heap_set_defaults(2 << 20, SIZE_MAX);
}

int main(void) {
    pyvm_rt_init();
    init_types();
    test_defaults();
    test_random_graphs();
    test_interior_pointers();
    test_deep_recursion();
    test_growth_and_memory_error();
    test_buffers();
    test_stacks_and_alloc_in();
    test_default_heap();
    test_threads();
    pyvm_heap_global_stats_t g;
    pyvm_heap_global_stats(&g);
    CHECK(g.heaps == 0 && g.chunks == 0 && g.large_blocks == 0);
    return check_done("test_heap_gc");
}
