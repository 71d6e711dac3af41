#include "tuple.h"

#include <string.h>

#include "alloc.h"
#include "error.h"
#include "seq.h"
#include "value.h"

/* Element i's descriptor. A homogeneous variable-length tuple may be
 * described by a single argument, which then applies to every element. */
static const pyvm_type* at_type(const pyvm_type* t, int64_t i) {
    return t->args[i < (int64_t)t->nargs ? i : (int64_t)t->nargs - 1];
}

pyvm_tuple* pyvm_tuple_new(const pyvm_type* t, int64_t n) {
    if (n < 0 || n > INT64_MAX / 16)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    pyvm_tuple* tu = pyvm_alloc_obj(PYVM_KIND_TUPLE, t, sizeof(pyvm_tuple) + (size_t)n * sizeof(pyvm_slot));
    tu->len = n;
    return tu;
}

pyvm_tuple* pyvm_tuple_from_slots(const pyvm_type* t, const uint64_t* slots, int64_t n) {
    pyvm_tuple* tu = pyvm_tuple_new(t, n);
    if (n)
        memcpy(tu->items, slots, (size_t)n * sizeof(pyvm_slot));
    return tu;
}

int64_t pyvm_tuple_len(pyvm_tuple* t) {
    return t->len;
}

uint64_t pyvm_tuple_get(pyvm_tuple* t, int64_t i) {
    return t->items[i];
}

void pyvm_tuple_set(pyvm_tuple* t, int64_t i, uint64_t v) {
    t->items[i] = v;
}

uint64_t pyvm_tuple_getitem(pyvm_tuple* t, int64_t i) {
    if (i < 0)
        i += t->len;
    if ((uint64_t)i >= (uint64_t)t->len)
        pyvm_raise(PYVM_EXC_INDEX, "tuple index out of range");
    return t->items[i];
}

pyvm_tuple* pyvm_tuple_slice(pyvm_tuple* t, const pyvm_type* result_type, int64_t start, int64_t stop,
                             int64_t step, int64_t flags) {
    int64_t n = pyvm_slice_adjust(t->len, &start, &stop, &step, flags);
    pyvm_tuple* r = pyvm_tuple_new(result_type, n);
    for (int64_t i = 0, j = start; i < n; i++, j += step)
        r->items[i] = t->items[j];
    return r;
}

bool pyvm_tuple_eq(pyvm_tuple* a, pyvm_tuple* b) {
    if (a == b)
        return true;
    if (a->len != b->len)
        return false;
    for (int64_t i = 0; i < a->len; i++)
        if (!pyvm_value_eq(at_type(a->h.type, i), a->items[i], b->items[i]))
            return false;
    return true;
}

bool pyvm_tuple_richcompare(pyvm_tuple* a, pyvm_tuple* b, int op) {
    if (a->len != b->len && (op == PYVM_CMP_EQ || op == PYVM_CMP_NE))
        return op == PYVM_CMP_NE;
    int64_t i = 0;
    while (i < a->len && i < b->len && pyvm_value_eq(at_type(a->h.type, i), a->items[i], b->items[i]))
        i++;
    if (i >= a->len || i >= b->len) {
        int64_t x = a->len, y = b->len;
        switch (op) {
        case PYVM_CMP_LT: return x < y;
        case PYVM_CMP_LE: return x <= y;
        case PYVM_CMP_EQ: return x == y;
        case PYVM_CMP_NE: return x != y;
        case PYVM_CMP_GT: return x > y;
        default: return x >= y;
        }
    }
    if (op == PYVM_CMP_EQ)
        return false;
    if (op == PYVM_CMP_NE)
        return true;
    return pyvm_value_richcompare(at_type(a->h.type, i), a->items[i], b->items[i], op);
}

int64_t pyvm_tuple_compare(pyvm_tuple* a, pyvm_tuple* b) {
    if (pyvm_tuple_richcompare(a, b, PYVM_CMP_LT))
        return -1;
    if (pyvm_tuple_richcompare(b, a, PYVM_CMP_LT))
        return 1;
    return 0;
}

/* CPython 3.8+ tuplehash (an xxHash variant). */
int64_t pyvm_tuple_hash(pyvm_tuple* t) {
    const uint64_t P1 = 11400714785074694791ULL, P2 = 14029467366897019727ULL, P5 = 2870177450012600261ULL;
    uint64_t acc = P5;
    for (int64_t i = 0; i < t->len; i++) {
        uint64_t lane = (uint64_t)pyvm_value_hash(at_type(t->h.type, i), t->items[i]);
        acc += lane * P2;
        acc = (acc << 31) | (acc >> 33);
        acc *= P1;
    }
    acc += (uint64_t)t->len ^ (P5 ^ 3527539UL);
    if (acc == (uint64_t)-1)
        return 1546275796;
    return (int64_t)acc;
}

bool pyvm_tuple_contains(pyvm_tuple* t, uint64_t v) {
    for (int64_t i = 0; i < t->len; i++)
        if (pyvm_value_eq(at_type(t->h.type, i), t->items[i], v))
            return true;
    return false;
}
