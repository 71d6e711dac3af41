/* Immutable Unicode strings with O(1) indexing.
 *
 * Storage follows CPython's PEP 393: one, two or four bytes per code point,
 * always the smallest width that holds the largest code point, so equal
 * strings have identical bytes (eq is a memcmp and the hash is CPython's
 * SipHash-1-3 over the same bytes, equal to CPython's with PYTHONHASHSEED=0).
 * The code-unit array is followed by one zero code unit. */
#ifndef PYVM_STR_H
#define PYVM_STR_H

#include "obj.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_list pyvm_list;

/* Layout (offsets in bytes):
 *   0  header (kind PYVM_KIND_STR, type NULL)
 *   16 len        code points
 *   24 hash       cached hash, -1 until first computed
 *   32 utf8       cached UTF-8 encoding (NULL until needed; the data itself when ascii)
 *   40 utf8_len   its length in bytes
 *   48 width      1, 2 or 4
 *   49 ascii      every code point < 128
 *   56 data
 */
typedef struct pyvm_str {
    pyvm_obj h;
    int64_t len;
    int64_t hash;
    const char* utf8;
    int64_t utf8_len;
    uint8_t width;
    uint8_t ascii;
    uint8_t reserved[6];
} pyvm_str;

#define PYVM_STR_DATA(s) ((void*)((char*)(s) + sizeof(pyvm_str)))

inline uint32_t pyvm_str_get(const pyvm_str* s, int64_t i) {
    const void* d = (const char*)s + sizeof(pyvm_str);
    switch (s->width) {
    case 1: return ((const uint8_t*)d)[i];
    case 2: return ((const uint16_t*)d)[i];
    default: return ((const uint32_t*)d)[i];
    }
}

/* ---- construction ---- */
/* From UTF-8 (malformed sequences decode to U+FFFD; encoded surrogates are kept). */
pyvm_str* pyvm_str_from_utf8(const char* bytes, int64_t nbytes);
pyvm_str* pyvm_str_from_cstr(const char* utf8);
/* Bytes known to be ASCII: the fast path of number formatting. */
pyvm_str* pyvm_str_from_ascii(const char* bytes, int64_t n);
pyvm_str* pyvm_str_from_ucs4(const uint32_t* cps, int64_t n);
/* Uninitialised string of `len` code points of `width` bytes; the caller
 * fills it and must keep the width canonical (see pyvm_str_from_ucs4). */
pyvm_str* pyvm_str_alloc(int64_t len, int width);
pyvm_str* pyvm_str_empty(void);
/* One-character string (cached for code points < 256). */
pyvm_str* pyvm_str_from_char(uint32_t cp);

/* UTF-8 bytes of s (cached; lone surrogates are encoded as in WTF-8). */
const char* pyvm_str_utf8(pyvm_str* s, int64_t* nbytes);

/* ---- sequence protocol ---- */
int64_t pyvm_str_len(pyvm_str* s);
pyvm_str* pyvm_str_getitem(pyvm_str* s, int64_t i);     /* s[i], i may be negative */
pyvm_str* pyvm_str_char_at(pyvm_str* s, int64_t i);     /* iteration: 0 <= i < len */
pyvm_str* pyvm_str_slice(pyvm_str* s, int64_t start, int64_t stop, int64_t step, int64_t flags);
pyvm_str* pyvm_str_concat(pyvm_str* a, pyvm_str* b);
pyvm_str* pyvm_str_repeat(pyvm_str* s, int64_t n);
bool pyvm_str_eq(pyvm_str* a, pyvm_str* b);
int64_t pyvm_str_compare(pyvm_str* a, pyvm_str* b);     /* <0, 0, >0 by code points */
int64_t pyvm_str_hash(pyvm_str* s);
bool pyvm_str_contains(pyvm_str* haystack, pyvm_str* needle);

/* ---- methods (strmeth.c) ---- */
pyvm_list* pyvm_str_split(pyvm_str* s, pyvm_str* sep, int64_t maxsplit);  /* sep NULL: whitespace */
pyvm_list* pyvm_str_rsplit(pyvm_str* s, pyvm_str* sep, int64_t maxsplit);
pyvm_list* pyvm_str_splitlines(pyvm_str* s, bool keepends);
pyvm_str* pyvm_str_join(pyvm_str* sep, pyvm_list* items);
pyvm_str* pyvm_str_strip(pyvm_str* s, pyvm_str* chars);   /* chars NULL: whitespace */
pyvm_str* pyvm_str_lstrip(pyvm_str* s, pyvm_str* chars);
pyvm_str* pyvm_str_rstrip(pyvm_str* s, pyvm_str* chars);
pyvm_str* pyvm_str_replace(pyvm_str* s, pyvm_str* old, pyvm_str* new_, int64_t count);
int64_t pyvm_str_find(pyvm_str* s, pyvm_str* sub);
int64_t pyvm_str_rfind(pyvm_str* s, pyvm_str* sub);
int64_t pyvm_str_index(pyvm_str* s, pyvm_str* sub);
int64_t pyvm_str_rindex(pyvm_str* s, pyvm_str* sub);
/* find/rfind/index/rindex/count/startswith/endswith over s[start:end];
 * flags: PYVM_SLICE_NO_START / PYVM_SLICE_NO_STOP. */
int64_t pyvm_str_find_range(pyvm_str* s, pyvm_str* sub, int64_t start, int64_t end, int64_t flags);
int64_t pyvm_str_rfind_range(pyvm_str* s, pyvm_str* sub, int64_t start, int64_t end, int64_t flags);
int64_t pyvm_str_count_range(pyvm_str* s, pyvm_str* sub, int64_t start, int64_t end, int64_t flags);
int64_t pyvm_str_count(pyvm_str* s, pyvm_str* sub);
bool pyvm_str_startswith(pyvm_str* s, pyvm_str* prefix);
bool pyvm_str_endswith(pyvm_str* s, pyvm_str* suffix);
bool pyvm_str_startswith_range(pyvm_str* s, pyvm_str* prefix, int64_t start, int64_t end, int64_t flags);
bool pyvm_str_endswith_range(pyvm_str* s, pyvm_str* suffix, int64_t start, int64_t end, int64_t flags);
pyvm_str* pyvm_str_upper(pyvm_str* s);
pyvm_str* pyvm_str_lower(pyvm_str* s);
pyvm_str* pyvm_str_capitalize(pyvm_str* s);
pyvm_str* pyvm_str_title(pyvm_str* s);
pyvm_str* pyvm_str_swapcase(pyvm_str* s);
pyvm_str* pyvm_str_ljust(pyvm_str* s, int64_t width, pyvm_str* fill);  /* fill NULL: space */
pyvm_str* pyvm_str_rjust(pyvm_str* s, int64_t width, pyvm_str* fill);
pyvm_str* pyvm_str_center(pyvm_str* s, int64_t width, pyvm_str* fill);
pyvm_str* pyvm_str_zfill(pyvm_str* s, int64_t width);
bool pyvm_str_isdigit(pyvm_str* s);
bool pyvm_str_isdecimal(pyvm_str* s);
bool pyvm_str_isnumeric(pyvm_str* s);
bool pyvm_str_isalpha(pyvm_str* s);
bool pyvm_str_isalnum(pyvm_str* s);
bool pyvm_str_isspace(pyvm_str* s);
bool pyvm_str_isupper(pyvm_str* s);
bool pyvm_str_islower(pyvm_str* s);
bool pyvm_str_istitle(pyvm_str* s);
bool pyvm_str_isprintable(pyvm_str* s);
bool pyvm_str_isascii(pyvm_str* s);
int64_t pyvm_str_ord(pyvm_str* s);
pyvm_str* pyvm_str_chr(int64_t cp);
pyvm_str* pyvm_str_repr(pyvm_str* s);

/* ---- builder: accumulate code points, then make one canonical string ---- */
typedef struct pyvm_sb {
    uint32_t* buf;
    int64_t len;
    int64_t cap;
    uint32_t max;
    uint32_t small[120];
} pyvm_sb;

void pyvm_sb_init(pyvm_sb* b);
void pyvm_sb_reserve(pyvm_sb* b, int64_t extra);
inline void pyvm_sb_putc(pyvm_sb* b, uint32_t cp) {
    if (b->len == b->cap)
        pyvm_sb_reserve(b, 1);
    b->buf[b->len++] = cp;
    if (cp > b->max)
        b->max = cp;
}
void pyvm_sb_puts(pyvm_sb* b, const char* ascii);
void pyvm_sb_putn(pyvm_sb* b, const char* ascii, int64_t n);
void pyvm_sb_put_str(pyvm_sb* b, pyvm_str* s);
void pyvm_sb_fill(pyvm_sb* b, uint32_t cp, int64_t n);
pyvm_str* pyvm_sb_finish(pyvm_sb* b);
void pyvm_sb_discard(pyvm_sb* b);

#ifdef __cplusplus
}
#endif
#endif
