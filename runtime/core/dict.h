/* Dicts: CPython's compact, insertion-ordered hash table. Entries are kept
 * in insertion order in a dense array; a separate power-of-two index table
 * maps hash probes to entry numbers. Deleting leaves a hole in the entry
 * array (skipped by iteration) until the next resize compacts it, so
 * iteration order is exactly CPython's. Keys: int, float, bool, str, tuples
 * of those (by the key descriptor). */
#ifndef PYVM_DICT_H
#define PYVM_DICT_H

#include "obj.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_list pyvm_list;
typedef struct pyvm_tuple pyvm_tuple;

/* A deleted entry has hash == -1 (no hash function returns -1, as in CPython). */
typedef struct pyvm_dict_entry {
    int64_t hash;
    pyvm_slot key;
    pyvm_slot value;
} pyvm_dict_entry;

/* Layout: 0 header (kind PYVM_KIND_DICT, type D(k,v)), 16 len (live items),
 * 24 used (entries filled, holes included), 32 cap (entry capacity),
 * 40 mask (index table size - 1), 48 index, 56 entries, 64 version. */
typedef struct pyvm_dict {
    pyvm_obj h;
    int64_t len;
    int64_t used;
    int64_t cap;
    int64_t mask;
    int64_t* index;
    pyvm_dict_entry* entries;
    uint64_t version; /* bumped by every insertion of a new key or deletion */
} pyvm_dict;

/* Iteration state for pyvm_dict_iter_next: detects mutation during a loop
 * like CPython ("dictionary changed size during iteration"). */
typedef struct pyvm_dict_iter {
    int64_t pos;
    int64_t len0;      /* len when the loop started */
    int64_t remaining; /* items not yet produced */
} pyvm_dict_iter;

pyvm_dict* pyvm_dict_new(const pyvm_type* t);
int64_t pyvm_dict_len(pyvm_dict* d);
uint64_t pyvm_dict_get(pyvm_dict* d, uint64_t key);                 /* KeyError: repr(key) */
uint64_t pyvm_dict_get_default(pyvm_dict* d, uint64_t key, uint64_t dflt);
/* Like get but reports presence instead of raising (for d.get(k) -> Optional). */
bool pyvm_dict_lookup(pyvm_dict* d, uint64_t key, uint64_t* value_out);
void pyvm_dict_set(pyvm_dict* d, uint64_t key, uint64_t value);
bool pyvm_dict_contains(pyvm_dict* d, uint64_t key);
void pyvm_dict_del(pyvm_dict* d, uint64_t key);                     /* KeyError */
uint64_t pyvm_dict_pop(pyvm_dict* d, uint64_t key);                 /* KeyError */
uint64_t pyvm_dict_pop_default(pyvm_dict* d, uint64_t key, uint64_t dflt);
/* d.popitem(): last inserted pair as a new 2-tuple of type tuple_type. */
pyvm_tuple* pyvm_dict_popitem(pyvm_dict* d, const pyvm_type* tuple_type);
uint64_t pyvm_dict_setdefault(pyvm_dict* d, uint64_t key, uint64_t dflt);
pyvm_list* pyvm_dict_keys(pyvm_dict* d, const pyvm_type* list_type);    /* list_type: L(k) */
pyvm_list* pyvm_dict_values(pyvm_dict* d, const pyvm_type* list_type);  /* L(v) */
pyvm_list* pyvm_dict_items(pyvm_dict* d, const pyvm_type* list_type);   /* L(T(k,v)) */
/* Next live entry at or after *cursor (start with 0): writes its key,
 * advances *cursor past it and returns 1; returns 0 at the end. No mutation
 * check: see pyvm_dict_iter_next. */
int64_t pyvm_dict_next(pyvm_dict* d, int64_t* cursor, uint64_t* key_out);
int64_t pyvm_dict_next_item(pyvm_dict* d, int64_t* cursor, uint64_t* key_out, uint64_t* value_out);
void pyvm_dict_iter_init(pyvm_dict* d, pyvm_dict_iter* it);
/* Returns false at the end; RuntimeError if the dict changed size (or its
 * keys changed) since pyvm_dict_iter_init. key_out / value_out may be NULL. */
bool pyvm_dict_iter_next(pyvm_dict* d, pyvm_dict_iter* it, uint64_t* key_out, uint64_t* value_out);
bool pyvm_dict_eq(pyvm_dict* a, pyvm_dict* b);
pyvm_dict* pyvm_dict_copy(pyvm_dict* d);
void pyvm_dict_clear(pyvm_dict* d);
void pyvm_dict_update(pyvm_dict* d, pyvm_dict* other);

#ifdef __cplusplus
}
#endif
#endif
