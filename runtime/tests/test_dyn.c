/* The dynamic type (descriptor A, runtime/lang/dyn.h): boxes, isinstance,
 * checked unboxing and its messages, Python's == across types, repr/str/hash
 * through boxes, and boxes in messages. */
#include "check.h"

#include <math.h>

#include "../lang/dyn.h"
#include "../message/message.h"

static const pyvm_type* T(const char* spec) { return pyvm_type_intern(spec); }
static pyvm_slot P(const void* p) { return pyvm_slot_from_ptr(p); }
static void* box_int(int64_t v) { return pyvm_dyn_box(&pyvm_type_int, (pyvm_slot)v); }
static void* box_str(const char* s) { return pyvm_dyn_box(&pyvm_type_str, P(S(s))); }
static void* box_float(double d) { return pyvm_dyn_box(&pyvm_type_float, pyvm_slot_from_float(d)); }
static void* box_bool(bool b) { return pyvm_dyn_box(&pyvm_type_bool, b); }
static void* box_none(void) { return pyvm_dyn_box(&pyvm_type_none, 0); }

static pyvm_list* list_of(const char* spec, int n, const pyvm_slot* items) {
    return pyvm_list_from_slots(T(spec), items, n);
}

static void descriptors(void) {
    const pyvm_type* a = T("A");
    CHECK(a == &pyvm_type_dyn && a->tag == PYVM_T_DYN && a->is_ref && a->nargs == 0);
    CHECK(T("L(A)")->args[0] == a && T("D(s,A)")->args[1] == a);
    char buf[128];
    pyvm_type_pyname(T("D(s,L(T(i,f)))"), buf, sizeof buf);
    CHECK(strcmp(buf, "dict[str, list[tuple[int, float]]]") == 0);
    pyvm_type_pyname(T("n"), buf, sizeof buf);
    CHECK(strcmp(buf, "NoneType") == 0);
    pyvm_type_pyname(T("L(n)"), buf, sizeof buf);
    CHECK(strcmp(buf, "list[None]") == 0);
    pyvm_type_pyname(T("T()"), buf, sizeof buf);
    CHECK(strcmp(buf, "tuple[()]") == 0);
    pyvm_type_pyname(T("T(P,A)"), buf, sizeof buf);
    CHECK(strcmp(buf, "tuple[Pid, Any]") == 0);
    CHECK(pyvm_type_pyname(T("L(i)"), buf, 4) == 9 && strcmp(buf, "lis") == 0);
}

static void boxes(void) {
    void* b = box_int(42);
    const pyvm_tuple* tu = b;
    CHECK(tu->h.kind == PYVM_KIND_TUPLE && tu->len == 1 && tu->h.type == T("T(i)"));
    CHECK(pyvm_dyn_type(b) == &pyvm_type_int && pyvm_dyn_value(b) == 42);
    CHECK(pyvm_dyn_box(&pyvm_type_dyn, P(b)) == b); /* an A value is already a box */
    CHECK(pyvm_dyn_box_type(T("L(s)")) == T("T(L(s))"));
    CHECK(pyvm_dyn_box_type(T("L(s)")) == T("T(L(s))")); /* cached */
    /* isinstance: bool is an int, not the other way round */
    CHECK(pyvm_dyn_isinstance(b, PYVM_T_INT) && !pyvm_dyn_isinstance(b, PYVM_T_FLOAT));
    CHECK(pyvm_dyn_isinstance(box_bool(true), PYVM_T_INT) && pyvm_dyn_isinstance(box_bool(true), PYVM_T_BOOL));
    CHECK(!pyvm_dyn_isinstance(b, PYVM_T_BOOL));
    CHECK(pyvm_dyn_isinstance(box_none(), PYVM_T_NONE) && !pyvm_dyn_isinstance(box_none(), PYVM_T_INT));
    CHECK(pyvm_dyn_isinstance(box_str("x"), PYVM_T_STR));
    CHECK(pyvm_dyn_isinstance(pyvm_dyn_box(&pyvm_type_pid, 7), PYVM_T_PID));
    pyvm_slot two[2] = {1, 2};
    void* bl = pyvm_dyn_box(T("L(i)"), P(list_of("L(i)", 2, two)));
    CHECK(pyvm_dyn_isinstance(bl, PYVM_T_LIST) && !pyvm_dyn_isinstance(bl, PYVM_T_TUPLE));
    void* bt = pyvm_dyn_box(T("T(s,i)"), P(pyvm_tuple_from_slots(T("T(s,i)"), (pyvm_slot[]){P(S("add")), 5}, 2)));
    CHECK(pyvm_dyn_isinstance(bt, PYVM_T_TUPLE));
    /* sequences for match */
    CHECK(pyvm_dyn_seq_len(bl) == 2 && pyvm_dyn_seq_len(bt) == 2 && pyvm_dyn_seq_len(b) == -1);
    CHECK(pyvm_dyn_seq_len(box_str("ab")) == -1);
    void* it = pyvm_dyn_item(bt, 0);
    CHECK(pyvm_dyn_type(it) == &pyvm_type_str);
    CHECK_STR(pyvm_dyn_str(it), "add");
    CHECK(pyvm_dyn_value(pyvm_dyn_item(bt, 1)) == 5 && pyvm_dyn_value(pyvm_dyn_item(bl, 1)) == 2);
    CHECK_RAISES(PYVM_EXC_INDEX, "tuple index out of range", pyvm_dyn_item(bt, 2));
    /* a list[Any]'s items are boxes already: returned as they are */
    pyvm_slot anys[1] = {P(b)};
    void* la = pyvm_dyn_box(T("L(A)"), P(list_of("L(A)", 1, anys)));
    CHECK(pyvm_dyn_item(la, 0) == b);
}

static void expect(void) {
    CHECK(pyvm_dyn_expect(box_int(3), &pyvm_type_int) == 3);
    CHECK(pyvm_dyn_expect(box_bool(true), &pyvm_type_int) == 1);
    CHECK(pyvm_slot_to_float(pyvm_dyn_expect(box_int(3), &pyvm_type_float)) == 3.0);
    void* s = box_str("hi");
    CHECK(pyvm_dyn_expect(s, &pyvm_type_str) == pyvm_dyn_value(s));
    CHECK(pyvm_dyn_expect(s, &pyvm_type_dyn) == P(s));
    CHECK_RAISES(PYVM_EXC_TYPE, "expected int, got str", pyvm_dyn_expect(s, &pyvm_type_int));
    CHECK_RAISES(PYVM_EXC_TYPE, "expected str, got int", pyvm_dyn_expect(box_int(1), &pyvm_type_str));
    CHECK_RAISES(PYVM_EXC_TYPE, "expected bool, got int", pyvm_dyn_expect(box_int(1), &pyvm_type_bool));
    CHECK_RAISES(PYVM_EXC_TYPE, "expected int, got float", pyvm_dyn_expect(box_float(1.0), &pyvm_type_int));
    CHECK_RAISES(PYVM_EXC_TYPE, "expected int, got NoneType", pyvm_dyn_expect(box_none(), &pyvm_type_int));
    CHECK_RAISES(PYVM_EXC_TYPE, "expected Pid, got int", pyvm_dyn_expect(box_int(1), &pyvm_type_pid));
    void* bt = pyvm_dyn_box(T("T(s,i)"), P(pyvm_tuple_from_slots(T("T(s,i)"), (pyvm_slot[]){P(S("a")), 5}, 2)));
    CHECK_RAISES(PYVM_EXC_TYPE, "expected int, got tuple[str, int]", pyvm_dyn_expect(bt, &pyvm_type_int));
    CHECK_RAISES(PYVM_EXC_TYPE, "expected tuple[int, int], got tuple[str, int]", pyvm_dyn_expect(bt, T("T(i,i)")));
    CHECK(pyvm_dyn_expect(bt, T("T(s,i)")) == pyvm_dyn_value(bt));
    pyvm_slot two[2] = {1, 2};
    void* bl = pyvm_dyn_box(T("L(i)"), P(list_of("L(i)", 2, two)));
    CHECK(pyvm_dyn_expect(bl, T("L(i)")) == pyvm_dyn_value(bl)); /* the same list, not a copy */
    CHECK_RAISES(PYVM_EXC_TYPE, "expected dict[str, int], got list[int]", pyvm_dyn_expect(bl, T("D(s,i)")));
    /* containers of dynamic values are rebuilt when every element fits */
    pyvm_slot anys[3] = {P(box_int(1)), P(box_bool(true)), P(box_int(3))};
    void* la = pyvm_dyn_box(T("L(A)"), P(list_of("L(A)", 3, anys)));
    pyvm_list* got = pyvm_slot_to_ptr(pyvm_dyn_expect(la, T("L(i)")));
    CHECK(got->h.type == T("L(i)") && got->len == 3 && got->items[0] == 1 && got->items[1] == 1 && got->items[2] == 3);
    anys[1] = P(box_str("x"));
    la = pyvm_dyn_box(T("L(A)"), P(list_of("L(A)", 3, anys)));
    CHECK_RAISES(PYVM_EXC_TYPE, "expected list[int], got list[int | str]", pyvm_dyn_expect(la, T("L(i)")));
    pyvm_slot mixed[2] = {P(box_str("k")), P(la)};
    void* tm = pyvm_dyn_box(T("T(A,A)"), P(pyvm_tuple_from_slots(T("T(A,A)"), mixed, 2)));
    CHECK_RAISES(PYVM_EXC_TYPE, "expected str, got tuple[str, list[int | str]]", pyvm_dyn_expect(tm, &pyvm_type_str));
    /* an empty list fits any list type */
    pyvm_list* e = pyvm_slot_to_ptr(pyvm_dyn_expect(pyvm_dyn_box(T("L(s)"), P(list_of("L(s)", 0, NULL))), T("L(i)")));
    CHECK(e->len == 0 && e->h.type == T("L(i)"));
}

static bool eq_ints(int64_t a, int64_t b) {
    return pyvm_dyn_eq(box_int(a), &pyvm_type_int, (pyvm_slot)b);
}

static void equality(void) {
    CHECK(eq_ints(1, 1) && !eq_ints(1, 2));
    CHECK(pyvm_dyn_eq(box_int(1), &pyvm_type_float, pyvm_slot_from_float(1.0)));
    CHECK(pyvm_dyn_eq(box_int(1), &pyvm_type_bool, 1));
    CHECK(pyvm_dyn_eq(box_bool(true), &pyvm_type_float, pyvm_slot_from_float(1.0)));
    CHECK(!pyvm_dyn_eq(box_int(1), &pyvm_type_float, pyvm_slot_from_float(1.5)));
    CHECK(!pyvm_dyn_eq(box_float(NAN), &pyvm_type_float, pyvm_slot_from_float(NAN)));
    /* exact int/float comparison: 2**53 + 1 is not 2.0**53 */
    CHECK(!pyvm_dyn_eq(box_int((INT64_C(1) << 53) + 1), &pyvm_type_float, pyvm_slot_from_float(9007199254740992.0)));
    CHECK(pyvm_dyn_eq(box_int(INT64_C(1) << 53), &pyvm_type_float, pyvm_slot_from_float(9007199254740992.0)));
    CHECK(!pyvm_dyn_eq(box_int(INT64_MAX), &pyvm_type_float, pyvm_slot_from_float(9223372036854775808.0)));
    CHECK(!pyvm_dyn_eq(box_int(1), &pyvm_type_str, P(S("1"))));
    CHECK(pyvm_dyn_eq(box_str("ab"), &pyvm_type_str, P(S("ab"))));
    CHECK(pyvm_dyn_eq(box_none(), &pyvm_type_none, 0) && !pyvm_dyn_eq(box_none(), &pyvm_type_int, 0));
    /* containers: element by element across descriptors; a list is never a tuple */
    pyvm_slot one[1] = {1};
    pyvm_list* l1 = list_of("L(i)", 1, one);
    void* bl = pyvm_dyn_box(T("L(i)"), P(l1));
    CHECK(!pyvm_dyn_eq(bl, T("T(i)"), P(pyvm_tuple_from_slots(T("T(i)"), one, 1))));
    pyvm_slot onef[1] = {pyvm_slot_from_float(1.0)};
    CHECK(pyvm_dyn_eq(bl, T("L(f)"), P(list_of("L(f)", 1, onef))));
    pyvm_slot oneany[1] = {P(box_bool(true))};
    CHECK(pyvm_dyn_eq(bl, T("L(A)"), P(list_of("L(A)", 1, oneany))));
    pyvm_slot two[2] = {1, 2};
    CHECK(!pyvm_dyn_eq(bl, T("L(i)"), P(list_of("L(i)", 2, two))));
    /* dicts: {1: "a"} == {1.0: "a"} (as boxes) */
    pyvm_dict* d1 = pyvm_dict_new(T("D(i,s)"));
    pyvm_dict_set(d1, 1, P(S("a")));
    pyvm_dict* d2 = pyvm_dict_new(T("D(A,A)"));
    pyvm_dict_set(d2, P(box_float(1.0)), P(box_str("a")));
    CHECK(pyvm_dyn_eq(pyvm_dyn_box(T("D(i,s)"), P(d1)), T("D(A,A)"), P(d2)));
    /* an A-keyed dict hashes through the box: 1, 1.0 and True are one key */
    pyvm_dict_set(d2, P(box_int(1)), P(box_str("b")));
    pyvm_dict_set(d2, P(box_bool(true)), P(box_str("c")));
    CHECK(pyvm_dict_len(d2) == 1);
    CHECK_STR(pyvm_repr(T("D(A,A)"), P(d2)), "{1.0: 'c'}");
    /* value.c's own operations on A slots */
    CHECK(pyvm_value_eq(&pyvm_type_dyn, P(box_int(2)), P(box_float(2.0))));
    CHECK(pyvm_value_richcompare(&pyvm_type_dyn, P(box_int(1)), P(box_float(1.5)), PYVM_CMP_LT));
    CHECK(pyvm_value_hash(&pyvm_type_dyn, P(box_str("x"))) == pyvm_str_hash(S("x")));
    CHECK_RAISES(PYVM_EXC_TYPE, "'<' not supported between instances of 'int' and 'str'",
                 pyvm_value_richcompare(&pyvm_type_dyn, P(box_int(1)), P(box_str("x")), PYVM_CMP_LT));
    CHECK(pyvm_value_richcompare_mixed(T("L(i)"), P(l1), T("L(A)"), P(list_of("L(A)", 1, (pyvm_slot[]){P(box_float(1.5))})),
                                       PYVM_CMP_LT));
}

static void text(void) {
    CHECK_STR(pyvm_dyn_repr(box_str("a'b")), "\"a'b\"");
    CHECK_STR(pyvm_dyn_str(box_str("ab")), "ab");
    CHECK_STR(pyvm_dyn_str(box_none()), "None");
    CHECK_STR(pyvm_dyn_repr(box_float(0.1)), "0.1");
    CHECK_STR(pyvm_dyn_repr(pyvm_dyn_box(&pyvm_type_pid, 3)), "<pid 0.3>");
    /* nested containers with dynamic values inside print their contents */
    pyvm_slot inner[2] = {P(box_str("x")), P(box_none())};
    pyvm_list* li = list_of("L(A)", 2, inner);
    pyvm_slot outer[3] = {P(box_int(1)), P(pyvm_dyn_box(T("L(A)"), P(li))),
                          P(pyvm_dyn_box(T("T(b)"), P(pyvm_tuple_from_slots(T("T(b)"), (pyvm_slot[]){1}, 1))))};
    pyvm_tuple* t = pyvm_tuple_from_slots(T("T(A,A,A)"), outer, 3);
    CHECK_STR(pyvm_repr(T("T(A,A,A)"), P(t)), "(1, ['x', None], (True,))");
    CHECK_STR(pyvm_dyn_str(pyvm_dyn_box(T("T(A,A,A)"), P(t))), "(1, ['x', None], (True,))");
    CHECK_STR(pyvm_to_str(&pyvm_type_dyn, P(box_str("plain"))), "plain");
    /* a zeroed A slot reads as None */
    CHECK_STR(pyvm_repr(T("L(A)"), P(pyvm_list_new(T("L(A)"), 1))), "[None]");
}

static void messages(void) {
    /* a list of boxes: each box travels with its own type, and comes back as a new box */
    pyvm_slot shared[1] = {7};
    pyvm_list* sl = list_of("L(i)", 1, shared);
    pyvm_slot items[5] = {P(box_int(1)), P(box_str("two")), P(pyvm_dyn_box(T("L(i)"), P(sl))),
                          P(pyvm_dyn_box(T("L(i)"), P(sl))), P(box_none())};
    pyvm_list* l = list_of("L(A)", 5, items);
    pyvm_msg* m = pyvm_message_encode(T("L(A)"), P(l));
    pyvm_list* back = pyvm_slot_to_ptr(pyvm_message_decode(m));
    pyvm_message_free(m);
    CHECK(back != l && back->h.type == T("L(A)") && back->len == 5);
    CHECK_STR(pyvm_repr(T("L(A)"), P(back)), "[1, 'two', [7], [7], None]");
    CHECK(pyvm_value_eq(T("L(A)"), P(back), P(l)));
    CHECK(back->items[0] != items[0] && pyvm_dyn_type(pyvm_slot_to_ptr(back->items[1])) == &pyvm_type_str);
    /* aliasing inside boxes is kept, as for any list */
    pyvm_list* a = pyvm_slot_to_ptr(pyvm_dyn_value(pyvm_slot_to_ptr(back->items[2])));
    pyvm_list* b = pyvm_slot_to_ptr(pyvm_dyn_value(pyvm_slot_to_ptr(back->items[3])));
    CHECK(a == b && a != sl);
    /* a box alone */
    pyvm_msg* m2 = pyvm_message_encode(&pyvm_type_dyn, P(box_float(2.5)));
    void* bb = pyvm_slot_to_ptr(pyvm_message_decode(m2));
    pyvm_message_free(m2);
    CHECK(pyvm_dyn_type(bb) == &pyvm_type_float && pyvm_slot_to_float(pyvm_dyn_value(bb)) == 2.5);
    /* clones are full-size envelopes (recycled as such) */
    pyvm_msg* small = pyvm_message_encode(T("T(i)"), P(pyvm_tuple_from_slots(T("T(i)"), (pyvm_slot[]){5}, 1)));
    pyvm_msg* c = pyvm_message_clone(small);
    CHECK(((pyvm_tuple*)pyvm_slot_to_ptr(pyvm_message_decode(c)))->items[0] == 5);
    pyvm_message_free(c);
    pyvm_message_free(small);
}

int main(void) {
    pyvm_rt_init();
    descriptors();
    boxes();
    expect();
    equality();
    text();
    messages();
    return check_done("test_dyn");
}
