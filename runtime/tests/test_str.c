/* str: construction, storage width, sequence protocol, hashing, methods. */
#include "check.h"

static const int64_t ALL = PYVM_SLICE_NO_START | PYVM_SLICE_NO_STOP | PYVM_SLICE_NO_STEP;

static void test_construction(void) {
    pyvm_str* a = S("hello");
    CHECK(a->len == 5 && a->width == 1 && a->ascii);
    CHECK(a->h.kind == PYVM_KIND_STR && a->h.type == NULL);
    pyvm_str* b = S("h\xc3\xa9llo");          /* é: Latin-1, still one byte wide */
    CHECK(b->len == 5 && b->width == 1 && !b->ascii);
    pyvm_str* c = S("\xe6\xbc\xa2\xe5\xad\x97");  /* 漢字 */
    CHECK(c->len == 2 && c->width == 2);
    pyvm_str* d = S("a\xf0\x9f\x98\x80");       /* a😀 */
    CHECK(d->len == 2 && d->width == 4 && pyvm_str_get(d, 1) == 0x1f600);
    CHECK(pyvm_str_len(pyvm_str_empty()) == 0);
    CHECK(pyvm_str_from_char('x') == pyvm_str_from_char('x')); /* cached */
    uint32_t cps[] = {0x41, 0x3a3, 0x10ffff};
    pyvm_str* e = pyvm_str_from_ucs4(cps, 3);
    CHECK(e->width == 4 && pyvm_str_get(e, 2) == 0x10ffff);
    CHECK_STR(pyvm_str_from_ascii("xyz", 3), "xyz");
    /* UTF-8 round trip, including a lone surrogate kept as WTF-8. */
    const char* w = "\xed\xa0\x80z";
    pyvm_str* f = pyvm_str_from_utf8(w, 4);
    CHECK(f->len == 2 && pyvm_str_get(f, 0) == 0xd800);
    int64_t n;
    const char* u = pyvm_str_utf8(f, &n);
    CHECK(n == 4 && memcmp(u, w, 4) == 0);
    /* Malformed input decodes to U+FFFD per bad byte. */
    pyvm_str* g = pyvm_str_from_utf8("a\xff\xc3", 3);
    CHECK(g->len == 3 && pyvm_str_get(g, 1) == 0xfffd && pyvm_str_get(g, 2) == 0xfffd);
    /* Builder narrows to the canonical width. */
    pyvm_sb sb;
    pyvm_sb_init(&sb);
    for (int i = 0; i < 1000; i++)
        pyvm_sb_putc(&sb, 'a' + i % 26);
    pyvm_sb_puts(&sb, "!");
    pyvm_str* h = pyvm_sb_finish(&sb);
    CHECK(h->len == 1001 && h->width == 1 && h->ascii);
}

static void test_sequence(void) {
    pyvm_str* s = S("h\xc3\xa9llo w\xc3\xb6rld");  /* héllo wörld */
    CHECK(pyvm_str_len(s) == 11);
    CHECK_STR(pyvm_str_getitem(s, 1), "\xc3\xa9");
    CHECK_STR(pyvm_str_getitem(s, -1), "d");
    CHECK_STR(pyvm_str_char_at(s, 0), "h");
    CHECK_RAISES(PYVM_EXC_INDEX, "string index out of range", pyvm_str_getitem(s, 11));
    CHECK_RAISES(PYVM_EXC_INDEX, "string index out of range", pyvm_str_getitem(s, -12));
    CHECK_RAISES(PYVM_EXC_INDEX, "string index out of range", pyvm_str_char_at(s, 11));
    CHECK_STR(pyvm_str_slice(s, 0, 5, 0, PYVM_SLICE_NO_STEP), "h\xc3\xa9llo");
    CHECK_STR(pyvm_str_slice(s, 0, 0, -1, PYVM_SLICE_NO_START | PYVM_SLICE_NO_STOP), "dlr\xc3\xb6w oll\xc3\xa9h");
    CHECK_STR(pyvm_str_slice(s, 1, 0, 2, PYVM_SLICE_NO_STOP), "\xc3\xa9l \xc3\xb6l");
    CHECK_STR(pyvm_str_slice(s, -3, 100, 1, 0), "rld");
    CHECK_STR(pyvm_str_slice(s, 0, 0, 0, ALL), "h\xc3\xa9llo w\xc3\xb6rld");
    CHECK(pyvm_str_slice(s, 5, 2, 1, 0)->len == 0);
    CHECK_RAISES(PYVM_EXC_VALUE, "slice step cannot be zero", pyvm_str_slice(s, 0, 1, 0, 0));
    /* Slicing the wide part away gives a narrow string (canonical width). */
    pyvm_str* wide = S("ab\xe6\xbc\xa2");
    pyvm_str* narrow = pyvm_str_slice(wide, 0, 2, 1, 0);
    CHECK(narrow->width == 1 && narrow->ascii && pyvm_str_eq(narrow, S("ab")));
    CHECK(pyvm_str_hash(narrow) == pyvm_str_hash(S("ab")));
    CHECK_STR(pyvm_str_concat(S("ab"), S("\xe6\xbc\xa2")), "ab\xe6\xbc\xa2");
    CHECK(pyvm_str_concat(S("ab"), S("cd"))->ascii);
    CHECK_STR(pyvm_str_repeat(S("ab"), 3), "ababab");
    CHECK_STR(pyvm_str_repeat(S("ab"), 0), "");
    CHECK_STR(pyvm_str_repeat(S("ab"), -5), "");
    CHECK(pyvm_str_repeat(S("x"), 100000)->len == 100000);
    CHECK_RAISES(PYVM_EXC_OVERFLOW, "repeated string is too long", pyvm_str_repeat(S("ab"), INT64_MAX / 2));
}

static void test_compare_hash(void) {
    CHECK(pyvm_str_eq(S("abc"), S("abc")));
    CHECK(!pyvm_str_eq(S("abc"), S("abd")));
    CHECK(!pyvm_str_eq(S("abc"), S("ab")));
    CHECK(pyvm_str_compare(S("abc"), S("abd")) < 0);
    CHECK(pyvm_str_compare(S("b"), S("abc")) > 0);
    CHECK(pyvm_str_compare(S("ab"), S("abc")) < 0);
    CHECK(pyvm_str_compare(S("abc"), S("abc")) == 0);
    CHECK(pyvm_str_compare(S("\xc3\xa9"), S("z")) > 0);       /* by code point */
    CHECK(pyvm_str_compare(S("\xe6\xbc\xa2"), S("\xc3\xa9")) > 0);
    CHECK(pyvm_str_compare(S(""), S("a")) < 0);
    /* CPython 3.12 with PYTHONHASHSEED=0 */
    CHECK(pyvm_str_hash(S("a")) == 4644417185603328019LL);
    CHECK(pyvm_str_hash(S("")) == 0);
    CHECK(pyvm_str_hash(S("abc")) == -4594863902769663758LL);
    CHECK(pyvm_str_hash(S("\xc3\xa9")) == 6047309291227476195LL);
    CHECK(pyvm_str_hash(S("\xe6\xbc\xa2\xe5\xad\x97")) == -6795607626837722595LL);
    CHECK(pyvm_str_hash(S("\xf0\x9f\x98\x80")) == -3536540696076613844LL);
    CHECK(pyvm_str_contains(S("hello"), S("ell")));
    CHECK(pyvm_str_contains(S("hello"), S("")));
    CHECK(!pyvm_str_contains(S("hello"), S("elo")));
    CHECK(!pyvm_str_contains(S("hello"), S("\xe6\xbc\xa2")));
}

static void test_methods(void) {
    CHECK_REPR("L(s)", pyvm_slot_from_ptr(pyvm_str_split(S("  a b\tc  "), NULL, -1)), "['a', 'b', 'c']");
    CHECK_REPR("L(s)", pyvm_slot_from_ptr(pyvm_str_split(S("  a b  c  "), NULL, 1)), "['a', 'b  c  ']");
    CHECK_REPR("L(s)", pyvm_slot_from_ptr(pyvm_str_split(S("a,b,,c"), S(","), -1)), "['a', 'b', '', 'c']");
    CHECK_REPR("L(s)", pyvm_slot_from_ptr(pyvm_str_rsplit(S("a,b,c"), S(","), 1)), "['a,b', 'c']");
    CHECK_REPR("L(s)", pyvm_slot_from_ptr(pyvm_str_rsplit(S("  a b  c  "), NULL, 1)), "['  a b', 'c']");
    CHECK_REPR("L(s)", pyvm_slot_from_ptr(pyvm_str_splitlines(S("a\nb\r\nc"), false)), "['a', 'b', 'c']");
    CHECK_RAISES(PYVM_EXC_VALUE, "empty separator", pyvm_str_split(S("abc"), S(""), -1));
    pyvm_list* parts = pyvm_str_split(S("x-y-z"), S("-"), -1);
    CHECK_STR(pyvm_str_join(S(", "), parts), "x, y, z");
    CHECK_STR(pyvm_str_join(S("\xc3\xa9"), parts), "x\xc3\xa9y\xc3\xa9z");
    CHECK_STR(pyvm_str_join(S(""), pyvm_list_new(pyvm_type_intern("L(s)"), 0)), "");
    CHECK_STR(pyvm_str_strip(S("  hi \n"), NULL), "hi");
    CHECK_STR(pyvm_str_lstrip(S("xxhixx"), S("x")), "hixx");
    CHECK_STR(pyvm_str_rstrip(S("xxhixx"), S("x")), "xxhi");
    CHECK_STR(pyvm_str_replace(S("aaa"), S("a"), S("bb"), -1), "bbbbbb");
    CHECK_STR(pyvm_str_replace(S("aaa"), S("a"), S("b"), 2), "bba");
    CHECK_STR(pyvm_str_replace(S("abc"), S(""), S("-"), -1), "-a-b-c-");
    CHECK(pyvm_str_find(S("hello"), S("l")) == 2);
    CHECK(pyvm_str_rfind(S("hello"), S("l")) == 3);
    CHECK(pyvm_str_find(S("hello"), S("z")) == -1);
    CHECK(pyvm_str_index(S("hello"), S("o")) == 4);
    CHECK(pyvm_str_rindex(S("hello"), S("h")) == 0);
    CHECK_RAISES(PYVM_EXC_VALUE, "substring not found", pyvm_str_index(S("hello"), S("z")));
    CHECK_RAISES(PYVM_EXC_VALUE, "substring not found", pyvm_str_rindex(S("hello"), S("z")));
    CHECK(pyvm_str_count(S("banana"), S("an")) == 2);
    CHECK(pyvm_str_count(S("banana"), S("")) == 7);
    CHECK(pyvm_str_startswith(S("banana"), S("ban")));
    CHECK(pyvm_str_endswith(S("banana"), S("na")));
    CHECK(!pyvm_str_endswith(S("banana"), S("ban")));
    CHECK_STR(pyvm_str_upper(S("stra\xc3\x9f" "e")), "STRASSE");
    CHECK_STR(pyvm_str_lower(S("\xce\x9f\xce\xa3")), "\xce\xbf\xcf\x82"); /* ΟΣ -> ος (final sigma) */
    CHECK_STR(pyvm_str_lower(S("ABC")), "abc");
    CHECK_STR(pyvm_str_title(S("hello world")), "Hello World");
    CHECK_STR(pyvm_str_capitalize(S("hELLO")), "Hello");
    CHECK_STR(pyvm_str_swapcase(S("aBc")), "AbC");
    CHECK_STR(pyvm_str_center(S("ab"), 7, S("*")), "***ab**");
    CHECK_STR(pyvm_str_ljust(S("ab"), 4, NULL), "ab  ");
    CHECK_STR(pyvm_str_rjust(S("ab"), 4, NULL), "  ab");
    CHECK_STR(pyvm_str_zfill(S("-42"), 6), "-00042");
    CHECK_RAISES(PYVM_EXC_TYPE, "The fill character must be exactly one character long",
                 pyvm_str_center(S("a"), 5, S("ab")));
    CHECK(pyvm_str_isdigit(S("123")) && !pyvm_str_isdigit(S("12a")) && !pyvm_str_isdigit(S("")));
    CHECK(pyvm_str_isdigit(S("\xc2\xb2")));  /* superscript two */
    CHECK(pyvm_str_isdecimal(S("\xd9\xa1\xd9\xa2")) && !pyvm_str_isdecimal(S("\xc2\xb2")));
    CHECK(pyvm_str_isnumeric(S("\xc2\xbd")));
    CHECK(pyvm_str_isalpha(S("abc\xc3\xa9")) && !pyvm_str_isalpha(S("ab1")));
    CHECK(pyvm_str_isalnum(S("ab1")) && !pyvm_str_isalnum(S("ab 1")));
    CHECK(pyvm_str_isspace(S(" \t\n")) && !pyvm_str_isspace(S("")));
    CHECK(pyvm_str_isupper(S("ABC1")) && !pyvm_str_isupper(S("AbC")) && !pyvm_str_isupper(S("123")));
    CHECK(pyvm_str_islower(S("abc1")) && !pyvm_str_islower(S("aBc")));
    CHECK(pyvm_str_istitle(S("Hello World")) && !pyvm_str_istitle(S("Hello world")));
    CHECK(pyvm_str_isprintable(S("")) && !pyvm_str_isprintable(S("a\n")));
    CHECK(pyvm_str_isascii(S("abc")) && !pyvm_str_isascii(S("\xc3\xa9")));
    CHECK(pyvm_str_ord(S("a")) == 97);
    CHECK(pyvm_str_ord(S("\xf0\x9f\x98\x80")) == 0x1f600);
    CHECK_RAISES(PYVM_EXC_TYPE, "ord() expected a character, but string of length 3 found", pyvm_str_ord(S("abc")));
    CHECK_RAISES(PYVM_EXC_TYPE, "ord() expected a character, but string of length 0 found", pyvm_str_ord(S("")));
    CHECK_STR(pyvm_str_chr(0x263a), "\xe2\x98\xba");
    CHECK_RAISES(PYVM_EXC_VALUE, "chr() arg not in range(0x110000)", pyvm_str_chr(0x110000));
    CHECK_RAISES(PYVM_EXC_VALUE, "chr() arg not in range(0x110000)", pyvm_str_chr(-1));
}

static void test_repr(void) {
    CHECK_STR(pyvm_str_repr(S("abc")), "'abc'");
    CHECK_STR(pyvm_str_repr(S("a'b")), "\"a'b\"");
    CHECK_STR(pyvm_str_repr(S("a'b\"c")), "'a\\'b\"c'");
    CHECK_STR(pyvm_str_repr(S("a\"b")), "'a\"b'");
    CHECK_STR(pyvm_str_repr(S("\n\t\r\\\x07\x7f")), "'\\n\\t\\r\\\\\\x07\\x7f'");
    CHECK_STR(pyvm_str_repr(S("\xc2\xa0\xc2\xad\xe2\x80\xa8")), "'\\xa0\\xad\\u2028'");
    CHECK_STR(pyvm_str_repr(S("\xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80")), "'\xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80'");
    CHECK_STR(pyvm_str_repr(S("\xf3\xa0\x80\x81")), "'\\U000e0001'");
    CHECK_STR(pyvm_str_repr(S("")), "''");
}

int main(void) {
    pyvm_rt_init();
    test_construction();
    test_sequence();
    test_compare_hash();
    test_methods();
    test_repr();
    return check_done("test_str");
}
