#include "value.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dict.h"
#include "error.h"
#include "format.h"
#include "list.h"
#include "str.h"
#include "tuple.h"
#include "typedesc.h"

/* ---- equality and ordering ---- */

static const char* const op_names[] = {"<", "<=", "==", "!=", ">", ">="};

static _Noreturn void unorderable(const pyvm_type* t, int op) {
    const char* n = pyvm_type_name(t);
    pyvm_raisef(PYVM_EXC_TYPE, "'%s' not supported between instances of '%s' and '%s'", op_names[op], n, n);
}

static bool cmp_result(int c, int op) {
    switch (op) {
    case PYVM_CMP_LT: return c < 0;
    case PYVM_CMP_LE: return c <= 0;
    case PYVM_CMP_EQ: return c == 0;
    case PYVM_CMP_NE: return c != 0;
    case PYVM_CMP_GT: return c > 0;
    default: return c >= 0;
    }
}

bool pyvm_value_eq(const pyvm_type* t, uint64_t a, uint64_t b) {
    switch (t->tag) {
    case PYVM_T_INT:
    case PYVM_T_BOOL:
        return a == b;
    case PYVM_T_FLOAT:
        return pyvm_slot_to_float(a) == pyvm_slot_to_float(b);
    case PYVM_T_NONE:
        return true;
    case PYVM_T_STR:
        return pyvm_str_eq(pyvm_slot_to_ptr(a), pyvm_slot_to_ptr(b));
    case PYVM_T_LIST:
        return pyvm_list_eq(pyvm_slot_to_ptr(a), pyvm_slot_to_ptr(b));
    case PYVM_T_TUPLE:
        return pyvm_tuple_eq(pyvm_slot_to_ptr(a), pyvm_slot_to_ptr(b));
    case PYVM_T_DICT:
        return pyvm_dict_eq(pyvm_slot_to_ptr(a), pyvm_slot_to_ptr(b));
    default:
        return a == b; /* functions and cells compare by identity */
    }
}

bool pyvm_value_richcompare(const pyvm_type* t, uint64_t a, uint64_t b, int op) {
    switch (t->tag) {
    case PYVM_T_INT:
    case PYVM_T_BOOL:
    case PYVM_T_PID: { /* pids order by serial, i.e. by spawn order */
        int64_t x = (int64_t)a, y = (int64_t)b;
        return cmp_result(x < y ? -1 : x > y, op);
    }
    case PYVM_T_FLOAT: {
        double x = pyvm_slot_to_float(a), y = pyvm_slot_to_float(b);
        switch (op) {
        case PYVM_CMP_LT: return x < y;
        case PYVM_CMP_LE: return x <= y;
        case PYVM_CMP_EQ: return x == y;
        case PYVM_CMP_NE: return x != y;
        case PYVM_CMP_GT: return x > y;
        default: return x >= y;
        }
    }
    case PYVM_T_STR:
        return cmp_result((int)pyvm_str_compare(pyvm_slot_to_ptr(a), pyvm_slot_to_ptr(b)), op);
    case PYVM_T_LIST:
        return pyvm_list_richcompare(pyvm_slot_to_ptr(a), pyvm_slot_to_ptr(b), op);
    case PYVM_T_TUPLE:
        return pyvm_tuple_richcompare(pyvm_slot_to_ptr(a), pyvm_slot_to_ptr(b), op);
    default:
        if (op == PYVM_CMP_EQ)
            return pyvm_value_eq(t, a, b);
        if (op == PYVM_CMP_NE)
            return !pyvm_value_eq(t, a, b);
        unorderable(t, op);
    }
}

int64_t pyvm_value_compare(const pyvm_type* t, uint64_t a, uint64_t b) {
    if (pyvm_value_richcompare(t, a, b, PYVM_CMP_LT))
        return -1;
    if (pyvm_value_richcompare(t, b, a, PYVM_CMP_LT))
        return 1;
    return 0;
}

/* ---- hashing (CPython 3.12's algorithms, Python/pyhash.c) ---- */

#define HASH_BITS 61
#define HASH_MODULUS (((uint64_t)1 << HASH_BITS) - 1)

int64_t pyvm_int_hash(int64_t v) {
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    int64_t h = (int64_t)(u % HASH_MODULUS);
    if (v < 0)
        h = -h;
    return h == -1 ? -2 : h;
}

int64_t pyvm_float_hash(double v) {
    if (!isfinite(v))
        return isinf(v) ? (v > 0 ? 314159 : -314159) : 0;
    int e;
    double m = frexp(v, &e);
    int sign = 1;
    if (m < 0) {
        sign = -1;
        m = -m;
    }
    uint64_t x = 0;
    while (m) {
        x = ((x << 28) & HASH_MODULUS) | x >> (HASH_BITS - 28);
        m *= 268435456.0;
        e -= 28;
        uint64_t y = (uint64_t)m;
        m -= (double)y;
        x += y;
        if (x >= HASH_MODULUS)
            x -= HASH_MODULUS;
    }
    e = e >= 0 ? e % HASH_BITS : HASH_BITS - 1 - ((-1 - e) % HASH_BITS);
    x = ((x << e) & HASH_MODULUS) | x >> (HASH_BITS - e);
    x = x * (uint64_t)(int64_t)sign;
    if (x == (uint64_t)-1)
        x = (uint64_t)-2;
    return (int64_t)x;
}

int64_t pyvm_value_hash(const pyvm_type* t, uint64_t v) {
    switch (t->tag) {
    case PYVM_T_INT: return pyvm_int_hash((int64_t)v);
    case PYVM_T_PID: return pyvm_int_hash((int64_t)v);
    case PYVM_T_BOOL: return (int64_t)v;
    case PYVM_T_FLOAT: return pyvm_float_hash(pyvm_slot_to_float(v));
    case PYVM_T_STR: return pyvm_str_hash(pyvm_slot_to_ptr(v));
    case PYVM_T_TUPLE: return pyvm_tuple_hash(pyvm_slot_to_ptr(v));
    /* CPython 3.12 hashes None by address; any constant keeps dicts consistent. */
    case PYVM_T_NONE: return 0x1c0ffee;
    case PYVM_T_LIST:
    case PYVM_T_DICT:
        pyvm_raisef(PYVM_EXC_TYPE, "unhashable type: '%s'", pyvm_type_name(t));
    default: {
        /* _Py_HashPointer: rotate the address so aligned pointers spread. */
        uint64_t y = v;
        y = (y >> 4) | (y << 60);
        return (int64_t)y == -1 ? -2 : (int64_t)y;
    }
    }
}

/* ---- repr ---- */

void pyvm_repr_into(pyvm_sb* b, const pyvm_type* t, uint64_t v) {
    char buf[64];
    switch (t->tag) {
    case PYVM_T_INT:
        snprintf(buf, sizeof buf, "%lld", (long long)(int64_t)v);
        pyvm_sb_puts(b, buf);
        return;
    case PYVM_T_FLOAT:
        pyvm_float_repr_buf(pyvm_slot_to_float(v), buf);
        pyvm_sb_puts(b, buf);
        return;
    case PYVM_T_BOOL:
        pyvm_sb_puts(b, v ? "True" : "False");
        return;
    case PYVM_T_NONE:
        pyvm_sb_puts(b, "None");
        return;
    case PYVM_T_STR:
        pyvm_sb_put_str(b, pyvm_str_repr(pyvm_slot_to_ptr(v)));
        return;
    case PYVM_T_LIST: {
        pyvm_list* l = pyvm_slot_to_ptr(v);
        const pyvm_type* et = t->args[0];
        pyvm_sb_putc(b, '[');
        for (int64_t i = 0; i < l->len; i++) {
            if (i)
                pyvm_sb_puts(b, ", ");
            pyvm_repr_into(b, et, l->items[i]);
        }
        pyvm_sb_putc(b, ']');
        return;
    }
    case PYVM_T_TUPLE: {
        pyvm_tuple* tu = pyvm_slot_to_ptr(v);
        pyvm_sb_putc(b, '(');
        for (int64_t i = 0; i < tu->len; i++) {
            if (i)
                pyvm_sb_puts(b, ", ");
            pyvm_repr_into(b, t->args[i < t->nargs ? i : t->nargs - 1], tu->items[i]);
        }
        if (tu->len == 1)
            pyvm_sb_putc(b, ',');
        pyvm_sb_putc(b, ')');
        return;
    }
    case PYVM_T_DICT: {
        pyvm_dict* d = pyvm_slot_to_ptr(v);
        int64_t cursor = 0;
        uint64_t k, val;
        bool first = true;
        pyvm_sb_putc(b, '{');
        while (pyvm_dict_next_item(d, &cursor, &k, &val)) {
            if (!first)
                pyvm_sb_puts(b, ", ");
            first = false;
            pyvm_repr_into(b, t->args[0], k);
            pyvm_sb_puts(b, ": ");
            pyvm_repr_into(b, t->args[1], val);
        }
        pyvm_sb_putc(b, '}');
        return;
    }
    case PYVM_T_PID:
        /* <pid NODE.SERIAL>: node 0 is this process (there is no distribution yet). */
        /* a pid is (generation << 32) | number: the first actor of a record shows its number
         * alone, later ones the generation too, as Erlang's <0.N.S> */
        if (v >> 32)
            snprintf(buf, sizeof buf, "<pid 0.%llu.%llu>", (unsigned long long)(v & 0xffffffffu),
                     (unsigned long long)(v >> 32));
        else
            snprintf(buf, sizeof buf, "<pid 0.%llu>", (unsigned long long)v);
        pyvm_sb_puts(b, buf);
        return;
    case PYVM_T_FUNC: {
        pyvm_closure* c = pyvm_slot_to_ptr(v);
        pyvm_sb_puts(b, "<function ");
        if (c && c->name)
            pyvm_sb_put_str(b, pyvm_str_from_cstr(c->name));
        snprintf(buf, sizeof buf, " at %#llx>", (unsigned long long)v);
        pyvm_sb_puts(b, buf);
        return;
    }
    default:
        snprintf(buf, sizeof buf, "<cell at %#llx>", (unsigned long long)v);
        pyvm_sb_puts(b, buf);
        return;
    }
}

pyvm_str* pyvm_repr(const pyvm_type* t, uint64_t slot) {
    switch (t->tag) {
    case PYVM_T_INT: return pyvm_int_to_str((int64_t)slot);
    case PYVM_T_FLOAT: return pyvm_float_repr(pyvm_slot_to_float(slot));
    case PYVM_T_BOOL: return pyvm_bool_to_str(slot != 0);
    case PYVM_T_NONE: return pyvm_none_to_str();
    case PYVM_T_STR: return pyvm_str_repr(pyvm_slot_to_ptr(slot));
    default: {
        pyvm_sb b;
        pyvm_sb_init(&b);
        pyvm_repr_into(&b, t, slot);
        return pyvm_sb_finish(&b);
    }
    }
}

pyvm_str* pyvm_to_str(const pyvm_type* t, uint64_t slot) {
    if (t->tag == PYVM_T_STR)
        return pyvm_slot_to_ptr(slot);
    return pyvm_repr(t, slot);
}
