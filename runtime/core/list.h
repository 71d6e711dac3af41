/* Lists: a header plus a separately allocated, growable array of 8-byte
 * slots. The element type is h.type->args[0]; it tells the runtime how to
 * compare, hash, print and (later) trace the slots. */
#ifndef PYVM_LIST_H
#define PYVM_LIST_H

#include "obj.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_str pyvm_str;

/* Layout: 0 header (kind PYVM_KIND_LIST, type L(x)), 16 len, 24 cap, 32 items.
 * Compiled code may read len and items[i] directly for 0 <= i < len. */
typedef struct pyvm_list {
    pyvm_obj h;
    int64_t len;
    int64_t cap;
    pyvm_slot* items;
} pyvm_list;

pyvm_list* pyvm_list_new(const pyvm_type* t, int64_t len);  /* len zeroed slots */
pyvm_list* pyvm_list_from_slots(const pyvm_type* t, const uint64_t* slots, int64_t n);
int64_t pyvm_list_len(pyvm_list* l);
uint64_t pyvm_list_get(pyvm_list* l, int64_t i);           /* negative i counts from the end */
void pyvm_list_set(pyvm_list* l, int64_t i, uint64_t v);
void pyvm_list_append(pyvm_list* l, uint64_t v);
uint64_t pyvm_list_pop(pyvm_list* l);                      /* last item */
uint64_t pyvm_list_pop_at(pyvm_list* l, int64_t i);
void pyvm_list_insert(pyvm_list* l, int64_t i, uint64_t v);
void pyvm_list_extend(pyvm_list* l, pyvm_list* other);
pyvm_list* pyvm_list_copy(pyvm_list* l);
pyvm_list* pyvm_list_concat(pyvm_list* a, pyvm_list* b);
pyvm_list* pyvm_list_repeat(pyvm_list* l, int64_t n);
void pyvm_list_inplace_repeat(pyvm_list* l, int64_t n);    /* l *= n */
int64_t pyvm_list_index(pyvm_list* l, uint64_t v);         /* ValueError: <repr> is not in list */
int64_t pyvm_list_index_range(pyvm_list* l, uint64_t v, int64_t start, int64_t stop, int64_t flags);
int64_t pyvm_list_count(pyvm_list* l, uint64_t v);
void pyvm_list_remove(pyvm_list* l, uint64_t v);
void pyvm_list_reverse(pyvm_list* l);
void pyvm_list_clear(pyvm_list* l);
/* Stable sort. keys: NULL to compare the items themselves, else a list of
 * the same length holding key(item) for each item (sorted along). */
void pyvm_list_sort(pyvm_list* l, pyvm_list* keys, bool reverse);
bool pyvm_list_contains(pyvm_list* l, uint64_t v);
bool pyvm_list_eq(pyvm_list* a, pyvm_list* b);
int64_t pyvm_list_compare(pyvm_list* a, pyvm_list* b);     /* <0, 0, >0; see pyvm_list_richcompare */
bool pyvm_list_richcompare(pyvm_list* a, pyvm_list* b, int op);  /* op: PYVM_CMP_* */
pyvm_list* pyvm_list_slice(pyvm_list* l, int64_t start, int64_t stop, int64_t step, int64_t flags);
void pyvm_list_del_slice(pyvm_list* l, int64_t start, int64_t stop, int64_t step, int64_t flags);
void pyvm_list_set_slice(pyvm_list* l, int64_t start, int64_t stop, int64_t step, int64_t flags,
                         pyvm_list* values);
void pyvm_list_del_item(pyvm_list* l, int64_t i);
/* Optional helpers; the element type decides the arithmetic. */
uint64_t pyvm_list_min(pyvm_list* l);   /* ValueError: min() arg is an empty sequence */
uint64_t pyvm_list_max(pyvm_list* l);
uint64_t pyvm_list_sum(pyvm_list* l);   /* int (overflow checked) or float */

#ifdef __cplusplus
}
#endif
#endif
