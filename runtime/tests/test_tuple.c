/* tuple: construction, indexing, slicing, comparison, hashing, repr. */
#include "check.h"

#define P(x) pyvm_slot_from_ptr(x)

int main(void) {
    pyvm_rt_init();
    const pyvm_type* t2 = pyvm_type_intern("T(i,s)");
    uint64_t a[2] = {1, P(S("x"))};
    pyvm_tuple* t = pyvm_tuple_from_slots(t2, a, 2);
    CHECK(t->h.kind == PYVM_KIND_TUPLE && pyvm_tuple_len(t) == 2);
    CHECK(pyvm_tuple_get(t, 0) == 1);
    CHECK_REPR("T(i,s)", P(t), "(1, 'x')");
    CHECK_REPR("T()", P(pyvm_tuple_new(pyvm_type_intern("T()"), 0)), "()");
    pyvm_tuple* one = pyvm_tuple_new(pyvm_type_intern("T(f)"), 1);
    pyvm_tuple_set(one, 0, pyvm_slot_from_float(2.0));
    CHECK_REPR("T(f)", P(one), "(2.0,)");
    const pyvm_type* t3 = pyvm_type_intern("T(i,i,i)");
    uint64_t b[3] = {1, 2, 3};
    pyvm_tuple* u = pyvm_tuple_from_slots(t3, b, 3);
    CHECK(pyvm_tuple_getitem(u, -1) == 3);
    CHECK_RAISES(PYVM_EXC_INDEX, "tuple index out of range", pyvm_tuple_getitem(u, 3));
    CHECK_REPR("T(i,i)", P(pyvm_tuple_slice(u, pyvm_type_intern("T(i,i)"), 1, 0, 0, PYVM_SLICE_NO_STOP | PYVM_SLICE_NO_STEP)),
               "(2, 3)");
    CHECK(pyvm_tuple_contains(u, 2) && !pyvm_tuple_contains(u, 4));
    uint64_t c[3] = {1, 2, 4};
    pyvm_tuple* v = pyvm_tuple_from_slots(t3, c, 3);
    CHECK(pyvm_tuple_compare(u, v) < 0 && pyvm_tuple_compare(v, u) > 0 && pyvm_tuple_compare(u, u) == 0);
    CHECK(!pyvm_tuple_eq(u, v) && pyvm_tuple_eq(u, pyvm_tuple_from_slots(t3, b, 3)));
    CHECK(pyvm_tuple_richcompare(u, v, PYVM_CMP_LE) && !pyvm_tuple_richcompare(u, v, PYVM_CMP_GE));
    /* hash((1, 2)), hash(()), hash((1,)) and a str element (PYTHONHASHSEED=0) in CPython 3.12 */
    uint64_t d[2] = {1, 2};
    CHECK(pyvm_tuple_hash(pyvm_tuple_from_slots(pyvm_type_intern("T(i,i)"), d, 2)) == -3550055125485641917LL);
    CHECK(pyvm_tuple_hash(pyvm_tuple_new(pyvm_type_intern("T()"), 0)) == 5740354900026072187LL);
    uint64_t e[1] = {1};
    CHECK(pyvm_tuple_hash(pyvm_tuple_from_slots(pyvm_type_intern("T(i)"), e, 1)) == -6644214454873602895LL);
    uint64_t f[2] = {P(S("a")), 1};
    CHECK(pyvm_tuple_hash(pyvm_tuple_from_slots(pyvm_type_intern("T(s,i)"), f, 2)) == 6955645834154447545LL);
    /* Nested containers print like CPython. */
    const pyvm_type* nt = pyvm_type_intern("T(L(i),D(s,T(i,s)),b,n,f)");
    pyvm_list* l = pyvm_list_new(pyvm_type_intern("L(i)"), 2);
    pyvm_dict* dd = pyvm_dict_new(pyvm_type_intern("D(s,T(i,s))"));
    pyvm_dict_set(dd, P(S("a")), P(t));
    uint64_t g[5] = {P(l), P(dd), 1, 0, pyvm_slot_from_float(0.1)};
    CHECK_REPR("T(L(i),D(s,T(i,s)),b,n,f)", P(pyvm_tuple_from_slots(nt, g, 5)),
               "([0, 0], {'a': (1, 'x')}, True, None, 0.1)");
    return check_done("test_tuple");
}
