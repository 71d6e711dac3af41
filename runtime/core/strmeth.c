/* str methods: searching, splitting, case mapping, classification, repr.
 * Each follows the corresponding CPython 3.12 algorithm (unicodeobject.c and
 * stringlib) closely enough to give identical results on every input. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "list.h"
#include "seq.h"
#include "str.h"
#include "typedesc.h"
#include "ucd.h"

static const pyvm_type* list_of_str(void) {
    static const pyvm_type* t;
    if (!t)
        t = pyvm_type_intern("L(s)");
    return t;
}

static pyvm_str* sub(pyvm_str* s, int64_t from, int64_t to) {
    return pyvm_str_slice(s, from, to, 1, PYVM_SLICE_NO_STEP);
}

static void add(pyvm_list* l, pyvm_str* s) {
    pyvm_list_append(l, pyvm_slot_from_ptr(s));
}

/* CPython's ADJUST_INDICES: end is clamped to len, start only from below. */
static void adjust(int64_t len, int64_t* start, int64_t* end, int64_t flags) {
    if (flags & PYVM_SLICE_NO_START)
        *start = 0;
    if (flags & PYVM_SLICE_NO_STOP)
        *end = len;
    if (*end > len) {
        *end = len;
    } else if (*end < 0) {
        *end += len;
        if (*end < 0)
            *end = 0;
    }
    if (*start < 0) {
        *start += len;
        if (*start < 0)
            *start = 0;
    }
}

static bool match_at(const pyvm_str* s, int64_t at, const pyvm_str* n) {
    if (s->width == n->width)
        return memcmp((const char*)PYVM_STR_DATA(s) + at * s->width, PYVM_STR_DATA(n),
                      (size_t)n->len * n->width) == 0;
    for (int64_t i = 0; i < n->len; i++)
        if (pyvm_str_get(s, at + i) != pyvm_str_get(n, i))
            return false;
    return true;
}

/* First occurrence of n in s[start:end] (indices already adjusted), or -1. */
static int64_t find_fwd(const pyvm_str* s, const pyvm_str* n, int64_t start, int64_t end) {
    if (end - start < n->len)
        return -1;
    if (n->len == 0)
        return start;
    /* A needle wider than the haystack cannot occur in it. */
    if (n->width > s->width)
        return -1;
    if (s->width == 1) {
        const char* base = PYVM_STR_DATA(s);
        const char* hit = memmem(base + start, (size_t)(end - start), PYVM_STR_DATA(n), (size_t)n->len);
        return hit ? hit - base : -1;
    }
    uint32_t first = pyvm_str_get(n, 0);
    for (int64_t i = start; i + n->len <= end; i++)
        if (pyvm_str_get(s, i) == first && match_at(s, i, n))
            return i;
    return -1;
}

static int64_t find_back(const pyvm_str* s, const pyvm_str* n, int64_t start, int64_t end) {
    if (end - start < n->len)
        return -1;
    if (n->len == 0)
        return end;
    if (n->width > s->width)
        return -1;
    uint32_t first = pyvm_str_get(n, 0);
    for (int64_t i = end - n->len; i >= start; i--)
        if (pyvm_str_get(s, i) == first && match_at(s, i, n))
            return i;
    return -1;
}

int64_t pyvm_str_find_range(pyvm_str* s, pyvm_str* n, int64_t start, int64_t end, int64_t flags) {
    adjust(s->len, &start, &end, flags);
    return find_fwd(s, n, start, end);
}

int64_t pyvm_str_rfind_range(pyvm_str* s, pyvm_str* n, int64_t start, int64_t end, int64_t flags) {
    adjust(s->len, &start, &end, flags);
    return find_back(s, n, start, end);
}

int64_t pyvm_str_find(pyvm_str* s, pyvm_str* n) {
    return find_fwd(s, n, 0, s->len);
}

int64_t pyvm_str_rfind(pyvm_str* s, pyvm_str* n) {
    return find_back(s, n, 0, s->len);
}

int64_t pyvm_str_index(pyvm_str* s, pyvm_str* n) {
    int64_t i = find_fwd(s, n, 0, s->len);
    if (i < 0)
        pyvm_raise(PYVM_EXC_VALUE, "substring not found");
    return i;
}

int64_t pyvm_str_rindex(pyvm_str* s, pyvm_str* n) {
    int64_t i = find_back(s, n, 0, s->len);
    if (i < 0)
        pyvm_raise(PYVM_EXC_VALUE, "substring not found");
    return i;
}

int64_t pyvm_str_count_range(pyvm_str* s, pyvm_str* n, int64_t start, int64_t end, int64_t flags) {
    adjust(s->len, &start, &end, flags);
    if (end - start < n->len)
        return 0;
    if (n->len == 0)
        return end - start + 1;
    int64_t count = 0;
    for (int64_t i = find_fwd(s, n, start, end); i >= 0; i = find_fwd(s, n, i + n->len, end))
        count++;
    return count;
}

int64_t pyvm_str_count(pyvm_str* s, pyvm_str* n) {
    return pyvm_str_count_range(s, n, 0, 0, PYVM_SLICE_NO_START | PYVM_SLICE_NO_STOP);
}

static bool tailmatch(pyvm_str* s, pyvm_str* n, int64_t start, int64_t end, int64_t flags, bool suffix) {
    adjust(s->len, &start, &end, flags);
    end -= n->len;
    if (end < start)
        return false;
    if (n->len == 0)
        return true;
    if (n->width > s->width)
        return false;
    return match_at(s, suffix ? end : start, n);
}

bool pyvm_str_startswith_range(pyvm_str* s, pyvm_str* p, int64_t start, int64_t end, int64_t flags) {
    return tailmatch(s, p, start, end, flags, false);
}

bool pyvm_str_endswith_range(pyvm_str* s, pyvm_str* p, int64_t start, int64_t end, int64_t flags) {
    return tailmatch(s, p, start, end, flags, true);
}

bool pyvm_str_startswith(pyvm_str* s, pyvm_str* p) {
    return tailmatch(s, p, 0, 0, PYVM_SLICE_NO_START | PYVM_SLICE_NO_STOP, false);
}

bool pyvm_str_endswith(pyvm_str* s, pyvm_str* p) {
    return tailmatch(s, p, 0, 0, PYVM_SLICE_NO_START | PYVM_SLICE_NO_STOP, true);
}

/* ---- split / join ---- */

static int64_t max_count(int64_t maxsplit) {
    return maxsplit < 0 ? INT64_MAX : maxsplit;
}

pyvm_list* pyvm_str_split(pyvm_str* s, pyvm_str* sep, int64_t maxsplit) {
    pyvm_list* out = pyvm_list_new(list_of_str(), 0);
    int64_t maxcount = max_count(maxsplit), n = s->len, i = 0, j;
    if (!sep) {
        while (maxcount-- > 0) {
            while (i < n && pyvm_ucd_isspace(pyvm_str_get(s, i)))
                i++;
            if (i == n)
                break;
            j = i++;
            while (i < n && !pyvm_ucd_isspace(pyvm_str_get(s, i)))
                i++;
            add(out, sub(s, j, i));
        }
        if (i < n) {
            while (i < n && pyvm_ucd_isspace(pyvm_str_get(s, i)))
                i++;
            if (i != n)
                add(out, sub(s, i, n));
        }
        return out;
    }
    if (sep->len == 0)
        pyvm_raise(PYVM_EXC_VALUE, "empty separator");
    while (maxcount-- > 0 && (j = find_fwd(s, sep, i, n)) >= 0) {
        add(out, sub(s, i, j));
        i = j + sep->len;
    }
    add(out, sub(s, i, n));
    return out;
}

pyvm_list* pyvm_str_rsplit(pyvm_str* s, pyvm_str* sep, int64_t maxsplit) {
    pyvm_list* out = pyvm_list_new(list_of_str(), 0);
    int64_t maxcount = max_count(maxsplit), i, j;
    if (!sep) {
        i = s->len - 1;
        while (maxcount-- > 0) {
            while (i >= 0 && pyvm_ucd_isspace(pyvm_str_get(s, i)))
                i--;
            if (i < 0)
                break;
            j = i--;
            while (i >= 0 && !pyvm_ucd_isspace(pyvm_str_get(s, i)))
                i--;
            add(out, sub(s, i + 1, j + 1));
        }
        if (i >= 0) {
            while (i >= 0 && pyvm_ucd_isspace(pyvm_str_get(s, i)))
                i--;
            if (i >= 0)
                add(out, sub(s, 0, i + 1));
        }
    } else {
        if (sep->len == 0)
            pyvm_raise(PYVM_EXC_VALUE, "empty separator");
        j = s->len;
        int64_t pos;
        while (maxcount-- > 0 && (pos = find_back(s, sep, 0, j)) >= 0) {
            add(out, sub(s, pos + sep->len, j));
            j = pos;
        }
        add(out, sub(s, 0, j));
    }
    pyvm_list_reverse(out);
    return out;
}

pyvm_list* pyvm_str_splitlines(pyvm_str* s, bool keepends) {
    pyvm_list* out = pyvm_list_new(list_of_str(), 0);
    int64_t i = 0, j = 0, n = s->len;
    while (i < n) {
        while (i < n && !(pyvm_ucd_flags(pyvm_str_get(s, i)) & PYVM_UCD_LINEBREAK))
            i++;
        int64_t eol = i;
        if (i < n) {
            if (pyvm_str_get(s, i) == '\r' && i + 1 < n && pyvm_str_get(s, i + 1) == '\n')
                i += 2;
            else
                i++;
            if (keepends)
                eol = i;
        }
        add(out, sub(s, j, eol));
        j = i;
    }
    return out;
}

pyvm_str* pyvm_str_join(pyvm_str* sep, pyvm_list* items) {
    int64_t n = items->len;
    if (n == 0)
        return pyvm_str_empty();
    if (n == 1)
        return pyvm_slot_to_ptr(items->items[0]);
    int64_t total = sep->len * (n - 1);
    int width = sep->width;
    bool ascii = sep->ascii || sep->len == 0;
    for (int64_t i = 0; i < n; i++) {
        pyvm_str* it = pyvm_slot_to_ptr(items->items[i]);
        total += it->len;
        if (it->width > width)
            width = it->width;
        ascii = ascii && (it->ascii || it->len == 0);
    }
    pyvm_sb b;
    if (width == 1 && ascii) {
        pyvm_str* r = pyvm_str_alloc(total, 1);
        char* d = PYVM_STR_DATA(r);
        for (int64_t i = 0; i < n; i++) {
            pyvm_str* it = pyvm_slot_to_ptr(items->items[i]);
            if (i && sep->len) {
                memcpy(d, PYVM_STR_DATA(sep), (size_t)sep->len);
                d += sep->len;
            }
            memcpy(d, PYVM_STR_DATA(it), (size_t)it->len);
            d += it->len;
        }
        r->ascii = 1;
        r->utf8 = PYVM_STR_DATA(r);
        r->utf8_len = total;
        return r;
    }
    pyvm_sb_init(&b);
    pyvm_sb_reserve(&b, total);
    for (int64_t i = 0; i < n; i++) {
        if (i)
            pyvm_sb_put_str(&b, sep);
        pyvm_sb_put_str(&b, pyvm_slot_to_ptr(items->items[i]));
    }
    return pyvm_sb_finish(&b);
}

/* ---- strip ---- */

static bool in_chars(pyvm_str* chars, uint32_t c) {
    if (!chars)
        return pyvm_ucd_isspace(c);
    for (int64_t i = 0; i < chars->len; i++)
        if (pyvm_str_get(chars, i) == c)
            return true;
    return false;
}

static pyvm_str* do_strip(pyvm_str* s, pyvm_str* chars, bool left, bool right) {
    int64_t i = 0, j = s->len;
    if (left)
        while (i < j && in_chars(chars, pyvm_str_get(s, i)))
            i++;
    if (right)
        while (j > i && in_chars(chars, pyvm_str_get(s, j - 1)))
            j--;
    return sub(s, i, j);
}

pyvm_str* pyvm_str_strip(pyvm_str* s, pyvm_str* chars) { return do_strip(s, chars, true, true); }
pyvm_str* pyvm_str_lstrip(pyvm_str* s, pyvm_str* chars) { return do_strip(s, chars, true, false); }
pyvm_str* pyvm_str_rstrip(pyvm_str* s, pyvm_str* chars) { return do_strip(s, chars, false, true); }

/* ---- replace ---- */

pyvm_str* pyvm_str_replace(pyvm_str* s, pyvm_str* old, pyvm_str* new_, int64_t count) {
    int64_t maxcount = max_count(count);
    if (maxcount == 0 || (old->len == 0 && new_->len == 0))
        return s;
    pyvm_sb b;
    pyvm_sb_init(&b);
    if (old->len == 0) {
        /* Insert before every character and at the end, up to count times. */
        for (int64_t i = 0; i <= s->len; i++) {
            if (maxcount > 0) {
                pyvm_sb_put_str(&b, new_);
                maxcount--;
            }
            if (i < s->len)
                pyvm_sb_putc(&b, pyvm_str_get(s, i));
        }
        return pyvm_sb_finish(&b);
    }
    int64_t i = 0, j;
    bool any = false;
    while (maxcount-- > 0 && (j = find_fwd(s, old, i, s->len)) >= 0) {
        for (int64_t k = i; k < j; k++)
            pyvm_sb_putc(&b, pyvm_str_get(s, k));
        pyvm_sb_put_str(&b, new_);
        i = j + old->len;
        any = true;
    }
    if (!any) {
        pyvm_sb_discard(&b);
        return s;
    }
    for (int64_t k = i; k < s->len; k++)
        pyvm_sb_putc(&b, pyvm_str_get(s, k));
    return pyvm_sb_finish(&b);
}

/* ---- case mapping ---- */

/* CPython's handle_capital_sigma: U+03A3 lowers to final sigma when it ends a
 * cased word. */
static uint32_t capital_sigma(pyvm_str* s, int64_t i) {
    int64_t j;
    uint32_t c = 0;
    for (j = i - 1; j >= 0; j--) {
        c = pyvm_str_get(s, j);
        if (!(pyvm_ucd_flags(c) & PYVM_UCD_CASE_IGNORABLE))
            break;
    }
    bool final = j >= 0 && (pyvm_ucd_flags(c) & PYVM_UCD_CASED);
    if (final && i + 1 < s->len) {
        for (j = i + 1; j < s->len; j++) {
            c = pyvm_str_get(s, j);
            if (!(pyvm_ucd_flags(c) & PYVM_UCD_CASE_IGNORABLE))
                break;
        }
        final = j == s->len || !(pyvm_ucd_flags(c) & PYVM_UCD_CASED);
    }
    return final ? 0x3c2 : 0x3c3;
}

static int lower_at(pyvm_str* s, int64_t i, uint32_t c, uint32_t out[3]) {
    if (c == 0x3a3) {
        out[0] = capital_sigma(s, i);
        return 1;
    }
    return pyvm_ucd_to_lower(c, out);
}

static void put_mapped(pyvm_sb* b, const uint32_t* m, int n) {
    for (int k = 0; k < n; k++)
        pyvm_sb_putc(b, m[k]);
}

/* ASCII strings map in place without the code-point builder. */
static pyvm_str* ascii_map(pyvm_str* s, bool upper) {
    pyvm_str* r = pyvm_str_alloc(s->len, 1);
    const uint8_t* src = PYVM_STR_DATA(s);
    uint8_t* dst = PYVM_STR_DATA(r);
    for (int64_t i = 0; i < s->len; i++) {
        uint8_t c = src[i];
        if (upper && c >= 'a' && c <= 'z')
            c -= 32;
        else if (!upper && c >= 'A' && c <= 'Z')
            c += 32;
        dst[i] = c;
    }
    r->ascii = 1;
    r->utf8 = (const char*)dst;
    r->utf8_len = r->len;
    return r;
}

pyvm_str* pyvm_str_upper(pyvm_str* s) {
    if (s->ascii)
        return s->len ? ascii_map(s, true) : s;
    pyvm_sb b;
    pyvm_sb_init(&b);
    uint32_t m[3];
    for (int64_t i = 0; i < s->len; i++)
        put_mapped(&b, m, pyvm_ucd_to_upper(pyvm_str_get(s, i), m));
    return pyvm_sb_finish(&b);
}

pyvm_str* pyvm_str_lower(pyvm_str* s) {
    if (s->ascii)
        return s->len ? ascii_map(s, false) : s;
    pyvm_sb b;
    pyvm_sb_init(&b);
    uint32_t m[3];
    for (int64_t i = 0; i < s->len; i++)
        put_mapped(&b, m, lower_at(s, i, pyvm_str_get(s, i), m));
    return pyvm_sb_finish(&b);
}

pyvm_str* pyvm_str_capitalize(pyvm_str* s) {
    pyvm_sb b;
    pyvm_sb_init(&b);
    uint32_t m[3];
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t c = pyvm_str_get(s, i);
        put_mapped(&b, m, i == 0 ? pyvm_ucd_to_title(c, m) : lower_at(s, i, c, m));
    }
    return pyvm_sb_finish(&b);
}

pyvm_str* pyvm_str_title(pyvm_str* s) {
    pyvm_sb b;
    pyvm_sb_init(&b);
    uint32_t m[3];
    bool prev_cased = false;
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t c = pyvm_str_get(s, i);
        put_mapped(&b, m, prev_cased ? lower_at(s, i, c, m) : pyvm_ucd_to_title(c, m));
        prev_cased = (pyvm_ucd_flags(c) & PYVM_UCD_CASED) != 0;
    }
    return pyvm_sb_finish(&b);
}

pyvm_str* pyvm_str_swapcase(pyvm_str* s) {
    pyvm_sb b;
    pyvm_sb_init(&b);
    uint32_t m[3];
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t c = pyvm_str_get(s, i), f = pyvm_ucd_flags(c);
        if (f & PYVM_UCD_UPPER)
            put_mapped(&b, m, lower_at(s, i, c, m));
        else if (f & PYVM_UCD_LOWER)
            put_mapped(&b, m, pyvm_ucd_to_upper(c, m));
        else
            pyvm_sb_putc(&b, c);
    }
    return pyvm_sb_finish(&b);
}

/* ---- padding ---- */

static uint32_t fill_char(pyvm_str* fill) {
    if (!fill)
        return ' ';
    if (fill->len != 1)
        pyvm_raise(PYVM_EXC_TYPE, "The fill character must be exactly one character long");
    return pyvm_str_get(fill, 0);
}

static pyvm_str* pad(pyvm_str* s, int64_t left, int64_t right, uint32_t fill) {
    pyvm_sb b;
    pyvm_sb_init(&b);
    pyvm_sb_fill(&b, fill, left);
    pyvm_sb_put_str(&b, s);
    pyvm_sb_fill(&b, fill, right);
    return pyvm_sb_finish(&b);
}

pyvm_str* pyvm_str_ljust(pyvm_str* s, int64_t width, pyvm_str* fill) {
    uint32_t f = fill_char(fill);
    return width <= s->len ? s : pad(s, 0, width - s->len, f);
}

pyvm_str* pyvm_str_rjust(pyvm_str* s, int64_t width, pyvm_str* fill) {
    uint32_t f = fill_char(fill);
    return width <= s->len ? s : pad(s, width - s->len, 0, f);
}

pyvm_str* pyvm_str_center(pyvm_str* s, int64_t width, pyvm_str* fill) {
    uint32_t f = fill_char(fill);
    if (width <= s->len)
        return s;
    int64_t marg = width - s->len;
    /* CPython's rounding: the odd pad goes left only when width is odd too. */
    int64_t left = marg / 2 + (marg & width & 1);
    return pad(s, left, marg - left, f);
}

pyvm_str* pyvm_str_zfill(pyvm_str* s, int64_t width) {
    if (width <= s->len)
        return s;
    int64_t fill = width - s->len;
    pyvm_sb b;
    pyvm_sb_init(&b);
    int64_t start = 0;
    if (s->len && (pyvm_str_get(s, 0) == '+' || pyvm_str_get(s, 0) == '-')) {
        pyvm_sb_putc(&b, pyvm_str_get(s, 0));
        start = 1;
    }
    pyvm_sb_fill(&b, '0', fill);
    for (int64_t i = start; i < s->len; i++)
        pyvm_sb_putc(&b, pyvm_str_get(s, i));
    return pyvm_sb_finish(&b);
}

/* ---- classification ---- */

static bool all_have(pyvm_str* s, uint32_t mask) {
    if (s->len == 0)
        return false;
    for (int64_t i = 0; i < s->len; i++)
        if (!(pyvm_ucd_flags(pyvm_str_get(s, i)) & mask))
            return false;
    return true;
}

bool pyvm_str_isdigit(pyvm_str* s) { return all_have(s, PYVM_UCD_DIGIT); }
bool pyvm_str_isdecimal(pyvm_str* s) { return all_have(s, PYVM_UCD_DECIMAL); }
bool pyvm_str_isnumeric(pyvm_str* s) { return all_have(s, PYVM_UCD_NUMERIC); }
bool pyvm_str_isalpha(pyvm_str* s) { return all_have(s, PYVM_UCD_ALPHA); }
bool pyvm_str_isspace(pyvm_str* s) { return all_have(s, PYVM_UCD_SPACE); }
bool pyvm_str_isalnum(pyvm_str* s) {
    return all_have(s, PYVM_UCD_ALPHA | PYVM_UCD_DECIMAL | PYVM_UCD_DIGIT | PYVM_UCD_NUMERIC);
}

bool pyvm_str_isprintable(pyvm_str* s) {
    for (int64_t i = 0; i < s->len; i++)
        if (!(pyvm_ucd_flags(pyvm_str_get(s, i)) & PYVM_UCD_PRINTABLE))
            return false;
    return true;
}

bool pyvm_str_isascii(pyvm_str* s) {
    return s->len == 0 || s->ascii;
}

bool pyvm_str_isupper(pyvm_str* s) {
    bool cased = false;
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t f = pyvm_ucd_flags(pyvm_str_get(s, i));
        if (f & (PYVM_UCD_LOWER | PYVM_UCD_TITLE))
            return false;
        if (f & PYVM_UCD_UPPER)
            cased = true;
    }
    return cased;
}

bool pyvm_str_islower(pyvm_str* s) {
    bool cased = false;
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t f = pyvm_ucd_flags(pyvm_str_get(s, i));
        if (f & (PYVM_UCD_UPPER | PYVM_UCD_TITLE))
            return false;
        if (f & PYVM_UCD_LOWER)
            cased = true;
    }
    return cased;
}

bool pyvm_str_istitle(pyvm_str* s) {
    bool cased = false, prev_cased = false;
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t f = pyvm_ucd_flags(pyvm_str_get(s, i));
        if (f & (PYVM_UCD_UPPER | PYVM_UCD_TITLE)) {
            if (prev_cased)
                return false;
            prev_cased = cased = true;
        } else if (f & PYVM_UCD_LOWER) {
            if (!prev_cased)
                return false;
            prev_cased = cased = true;
        } else {
            prev_cased = false;
        }
    }
    return cased;
}

/* ---- ord / chr / repr ---- */

int64_t pyvm_str_ord(pyvm_str* s) {
    if (s->len != 1)
        pyvm_raisef(PYVM_EXC_TYPE, "ord() expected a character, but string of length %lld found",
                    (long long)s->len);
    return pyvm_str_get(s, 0);
}

pyvm_str* pyvm_str_chr(int64_t cp) {
    if (cp < 0 || cp > 0x10ffff)
        pyvm_raise(PYVM_EXC_VALUE, "chr() arg not in range(0x110000)");
    return pyvm_str_from_char((uint32_t)cp);
}

static const char hexdigits[] = "0123456789abcdef";

pyvm_str* pyvm_str_repr(pyvm_str* s) {
    /* CPython's choice: single quotes unless the text has ' and no ". */
    bool has_sq = false, has_dq = false;
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t c = pyvm_str_get(s, i);
        has_sq |= c == '\'';
        has_dq |= c == '"';
    }
    uint32_t quote = has_sq && !has_dq ? '"' : '\'';
    pyvm_sb b;
    pyvm_sb_init(&b);
    pyvm_sb_reserve(&b, s->len + 2);
    pyvm_sb_putc(&b, quote);
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t c = pyvm_str_get(s, i);
        if (c == quote || c == '\\') {
            pyvm_sb_putc(&b, '\\');
            pyvm_sb_putc(&b, c);
        } else if (c == '\t') {
            pyvm_sb_puts(&b, "\\t");
        } else if (c == '\n') {
            pyvm_sb_puts(&b, "\\n");
        } else if (c == '\r') {
            pyvm_sb_puts(&b, "\\r");
        } else if (c < ' ' || c == 0x7f) {
            pyvm_sb_puts(&b, "\\x");
            pyvm_sb_putc(&b, hexdigits[(c >> 4) & 0xf]);
            pyvm_sb_putc(&b, hexdigits[c & 0xf]);
        } else if (c < 0x7f || (pyvm_ucd_flags(c) & PYVM_UCD_PRINTABLE)) {
            pyvm_sb_putc(&b, c);
        } else {
            int digits = c <= 0xff ? 2 : c <= 0xffff ? 4 : 8;
            pyvm_sb_putc(&b, '\\');
            pyvm_sb_putc(&b, digits == 2 ? 'x' : digits == 4 ? 'u' : 'U');
            for (int k = digits - 1; k >= 0; k--)
                pyvm_sb_putc(&b, hexdigits[(c >> (4 * k)) & 0xf]);
        }
    }
    pyvm_sb_putc(&b, quote);
    return pyvm_sb_finish(&b);
}
