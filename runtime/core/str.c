#include "str.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "seq.h"

extern inline uint32_t pyvm_str_get(const pyvm_str* s, int64_t i);
extern inline void pyvm_sb_putc(pyvm_sb* b, uint32_t cp);

/* ---- allocation and canonical width ---- */

static int width_for(uint32_t max) {
    return max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
}

pyvm_str* pyvm_str_alloc(int64_t len, int width) {
    if (len < 0 || len > (INT64_MAX / 4) - 64)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    pyvm_str* s = pyvm_alloc_obj(PYVM_KIND_STR, NULL, sizeof(pyvm_str) + (size_t)(len + 1) * (size_t)width);
    s->len = len;
    s->hash = -1;
    s->width = (uint8_t)width;
    return s;
}

/* ascii is a property of the contents; computed once when a string is done. */
static pyvm_str* finish(pyvm_str* s) {
    if (s->width == 1) {
        const uint8_t* d = PYVM_STR_DATA(s);
        uint8_t acc = 0;
        for (int64_t i = 0; i < s->len; i++)
            acc |= d[i];
        s->ascii = acc < 0x80;
        if (s->ascii) {
            s->utf8 = (const char*)d;
            s->utf8_len = s->len;
        }
    }
    return s;
}

static void put(pyvm_str* s, int64_t i, uint32_t cp) {
    void* d = PYVM_STR_DATA(s);
    switch (s->width) {
    case 1: ((uint8_t*)d)[i] = (uint8_t)cp; break;
    case 2: ((uint16_t*)d)[i] = (uint16_t)cp; break;
    default: ((uint32_t*)d)[i] = cp; break;
    }
}

/* Copies n code points between strings of possibly different widths; the
 * destination is at least as wide as any copied code point. */
static void copy_units(pyvm_str* dst, int64_t at, const pyvm_str* src, int64_t from, int64_t n) {
    if (n <= 0)
        return;
    if (dst->width == src->width) {
        memcpy((char*)PYVM_STR_DATA(dst) + at * dst->width,
               (const char*)PYVM_STR_DATA(src) + from * src->width, (size_t)n * src->width);
        return;
    }
    for (int64_t i = 0; i < n; i++)
        put(dst, at + i, pyvm_str_get(src, from + i));
}

static uint32_t max_in_range(const pyvm_str* s, int64_t from, int64_t n, int64_t step) {
    if (s->width == 1 && s->ascii)
        return 0x7f;
    uint32_t m = 0;
    for (int64_t i = 0, j = from; i < n; i++, j += step) {
        uint32_t c = pyvm_str_get(s, j);
        if (c > m)
            m = c;
    }
    return m;
}

static struct {
    pyvm_str s;
    uint32_t data[1];
} empty_str = {{{PYVM_KIND_STR, 0, NULL}, 0, 0, "", 0, 1, 1, {0}}, {0}};

pyvm_str* pyvm_str_empty(void) {
    return &empty_str.s;
}

/* Single characters come up constantly (iteration, indexing); the first 256
 * live in static storage so they cost no allocation and are shared by all
 * actors (the collector must treat them as immortal). */
static struct {
    pyvm_str s;
    uint8_t data[8];
} latin1[256];

pyvm_str* pyvm_str_from_char(uint32_t cp) {
    if (cp < 256) {
        pyvm_str* s = &latin1[cp].s;
        if (s->len == 0) {
            latin1[cp].data[0] = (uint8_t)cp;
            s->h.kind = PYVM_KIND_STR;
            s->hash = -1;
            s->width = 1;
            s->ascii = cp < 128;
            if (s->ascii) {
                s->utf8 = (const char*)latin1[cp].data;
                s->utf8_len = 1;
            } else {
                /* Static strings must not point into a heap (pyvm_str_utf8 would
                 * cache the encoding in whichever heap is current): encode now,
                 * after the code unit and its terminator. */
                latin1[cp].data[2] = (uint8_t)(0xc0 | (cp >> 6));
                latin1[cp].data[3] = (uint8_t)(0x80 | (cp & 0x3f));
                s->utf8 = (const char*)latin1[cp].data + 2;
                s->utf8_len = 2;
            }
            s->len = 1; /* last: marks the entry ready */
        }
        return s;
    }
    pyvm_str* s = pyvm_str_alloc(1, width_for(cp));
    put(s, 0, cp);
    return s;
}

pyvm_str* pyvm_str_from_ascii(const char* bytes, int64_t n) {
    if (n == 0)
        return pyvm_str_empty();
    if (n == 1)
        return pyvm_str_from_char((uint8_t)bytes[0]);
    pyvm_str* s = pyvm_str_alloc(n, 1);
    memcpy(PYVM_STR_DATA(s), bytes, (size_t)n);
    s->ascii = 1;
    s->utf8 = PYVM_STR_DATA(s);
    s->utf8_len = n;
    return s;
}

pyvm_str* pyvm_str_from_ucs4(const uint32_t* cps, int64_t n) {
    if (n == 0)
        return pyvm_str_empty();
    if (n == 1)
        return pyvm_str_from_char(cps[0]);
    uint32_t m = 0;
    for (int64_t i = 0; i < n; i++)
        if (cps[i] > m)
            m = cps[i];
    pyvm_str* s = pyvm_str_alloc(n, width_for(m));
    for (int64_t i = 0; i < n; i++)
        put(s, i, cps[i]);
    return finish(s);
}

/* ---- UTF-8 ---- */

/* Decodes one code point; malformed input yields U+FFFD and consumes one
 * byte. Surrogates encoded as three bytes are accepted so that strings with
 * lone surrogates (legal in Python source) survive the compiler's encoding. */
static uint32_t utf8_next(const uint8_t** pp, const uint8_t* end) {
    const uint8_t* p = *pp;
    uint32_t c = p[0];
    if (c < 0x80) {
        *pp = p + 1;
        return c;
    }
    int need;
    uint32_t min;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; c &= 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; c &= 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; c &= 0x07; min = 0x10000; }
    else { *pp = p + 1; return 0xfffd; }
    if (end - p <= need) { *pp = p + 1; return 0xfffd; }
    for (int i = 1; i <= need; i++) {
        if ((p[i] & 0xc0) != 0x80) { *pp = p + 1; return 0xfffd; }
        c = (c << 6) | (p[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff) { *pp = p + 1; return 0xfffd; }
    *pp = p + 1 + need;
    return c;
}

pyvm_str* pyvm_str_from_utf8(const char* bytes, int64_t nbytes) {
    const uint8_t* p = (const uint8_t*)bytes;
    const uint8_t* end = p + nbytes;
    int64_t n = 0;
    uint32_t m = 0;
    while (p < end) {
        uint32_t c = utf8_next(&p, end);
        if (c > m)
            m = c;
        n++;
    }
    if (m < 0x80)
        return pyvm_str_from_ascii(bytes, nbytes);
    if (n == 1) {
        p = (const uint8_t*)bytes;
        return pyvm_str_from_char(utf8_next(&p, end));
    }
    pyvm_str* s = pyvm_str_alloc(n, width_for(m));
    p = (const uint8_t*)bytes;
    for (int64_t i = 0; i < n; i++)
        put(s, i, utf8_next(&p, end));
    return s;
}

pyvm_str* pyvm_str_from_cstr(const char* utf8) {
    return pyvm_str_from_utf8(utf8, (int64_t)strlen(utf8));
}

const char* pyvm_str_utf8(pyvm_str* s, int64_t* nbytes) {
    if (!s->utf8) {
        int64_t n = 0;
        for (int64_t i = 0; i < s->len; i++) {
            uint32_t c = pyvm_str_get(s, i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        }
        uint8_t* out = pyvm_alloc((size_t)n + 1);
        uint8_t* q = out;
        for (int64_t i = 0; i < s->len; i++) {
            uint32_t c = pyvm_str_get(s, i);
            if (c < 0x80) {
                *q++ = (uint8_t)c;
            } else if (c < 0x800) {
                *q++ = (uint8_t)(0xc0 | (c >> 6));
                *q++ = (uint8_t)(0x80 | (c & 0x3f));
            } else if (c < 0x10000) {
                *q++ = (uint8_t)(0xe0 | (c >> 12));
                *q++ = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
                *q++ = (uint8_t)(0x80 | (c & 0x3f));
            } else {
                *q++ = (uint8_t)(0xf0 | (c >> 18));
                *q++ = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
                *q++ = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
                *q++ = (uint8_t)(0x80 | (c & 0x3f));
            }
        }
        s->utf8_len = n;
        s->utf8 = (const char*)out;
    }
    if (nbytes)
        *nbytes = s->utf8_len;
    return s->utf8;
}

/* ---- sequence protocol ---- */

int64_t pyvm_str_len(pyvm_str* s) {
    return s->len;
}

pyvm_str* pyvm_str_getitem(pyvm_str* s, int64_t i) {
    if (i < 0)
        i += s->len;
    if ((uint64_t)i >= (uint64_t)s->len)
        pyvm_raise(PYVM_EXC_INDEX, "string index out of range");
    return pyvm_str_from_char(pyvm_str_get(s, i));
}

pyvm_str* pyvm_str_char_at(pyvm_str* s, int64_t i) {
    if ((uint64_t)i >= (uint64_t)s->len)
        pyvm_raise(PYVM_EXC_INDEX, "string index out of range");
    return pyvm_str_from_char(pyvm_str_get(s, i));
}

/* A substring with contiguous code points, narrowed to its canonical width. */
static pyvm_str* substr(pyvm_str* s, int64_t from, int64_t n) {
    if (n <= 0)
        return pyvm_str_empty();
    if (n == s->len)
        return s;
    if (n == 1)
        return pyvm_str_from_char(pyvm_str_get(s, from));
    int w = s->width == 1 ? 1 : width_for(max_in_range(s, from, n, 1));
    pyvm_str* r = pyvm_str_alloc(n, w);
    copy_units(r, 0, s, from, n);
    return finish(r);
}

pyvm_str* pyvm_str_slice(pyvm_str* s, int64_t start, int64_t stop, int64_t step, int64_t flags) {
    int64_t n = pyvm_slice_adjust(s->len, &start, &stop, &step, flags);
    if (step == 1)
        return substr(s, start, n);
    if (n <= 0)
        return pyvm_str_empty();
    if (n == 1)
        return pyvm_str_from_char(pyvm_str_get(s, start));
    int w = s->width == 1 ? 1 : width_for(max_in_range(s, start, n, step));
    pyvm_str* r = pyvm_str_alloc(n, w);
    for (int64_t i = 0, j = start; i < n; i++, j += step)
        put(r, i, pyvm_str_get(s, j));
    return finish(r);
}

pyvm_str* pyvm_str_concat(pyvm_str* a, pyvm_str* b) {
    if (a->len == 0)
        return b;
    if (b->len == 0)
        return a;
    if (a->len > INT64_MAX / 8 - b->len)
        pyvm_raise(PYVM_EXC_OVERFLOW, "strings are too large to concat");
    pyvm_str* r = pyvm_str_alloc(a->len + b->len, a->width > b->width ? a->width : b->width);
    copy_units(r, 0, a, 0, a->len);
    copy_units(r, a->len, b, 0, b->len);
    r->ascii = a->ascii && b->ascii;
    if (r->ascii) {
        r->utf8 = PYVM_STR_DATA(r);
        r->utf8_len = r->len;
    }
    return r;
}

pyvm_str* pyvm_str_repeat(pyvm_str* s, int64_t n) {
    if (n <= 0 || s->len == 0)
        return pyvm_str_empty();
    if (n == 1)
        return s;
    if (s->len > INT64_MAX / 8 / n)
        pyvm_raise(PYVM_EXC_OVERFLOW, "repeated string is too long");
    pyvm_str* r = pyvm_str_alloc(s->len * n, s->width);
    size_t unit = (size_t)s->len * s->width;
    char* d = PYVM_STR_DATA(r);
    memcpy(d, PYVM_STR_DATA(s), unit);
    /* Doubling copies: log(n) memcpy calls instead of n. */
    size_t done = unit, total = unit * (size_t)n;
    while (done < total) {
        size_t chunk = done <= total - done ? done : total - done;
        memcpy(d + done, d, chunk);
        done += chunk;
    }
    r->ascii = s->ascii;
    if (r->ascii) {
        r->utf8 = d;
        r->utf8_len = r->len;
    }
    return r;
}

bool pyvm_str_eq(pyvm_str* a, pyvm_str* b) {
    if (a == b)
        return true;
    if (a->len != b->len || a->width != b->width)
        return false;
    if (a->hash != -1 && b->hash != -1 && a->hash != b->hash)
        return false;
    return memcmp(PYVM_STR_DATA(a), PYVM_STR_DATA(b), (size_t)a->len * a->width) == 0;
}

int64_t pyvm_str_compare(pyvm_str* a, pyvm_str* b) {
    int64_t n = a->len < b->len ? a->len : b->len;
    if (a->width == 1 && b->width == 1) {
        int c = memcmp(PYVM_STR_DATA(a), PYVM_STR_DATA(b), (size_t)n);
        if (c)
            return c < 0 ? -1 : 1;
    } else {
        for (int64_t i = 0; i < n; i++) {
            uint32_t x = pyvm_str_get(a, i), y = pyvm_str_get(b, i);
            if (x != y)
                return x < y ? -1 : 1;
        }
    }
    return a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
}

/* CPython's SipHash-1-3 (Python/pyhash.c) with the all-zero key that
 * PYTHONHASHSEED=0 selects: hashes match `PYTHONHASHSEED=0 python3.12`. */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define HALF_ROUND(a, b, c, d, s, t) \
    a += b; c += d; b = ROTL(b, s) ^ a; d = ROTL(d, t) ^ c; a = ROTL(a, 32);
#define SIP_ROUND(v0, v1, v2, v3) \
    HALF_ROUND(v0, v1, v2, v3, 13, 16); HALF_ROUND(v2, v1, v0, v3, 17, 21);

static uint64_t siphash13(const uint8_t* in, size_t n) {
    uint64_t b = (uint64_t)n << 56;
    uint64_t v0 = 0x736f6d6570736575ULL, v1 = 0x646f72616e646f6dULL;
    uint64_t v2 = 0x6c7967656e657261ULL, v3 = 0x7465646279746573ULL;
    while (n >= 8) {
        uint64_t mi;
        memcpy(&mi, in, 8); /* little-endian targets only, like the code units */
        in += 8;
        n -= 8;
        v3 ^= mi;
        SIP_ROUND(v0, v1, v2, v3);
        v0 ^= mi;
    }
    uint64_t t = 0;
    memcpy(&t, in, n);
    b |= t;
    v3 ^= b;
    SIP_ROUND(v0, v1, v2, v3);
    v0 ^= b;
    v2 ^= 0xff;
    SIP_ROUND(v0, v1, v2, v3);
    SIP_ROUND(v0, v1, v2, v3);
    SIP_ROUND(v0, v1, v2, v3);
    return (v0 ^ v1) ^ (v2 ^ v3);
}

int64_t pyvm_str_hash(pyvm_str* s) {
    if (s->hash != -1)
        return s->hash;
    int64_t h = 0;
    if (s->len)
        h = (int64_t)siphash13(PYVM_STR_DATA(s), (size_t)s->len * s->width);
    if (h == -1)
        h = -2;
    s->hash = h;
    return h;
}

bool pyvm_str_contains(pyvm_str* haystack, pyvm_str* needle) {
    return pyvm_str_find(haystack, needle) >= 0;
}

/* ---- builder ---- */

void pyvm_sb_init(pyvm_sb* b) {
    b->buf = b->small;
    b->len = 0;
    b->cap = (int64_t)(sizeof b->small / sizeof b->small[0]);
    b->max = 0;
}

void pyvm_sb_reserve(pyvm_sb* b, int64_t extra) {
    if (b->len + extra <= b->cap)
        return;
    int64_t cap = b->cap * 2;
    if (cap < b->len + extra)
        cap = b->len + extra;
    uint32_t* nb;
    if (b->buf == b->small) {
        nb = malloc((size_t)cap * sizeof *nb);
        if (nb)
            memcpy(nb, b->small, (size_t)b->len * sizeof *nb);
    } else {
        nb = realloc(b->buf, (size_t)cap * sizeof *nb);
    }
    if (!nb)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    b->buf = nb;
    b->cap = cap;
}

void pyvm_sb_putn(pyvm_sb* b, const char* ascii, int64_t n) {
    pyvm_sb_reserve(b, n);
    for (int64_t i = 0; i < n; i++) {
        uint32_t c = (uint8_t)ascii[i];
        b->buf[b->len++] = c;
        if (c > b->max)
            b->max = c;
    }
}

void pyvm_sb_puts(pyvm_sb* b, const char* ascii) {
    pyvm_sb_putn(b, ascii, (int64_t)strlen(ascii));
}

void pyvm_sb_put_str(pyvm_sb* b, pyvm_str* s) {
    pyvm_sb_reserve(b, s->len);
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t c = pyvm_str_get(s, i);
        b->buf[b->len++] = c;
        if (c > b->max)
            b->max = c;
    }
}

void pyvm_sb_fill(pyvm_sb* b, uint32_t cp, int64_t n) {
    if (n <= 0)
        return;
    pyvm_sb_reserve(b, n);
    for (int64_t i = 0; i < n; i++)
        b->buf[b->len++] = cp;
    if (cp > b->max)
        b->max = cp;
}

void pyvm_sb_discard(pyvm_sb* b) {
    if (b->buf != b->small)
        free(b->buf);
    pyvm_sb_init(b);
}

pyvm_str* pyvm_sb_finish(pyvm_sb* b) {
    pyvm_str* s;
    if (b->len == 0) {
        s = pyvm_str_empty();
    } else if (b->len == 1) {
        s = pyvm_str_from_char(b->buf[0]);
    } else {
        s = pyvm_str_alloc(b->len, width_for(b->max));
        for (int64_t i = 0; i < b->len; i++)
            put(s, i, b->buf[i]);
        finish(s);
    }
    pyvm_sb_discard(b);
    return s;
}
