/* Object header and type descriptors: the layout compiled code and the
 * (later) per-actor garbage collector rely on. Changing anything here is an
 * ABI break for the LLVM and x86-64 backends. */
#ifndef PYVM_OBJ_H
#define PYVM_OBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every heap value starts with this 16-byte header.
 *
 *   offset 0  uint32_t kind   PYVM_KIND_*: lets the runtime dispatch without a descriptor
 *   offset 4  uint32_t gc     reserved for the per-actor collector (mark bits, age); 0 today
 *   offset 8  type            the value's type descriptor (NULL for str, whose layout is fixed);
 *                             the collector traces children through it
 */
typedef struct pyvm_type pyvm_type;

typedef struct pyvm_obj {
    uint32_t kind;
    uint32_t gc;
    const pyvm_type* type;
} pyvm_obj;

enum {
    PYVM_KIND_STR = 1,
    PYVM_KIND_LIST = 2,
    PYVM_KIND_DICT = 3,
    PYVM_KIND_TUPLE = 4,
    PYVM_KIND_CELL = 5,
    PYVM_KIND_CLOSURE = 6,
};

/* What a descriptor describes (pyvm_type.tag); one per letter of the spec grammar. */
typedef enum pyvm_tag {
    PYVM_T_INT = 0,   /* i */
    PYVM_T_FLOAT,     /* f */
    PYVM_T_BOOL,      /* b */
    PYVM_T_NONE,      /* n */
    PYVM_T_STR,       /* s */
    PYVM_T_LIST,      /* L(x) */
    PYVM_T_DICT,      /* D(k,v) */
    PYVM_T_TUPLE,     /* T(a,b,...) */
    PYVM_T_FUNC,      /* F */
    PYVM_T_CELL,      /* C(x): closure cell holding one x (runtime extension of the grammar) */
    PYVM_T_PID,       /* P: an actor's process identifier, a 64-bit serial (runtime/include/pyvm/actors.h) */
    PYVM_T_DYN,       /* A: a dynamic value, the slot holds a box (runtime/lang/dyn.h) */
} pyvm_tag;

/* Interned, immutable, never freed: compare descriptors by pointer.
 *   offset 0   uint32_t tag
 *   offset 4   uint32_t nargs      element descriptors: 1 for L/C, 2 for D, n for T(...)
 *   offset 8   const char* spec    canonical spec string
 *   offset 16  args                element descriptors
 *   offset 24  uint8_t is_ref      slots of this type hold a heap pointer (GC must trace them)
 */
struct pyvm_type {
    uint32_t tag;
    uint32_t nargs;
    const char* spec;
    const pyvm_type* const* args;
    uint8_t is_ref;
};

/* Containers store every element in an 8-byte slot: int as its bits, float as
 * its IEEE-754 bits, bool as 0/1, None as 0, heap values as their address.
 * Like every inline function of the runtime's headers these are C99 inline
 * definitions: one .c file (here typedesc.c) emits the exported symbol, so
 * compiled code can call them too. */
typedef uint64_t pyvm_slot;

inline pyvm_slot pyvm_slot_from_float(double d) {
    pyvm_slot s;
    __builtin_memcpy(&s, &d, sizeof s);
    return s;
}

inline double pyvm_slot_to_float(pyvm_slot s) {
    double d;
    __builtin_memcpy(&d, &s, sizeof d);
    return d;
}

inline pyvm_slot pyvm_slot_from_ptr(const void* p) { return (pyvm_slot)(uintptr_t)p; }
inline void* pyvm_slot_to_ptr(pyvm_slot s) { return (void*)(uintptr_t)s; }

/* A closure cell (a variable captured by an inner function and assigned after
 * capture). type is the cell's descriptor C(x). */
typedef struct pyvm_cell {
    pyvm_obj h;       /* kind PYVM_KIND_CELL */
    pyvm_slot value;  /* offset 16 */
} pyvm_cell;

/* A function value. Provisional: the compiler owns the calling convention,
 * the runtime only needs a name to print and the captured cells to trace.
 *   offset 16 code, 24 name (qualified name, NUL-terminated UTF-8),
 *   offset 32 ncaptures, 40 captures[ncaptures] (slots typed by the compiler) */
typedef struct pyvm_closure {
    pyvm_obj h;       /* kind PYVM_KIND_CLOSURE, type = F */
    void* code;
    const char* name;
    int64_t ncaptures;
    pyvm_slot captures[];
} pyvm_closure;

#ifdef __cplusplus
}
#endif
#endif
