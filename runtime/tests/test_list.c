/* list: growth, indexing, mutation, slices, sort, comparisons, repr. */
#include "check.h"

static const pyvm_type* LI;
static const pyvm_type* LF;
static const pyvm_type* LS;

static pyvm_list* ints(int n, const int64_t* v) {
    return pyvm_list_from_slots(LI, (const uint64_t*)v, n);
}

#define INTS(...) ints(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t), (int64_t[]){__VA_ARGS__})
#define R(l) pyvm_repr((l)->h.type, pyvm_slot_from_ptr(l))

static const int64_t NO_ALL = PYVM_SLICE_NO_START | PYVM_SLICE_NO_STOP | PYVM_SLICE_NO_STEP;

static void test_basics(void) {
    pyvm_list* l = pyvm_list_new(LI, 3);
    CHECK(l->h.kind == PYVM_KIND_LIST && l->h.type == LI);
    CHECK_STR(R(l), "[0, 0, 0]");
    pyvm_list_set(l, 0, 5);
    pyvm_list_set(l, -1, 7);
    CHECK(pyvm_list_get(l, 0) == 5 && pyvm_list_get(l, -1) == 7 && pyvm_list_get(l, 2) == 7);
    CHECK_RAISES(PYVM_EXC_INDEX, "list index out of range", pyvm_list_get(l, 3));
    CHECK_RAISES(PYVM_EXC_INDEX, "list index out of range", pyvm_list_get(l, -4));
    CHECK_RAISES(PYVM_EXC_INDEX, "list assignment index out of range", pyvm_list_set(l, 3, 1));
    for (int i = 0; i < 100000; i++)
        pyvm_list_append(l, (uint64_t)i);
    CHECK(pyvm_list_len(l) == 100003 && pyvm_list_get(l, -1) == 99999);
    pyvm_list* e = pyvm_list_new(LI, 0);
    CHECK_STR(R(e), "[]");
    CHECK_RAISES(PYVM_EXC_INDEX, "pop from empty list", pyvm_list_pop(e));
    CHECK_RAISES(PYVM_EXC_INDEX, "pop from empty list", pyvm_list_pop_at(e, 0));
    pyvm_list* p = INTS(1, 2, 3, 4);
    CHECK(pyvm_list_pop(p) == 4 && pyvm_list_pop_at(p, 0) == 1 && pyvm_list_pop_at(p, -1) == 3);
    CHECK_RAISES(PYVM_EXC_INDEX, "pop index out of range", pyvm_list_pop_at(p, 5));
    CHECK_STR(R(p), "[2]");
    pyvm_list_insert(p, 0, 1);
    pyvm_list_insert(p, 100, 9);
    pyvm_list_insert(p, -1, 8);
    pyvm_list_insert(p, -100, 0);
    CHECK_STR(R(p), "[0, 1, 2, 8, 9]");
    pyvm_list_extend(p, p);
    CHECK_STR(R(p), "[0, 1, 2, 8, 9, 0, 1, 2, 8, 9]");
    CHECK(pyvm_list_index(p, 8) == 3 && pyvm_list_count(p, 9) == 2);
    CHECK(pyvm_list_index_range(p, 8, 4, 0, PYVM_SLICE_NO_STOP) == 8);
    CHECK_RAISES(PYVM_EXC_VALUE, "5 is not in list", pyvm_list_index(p, 5));
    CHECK_RAISES(PYVM_EXC_VALUE, "8 is not in list", pyvm_list_index_range(p, 8, 4, 8, 0));
    pyvm_list_remove(p, 1);
    CHECK_STR(R(p), "[0, 2, 8, 9, 0, 1, 2, 8, 9]");
    CHECK_RAISES(PYVM_EXC_VALUE, "list.remove(x): x not in list", pyvm_list_remove(p, 42));
    CHECK(pyvm_list_contains(p, 9) && !pyvm_list_contains(p, 42));
    pyvm_list_reverse(p);
    CHECK_STR(R(p), "[9, 8, 2, 1, 0, 9, 8, 2, 0]");
    pyvm_list* c = pyvm_list_copy(p);
    pyvm_list_clear(p);
    CHECK(pyvm_list_len(p) == 0 && pyvm_list_len(c) == 9);
    CHECK_STR(R(pyvm_list_concat(INTS(1), INTS(2, 3))), "[1, 2, 3]");
    CHECK_STR(R(pyvm_list_repeat(INTS(1, 2), 3)), "[1, 2, 1, 2, 1, 2]");
    CHECK_STR(R(pyvm_list_repeat(INTS(1, 2), -1)), "[]");
    pyvm_list* r = INTS(1, 2);
    pyvm_list_inplace_repeat(r, 2);
    CHECK_STR(R(r), "[1, 2, 1, 2]");
    pyvm_list_del_item(r, 0);
    pyvm_list_del_item(r, -1);
    CHECK_STR(R(r), "[2, 1]");
    CHECK_RAISES(PYVM_EXC_INDEX, "list assignment index out of range", pyvm_list_del_item(r, 2));
    pyvm_list* s = pyvm_list_new(LS, 0);
    pyvm_list_append(s, pyvm_slot_from_ptr(S("a'b")));
    CHECK_RAISES(PYVM_EXC_VALUE, "'zz' is not in list", pyvm_list_index(s, pyvm_slot_from_ptr(S("zz"))));
    CHECK(pyvm_list_index(s, pyvm_slot_from_ptr(S("a'b"))) == 0);
}

static void test_slices(void) {
    pyvm_list* l = INTS(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    CHECK_STR(R(pyvm_list_slice(l, 2, 5, 0, PYVM_SLICE_NO_STEP)), "[2, 3, 4]");
    CHECK_STR(R(pyvm_list_slice(l, 0, 0, -3, PYVM_SLICE_NO_START | PYVM_SLICE_NO_STOP)), "[9, 6, 3, 0]");
    CHECK_STR(R(pyvm_list_slice(l, -2, 0, 0, PYVM_SLICE_NO_STOP | PYVM_SLICE_NO_STEP)), "[8, 9]");
    CHECK_STR(R(pyvm_list_slice(l, 0, 0, 0, NO_ALL)), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]");
    CHECK_RAISES(PYVM_EXC_VALUE, "slice step cannot be zero", pyvm_list_slice(l, 0, 1, 0, 0));
    pyvm_list* d = pyvm_list_copy(l);
    pyvm_list_del_slice(d, 0, 0, 2, PYVM_SLICE_NO_START | PYVM_SLICE_NO_STOP);
    CHECK_STR(R(d), "[1, 3, 5, 7, 9]");
    pyvm_list_del_slice(d, 0, 0, -2, PYVM_SLICE_NO_START | PYVM_SLICE_NO_STOP);
    CHECK_STR(R(d), "[3, 7]");
    pyvm_list_del_slice(d, 5, 1, 0, PYVM_SLICE_NO_STEP);
    CHECK_STR(R(d), "[3, 7]");
    pyvm_list_del_slice(d, 0, 1, 0, PYVM_SLICE_NO_STEP);
    CHECK_STR(R(d), "[7]");
    pyvm_list* a = INTS(0, 1, 2, 3, 4);
    pyvm_list_set_slice(a, 1, 3, 0, PYVM_SLICE_NO_STEP, INTS(9, 9, 9));
    CHECK_STR(R(a), "[0, 9, 9, 9, 3, 4]");
    pyvm_list_set_slice(a, 0, 0, 0, NO_ALL, a);
    CHECK_STR(R(a), "[0, 9, 9, 9, 3, 4]");
    pyvm_list_set_slice(a, 5, 2, 0, PYVM_SLICE_NO_STEP, INTS(7));
    CHECK_STR(R(a), "[0, 9, 9, 9, 3, 7, 4]");
    pyvm_list_set_slice(a, 0, 0, 3, PYVM_SLICE_NO_START | PYVM_SLICE_NO_STOP, INTS(-1, -2, -3));
    CHECK_STR(R(a), "[-1, 9, 9, -2, 3, 7, -3]");
    CHECK_RAISES(PYVM_EXC_VALUE, "attempt to assign sequence of size 1 to extended slice of size 3",
                 pyvm_list_set_slice(a, 0, 0, 3, PYVM_SLICE_NO_START | PYVM_SLICE_NO_STOP, INTS(1)));
}

static int64_t slot_i(uint64_t s) { return (int64_t)s; }

static void test_sort(void) {
    pyvm_list* l = INTS(5, -1, 3, 3, 0, 9, -7);
    pyvm_list_sort(l, NULL, false);
    CHECK_STR(R(l), "[-7, -1, 0, 3, 3, 5, 9]");
    pyvm_list_sort(l, NULL, true);
    CHECK_STR(R(l), "[9, 5, 3, 3, 0, -1, -7]");
    /* Stability, with keys and reversed: equal keys keep their original order. */
    pyvm_list* items = pyvm_list_new(LS, 0);
    pyvm_list* keys = pyvm_list_new(LI, 0);
    const char* words[] = {"bb", "a", "cc", "d", "ee", "f"};
    for (int i = 0; i < 6; i++) {
        pyvm_list_append(items, pyvm_slot_from_ptr(S(words[i])));
        pyvm_list_append(keys, (uint64_t)strlen(words[i]));
    }
    pyvm_list_sort(items, keys, false);
    CHECK_STR(R(items), "['a', 'd', 'f', 'bb', 'cc', 'ee']");
    pyvm_list_sort(items, keys, true);
    CHECK_STR(R(items), "['bb', 'cc', 'ee', 'a', 'd', 'f']");
    /* Large random input against a simple check. */
    pyvm_list* big = pyvm_list_new(LI, 0);
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 5000; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        pyvm_list_append(big, x % 1000);
    }
    pyvm_list_sort(big, NULL, false);
    int sorted = 1;
    for (int i = 1; i < 5000; i++)
        sorted &= slot_i(big->items[i - 1]) <= slot_i(big->items[i]);
    CHECK(sorted);
    pyvm_list* fl = pyvm_list_new(LF, 0);
    double fv[] = {2.5, -0.0, 1e300, -1e-300, 0.0};
    for (int i = 0; i < 5; i++)
        pyvm_list_append(fl, pyvm_slot_from_float(fv[i]));
    pyvm_list_sort(fl, NULL, false);
    CHECK_STR(R(fl), "[-1e-300, -0.0, 0.0, 2.5, 1e+300]");
    pyvm_list* sl = pyvm_list_new(LS, 0);
    const char* sv[] = {"b", "\xc3\xa9", "a", "B", ""};
    for (int i = 0; i < 5; i++)
        pyvm_list_append(sl, pyvm_slot_from_ptr(S(sv[i])));
    pyvm_list_sort(sl, NULL, false);
    CHECK_STR(R(sl), "['', 'B', 'a', 'b', '\xc3\xa9']");
    /* Lists of tuples sort lexicographically. */
    const pyvm_type* tt = pyvm_type_intern("T(i,s)");
    pyvm_list* tl = pyvm_list_new(pyvm_type_intern("L(T(i,s))"), 0);
    int64_t nums[] = {2, 1, 2, 1};
    const char* strs[] = {"b", "z", "a", "y"};
    for (int i = 0; i < 4; i++) {
        uint64_t s2[2] = {(uint64_t)nums[i], pyvm_slot_from_ptr(S(strs[i]))};
        pyvm_list_append(tl, pyvm_slot_from_ptr(pyvm_tuple_from_slots(tt, s2, 2)));
    }
    pyvm_list_sort(tl, NULL, false);
    CHECK_STR(R(tl), "[(1, 'y'), (1, 'z'), (2, 'a'), (2, 'b')]");
    pyvm_list* ll = pyvm_list_new(pyvm_type_intern("L(L(i))"), 0);
    pyvm_list_append(ll, pyvm_slot_from_ptr(INTS(1, 2)));
    pyvm_list_append(ll, pyvm_slot_from_ptr(INTS(1)));
    pyvm_list_append(ll, pyvm_slot_from_ptr(INTS(0, 5)));
    pyvm_list_sort(ll, NULL, false);
    CHECK_STR(R(ll), "[[0, 5], [1], [1, 2]]");
    pyvm_list* nl = pyvm_list_new(pyvm_type_intern("L(n)"), 2);
    CHECK_RAISES(PYVM_EXC_TYPE, "'<' not supported between instances of 'NoneType' and 'NoneType'",
                 pyvm_list_sort(nl, NULL, false));
}

static void test_compare(void) {
    CHECK(pyvm_list_eq(INTS(1, 2), INTS(1, 2)));
    CHECK(!pyvm_list_eq(INTS(1, 2), INTS(1, 3)));
    CHECK(!pyvm_list_eq(INTS(1, 2), INTS(1)));
    CHECK(pyvm_list_compare(INTS(1, 2), INTS(1, 3)) < 0);
    CHECK(pyvm_list_compare(INTS(1, 2), INTS(1)) > 0);
    CHECK(pyvm_list_compare(INTS(), INTS()) == 0);
    CHECK(pyvm_list_richcompare(INTS(1, 2), INTS(1, 2), PYVM_CMP_LE));
    CHECK(!pyvm_list_richcompare(INTS(1, 2), INTS(1, 2), PYVM_CMP_LT));
    CHECK(pyvm_list_richcompare(INTS(2), INTS(1, 5), PYVM_CMP_GT));
    CHECK(pyvm_list_richcompare(INTS(1), INTS(1, 5), PYVM_CMP_NE));
    pyvm_list* nan1 = pyvm_list_new(LF, 0);
    pyvm_list_append(nan1, pyvm_slot_from_float(__builtin_nan("")));
    CHECK(!pyvm_list_eq(nan1, pyvm_list_copy(nan1)));
    CHECK(pyvm_list_eq(nan1, nan1)); /* same object */
}

static void test_helpers(void) {
    CHECK(pyvm_list_min(INTS(3, 1, 2)) == 1 && pyvm_list_max(INTS(3, 1, 2)) == 3);
    CHECK_RAISES(PYVM_EXC_VALUE, "min() arg is an empty sequence", pyvm_list_min(INTS()));
    CHECK_RAISES(PYVM_EXC_VALUE, "max() arg is an empty sequence", pyvm_list_max(INTS()));
    CHECK(pyvm_list_sum(INTS(1, 2, 3)) == 6 && pyvm_list_sum(INTS()) == 0);
    CHECK_RAISES(PYVM_EXC_OVERFLOW, "integer overflow", pyvm_list_sum(INTS(INT64_MAX, 1)));
    pyvm_list* f = pyvm_list_new(LF, 0);
    for (int i = 0; i < 10; i++)
        pyvm_list_append(f, pyvm_slot_from_float(0.1));
    CHECK_STR(pyvm_float_repr(pyvm_slot_to_float(pyvm_list_sum(f))), "1.0"); /* 3.12 compensated sum */
}

int main(void) {
    pyvm_rt_init();
    LI = pyvm_type_intern("L(i)");
    LF = pyvm_type_intern("L(f)");
    LS = pyvm_type_intern("L(s)");
    test_basics();
    test_slices();
    test_sort();
    test_compare();
    test_helpers();
    return check_done("test_list");
}
