/* Generic operations on a slot, driven by its type descriptor: what lets the
 * runtime print, compare and hash container elements without the compiler. */
#ifndef PYVM_VALUE_H
#define PYVM_VALUE_H

#include "obj.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_str pyvm_str;
typedef struct pyvm_sb pyvm_sb;

/* Comparison operators, numbered like CPython's Py_LT..Py_GE. */
enum { PYVM_CMP_LT = 0, PYVM_CMP_LE = 1, PYVM_CMP_EQ = 2, PYVM_CMP_NE = 3, PYVM_CMP_GT = 4, PYVM_CMP_GE = 5 };

/* ==, with float semantics (nan != nan, -0.0 == 0.0) and element-wise
 * containers. CPython's identity shortcut (`x is y` implies equal) cannot be
 * seen on unboxed floats, so [nan] == [nan] is False here. */
bool pyvm_value_eq(const pyvm_type* t, uint64_t a, uint64_t b);
/* a <op> b as CPython evaluates it, TypeError for unorderable types. */
bool pyvm_value_richcompare(const pyvm_type* t, uint64_t a, uint64_t b, int op);
/* ==, as Python evaluates it between values of two types (each slot with its
 * own descriptor): boxes (A) by their content, int/float/bool by numeric value
 * (1 == 1.0 == True, exactly: 2**53 + 1 != 2.0**53), str/None/pid with their
 * own kind, lists with lists, tuples with tuples and dicts with dicts element
 * by element; any other pair is unequal ([1] != (1,)). */
bool pyvm_value_eq_mixed(const pyvm_type* ta, uint64_t a, const pyvm_type* tb, uint64_t b);
/* a <op> b across types: numbers mix, lists with lists and tuples with tuples
 * compare element by element; any other pair of kinds raises CPython's
 * TypeError ("'<' not supported between instances of 'int' and 'str'"). */
bool pyvm_value_richcompare_mixed(const pyvm_type* ta, uint64_t a, const pyvm_type* tb, uint64_t b, int op);
/* Three-way comparison for sorting helpers: <0, 0, >0 (nan compares equal to everything). */
int64_t pyvm_value_compare(const pyvm_type* t, uint64_t a, uint64_t b);
/* hash(x) as CPython 3.12 computes it (str: with PYTHONHASHSEED=0);
 * TypeError: unhashable type: 'list' for lists and dicts. */
int64_t pyvm_value_hash(const pyvm_type* t, uint64_t v);
/* CPython's hash of an int / float. */
int64_t pyvm_int_hash(int64_t v);
int64_t pyvm_float_hash(double v);

/* repr(x) and str(x) for any value by its descriptor. */
pyvm_str* pyvm_repr(const pyvm_type* t, uint64_t slot);
pyvm_str* pyvm_to_str(const pyvm_type* t, uint64_t slot);
void pyvm_repr_into(pyvm_sb* b, const pyvm_type* t, uint64_t slot);

#ifdef __cplusplus
}
#endif
#endif
