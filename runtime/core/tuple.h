/* Tuples: fixed-size, slots inline after the header. Element i has type
 * h.type->args[i]. */
#ifndef PYVM_TUPLE_H
#define PYVM_TUPLE_H

#include "obj.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Layout: 0 header (kind PYVM_KIND_TUPLE, type T(...)), 16 len, 24 items[len]. */
typedef struct pyvm_tuple {
    pyvm_obj h;
    int64_t len;
    pyvm_slot items[];
} pyvm_tuple;

pyvm_tuple* pyvm_tuple_new(const pyvm_type* t, int64_t n);   /* zeroed slots */
pyvm_tuple* pyvm_tuple_from_slots(const pyvm_type* t, const uint64_t* slots, int64_t n);
int64_t pyvm_tuple_len(pyvm_tuple* t);
uint64_t pyvm_tuple_get(pyvm_tuple* t, int64_t i);           /* 0 <= i < len, no check */
void pyvm_tuple_set(pyvm_tuple* t, int64_t i, uint64_t v);   /* only while building */
uint64_t pyvm_tuple_getitem(pyvm_tuple* t, int64_t i);       /* t[i]: negative i, IndexError */
/* t[start:stop:step]; result_type is the descriptor of the sliced tuple. */
pyvm_tuple* pyvm_tuple_slice(pyvm_tuple* t, const pyvm_type* result_type, int64_t start, int64_t stop,
                             int64_t step, int64_t flags);
bool pyvm_tuple_eq(pyvm_tuple* a, pyvm_tuple* b);
int64_t pyvm_tuple_compare(pyvm_tuple* a, pyvm_tuple* b);
bool pyvm_tuple_richcompare(pyvm_tuple* a, pyvm_tuple* b, int op);
int64_t pyvm_tuple_hash(pyvm_tuple* t);
bool pyvm_tuple_contains(pyvm_tuple* t, uint64_t v);         /* homogeneous tuples */

#ifdef __cplusplus
}
#endif
#endif
