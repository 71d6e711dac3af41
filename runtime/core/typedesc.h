/* Type descriptors: parsed from spec strings and interned, so equal types
 * are the same pointer. Grammar:
 *   i int | f float | b bool | n None | s str | F function value
 *   L(x) list | D(k,v) dict | T(a,b,...) tuple (T() empty) | C(x) closure cell
 *   P actor pid (a 64-bit serial, never reused; repr <pid 0.N>)
 *   A a dynamic value: the slot holds a box, a 1-tuple whose header type T(t)
 *     says what it holds (runtime/lang/dyn.h); repr, eq, hash, messages and the
 *     collector follow the box
 */
#ifndef PYVM_TYPEDESC_H
#define PYVM_TYPEDESC_H

#include "obj.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Same spec, same pointer; thread-safe. An invalid spec is a compiler bug:
 * it aborts with a message naming the spec. */
const pyvm_type* pyvm_type_intern(const char* spec);

/* Descriptors of the scalar types, valid before and after pyvm_rt_init. */
extern const pyvm_type pyvm_type_int;
extern const pyvm_type pyvm_type_float;
extern const pyvm_type pyvm_type_bool;
extern const pyvm_type pyvm_type_none;
extern const pyvm_type pyvm_type_str;
extern const pyvm_type pyvm_type_func;
extern const pyvm_type pyvm_type_pid;
extern const pyvm_type pyvm_type_dyn;

/* Python's name of the type, as in error messages: 'int', 'list', 'NoneType'... */
const char* pyvm_type_name(const pyvm_type* t);

/* The whole type as Python writes it, into out (NUL-terminated, truncated to
 * n bytes): int, str, NoneType, Pid, Any, list[int], dict[str, list[float]],
 * tuple[str, int], tuple[()]; None inside brackets, as typing writes it.
 * Returns the length it needed (snprintf's convention). */
size_t pyvm_type_pyname(const pyvm_type* t, char* out, size_t n);

#ifdef __cplusplus
}
#endif
#endif
