#include "dict.h"

#include <string.h>

#include "alloc.h"
#include "error.h"
#include "list.h"
#include "str.h"
#include "tuple.h"
#include "value.h"

enum { EMPTY = -1, DUMMY = -2, MIN_INDEX = 8, PERTURB_SHIFT = 5 };
#define DELETED_HASH (-1)

static const pyvm_type* key_type(const pyvm_dict* d) { return d->h.type->args[0]; }
static const pyvm_type* value_type(const pyvm_dict* d) { return d->h.type->args[1]; }

static int64_t hash_of(const pyvm_dict* d, uint64_t key) {
    const pyvm_type* kt = key_type(d);
    switch (kt->tag) {
    case PYVM_T_INT: return pyvm_int_hash((int64_t)key);
    case PYVM_T_STR: return pyvm_str_hash(pyvm_slot_to_ptr(key));
    default: return pyvm_value_hash(kt, key);
    }
}

static bool key_eq(const pyvm_dict* d, uint64_t a, uint64_t b) {
    const pyvm_type* kt = key_type(d);
    switch (kt->tag) {
    case PYVM_T_INT:
    case PYVM_T_BOOL: return a == b;
    case PYVM_T_STR: return pyvm_str_eq(pyvm_slot_to_ptr(a), pyvm_slot_to_ptr(b));
    default: return pyvm_value_eq(kt, a, b);
    }
}

pyvm_dict* pyvm_dict_new(const pyvm_type* t) {
    return pyvm_alloc_obj(PYVM_KIND_DICT, t, sizeof(pyvm_dict));
}

int64_t pyvm_dict_len(pyvm_dict* d) {
    return d->len;
}

/* Slot in the index table holding key's entry number, or -1. Probing is
 * CPython's (perturbed linear congruence), though only order of insertion
 * is observable. */
static int64_t lookup(const pyvm_dict* d, uint64_t key, int64_t hash, int64_t* slot_out) {
    if (!d->index) {
        *slot_out = -1;
        return -1;
    }
    uint64_t mask = (uint64_t)d->mask, perturb = (uint64_t)hash;
    uint64_t i = (uint64_t)hash & mask;
    for (;;) {
        int64_t ix = d->index[i];
        if (ix == EMPTY) {
            *slot_out = (int64_t)i;
            return -1;
        }
        if (ix >= 0) {
            const pyvm_dict_entry* e = &d->entries[ix];
            if (e->hash == hash && key_eq(d, e->key, key)) {
                *slot_out = (int64_t)i;
                return ix;
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + perturb + 1) & mask;
    }
}

static void insert_index(pyvm_dict* d, int64_t hash, int64_t ix) {
    uint64_t mask = (uint64_t)d->mask, perturb = (uint64_t)hash;
    uint64_t i = (uint64_t)hash & mask;
    while (d->index[i] != EMPTY) {
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + perturb + 1) & mask;
    }
    d->index[i] = ix;
}

/* Rebuilds the table for at least `need` live entries, dropping holes. */
static void resize(pyvm_dict* d, int64_t need) {
    int64_t cap = need < 5 ? 5 : need;
    int64_t isize = MIN_INDEX;
    while (isize * 2 < cap * 3) /* keep the index at most 2/3 full */
        isize *= 2;
    cap = isize * 2 / 3;
    pyvm_dict_entry* entries = pyvm_buf_alloc((size_t)cap * sizeof *entries);
    int64_t* index = pyvm_buf_alloc((size_t)isize * sizeof *index);
    memset(index, 0xff, (size_t)isize * sizeof *index); /* all EMPTY */
    int64_t n = 0;
    for (int64_t i = 0; i < d->used; i++)
        if (d->entries[i].hash != DELETED_HASH)
            entries[n++] = d->entries[i];
    pyvm_buf_free(d->entries, (size_t)d->cap * sizeof *entries);
    pyvm_buf_free(d->index, (size_t)(d->index ? d->mask + 1 : 0) * sizeof *index);
    d->entries = entries;
    d->index = index;
    d->cap = cap;
    d->mask = isize - 1;
    d->used = n;
    for (int64_t i = 0; i < n; i++)
        insert_index(d, entries[i].hash, i);
}

void pyvm_dict_set(pyvm_dict* d, uint64_t key, uint64_t value) {
    int64_t hash = hash_of(d, key), slot;
    int64_t ix = lookup(d, key, hash, &slot);
    if (ix >= 0) {
        d->entries[ix].value = value;
        return;
    }
    if (d->used >= d->cap) {
        /* Grow like CPython (GROWTH_RATE = used*3) so repeated set/del churn stays amortised O(1). */
        resize(d, d->len * 3 > 8 ? d->len * 3 : 8);
    }
    int64_t n = d->used++;
    d->entries[n].hash = hash;
    d->entries[n].key = key;
    d->entries[n].value = value;
    insert_index(d, hash, n);
    d->len++;
    d->version++;
}

bool pyvm_dict_lookup(pyvm_dict* d, uint64_t key, uint64_t* value_out) {
    int64_t slot, ix = lookup(d, key, hash_of(d, key), &slot);
    if (ix < 0)
        return false;
    if (value_out)
        *value_out = d->entries[ix].value;
    return true;
}

uint64_t pyvm_dict_get(pyvm_dict* d, uint64_t key) {
    uint64_t v;
    if (!pyvm_dict_lookup(d, key, &v))
        pyvm_raise_key_error(key_type(d), key);
    return v;
}

uint64_t pyvm_dict_get_default(pyvm_dict* d, uint64_t key, uint64_t dflt) {
    uint64_t v;
    return pyvm_dict_lookup(d, key, &v) ? v : dflt;
}

bool pyvm_dict_contains(pyvm_dict* d, uint64_t key) {
    return pyvm_dict_lookup(d, key, NULL);
}

/* Removes the entry for key; returns false if absent. */
static bool remove_key(pyvm_dict* d, uint64_t key, uint64_t* value_out) {
    int64_t slot, ix = lookup(d, key, hash_of(d, key), &slot);
    if (ix < 0)
        return false;
    if (value_out)
        *value_out = d->entries[ix].value;
    d->index[slot] = DUMMY;
    d->entries[ix].hash = DELETED_HASH;
    d->entries[ix].key = 0;
    d->entries[ix].value = 0;
    d->len--;
    d->version++;
    return true;
}

void pyvm_dict_del(pyvm_dict* d, uint64_t key) {
    if (!remove_key(d, key, NULL))
        pyvm_raise_key_error(key_type(d), key);
}

uint64_t pyvm_dict_pop(pyvm_dict* d, uint64_t key) {
    uint64_t v;
    if (!remove_key(d, key, &v))
        pyvm_raise_key_error(key_type(d), key);
    return v;
}

uint64_t pyvm_dict_pop_default(pyvm_dict* d, uint64_t key, uint64_t dflt) {
    uint64_t v;
    return remove_key(d, key, &v) ? v : dflt;
}

pyvm_tuple* pyvm_dict_popitem(pyvm_dict* d, const pyvm_type* tuple_type) {
    if (d->len == 0)
        pyvm_raise(PYVM_EXC_KEY, "'popitem(): dictionary is empty'");
    int64_t i = d->used - 1;
    while (d->entries[i].hash == DELETED_HASH)
        i--;
    uint64_t kv[2] = {d->entries[i].key, d->entries[i].value};
    remove_key(d, kv[0], NULL);
    /* Like CPython, drop the tail holes so later inserts reuse those entries. */
    d->used = i;
    return pyvm_tuple_from_slots(tuple_type, kv, 2);
}

uint64_t pyvm_dict_setdefault(pyvm_dict* d, uint64_t key, uint64_t dflt) {
    uint64_t v;
    if (pyvm_dict_lookup(d, key, &v))
        return v;
    pyvm_dict_set(d, key, dflt);
    return dflt;
}

int64_t pyvm_dict_next_item(pyvm_dict* d, int64_t* cursor, uint64_t* key_out, uint64_t* value_out) {
    int64_t i = *cursor;
    while (i < d->used && d->entries[i].hash == DELETED_HASH)
        i++;
    if (i >= d->used) {
        *cursor = i;
        return 0;
    }
    if (key_out)
        *key_out = d->entries[i].key;
    if (value_out)
        *value_out = d->entries[i].value;
    *cursor = i + 1;
    return 1;
}

int64_t pyvm_dict_next(pyvm_dict* d, int64_t* cursor, uint64_t* key_out) {
    return pyvm_dict_next_item(d, cursor, key_out, NULL);
}

void pyvm_dict_iter_init(pyvm_dict* d, pyvm_dict_iter* it) {
    it->pos = 0;
    it->len0 = d->len;
    it->remaining = d->len;
}

bool pyvm_dict_iter_next(pyvm_dict* d, pyvm_dict_iter* it, uint64_t* key_out, uint64_t* value_out) {
    if (d->len != it->len0) {
        it->len0 = -1; /* stays an error, as CPython's exhausted-by-error iterator */
        pyvm_raise(PYVM_EXC_RUNTIME, "dictionary changed size during iteration");
    }
    if (!pyvm_dict_next_item(d, &it->pos, key_out, value_out))
        return false;
    if (it->remaining-- <= 0)
        pyvm_raise(PYVM_EXC_RUNTIME, "dictionary keys changed during iteration");
    return true;
}

static pyvm_list* collect(pyvm_dict* d, const pyvm_type* list_type, int what) {
    pyvm_list* l = pyvm_list_new(list_type, d->len);
    int64_t n = 0;
    for (int64_t i = 0; i < d->used; i++) {
        const pyvm_dict_entry* e = &d->entries[i];
        if (e->hash == DELETED_HASH)
            continue;
        if (what == 0) {
            l->items[n++] = e->key;
        } else if (what == 1) {
            l->items[n++] = e->value;
        } else {
            uint64_t kv[2] = {e->key, e->value};
            l->items[n++] = pyvm_slot_from_ptr(pyvm_tuple_from_slots(list_type->args[0], kv, 2));
        }
    }
    return l;
}

pyvm_list* pyvm_dict_keys(pyvm_dict* d, const pyvm_type* list_type) { return collect(d, list_type, 0); }
pyvm_list* pyvm_dict_values(pyvm_dict* d, const pyvm_type* list_type) { return collect(d, list_type, 1); }
pyvm_list* pyvm_dict_items(pyvm_dict* d, const pyvm_type* list_type) { return collect(d, list_type, 2); }

bool pyvm_dict_eq(pyvm_dict* a, pyvm_dict* b) {
    if (a == b)
        return true;
    if (a->len != b->len)
        return false;
    const pyvm_type* vt = value_type(a);
    for (int64_t i = 0; i < a->used; i++) {
        const pyvm_dict_entry* e = &a->entries[i];
        if (e->hash == DELETED_HASH)
            continue;
        int64_t slot, ix = lookup(b, e->key, e->hash, &slot);
        if (ix < 0 || !pyvm_value_eq(vt, e->value, b->entries[ix].value))
            return false;
    }
    return true;
}

pyvm_dict* pyvm_dict_copy(pyvm_dict* d) {
    pyvm_dict* r = pyvm_dict_new(d->h.type);
    if (d->len) {
        resize(r, d->len);
        for (int64_t i = 0; i < d->used; i++) {
            const pyvm_dict_entry* e = &d->entries[i];
            if (e->hash == DELETED_HASH)
                continue;
            int64_t n = r->used++;
            r->entries[n] = *e;
            insert_index(r, e->hash, n);
            r->len++;
        }
    }
    return r;
}

void pyvm_dict_clear(pyvm_dict* d) {
    pyvm_buf_free(d->entries, (size_t)d->cap * sizeof(pyvm_dict_entry));
    pyvm_buf_free(d->index, (size_t)(d->index ? d->mask + 1 : 0) * sizeof(int64_t));
    d->entries = NULL;
    d->index = NULL;
    d->cap = d->used = d->len = d->mask = 0;
    d->version++;
}

void pyvm_dict_update(pyvm_dict* d, pyvm_dict* other) {
    int64_t cursor = 0;
    uint64_t k, v;
    /* Snapshot the bound: other may be d itself. */
    int64_t end = other->used;
    while (cursor < end && pyvm_dict_next_item(other, &cursor, &k, &v))
        pyvm_dict_set(d, k, v);
}
