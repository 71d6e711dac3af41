/* dict: insertion order, deletion holes, resize, errors, iteration, repr. */
#include "check.h"

#define R(d) pyvm_repr((d)->h.type, pyvm_slot_from_ptr(d))
#define P(x) pyvm_slot_from_ptr(x)

static void test_int_keys(void) {
    const pyvm_type* t = pyvm_type_intern("D(i,i)");
    pyvm_dict* d = pyvm_dict_new(t);
    CHECK(d->h.kind == PYVM_KIND_DICT && pyvm_dict_len(d) == 0);
    CHECK_STR(R(d), "{}");
    pyvm_dict_set(d, 3, 30);
    pyvm_dict_set(d, 1, 10);
    pyvm_dict_set(d, 2, 20);
    pyvm_dict_set(d, 3, 33); /* update keeps position */
    CHECK_STR(R(d), "{3: 33, 1: 10, 2: 20}");
    CHECK(pyvm_dict_get(d, 1) == 10 && pyvm_dict_get_default(d, 9, 99) == 99);
    CHECK_RAISES(PYVM_EXC_KEY, "5", pyvm_dict_get(d, 5));
    CHECK_RAISES(PYVM_EXC_KEY, "-5", pyvm_dict_del(d, (uint64_t)-5));
    pyvm_dict_del(d, 3);
    pyvm_dict_set(d, 3, 3); /* re-insert goes to the end */
    CHECK_STR(R(d), "{1: 10, 2: 20, 3: 3}");
    CHECK(pyvm_dict_pop(d, 1) == 10 && pyvm_dict_pop_default(d, 1, 7) == 7);
    CHECK_RAISES(PYVM_EXC_KEY, "1", pyvm_dict_pop(d, 1));
    CHECK(pyvm_dict_setdefault(d, 2, 0) == 20 && pyvm_dict_setdefault(d, 8, 80) == 80);
    CHECK_STR(R(d), "{2: 20, 3: 3, 8: 80}");
    CHECK(pyvm_dict_contains(d, 8) && !pyvm_dict_contains(d, 1));
    uint64_t v;
    CHECK(pyvm_dict_lookup(d, 3, &v) && v == 3);
    /* Many insertions and deletions: order stays insertion order. */
    pyvm_dict* big = pyvm_dict_new(t);
    for (int64_t i = 0; i < 20000; i++)
        pyvm_dict_set(big, (uint64_t)(i * 7919 % 20011), (uint64_t)i);
    for (int64_t i = 0; i < 20000; i += 2)
        pyvm_dict_del(big, (uint64_t)(i * 7919 % 20011));
    CHECK(pyvm_dict_len(big) == 10000);
    int64_t cursor = 0, n = 0, expect = 1, ok = 1;
    uint64_t k, val;
    while (pyvm_dict_next_item(big, &cursor, &k, &val)) {
        ok &= (int64_t)val == expect && (int64_t)k == expect * 7919 % 20011;
        expect += 2;
        n++;
    }
    CHECK(ok && n == 10000);
    pyvm_dict* c = pyvm_dict_copy(big);
    CHECK(pyvm_dict_eq(c, big) && pyvm_dict_len(c) == 10000);
    pyvm_dict_set(c, 5, 5);
    CHECK(!pyvm_dict_eq(c, big));
    pyvm_dict_clear(c);
    CHECK(pyvm_dict_len(c) == 0);
    CHECK_STR(R(c), "{}");
    pyvm_dict_set(c, 1, 1);
    CHECK_STR(R(c), "{1: 1}");
}

static void test_other_keys(void) {
    pyvm_dict* d = pyvm_dict_new(pyvm_type_intern("D(s,L(T(i,f)))"));
    const pyvm_type* lt = pyvm_type_intern("L(T(i,f))");
    pyvm_list* l = pyvm_list_new(lt, 0);
    uint64_t tup[2] = {1, pyvm_slot_from_float(2.5)};
    pyvm_list_append(l, P(pyvm_tuple_from_slots(lt->args[0], tup, 2)));
    pyvm_dict_set(d, P(S("a")), P(l));
    pyvm_dict_set(d, P(S("it's")), P(pyvm_list_new(lt, 0)));
    CHECK_STR(R(d), "{'a': [(1, 2.5)], \"it's\": []}");
    CHECK(pyvm_dict_contains(d, P(pyvm_str_concat(S("i"), S("t's")))));
    CHECK_RAISES(PYVM_EXC_KEY, "'x'", pyvm_dict_get(d, P(S("x"))));
    CHECK_RAISES(PYVM_EXC_KEY, "'x'", pyvm_dict_pop(d, P(S("x"))));
    /* float keys: -0.0 and 0.0 are the same key, nan never matches */
    pyvm_dict* f = pyvm_dict_new(pyvm_type_intern("D(f,b)"));
    pyvm_dict_set(f, pyvm_slot_from_float(0.0), 1);
    pyvm_dict_set(f, pyvm_slot_from_float(-0.0), 0);
    pyvm_dict_set(f, pyvm_slot_from_float(1.5), 1);
    CHECK_STR(R(f), "{0.0: False, 1.5: True}");
    CHECK_RAISES(PYVM_EXC_KEY, "nan", pyvm_dict_get(f, pyvm_slot_from_float(__builtin_nan(""))));
    /* tuple keys */
    const pyvm_type* tt = pyvm_type_intern("T(i,s)");
    pyvm_dict* t = pyvm_dict_new(pyvm_type_intern("D(T(i,s),n)"));
    uint64_t k1[2] = {1, P(S("x"))};
    pyvm_dict_set(t, P(pyvm_tuple_from_slots(tt, k1, 2)), 0);
    uint64_t k2[2] = {1, P(S("x"))};
    CHECK(pyvm_dict_contains(t, P(pyvm_tuple_from_slots(tt, k2, 2))));
    CHECK_STR(R(t), "{(1, 'x'): None}");
    uint64_t k3[2] = {2, P(S("y"))};
    CHECK_RAISES(PYVM_EXC_KEY, "(2, 'y')", pyvm_dict_get(t, P(pyvm_tuple_from_slots(tt, k3, 2))));
    /* bool keys */
    pyvm_dict* b = pyvm_dict_new(pyvm_type_intern("D(b,i)"));
    pyvm_dict_set(b, 1, 5);
    CHECK_RAISES(PYVM_EXC_KEY, "False", pyvm_dict_get(b, 0));
    /* unhashable key type */
    pyvm_dict* u = pyvm_dict_new(pyvm_type_intern("D(L(i),i)"));
    CHECK_RAISES(PYVM_EXC_TYPE, "unhashable type: 'list'",
                 pyvm_dict_set(u, P(pyvm_list_new(pyvm_type_intern("L(i)"), 0)), 1));
}

static void test_views_and_iteration(void) {
    const pyvm_type* t = pyvm_type_intern("D(s,i)");
    pyvm_dict* d = pyvm_dict_new(t);
    pyvm_dict_set(d, P(S("x")), 1);
    pyvm_dict_set(d, P(S("y")), 2);
    pyvm_dict_set(d, P(S("z")), 3);
    pyvm_dict_del(d, P(S("y")));
    CHECK_REPR("L(s)", P(pyvm_dict_keys(d, pyvm_type_intern("L(s)"))), "['x', 'z']");
    CHECK_REPR("L(i)", P(pyvm_dict_values(d, pyvm_type_intern("L(i)"))), "[1, 3]");
    CHECK_REPR("L(T(s,i))", P(pyvm_dict_items(d, pyvm_type_intern("L(T(s,i))"))), "[('x', 1), ('z', 3)]");
    int64_t cursor = 0;
    uint64_t k;
    CHECK(pyvm_dict_next(d, &cursor, &k) && pyvm_str_eq(pyvm_slot_to_ptr(k), S("x")));
    CHECK(pyvm_dict_next(d, &cursor, &k) && pyvm_str_eq(pyvm_slot_to_ptr(k), S("z")));
    CHECK(!pyvm_dict_next(d, &cursor, &k));
    pyvm_dict_iter it;
    pyvm_dict_iter_init(d, &it);
    CHECK(pyvm_dict_iter_next(d, &it, &k, NULL));
    pyvm_dict_set(d, P(S("w")), 4);
    CHECK_RAISES(PYVM_EXC_RUNTIME, "dictionary changed size during iteration", pyvm_dict_iter_next(d, &it, &k, NULL));
    pyvm_dict_iter_init(d, &it);
    CHECK(pyvm_dict_iter_next(d, &it, &k, NULL));
    pyvm_dict_del(d, P(S("x")));
    pyvm_dict_set(d, P(S("v")), 5);
    CHECK(pyvm_dict_iter_next(d, &it, NULL, NULL));
    CHECK(pyvm_dict_iter_next(d, &it, NULL, NULL));
    CHECK_RAISES(PYVM_EXC_RUNTIME, "dictionary keys changed during iteration", pyvm_dict_iter_next(d, &it, NULL, NULL));
    pyvm_tuple* item = pyvm_dict_popitem(d, pyvm_type_intern("T(s,i)"));
    CHECK_REPR("T(s,i)", P(item), "('v', 5)");
    pyvm_dict* other = pyvm_dict_new(t);
    pyvm_dict_set(other, P(S("z")), 30);
    pyvm_dict_set(other, P(S("q")), 7);
    pyvm_dict_update(d, other);
    CHECK_STR(R(d), "{'z': 30, 'w': 4, 'q': 7}");
    pyvm_dict* e = pyvm_dict_new(t);
    CHECK_RAISES(PYVM_EXC_KEY, "'popitem(): dictionary is empty'", pyvm_dict_popitem(e, pyvm_type_intern("T(s,i)")));
}

int main(void) {
    pyvm_rt_init();
    test_int_keys();
    test_other_keys();
    test_views_and_iteration();
    return check_done("test_dict");
}
