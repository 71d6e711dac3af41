/* Boxes: the dynamic type's values (dyn.h). */
#include "dyn.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/dict.h"
#include "../core/error.h"
#include "../core/list.h"
#include "../core/str.h"
#include "../core/tuple.h"
#include "../core/typedesc.h"
#include "../core/value.h"

/* ---- box descriptors ----
 *
 * Every box needs T(t); interning takes a global spin lock and hashes the
 * spec, too slow for each received message. A fixed, insert-only table maps
 * t to T(t) by address (descriptors are immortal); it never needs more than
 * the number of distinct boxed types of a program, and a full neighbourhood
 * falls back to interning. */

enum { BOX_CACHE = 1024, BOX_PROBES = 8 };

static struct {
    const pyvm_type* _Atomic key;
    const pyvm_type* _Atomic box;
} box_cache[BOX_CACHE];

static const pyvm_type* intern_box_type(const pyvm_type* t) {
    size_t n = strlen(t->spec);
    char small[256];
    char* spec = n + 4 <= sizeof small ? small : malloc(n + 4);
    if (!spec)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    spec[0] = 'T';
    spec[1] = '(';
    memcpy(spec + 2, t->spec, n);
    spec[n + 2] = ')';
    spec[n + 3] = 0;
    const pyvm_type* bt = pyvm_type_intern(spec);
    if (spec != small)
        free(spec);
    return bt;
}

const pyvm_type* pyvm_dyn_box_type(const pyvm_type* t) {
    size_t h = (size_t)(((uintptr_t)t >> 3) * 0x9E3779B97F4A7C15ull >> 40);
    for (int probe = 0; probe < BOX_PROBES; probe++) {
        size_t i = (h + (size_t)probe) & (BOX_CACHE - 1);
        /* relaxed: the key is only compared, never dereferenced */
        const pyvm_type* key = atomic_load_explicit(&box_cache[i].key, memory_order_relaxed);
        if (key == t) {
            /* acquire: pairs with the release store below, so the descriptor it points to
             * (interned by another thread) is seen complete */
            const pyvm_type* bt = atomic_load_explicit(&box_cache[i].box, memory_order_acquire);
            return bt ? bt : intern_box_type(t); /* NULL: its writer is still interning */
        }
        if (key)
            continue;
        const pyvm_type* bt = intern_box_type(t);
        const pyvm_type* expected = NULL;
        /* relaxed: claiming the slot publishes nothing; the box pointer is published below */
        if (atomic_compare_exchange_strong_explicit(&box_cache[i].key, &expected, t, memory_order_relaxed,
                                                    memory_order_relaxed)) {
            /* release: a reader that loads it sees the interned descriptor's fields */
            atomic_store_explicit(&box_cache[i].box, bt, memory_order_release);
            return bt;
        }
        if (expected == t)
            return bt; /* another thread claimed it for the same type: same interned pointer */
    }
    return intern_box_type(t);
}

/* ---- boxes ---- */

/* A box's content; a NULL box (a zeroed A slot) reads as None. */
static const pyvm_type* box_type(const void* box) {
    return box ? ((const pyvm_tuple*)box)->h.type->args[0] : &pyvm_type_none;
}

static pyvm_slot box_value(const void* box) {
    return box ? ((const pyvm_tuple*)box)->items[0] : 0;
}

void* pyvm_dyn_box(const pyvm_type* t, pyvm_slot v) {
    if (t->tag == PYVM_T_DYN)
        return pyvm_slot_to_ptr(v);
    pyvm_tuple* box = pyvm_tuple_new(pyvm_dyn_box_type(t), 1);
    box->items[0] = v;
    return box;
}

const pyvm_type* pyvm_dyn_type(void* box) { return box_type(box); }

pyvm_slot pyvm_dyn_value(void* box) { return box_value(box); }

bool pyvm_dyn_isinstance(void* box, int64_t tag) {
    uint32_t have = box_type(box)->tag;
    return (int64_t)have == tag || (tag == PYVM_T_INT && have == PYVM_T_BOOL);
}

int64_t pyvm_dyn_seq_len(void* box) {
    const pyvm_type* t = box_type(box);
    if (t->tag == PYVM_T_LIST)
        return ((const pyvm_list*)pyvm_slot_to_ptr(box_value(box)))->len;
    if (t->tag == PYVM_T_TUPLE)
        return ((const pyvm_tuple*)pyvm_slot_to_ptr(box_value(box)))->len;
    return -1;
}

static const pyvm_type* tuple_elem(const pyvm_type* t, int64_t i) {
    return t->args[(uint32_t)i < t->nargs ? (uint32_t)i : t->nargs - 1];
}

void* pyvm_dyn_item(void* box, int64_t i) {
    const pyvm_type* t = box_type(box);
    if (t->tag == PYVM_T_LIST) {
        pyvm_list* l = pyvm_slot_to_ptr(box_value(box));
        if (i < 0 || i >= l->len)
            pyvm_raise(PYVM_EXC_INDEX, "list index out of range");
        return pyvm_dyn_box(t->args[0], l->items[i]);
    }
    if (t->tag == PYVM_T_TUPLE) {
        pyvm_tuple* tu = pyvm_slot_to_ptr(box_value(box));
        if (i < 0 || i >= tu->len)
            pyvm_raise(PYVM_EXC_INDEX, "tuple index out of range");
        return pyvm_dyn_box(tuple_elem(t, i), tu->items[i]);
    }
    pyvm_raisef(PYVM_EXC_TYPE, "'%s' object is not subscriptable", pyvm_type_name(t));
}

bool pyvm_dyn_eq(void* box, const pyvm_type* t, pyvm_slot v) {
    return pyvm_value_eq_mixed(&pyvm_type_dyn, pyvm_slot_from_ptr(box), t, v);
}

pyvm_str* pyvm_dyn_str(void* box) { return pyvm_to_str(box_type(box), box_value(box)); }

pyvm_str* pyvm_dyn_repr(void* box) { return pyvm_repr(box_type(box), box_value(box)); }

/* ---- checked conversion ---- */

bool pyvm_dyn_convert(const pyvm_type* to, const pyvm_type* from, pyvm_slot v, pyvm_slot* out) {
    while (from->tag == PYVM_T_DYN) {
        void* box = pyvm_slot_to_ptr(v);
        from = box_type(box);
        v = box_value(box);
    }
    if (to == from) {
        *out = v;
        return true;
    }
    switch (to->tag) {
    case PYVM_T_DYN:
        *out = pyvm_slot_from_ptr(pyvm_dyn_box(from, v));
        return true;
    case PYVM_T_INT:
        *out = v; /* a bool's slot is already 0 or 1 */
        return from->tag == PYVM_T_BOOL;
    case PYVM_T_FLOAT:
        if (from->tag != PYVM_T_INT && from->tag != PYVM_T_BOOL)
            return false;
        *out = pyvm_slot_from_float((double)(int64_t)v);
        return true;
    case PYVM_T_LIST: {
        if (from->tag != PYVM_T_LIST)
            return false;
        pyvm_list* src = pyvm_slot_to_ptr(v);
        pyvm_list* dst = pyvm_list_new(to, src->len);
        for (int64_t i = 0; i < src->len && i < dst->len; i++)
            if (!pyvm_dyn_convert(to->args[0], from->args[0], src->items[i], &dst->items[i]))
                return false;
        *out = pyvm_slot_from_ptr(dst);
        return true;
    }
    case PYVM_T_TUPLE: {
        if (from->tag != PYVM_T_TUPLE)
            return false;
        pyvm_tuple* src = pyvm_slot_to_ptr(v);
        if (src->len != (int64_t)to->nargs)
            return false;
        pyvm_tuple* dst = pyvm_tuple_new(to, src->len);
        for (int64_t i = 0; i < src->len; i++)
            if (!pyvm_dyn_convert(to->args[i], tuple_elem(from, i), src->items[i], &dst->items[i]))
                return false;
        *out = pyvm_slot_from_ptr(dst);
        return true;
    }
    case PYVM_T_DICT: {
        if (from->tag != PYVM_T_DICT)
            return false;
        pyvm_dict* src = pyvm_slot_to_ptr(v);
        pyvm_dict* dst = pyvm_dict_new(to);
        int64_t cursor = 0;
        pyvm_slot k, val, k2, v2;
        while (pyvm_dict_next_item(src, &cursor, &k, &val)) {
            if (!pyvm_dyn_convert(to->args[0], from->args[0], k, &k2) ||
                !pyvm_dyn_convert(to->args[1], from->args[1], val, &v2))
                return false;
            pyvm_dict_set(dst, k2, v2);
        }
        *out = pyvm_slot_from_ptr(dst);
        return true;
    }
    default:
        return false; /* scalars of another type; functions and cells are never boxed */
    }
}

/* ---- names of values' types ---- */

typedef struct {
    char* out;
    size_t n, len;
} text;

static void put(text* b, const char* s) {
    for (; *s; s++, b->len++)
        if (b->len + 1 < b->n)
            b->out[b->len] = *s;
    if (b->n)
        b->out[b->len < b->n ? b->len : b->n - 1] = 0;
}

static void name_value(text* b, const pyvm_type* t, pyvm_slot v, bool nested);

/* The distinct types of the values a container holds in A slots, as a union
 * "int | str" in order of first appearance ("Any" when there are none). */
static void name_union(text* b, const pyvm_slot* slots, int64_t n, size_t stride) {
    char seen[512] = "|";
    size_t seen_len = 1;
    int distinct = 0;
    for (int64_t i = 0; i < n && distinct < 8; i++) {
        char one[256];
        text tb = {one, sizeof one, 0};
        one[0] = 0;
        name_value(&tb, &pyvm_type_dyn, slots[(size_t)i * stride], true);
        char key[260];
        snprintf(key, sizeof key, "|%s|", one);
        if (strstr(seen, key))
            continue;
        if (seen_len + strlen(one) + 2 < sizeof seen) {
            memcpy(seen + seen_len, one, strlen(one));
            seen_len += strlen(one);
            seen[seen_len++] = '|';
            seen[seen_len] = 0;
        }
        put(b, distinct++ ? " | " : "");
        put(b, one);
    }
    if (!distinct)
        put(b, "Any");
}

static void name_value(text* b, const pyvm_type* t, pyvm_slot v, bool nested) {
    while (t->tag == PYVM_T_DYN) {
        void* box = pyvm_slot_to_ptr(v);
        t = box_type(box);
        v = box_value(box);
    }
    switch (t->tag) {
    case PYVM_T_TUPLE: {
        const pyvm_tuple* tu = pyvm_slot_to_ptr(v);
        put(b, "tuple[");
        if (tu->len == 0)
            put(b, "()");
        for (int64_t i = 0; i < tu->len; i++) {
            put(b, i ? ", " : "");
            name_value(b, tuple_elem(t, i), tu->items[i], true);
        }
        put(b, "]");
        return;
    }
    case PYVM_T_LIST:
        if (t->args[0]->tag == PYVM_T_DYN) {
            const pyvm_list* l = pyvm_slot_to_ptr(v);
            put(b, "list[");
            name_union(b, l->items, l->len, 1);
            put(b, "]");
            return;
        }
        break;
    case PYVM_T_DICT:
        if (t->args[0]->tag == PYVM_T_DYN || t->args[1]->tag == PYVM_T_DYN) {
            pyvm_dict* d = pyvm_slot_to_ptr(v);
            put(b, "dict[");
            for (int side = 0; side < 2; side++) {
                put(b, side ? ", " : "");
                if (t->args[side]->tag != PYVM_T_DYN) {
                    char one[256];
                    pyvm_type_pyname(t->args[side], one, sizeof one);
                    put(b, one);
                    continue;
                }
                /* live entries' keys or values, skipping deleted ones */
                pyvm_slot* slots = malloc(((size_t)d->len + 1) * sizeof *slots);
                int64_t n = 0, cursor = 0;
                pyvm_slot k, val;
                while (slots && pyvm_dict_next_item(d, &cursor, &k, &val))
                    slots[n++] = side ? val : k;
                name_union(b, slots, n, 1);
                free(slots);
            }
            put(b, "]");
            return;
        }
        break;
    case PYVM_T_NONE:
        put(b, nested ? "None" : "NoneType");
        return;
    default:
        break;
    }
    char one[512];
    pyvm_type_pyname(t, one, sizeof one);
    put(b, one);
}

void pyvm_dyn_value_type_name(const pyvm_type* t, pyvm_slot v, char* out, size_t n) {
    text b = {out, n, 0};
    if (n)
        out[0] = 0;
    name_value(&b, t, v, false);
}

pyvm_slot pyvm_dyn_expect(void* box, const pyvm_type* t) {
    if (t->tag == PYVM_T_DYN)
        return pyvm_slot_from_ptr(box);
    pyvm_slot out;
    if (pyvm_dyn_convert(t, &pyvm_type_dyn, pyvm_slot_from_ptr(box), &out))
        return out;
    char want[256], got[256];
    pyvm_type_pyname(t, want, sizeof want);
    pyvm_dyn_value_type_name(&pyvm_type_dyn, pyvm_slot_from_ptr(box), got, sizeof got);
    pyvm_raisef(PYVM_EXC_TYPE, "expected %s, got %s", want, got);
}
