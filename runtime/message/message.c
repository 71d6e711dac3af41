#include "message.h"

#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/dict.h"
#include "../core/error.h"
#include "../core/list.h"
#include "../core/str.h"
#include "../core/tuple.h"
#include "../core/typedesc.h"
#include "../core/magazine.h"
#include "../core/sanitizers.h"

/* ---- encoding ---- */

typedef struct {
    unsigned char* p;
    size_t len, cap;
    /* memo of mutable containers already written: open addressing on the address */
    const void** seen;
    uint32_t* ids;
    size_t seen_cap, seen_len;
} enc;

static void enc_fail(enc* e) {
    free(e->p);
    free(e->seen);
    free(e->ids);
    pyvm_raise(PYVM_EXC_MEMORY, NULL);
}

static void put(enc* e, const void* src, size_t n) {
    if (e->len + n > e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 256;
        while (cap < e->len + n)
            cap *= 2;
        unsigned char* np = realloc(e->p, cap);
        if (!np)
            enc_fail(e);
        e->p = np;
        e->cap = cap;
    }
    memcpy(e->p + e->len, src, n);
    e->len += n;
}

static void put8(enc* e, uint64_t v) { put(e, &v, 8); }
static void put1(enc* e, uint8_t v) { put(e, &v, 1); }

static size_t seen_slot(const enc* e, const void* obj) {
    size_t h = ((uintptr_t)obj >> 4) * 0x9E3779B97F4A7C15ull;
    size_t i = h & (e->seen_cap - 1);
    while (e->seen[i] && e->seen[i] != obj)
        i = (i + 1) & (e->seen_cap - 1);
    return i;
}

/* Writes the back-reference and returns true if obj was written before;
 * otherwise records it under the next number and writes the "new" mark. */
static bool memo(enc* e, const void* obj) {
    if (e->seen_cap && e->seen[seen_slot(e, obj)]) {
        put1(e, 1);
        uint32_t id = e->ids[seen_slot(e, obj)];
        put(e, &id, 4);
        return true;
    }
    if ((e->seen_len + 1) * 2 > e->seen_cap) {
        size_t old_cap = e->seen_cap;
        const void** old_seen = e->seen;
        uint32_t* old_ids = e->ids;
        e->seen_cap = old_cap ? old_cap * 2 : 16;
        e->seen = calloc(e->seen_cap, sizeof *e->seen);
        e->ids = calloc(e->seen_cap, sizeof *e->ids);
        if (!e->seen || !e->ids)
            enc_fail(e);
        for (size_t i = 0; i < old_cap; i++)
            if (old_seen[i]) {
                size_t j = seen_slot(e, old_seen[i]);
                e->seen[j] = old_seen[i];
                e->ids[j] = old_ids[i];
            }
        free(old_seen);
        free(old_ids);
    }
    size_t j = seen_slot(e, obj);
    e->seen[j] = obj;
    e->ids[j] = (uint32_t)e->seen_len++;
    put1(e, 0);
    return false;
}

static const pyvm_type* tuple_arg(const pyvm_type* t, int64_t i) {
    return t->args[(uint32_t)i < t->nargs ? (uint32_t)i : t->nargs - 1];
}

static void encode(enc* e, const pyvm_type* t, pyvm_slot v) {
    switch (t->tag) {
    case PYVM_T_INT:
    case PYVM_T_FLOAT:
    case PYVM_T_BOOL:
    case PYVM_T_PID:
        put8(e, v);
        return;
    case PYVM_T_NONE:
        return;
    case PYVM_T_STR: {
        const pyvm_str* s = pyvm_slot_to_ptr(v);
        put8(e, (uint64_t)s->len);
        put1(e, s->width);
        put1(e, s->ascii);
        put(e, PYVM_STR_DATA(s), (size_t)s->len * s->width);
        return;
    }
    case PYVM_T_LIST: {
        const pyvm_list* l = pyvm_slot_to_ptr(v);
        if (memo(e, l))
            return;
        int64_t n = l->len;
        put8(e, (uint64_t)n);
        for (int64_t i = 0; i < n && i < l->len; i++)
            encode(e, t->args[0], l->items[i]);
        return;
    }
    case PYVM_T_DICT: {
        pyvm_dict* d = pyvm_slot_to_ptr(v);
        if (memo(e, d))
            return;
        put8(e, (uint64_t)d->len);
        int64_t cursor = 0;
        uint64_t k, val;
        while (pyvm_dict_next_item(d, &cursor, &k, &val)) {
            encode(e, t->args[0], k);
            encode(e, t->args[1], val);
        }
        return;
    }
    case PYVM_T_TUPLE: {
        const pyvm_tuple* tu = pyvm_slot_to_ptr(v);
        put8(e, (uint64_t)tu->len);
        for (int64_t i = 0; i < tu->len; i++)
            encode(e, tuple_arg(t, i), tu->items[i]);
        return;
    }
    case PYVM_T_DYN: {
        /* A box: its header descriptor T(t), then its content as a t. Descriptors
         * are interned and immortal and the envelope never leaves the process, so
         * the pointer stands for the spec. */
        const pyvm_tuple* box = pyvm_slot_to_ptr(v);
        if (!box) { /* a zeroed A slot reads as None (core/value.c) */
            put8(e, (uint64_t)(uintptr_t)pyvm_type_intern("T(n)"));
            return;
        }
        put8(e, (uint64_t)(uintptr_t)box->h.type);
        encode(e, box->h.type->args[0], box->items[0]);
        return;
    }
    default:
        free(e->p);
        free(e->seen);
        free(e->ids);
        pyvm_raisef(PYVM_EXC_TYPE, "cannot send a value of type '%s' to another actor", pyvm_type_name(t));
    }
}

/* Envelopes of up to SMALL_DATA bytes (every scalar, short strings and
 * tuples) recycle through magazines (core/magazine.h): malloc + free were a
 * sixth of a same-worker round trip. ASan builds cache nothing. */
enum { SMALL_DATA = 72 };
static pyvm_depot small_depot = PYVM_DEPOT_INIT(PYVM_ASAN_ON ? 0 : 1 << 16, free);
static _Thread_local pyvm_magazine* small_magazine;

/* Out of line: senders and receivers are green threads, which may resume on
 * another OS thread, so the TLS address is computed afresh on every call. */
__attribute__((noinline)) static pyvm_magazine** smalls(void) { return &small_magazine; }

static pyvm_msg* envelope_or_null(size_t len) {
    pyvm_msg* m = NULL;
    if (len <= SMALL_DATA) {
        if (!(m = pyvm_mag_get(smalls(), &small_depot)) && (m = malloc(sizeof(pyvm_msg) + SMALL_DATA)))
            pyvm_mag_count_new(smalls(), &small_depot);
    } else {
        m = malloc(sizeof(pyvm_msg) + len);
    }
    if (m) {
        memset(m, 0, sizeof *m);
        m->len = len;
    }
    return m;
}

static pyvm_msg* envelope(size_t len) {
    pyvm_msg* m = envelope_or_null(len);
    if (!m)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    return m;
}

static bool is_scalar(const pyvm_type* t) {
    return t->tag == PYVM_T_INT || t->tag == PYVM_T_FLOAT || t->tag == PYVM_T_BOOL || t->tag == PYVM_T_NONE ||
           t->tag == PYVM_T_PID;
}

pyvm_msg* pyvm_message_encode(const pyvm_type* t, pyvm_slot v) {
    if (is_scalar(t)) {
        pyvm_msg* m = envelope(0);
        m->type = t;
        m->scalar = v;
        return m;
    }
    enc e = {0};
    encode(&e, t, v);
    free(e.seen);
    free(e.ids);
    pyvm_msg* m = envelope_or_null(e.len);
    if (!m) {
        free(e.p);
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    }
    m->type = t;
    memcpy(m->data, e.p, e.len);
    free(e.p);
    return m;
}

/* ---- decoding ---- */

typedef struct {
    const unsigned char* p;
    void** objs; /* containers by number, for back-references */
    size_t n, cap;
} dec;

static uint64_t get8(dec* d) {
    uint64_t v;
    memcpy(&v, d->p, 8);
    d->p += 8;
    return v;
}

static void remember(dec* d, void* obj) {
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        void** np = realloc(d->objs, cap * sizeof *np);
        if (!np) {
            free(d->objs);
            pyvm_raise(PYVM_EXC_MEMORY, NULL);
        }
        d->objs = np;
        d->cap = cap;
    }
    d->objs[d->n++] = obj;
}

/* Returns true (and the earlier object) for a back-reference. */
static bool backref(dec* d, pyvm_slot* out) {
    uint8_t mark = *d->p++;
    if (mark == 0)
        return false;
    uint32_t id;
    memcpy(&id, d->p, 4);
    d->p += 4;
    *out = pyvm_slot_from_ptr(d->objs[id]);
    return true;
}

static pyvm_slot decode(dec* d, const pyvm_type* t) {
    switch (t->tag) {
    case PYVM_T_INT:
    case PYVM_T_FLOAT:
    case PYVM_T_BOOL:
    case PYVM_T_PID:
        return get8(d);
    case PYVM_T_NONE:
        return 0;
    case PYVM_T_STR: {
        int64_t len = (int64_t)get8(d);
        int width = *d->p++;
        int ascii = *d->p++;
        pyvm_str* s;
        if (len == 0) {
            s = pyvm_str_empty();
        } else {
            s = pyvm_str_alloc(len, width);
            memcpy(PYVM_STR_DATA(s), d->p, (size_t)len * (size_t)width);
            s->ascii = (uint8_t)ascii;
            if (ascii) {
                s->utf8 = (const char*)PYVM_STR_DATA(s);
                s->utf8_len = len;
            }
        }
        d->p += (size_t)len * (size_t)width;
        return pyvm_slot_from_ptr(s);
    }
    case PYVM_T_LIST: {
        pyvm_slot r;
        if (backref(d, &r))
            return r;
        int64_t n = (int64_t)get8(d);
        pyvm_list* l = pyvm_list_new(t, n);
        remember(d, l);
        for (int64_t i = 0; i < n; i++) {
            pyvm_slot item = decode(d, t->args[0]);
            l->items[i] = item;
        }
        return pyvm_slot_from_ptr(l);
    }
    case PYVM_T_DICT: {
        pyvm_slot r;
        if (backref(d, &r))
            return r;
        int64_t n = (int64_t)get8(d);
        pyvm_dict* dict = pyvm_dict_new(t);
        remember(d, dict);
        for (int64_t i = 0; i < n; i++) {
            pyvm_slot k = decode(d, t->args[0]);
            pyvm_slot v = decode(d, t->args[1]);
            pyvm_dict_set(dict, k, v);
        }
        return pyvm_slot_from_ptr(dict);
    }
    case PYVM_T_TUPLE: {
        int64_t n = (int64_t)get8(d);
        pyvm_tuple* tu = pyvm_tuple_new(t, n);
        for (int64_t i = 0; i < n; i++) {
            pyvm_slot item = decode(d, tuple_arg(t, i));
            tu->items[i] = item;
        }
        return pyvm_slot_from_ptr(tu);
    }
    case PYVM_T_DYN: {
        const pyvm_type* bt = (const pyvm_type*)(uintptr_t)get8(d);
        pyvm_slot inner = decode(d, bt->args[0]);
        pyvm_tuple* box = pyvm_tuple_new(bt, 1); /* a new box in the receiver's heap */
        box->items[0] = inner;
        return pyvm_slot_from_ptr(box);
    }
    default:
        pyvm_raisef(PYVM_EXC_TYPE, "cannot receive a value of type '%s'", pyvm_type_name(t));
    }
}

pyvm_slot pyvm_message_decode(const pyvm_msg* m) {
    if (m->len == 0 && is_scalar(m->type))
        return m->scalar;
    dec d = {m->data, NULL, 0, 0};
    pyvm_slot v = decode(&d, m->type);
    free(d.objs);
    return v;
}

pyvm_msg* pyvm_message_raw(uint32_t kind, const void* bytes, size_t len) {
    pyvm_msg* m = envelope(len);
    m->kind = kind;
    if (len)
        memcpy(m->data, bytes, len);
    return m;
}

static void put_cstr(enc* e, const char* s) {
    size_t n = strlen(s);
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        ascii &= (unsigned char)s[i] < 0x80;
    if (ascii) {
        put8(e, n);
        put1(e, 1);
        put1(e, 1);
        put(e, s, n);
    } else {
        /* Non-ASCII reasons (exception messages): decode the UTF-8 here, as
         * this may run outside any actor, where there is no heap to use. */
        uint32_t* cps = malloc(n * sizeof *cps);
        if (!cps)
            enc_fail(e);
        size_t len = 0;
        uint32_t maxcp = 0;
        const unsigned char* p = (const unsigned char*)s;
        while (*p) {
            uint32_t cp;
            int extra;
            if (p[0] < 0x80) { cp = p[0]; extra = 0; }
            else if (p[0] >= 0xf0) { cp = p[0] & 7u; extra = 3; }
            else if (p[0] >= 0xe0) { cp = p[0] & 15u; extra = 2; }
            else { cp = p[0] & 31u; extra = 1; }
            p++;
            for (int i = 0; i < extra && (*p & 0xc0) == 0x80; i++)
                cp = (cp << 6) | (*p++ & 0x3fu);
            cps[len++] = cp;
            if (cp > maxcp)
                maxcp = cp;
        }
        uint8_t width = maxcp < 0x100 ? 1 : maxcp < 0x10000 ? 2 : 4;
        put8(e, len);
        put1(e, width);
        put1(e, 0);
        for (size_t i = 0; i < len; i++) {
            if (width == 1) put1(e, (uint8_t)cps[i]);
            else if (width == 2) { uint16_t u = (uint16_t)cps[i]; put(e, &u, 2); }
            else put(e, &cps[i], 4);
        }
        free(cps);
    }
}

static pyvm_msg* finish_tuple(enc* e, const pyvm_type* t) {
    pyvm_msg* m = envelope(e->len);
    m->type = t;
    memcpy(m->data, e->p, e->len);
    free(e->p);
    return m;
}

const pyvm_type* pyvm_message_exit_type(void) {
    static const pyvm_type* _Atomic t;
    /* relaxed: interning is idempotent and thread-safe; the pointer is immutable data */
    const pyvm_type* r = atomic_load_explicit(&t, memory_order_relaxed);
    if (!r) {
        r = pyvm_type_intern("T(s,P,s)");
        /* relaxed: any thread storing it stores the same interned pointer */
        atomic_store_explicit(&t, r, memory_order_relaxed);
    }
    return r;
}

const pyvm_type* pyvm_message_down_type(void) {
    static const pyvm_type* _Atomic t;
    /* relaxed: see pyvm_message_exit_type */
    const pyvm_type* r = atomic_load_explicit(&t, memory_order_relaxed);
    if (!r) {
        r = pyvm_type_intern("T(s,i,P,s)");
        /* relaxed: see pyvm_message_exit_type */
        atomic_store_explicit(&t, r, memory_order_relaxed);
    }
    return r;
}

pyvm_msg* pyvm_message_exit_tuple(pyvm_pid from, const char* reason) {
    enc e = {0};
    put8(&e, 3);
    put_cstr(&e, "EXIT");
    put8(&e, from);
    put_cstr(&e, reason);
    pyvm_msg* m = finish_tuple(&e, pyvm_message_exit_type());
    m->from = from;
    return m;
}

pyvm_msg* pyvm_message_down_tuple(int64_t ref, pyvm_pid pid, const char* reason) {
    enc e = {0};
    put8(&e, 4);
    put_cstr(&e, "DOWN");
    put8(&e, (uint64_t)ref);
    put8(&e, pid);
    put_cstr(&e, reason);
    pyvm_msg* m = finish_tuple(&e, pyvm_message_down_type());
    m->from = pid;
    return m;
}

pyvm_msg* pyvm_message_clone(const pyvm_msg* m) {
    /* Through envelope(): pyvm_message_free recycles every small envelope as one of
     * SMALL_DATA bytes, so a clone must have that capacity too. */
    pyvm_msg* c = envelope(m->len);
    memcpy(c, m, sizeof *c + m->len);
    atomic_init(&c->link.next, NULL);
    c->next = NULL;
    return c;
}

void pyvm_message_free(pyvm_msg* m) {
    if (m && m->len <= SMALL_DATA)
        pyvm_mag_put(smalls(), &small_depot, m);
    else
        free(m);
}

void pyvm_message_envelopes_drain(void) {
    pyvm_mag_flush(smalls());
    pyvm_depot_drain(&small_depot);
}
