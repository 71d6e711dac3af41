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

/* A box (descriptor A): a 1-tuple whose header type T(t) describes its slot. */
static void unbox(const pyvm_type** t, uint64_t* v) {
    while ((*t)->tag == PYVM_T_DYN) {
        const pyvm_tuple* box = pyvm_slot_to_ptr(*v);
        /* a zeroed A slot (a container not yet filled) reads as None */
        *t = box ? box->h.type->args[0] : &pyvm_type_none;
        *v = box ? box->items[0] : 0;
    }
}

static bool is_number(const pyvm_type* t) {
    return t->tag == PYVM_T_INT || t->tag == PYVM_T_BOOL || t->tag == PYVM_T_FLOAT;
}

/* int against float exactly, as CPython's float_richcompare: -1, 0, 1, or 2 if d is nan. */
static int cmp_int_float(int64_t i, double d) {
    if (d != d)
        return 2;
    if (d >= 9223372036854775808.0)
        return -1;
    if (d < -9223372036854775808.0)
        return 1;
    double fl = floor(d);
    int64_t whole = (int64_t)fl; /* exact: |fl| < 2**63 */
    if (i != whole)
        return i < whole ? -1 : 1;
    return d > fl ? -1 : 0;
}

/* Three-way comparison of two numbers (2: unordered, a nan). */
static int cmp_numbers(const pyvm_type* ta, uint64_t a, const pyvm_type* tb, uint64_t b) {
    bool fa = ta->tag == PYVM_T_FLOAT, fb = tb->tag == PYVM_T_FLOAT;
    if (fa && fb) {
        double x = pyvm_slot_to_float(a), y = pyvm_slot_to_float(b);
        return x < y ? -1 : x > y ? 1 : x == y ? 0 : 2;
    }
    if (fa) {
        int c = cmp_int_float((int64_t)b, pyvm_slot_to_float(a));
        return c == 2 ? 2 : -c;
    }
    if (fb)
        return cmp_int_float((int64_t)a, pyvm_slot_to_float(b));
    int64_t x = (int64_t)a, y = (int64_t)b;
    return x < y ? -1 : x > y;
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
    case PYVM_T_DYN:
        return pyvm_value_eq_mixed(t, a, t, b);
    default:
        return a == b; /* functions and cells compare by identity */
    }
}

static const pyvm_type* elem_at(const pyvm_type* t, int64_t i) {
    return t->args[(uint32_t)i < t->nargs ? (uint32_t)i : t->nargs - 1];
}

/* Sequences of one kind with different descriptors (list[int] and list[Any]):
 * the index of the first unequal pair, or the shorter length. */
static int64_t first_difference(const pyvm_type* ta, uint64_t a, const pyvm_type* tb, uint64_t b, int64_t* la,
                                int64_t* lb) {
    bool list = ta->tag == PYVM_T_LIST;
    const pyvm_list *al = list ? pyvm_slot_to_ptr(a) : NULL, *bl = list ? pyvm_slot_to_ptr(b) : NULL;
    const pyvm_tuple *at = list ? NULL : pyvm_slot_to_ptr(a), *bt = list ? NULL : pyvm_slot_to_ptr(b);
    int64_t i = 0;
    for (;; i++) {
        /* lengths re-read at each step: a list may change under an element's comparison */
        *la = list ? al->len : at->len;
        *lb = list ? bl->len : bt->len;
        if (i >= *la || i >= *lb)
            return i;
        bool same = list ? pyvm_value_eq_mixed(ta->args[0], al->items[i], tb->args[0], bl->items[i])
                         : pyvm_value_eq_mixed(elem_at(ta, i), at->items[i], elem_at(tb, i), bt->items[i]);
        if (!same)
            return i;
    }
}

static bool dict_eq_mixed(const pyvm_type* ta, pyvm_dict* a, const pyvm_type* tb, pyvm_dict* b) {
    if (a->len != b->len)
        return false;
    int64_t ca = 0;
    uint64_t ka, va;
    while (pyvm_dict_next_item(a, &ca, &ka, &va)) {
        /* Different key descriptors hash alike (hash(1) == hash(1.0)) but the
         * table of b probes with its own key type: a linear scan is exact. */
        int64_t cb = 0;
        uint64_t kb, vb;
        bool found = false;
        while (!found && pyvm_dict_next_item(b, &cb, &kb, &vb))
            found = pyvm_value_eq_mixed(ta->args[0], ka, tb->args[0], kb);
        if (!found || !pyvm_value_eq_mixed(ta->args[1], va, tb->args[1], vb))
            return false;
    }
    return true;
}

bool pyvm_value_eq_mixed(const pyvm_type* ta, uint64_t a, const pyvm_type* tb, uint64_t b) {
    unbox(&ta, &a);
    unbox(&tb, &b);
    if (ta == tb)
        return pyvm_value_eq(ta, a, b);
    if (is_number(ta) && is_number(tb))
        return cmp_numbers(ta, a, tb, b) == 0;
    if (ta->tag != tb->tag)
        return false;
    switch (ta->tag) {
    case PYVM_T_LIST:
    case PYVM_T_TUPLE: {
        if (a == b)
            return true;
        int64_t la, lb;
        int64_t i = first_difference(ta, a, tb, b, &la, &lb);
        return la == lb && i >= la;
    }
    case PYVM_T_DICT:
        return a == b || dict_eq_mixed(ta, pyvm_slot_to_ptr(a), tb, pyvm_slot_to_ptr(b));
    default:
        return pyvm_value_eq(ta, a, b); /* None, str and pid have one descriptor each; cells by identity */
    }
}

bool pyvm_value_richcompare_mixed(const pyvm_type* ta, uint64_t a, const pyvm_type* tb, uint64_t b, int op) {
    unbox(&ta, &a);
    unbox(&tb, &b);
    if (is_number(ta) && is_number(tb) && ta != tb) {
        int c = cmp_numbers(ta, a, tb, b);
        return c == 2 ? op == PYVM_CMP_NE : cmp_result(c, op);
    }
    if (ta == tb)
        return pyvm_value_richcompare(ta, a, b, op);
    if (op == PYVM_CMP_EQ || op == PYVM_CMP_NE)
        return pyvm_value_eq_mixed(ta, a, tb, b) == (op == PYVM_CMP_EQ);
    if (ta->tag == tb->tag && (ta->tag == PYVM_T_LIST || ta->tag == PYVM_T_TUPLE)) {
        int64_t la, lb;
        int64_t i = first_difference(ta, a, tb, b, &la, &lb);
        if (i >= la || i >= lb)
            return cmp_result(la < lb ? -1 : la > lb, op);
        if (ta->tag == PYVM_T_LIST) {
            const pyvm_list *al = pyvm_slot_to_ptr(a), *bl = pyvm_slot_to_ptr(b);
            return pyvm_value_richcompare_mixed(ta->args[0], al->items[i], tb->args[0], bl->items[i], op);
        }
        const pyvm_tuple *at = pyvm_slot_to_ptr(a), *bt = pyvm_slot_to_ptr(b);
        return pyvm_value_richcompare_mixed(elem_at(ta, i), at->items[i], elem_at(tb, i), bt->items[i], op);
    }
    pyvm_raisef(PYVM_EXC_TYPE, "'%s' not supported between instances of '%s' and '%s'", op_names[op],
                pyvm_type_name(ta), pyvm_type_name(tb));
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
    case PYVM_T_DYN:
        return pyvm_value_richcompare_mixed(t, a, t, b, op);
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
    unbox(&t, &v); /* hash(box) is its content's: 1, 1.0 and True stay one dict key */
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
    unbox(&t, &v);
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
    unbox(&t, &slot);
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
    unbox(&t, &slot);
    if (t->tag == PYVM_T_STR)
        return pyvm_slot_to_ptr(slot);
    return pyvm_repr(t, slot);
}
