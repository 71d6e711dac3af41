/* The dynamic type (descriptor letter A): what `receive()` returns and what
 * `list[Any]` holds (compiler/pyvm/ACTORS.md §2, §3).
 *
 * A dynamic value is a pointer to a *box*: a 1-tuple (PYVM_KIND_TUPLE, len 1)
 * whose header type is T(t) for the value's type t, so box->type->args[0] is
 * the value's descriptor and box->items[0] its slot. Boxes are ordinary heap
 * tuples (the collector traces the slot by T(t)) and are immutable: a box is
 * never changed once made, so sharing one between containers is safe.
 * repr/str/eq/hash/compare of an A slot (runtime/core/value.c) and messages
 * (runtime/message) look through the box.
 *
 * Python type names in errors: int, float, bool, str, NoneType, Pid,
 * list[int], dict[str, int], tuple[str, int] (typedesc.h's pyvm_type_pyname). */
#ifndef PYVM_LANG_DYN_H
#define PYVM_LANG_DYN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/obj.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_str pyvm_str;

/* A new box holding v (of type t) in the current heap; a t of A is already a
 * box and is returned as is. */
void* pyvm_dyn_box(const pyvm_type* t, pyvm_slot v);
/* The boxed value's descriptor and slot. */
const pyvm_type* pyvm_dyn_type(void* box);
pyvm_slot pyvm_dyn_value(void* box);
/* isinstance(value, cls) for cls given as its PYVM_T_* tag: int, float, bool,
 * str, NoneType, list, dict, tuple, Pid. PYVM_T_INT accepts a bool, as Python does. */
bool pyvm_dyn_isinstance(void* box, int64_t tag);
/* The checked unboxing of `x: T = m`: the value as a T (a slot of T's layout),
 * else TypeError "expected int, got str". bool reads as int (0/1), int and bool
 * as float (the numeric tower); containers holding dynamic values are rebuilt
 * as T when every element fits (a list[Any] of ints as a list[int]); T of A
 * gives the box itself. */
pyvm_slot pyvm_dyn_expect(void* box, const pyvm_type* t);
/* len() of a tuple or list; -1 for anything else (sequence patterns of `match`). */
int64_t pyvm_dyn_seq_len(void* box);
/* Item i (0 <= i < len) of a tuple or list, as a new box (an A item as is). */
void* pyvm_dyn_item(void* box, int64_t i);
/* box == v (v of type t), Python's ==: across int, float and bool
 * (1 == 1.0 == True), containers element by element, [1] != (1,). */
bool pyvm_dyn_eq(void* box, const pyvm_type* t, pyvm_slot v);
/* str(value), repr(value). */
pyvm_str* pyvm_dyn_str(void* box);
pyvm_str* pyvm_dyn_repr(void* box);

/* ---- for the runtime's C code ---- */

/* T(t): the header type of a box holding a t (cached: no interning after the first). */
const pyvm_type* pyvm_dyn_box_type(const pyvm_type* t);
/* v (of type from) as a value of type to, by pyvm_dyn_expect's rules, into *out;
 * false (nothing raised) if it does not fit. */
bool pyvm_dyn_convert(const pyvm_type* to, const pyvm_type* from, pyvm_slot v, pyvm_slot* out);
/* The type of v as Python names it in "got ..." (a tuple element by element,
 * boxes by their content), into out (n bytes, NUL-terminated). */
void pyvm_dyn_value_type_name(const pyvm_type* t, pyvm_slot v, char* out, size_t n);

#ifdef __cplusplus
}
#endif
#endif
