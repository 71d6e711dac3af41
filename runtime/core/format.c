/* Ports of CPython's Python/pystrtod.c (format_float_short) and
 * Python/formatter_unicode.c (the format-spec mini-language). The structure
 * is kept close to the originals on purpose: every branch there is an
 * observable behaviour here. */
#include "format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtoa.h"
#include "error.h"
#include "str.h"
#include "ucd.h"

/* ---- plain conversions ---- */

pyvm_str* pyvm_int_to_str(int64_t v) {
    char buf[24];
    char* p = buf + sizeof buf;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return pyvm_str_from_ascii(p, buf + sizeof buf - p);
}

pyvm_str* pyvm_bool_to_str(bool v) {
    return v ? pyvm_str_from_ascii("True", 4) : pyvm_str_from_ascii("False", 5);
}

pyvm_str* pyvm_none_to_str(void) {
    return pyvm_str_from_ascii("None", 4);
}

/* ---- PyOS_double_to_string ---- */

static char* xmalloc(size_t n) {
    char* p = malloc(n);
    if (!p)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    return p;
}

/* format_float_short from pystrtod.c, on digits from pyvm_dtoa. */
static char* format_float_short(double d, char format_code, int mode, int precision, int always_add_sign,
                                int add_dot_0_if_integer, int use_alt_formatting, int no_negative_zero,
                                int upper) {
    char* buf;
    char* p;
    const char* inf_s = upper ? "INF" : "inf";
    const char* nan_s = upper ? "NAN" : "nan";
    char e_ch = upper ? 'E' : 'e';
    int sign = signbit(d) ? 1 : 0;

    if (!isfinite(d)) {
        buf = xmalloc(5);
        p = buf;
        if (isnan(d))
            sign = 0; /* the sign of a nan is not shown */
        if (sign)
            *p++ = '-';
        else if (always_add_sign)
            *p++ = '+';
        memcpy(p, isnan(d) ? nan_s : inf_s, 3);
        p[3] = 0;
        return buf;
    }

    char digits[PYVM_DTOA_MAXDIGITS + 2];
    int decpt_i;
    int64_t digits_len = pyvm_dtoa(d, mode, precision, digits, &decpt_i);
    int64_t decpt = decpt_i, vdigits_start, vdigits_end = digits_len;
    int use_exp = 0, exp = 0;

    if (no_negative_zero && sign == 1 && (digits_len == 0 || (digits_len == 1 && digits[0] == '0')))
        sign = 0;

    switch (format_code) {
    case 'e':
        use_exp = 1;
        vdigits_end = precision;
        break;
    case 'f':
        vdigits_end = decpt + precision;
        break;
    case 'g':
        if (decpt <= -4 || decpt > (add_dot_0_if_integer ? precision - 1 : precision))
            use_exp = 1;
        if (use_alt_formatting)
            vdigits_end = precision;
        break;
    default: /* 'r': exponent from 1e16 on, like CPython */
        if (decpt <= -4 || decpt > 16)
            use_exp = 1;
        break;
    }
    if (use_exp) {
        exp = (int)decpt - 1;
        decpt = 1;
    }
    vdigits_start = decpt <= 0 ? decpt - 1 : 0;
    if (!use_exp && add_dot_0_if_integer)
        vdigits_end = vdigits_end > decpt ? vdigits_end : decpt + 1;
    else
        vdigits_end = vdigits_end > decpt ? vdigits_end : decpt;

    size_t bufsize = 3 + (size_t)(vdigits_end - vdigits_start) + (use_exp ? 6 : 0);
    buf = xmalloc(bufsize);
    p = buf;
    if (sign == 1)
        *p++ = '-';
    else if (always_add_sign)
        *p++ = '+';

    if (decpt <= 0) {
        memset(p, '0', (size_t)(decpt - vdigits_start));
        p += decpt - vdigits_start;
        *p++ = '.';
        memset(p, '0', (size_t)(0 - decpt));
        p += 0 - decpt;
    } else {
        memset(p, '0', (size_t)(0 - vdigits_start));
        p += 0 - vdigits_start;
    }
    if (0 < decpt && decpt <= digits_len) {
        memcpy(p, digits, (size_t)decpt);
        p += decpt;
        *p++ = '.';
        memcpy(p, digits + decpt, (size_t)(digits_len - decpt));
        p += digits_len - decpt;
    } else {
        memcpy(p, digits, (size_t)digits_len);
        p += digits_len;
    }
    if (digits_len < decpt) {
        memset(p, '0', (size_t)(decpt - digits_len));
        p += decpt - digits_len;
        *p++ = '.';
        memset(p, '0', (size_t)(vdigits_end - decpt));
        p += vdigits_end - decpt;
    } else {
        memset(p, '0', (size_t)(vdigits_end - digits_len));
        p += vdigits_end - digits_len;
    }
    if (p[-1] == '.' && !use_alt_formatting)
        p--;
    if (use_exp) {
        *p++ = e_ch;
        p += sprintf(p, "%+.02d", exp);
    }
    *p = 0;
    return buf;
}

char* pyvm_double_to_string(double v, char code, int precision, int flags) {
    int mode, upper = 0;
    switch (code) {
    case 'E': upper = 1; code = 'e'; /* fall through */
    case 'e': mode = 2; precision++; break;
    case 'F': upper = 1; code = 'f'; /* fall through */
    case 'f': mode = 3; break;
    case 'G': upper = 1; code = 'g'; /* fall through */
    case 'g':
        mode = 2;
        if (precision == 0)
            precision = 1;
        break;
    default: mode = 0; code = 'r'; precision = 0; break;
    }
    return format_float_short(v, code, mode, precision, flags & PYVM_DTSF_SIGN, flags & PYVM_DTSF_ADD_DOT_0,
                              flags & PYVM_DTSF_ALT, flags & PYVM_DTSF_NO_NEG_0, upper);
}

int pyvm_float_repr_buf(double v, char* out) {
    char* s = pyvm_double_to_string(v, 'r', 0, PYVM_DTSF_ADD_DOT_0);
    int n = (int)strlen(s);
    memcpy(out, s, (size_t)n + 1);
    free(s);
    return n;
}

pyvm_str* pyvm_float_repr(double v) {
    char buf[32];
    int n = pyvm_float_repr_buf(v, buf);
    return pyvm_str_from_ascii(buf, n);
}

/* ---- the format-spec mini-language ---- */

enum { LT_NO_LOCALE = 0, LT_DEFAULT_LOCALE, LT_UNDERSCORE_LOCALE, LT_UNDER_FOUR_LOCALE, LT_CURRENT_LOCALE };

typedef struct {
    uint32_t fill_char;
    uint32_t align;
    int alternate;
    int no_neg_0;
    uint32_t sign;
    int64_t width;
    int thousands_separators;
    int64_t precision;
    uint32_t type;
} spec_t;

static _Noreturn void unknown_presentation_type(uint32_t type, const char* type_name) {
    if (type > 32 && type < 128)
        pyvm_raisef(PYVM_EXC_VALUE, "Unknown format code '%c' for object of type '%s'", (char)type, type_name);
    pyvm_raisef(PYVM_EXC_VALUE, "Unknown format code '\\x%x' for object of type '%s'", (unsigned)type, type_name);
}

static _Noreturn void invalid_thousands_separator_type(char specifier, uint32_t type) {
    if (type > 32 && type < 128)
        pyvm_raisef(PYVM_EXC_VALUE, "Cannot specify '%c' with '%c'.", specifier, (char)type);
    pyvm_raisef(PYVM_EXC_VALUE, "Cannot specify '%c' with '\\x%x'.", specifier, (unsigned)type);
}

static _Noreturn void invalid_comma_and_underscore(void) {
    pyvm_raise(PYVM_EXC_VALUE, "Cannot specify both ',' and '_'.");
}

static int is_alignment_token(uint32_t c) {
    return c == '<' || c == '>' || c == '=' || c == '^';
}

static int is_sign_element(uint32_t c) {
    return c == ' ' || c == '+' || c == '-';
}

/* Digits of the width or precision; any Unicode decimal digit counts, as in CPython. */
static int get_integer(pyvm_str* s, int64_t* pos, int64_t end, int64_t* result) {
    int64_t acc = 0;
    int n = 0;
    for (; *pos < end; (*pos)++, n++) {
        int d = pyvm_ucd_decimal(pyvm_str_get(s, *pos));
        if (d < 0)
            break;
        if (acc > (INT64_MAX - d) / 10)
            pyvm_raise(PYVM_EXC_VALUE, "Too many decimal digits in format string");
        acc = acc * 10 + d;
    }
    *result = acc;
    return n;
}

static void parse_spec(pyvm_str* spec, spec_t* f, char default_type, char default_align, const char* type_name) {
    int64_t pos = 0, end = spec->len;
    int align_specified = 0, fill_char_specified = 0;
#define READ(i) pyvm_str_get(spec, (i))
    f->fill_char = ' ';
    f->align = (uint32_t)default_align;
    f->alternate = 0;
    f->no_neg_0 = 0;
    f->sign = 0;
    f->width = -1;
    f->thousands_separators = LT_NO_LOCALE;
    f->precision = -1;
    f->type = (uint32_t)default_type;

    if (end - pos >= 2 && is_alignment_token(READ(pos + 1))) {
        f->align = READ(pos + 1);
        f->fill_char = READ(pos);
        fill_char_specified = align_specified = 1;
        pos += 2;
    } else if (end - pos >= 1 && is_alignment_token(READ(pos))) {
        f->align = READ(pos);
        align_specified = 1;
        ++pos;
    }
    if (end - pos >= 1 && is_sign_element(READ(pos))) {
        f->sign = READ(pos);
        ++pos;
    }
    if (end - pos >= 1 && READ(pos) == 'z') {
        f->no_neg_0 = 1;
        ++pos;
    }
    if (end - pos >= 1 && READ(pos) == '#') {
        f->alternate = 1;
        ++pos;
    }
    if (!fill_char_specified && end - pos >= 1 && READ(pos) == '0') {
        f->fill_char = '0';
        if (!align_specified && default_align == '>')
            f->align = '=';
        ++pos;
    }
    if (get_integer(spec, &pos, end, &f->width) == 0)
        f->width = -1;
    if (end - pos && READ(pos) == ',') {
        f->thousands_separators = LT_DEFAULT_LOCALE;
        ++pos;
    }
    if (end - pos && READ(pos) == '_') {
        if (f->thousands_separators != LT_NO_LOCALE)
            invalid_comma_and_underscore();
        f->thousands_separators = LT_UNDERSCORE_LOCALE;
        ++pos;
    }
    if (end - pos && READ(pos) == ',') {
        if (f->thousands_separators == LT_UNDERSCORE_LOCALE)
            invalid_comma_and_underscore();
    }
    if (end - pos && READ(pos) == '.') {
        ++pos;
        if (get_integer(spec, &pos, end, &f->precision) == 0)
            pyvm_raise(PYVM_EXC_VALUE, "Format specifier missing precision");
    }
    if (end - pos > 1) {
        int64_t n;
        const char* text = pyvm_str_utf8(spec, &n);
        pyvm_raisef(PYVM_EXC_VALUE, "Invalid format specifier '%.*s' for object of type '%s'", (int)n, text,
                    type_name);
    }
    if (end - pos == 1)
        f->type = READ(pos);
#undef READ
    if (f->thousands_separators) {
        switch (f->type) {
        case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%': case 'F': case 0:
            break;
        case 'b': case 'o': case 'x': case 'X':
            if (f->thousands_separators == LT_UNDERSCORE_LOCALE) {
                f->thousands_separators = LT_UNDER_FOUR_LOCALE;
                break;
            }
            /* fall through */
        default:
            invalid_thousands_separator_type(f->thousands_separators == LT_DEFAULT_LOCALE ? ',' : '_', f->type);
        }
    }
}

/* _PyUnicode_InsertThousandsGrouping: digits d[0..n) grouped from the right
 * every `group` digits (0: no grouping), left-padded with zeros up to
 * min_width. Appends to b. */
static void insert_grouping(pyvm_sb* b, const char* d, int64_t n, int64_t min_width, uint32_t sep, int group) {
    /* Collected right-to-left, then appended reversed. Room for the digits, zero
     * padding up to min_width, a separator per group and one group of slack. */
    int64_t cap = 2 * n + (min_width > 0 ? min_width : 0) + 16;
    char* tmp = xmalloc((size_t)cap);
    int64_t out = 0, remaining = n, dpos = n;
    int use_sep = 0, broken = 0;
    int64_t len;
    if (group > 0) {
        for (;;) {
            len = group;
            int64_t m = remaining > min_width ? remaining : min_width;
            if (m < 1)
                m = 1;
            if (len > m)
                len = m;
            int64_t zeros = len - remaining > 0 ? len - remaining : 0;
            int64_t chars = remaining < len ? (remaining > 0 ? remaining : 0) : len;
            if (use_sep)
                tmp[out++] = 1; /* placeholder for sep */
            for (int64_t i = 0; i < chars; i++)
                tmp[out++] = d[--dpos];
            for (int64_t i = 0; i < zeros; i++)
                tmp[out++] = '0';
            use_sep = 1;
            remaining -= chars;
            min_width -= len;
            if (remaining <= 0 && min_width <= 0) {
                broken = 1;
                break;
            }
            min_width -= 1;
        }
    }
    if (!broken) {
        len = remaining > min_width ? remaining : min_width;
        if (len < 1)
            len = 1;
        int64_t zeros = len - remaining > 0 ? len - remaining : 0;
        int64_t chars = remaining < len ? (remaining > 0 ? remaining : 0) : len;
        if (use_sep)
            tmp[out++] = 1;
        for (int64_t i = 0; i < chars; i++)
            tmp[out++] = d[--dpos];
        for (int64_t i = 0; i < zeros; i++)
            tmp[out++] = '0';
    }
    pyvm_sb_reserve(b, out);
    for (int64_t i = out - 1; i >= 0; i--)
        pyvm_sb_putc(b, tmp[i] == 1 ? sep : (uint32_t)(uint8_t)tmp[i]);
    free(tmp);
}

/* calc_number_widths + fill_number: lays out
 *   <lpad><sign><prefix><spad><grouped digits><decimal><remainder><rpad> */
static pyvm_str* render_number(const spec_t* f, char sign_char, const char* prefix, int64_t n_prefix,
                               const char* digits, int64_t n_digits, int has_decimal, const char* remainder,
                               int64_t n_remainder, uint32_t rem_char, int locale, int toupper) {
    char sign = 0;
    int64_t n_sign = 0;
    switch (f->sign) {
    case '+': n_sign = 1; sign = sign_char == '-' ? '-' : '+'; break;
    case ' ': n_sign = 1; sign = sign_char == '-' ? '-' : ' '; break;
    default:
        if (sign_char == '-') {
            n_sign = 1;
            sign = '-';
        }
    }
    int group = 0;
    uint32_t sep = 0;
    if (locale == LT_DEFAULT_LOCALE) { group = 3; sep = ','; }
    else if (locale == LT_UNDERSCORE_LOCALE) { group = 3; sep = '_'; }
    else if (locale == LT_UNDER_FOUR_LOCALE) { group = 4; sep = '_'; }

    int64_t n_decimal = has_decimal ? 1 : 0;
    int64_t n_non_digit = n_sign + n_prefix + n_decimal + n_remainder;
    int64_t min_width = (f->fill_char == '0' && f->align == '=') ? f->width - n_non_digit : 0;

    pyvm_sb g;
    pyvm_sb_init(&g);
    if (n_digits)
        insert_grouping(&g, digits, n_digits, min_width, sep, group);
    if (toupper)
        for (int64_t i = 0; i < g.len; i++)
            if (g.buf[i] >= 'a' && g.buf[i] <= 'z')
                g.buf[i] -= 32;
    int64_t n_grouped = g.len;

    int64_t lpad = 0, spad = 0, rpad = 0;
    int64_t n_padding = f->width - (n_non_digit + n_grouped);
    if (n_padding > 0) {
        switch (f->align) {
        case '<': rpad = n_padding; break;
        case '^': lpad = n_padding / 2; rpad = n_padding - lpad; break;
        case '=': spad = n_padding; break;
        default: lpad = n_padding; break;
        }
    }
    pyvm_sb b;
    pyvm_sb_init(&b);
    pyvm_sb_fill(&b, f->fill_char, lpad);
    if (n_sign)
        pyvm_sb_putc(&b, (uint8_t)sign);
    for (int64_t i = 0; i < n_prefix; i++) {
        uint32_t c = (uint8_t)prefix[i];
        pyvm_sb_putc(&b, toupper && c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    pyvm_sb_fill(&b, f->fill_char, spad);
    pyvm_sb_reserve(&b, n_grouped);
    for (int64_t i = 0; i < n_grouped; i++)
        pyvm_sb_putc(&b, g.buf[i]);
    pyvm_sb_discard(&g);
    if (n_decimal)
        pyvm_sb_putc(&b, '.');
    if (remainder)
        pyvm_sb_putn(&b, remainder, n_remainder);
    else
        pyvm_sb_putc(&b, rem_char); /* 'c' formatting: one code point, never grouped */
    pyvm_sb_fill(&b, f->fill_char, rpad);
    return pyvm_sb_finish(&b);
}

static pyvm_str* format_float_internal(double val, const spec_t* f) {
    int precision, default_precision = 6, flags = 0, add_pct = 0;
    uint32_t type = f->type;
    if (f->precision > 2147483647)
        pyvm_raise(PYVM_EXC_VALUE, "precision too big");
    precision = (int)f->precision;
    if (f->alternate)
        flags |= PYVM_DTSF_ALT;
    if (f->no_neg_0)
        flags |= PYVM_DTSF_NO_NEG_0;
    if (type == 0) {
        /* No type: like repr without precision, else 'g' keeping a ".0". */
        flags |= PYVM_DTSF_ADD_DOT_0;
        type = 'r';
        default_precision = 0;
    }
    if (type == 'n')
        type = 'g';
    if (type == '%') {
        type = 'f';
        val *= 100;
        add_pct = 1;
    }
    if (precision < 0)
        precision = default_precision;
    else if (type == 'r')
        type = 'g';
    char* buf = pyvm_double_to_string(val, (char)type, precision, flags);
    size_t n = strlen(buf);
    if (add_pct) {
        char* bigger = xmalloc(n + 2);
        memcpy(bigger, buf, n);
        bigger[n++] = '%';
        bigger[n] = 0;
        free(buf);
        buf = bigger;
    }
    char sign_char = 0;
    char* p = buf;
    if (*p == '-') {
        sign_char = '-';
        p++;
    }
    /* parse_number: digits, then an optional '.', then the remainder. */
    char* q = p;
    while (*q >= '0' && *q <= '9')
        q++;
    int64_t n_digits = q - p;
    int has_decimal = *q == '.';
    char* rem = has_decimal ? q + 1 : q;
    int64_t n_rem = (int64_t)strlen(rem);
    pyvm_str* r = render_number(f, sign_char, "", 0, p, n_digits, has_decimal, rem, n_rem, 0,
                                f->type == 'n' ? LT_CURRENT_LOCALE : f->thousands_separators, 0);
    free(buf);
    return r;
}

static pyvm_str* format_long_internal(int64_t x, const spec_t* f) {
    if (f->precision != -1)
        pyvm_raise(PYVM_EXC_VALUE, "Precision not allowed in integer format specifier");
    if (f->no_neg_0)
        pyvm_raise(PYVM_EXC_VALUE, "Negative zero coercion (z) not allowed in integer format specifier");
    if (f->type == 'c') {
        if (f->sign)
            pyvm_raise(PYVM_EXC_VALUE, "Sign not allowed with integer format specifier 'c'");
        if (f->alternate)
            pyvm_raise(PYVM_EXC_VALUE, "Alternate form (#) not allowed with integer format specifier 'c'");
        if (x < 0 || x > 0x10ffff)
            pyvm_raise(PYVM_EXC_OVERFLOW, "%c arg not in range(0x110000)");
        return render_number(f, 0, "", 0, "", 0, 0, NULL, 1, (uint32_t)x, LT_NO_LOCALE, 0);
    }
    int base = 10;
    const char* prefix = "";
    switch (f->type) {
    case 'b': base = 2; prefix = "0b"; break;
    case 'o': base = 8; prefix = "0o"; break;
    case 'x': case 'X': base = 16; prefix = "0x"; break;
    default: break;
    }
    char buf[72];
    char* p = buf + sizeof buf;
    uint64_t u = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
    do {
        *--p = "0123456789abcdef"[u % (unsigned)base];
        u /= (unsigned)base;
    } while (u);
    return render_number(f, x < 0 ? '-' : 0, prefix, f->alternate ? (int64_t)strlen(prefix) : 0, p, buf + sizeof buf - p, 0, "", 0, 0,
                         f->type == 'n' ? LT_CURRENT_LOCALE : f->thousands_separators, f->type == 'X');
}

static pyvm_str* format_int_as(int64_t v, pyvm_str* spec, const char* type_name) {
    spec_t f;
    parse_spec(spec, &f, 'd', '>', type_name);
    switch (f.type) {
    case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n':
        return format_long_internal(v, &f);
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
        return format_float_internal((double)v, &f);
    default:
        unknown_presentation_type(f.type, type_name);
    }
}

pyvm_str* pyvm_format_int(int64_t v, pyvm_str* spec) {
    if (spec->len == 0)
        return pyvm_int_to_str(v);
    return format_int_as(v, spec, "int");
}

pyvm_str* pyvm_format_bool(bool v, pyvm_str* spec) {
    if (spec->len == 0)
        return pyvm_bool_to_str(v);
    return format_int_as(v ? 1 : 0, spec, "bool");
}

pyvm_str* pyvm_format_float(double v, pyvm_str* spec) {
    if (spec->len == 0)
        return pyvm_float_repr(v);
    spec_t f;
    parse_spec(spec, &f, 0, '>', "float");
    switch (f.type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%':
        return format_float_internal(v, &f);
    default:
        unknown_presentation_type(f.type, "float");
    }
}

pyvm_str* pyvm_format_str(pyvm_str* v, pyvm_str* spec) {
    if (spec->len == 0)
        return v;
    spec_t f;
    parse_spec(spec, &f, 's', '<', "str");
    if (f.type != 's')
        unknown_presentation_type(f.type, "str");
    if (f.sign == ' ')
        pyvm_raise(PYVM_EXC_VALUE, "Space not allowed in string format specifier");
    if (f.sign)
        pyvm_raise(PYVM_EXC_VALUE, "Sign not allowed in string format specifier");
    if (f.no_neg_0)
        pyvm_raise(PYVM_EXC_VALUE, "Negative zero coercion (z) not allowed in string format specifier");
    if (f.alternate)
        pyvm_raise(PYVM_EXC_VALUE, "Alternate form (#) not allowed in string format specifier");
    if (f.align == '=')
        pyvm_raise(PYVM_EXC_VALUE, "'=' alignment not allowed in string format specifier");
    int64_t len = v->len;
    if ((f.width == -1 || f.width <= len) && (f.precision == -1 || f.precision >= len))
        return v;
    if (f.precision >= 0 && len >= f.precision)
        len = f.precision;
    int64_t total = f.width > len ? f.width : len, lpad;
    if (f.align == '>')
        lpad = total - len;
    else if (f.align == '^')
        lpad = (total - len) / 2;
    else
        lpad = 0;
    pyvm_sb b;
    pyvm_sb_init(&b);
    pyvm_sb_fill(&b, f.fill_char, lpad);
    pyvm_sb_reserve(&b, len);
    for (int64_t i = 0; i < len; i++)
        pyvm_sb_putc(&b, pyvm_str_get(v, i));
    pyvm_sb_fill(&b, f.fill_char, total - len - lpad);
    return pyvm_sb_finish(&b);
}
