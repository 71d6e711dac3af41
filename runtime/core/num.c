#include "num.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtoa.h"
#include "error.h"
#include "str.h"
#include "ucd.h"

static _Noreturn void int_overflow(void) {
    pyvm_raise(PYVM_EXC_OVERFLOW, "integer overflow");
}

int64_t pyvm_int_pow(int64_t base, int64_t exp) {
    if (exp < 0)
        pyvm_raise(PYVM_EXC_VALUE, "negative exponent in int ** int: the result would be a float, "
                                   "write float(base) ** exp");
    int64_t result = 1;
    for (;;) {
        if (exp & 1)
            if (__builtin_mul_overflow(result, base, &result))
                int_overflow();
        exp >>= 1;
        if (!exp)
            return result;
        /* Square only when another bit needs it, so a final unused square cannot overflow. */
        if (__builtin_mul_overflow(base, base, &base)) {
            /* |base| >= 2^32 and more bits remain: overflow unless the result is 0 or +-1. */
            if (result == 0)
                return 0;
            int_overflow();
        }
    }
}

int64_t pyvm_int_abs(int64_t x) {
    if (x == INT64_MIN)
        int_overflow();
    return x < 0 ? -x : x;
}

/* CPython's long_true_divide gives the correctly rounded quotient. Small
 * operands convert exactly, so one IEEE division does it; otherwise build
 * 55 quotient bits plus a sticky bit and round half-even by hand. */
double pyvm_int_truediv(int64_t a, int64_t b) {
    if (b == 0)
        pyvm_raise(PYVM_EXC_ZERO_DIVISION, "division by zero");
    const int64_t exact = (int64_t)1 << 53;
    if (a >= -exact && a <= exact && b >= -exact && b <= exact)
        return (double)a / (double)b;
    int neg = (a < 0) != (b < 0);
    uint64_t A = a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
    uint64_t B = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
    if (A == 0)
        return neg ? -0.0 : 0.0;
    uint64_t q = A / B, r = A % B;
    int exp2 = 0;
    /* Extend the quotient with fraction bits until it has 55 significant bits. */
    while (q < ((uint64_t)1 << 54)) {
        r <<= 1;
        q <<= 1;
        if (r >= B) {
            r -= B;
            q |= 1;
        }
        exp2--;
    }
    /* Or drop low bits into the sticky part when the integer quotient is wide. */
    int sticky = r != 0;
    while (q >= ((uint64_t)1 << 55)) {
        sticky |= (int)(q & 1);
        q >>= 1;
        exp2++;
    }
    /* q has 55 bits: 53 kept, a round bit, and the sticky information. */
    uint64_t keep = q >> 2, round = (q >> 1) & 1;
    sticky |= (int)(q & 1);
    if (round && (sticky || (keep & 1)))
        keep++;
    double v = ldexp((double)keep, exp2 + 2);
    return neg ? -v : v;
}

double pyvm_float_div(double a, double b) {
    if (b == 0.0)
        pyvm_raise(PYVM_EXC_ZERO_DIVISION, "float division by zero");
    return a / b;
}

/* _float_div_mod from Objects/floatobject.c. */
static void float_div_mod(double vx, double wx, double* floordiv, double* mod) {
    double div;
    *mod = fmod(vx, wx);
    div = (vx - *mod) / wx;
    if (*mod) {
        if ((wx < 0) != (*mod < 0)) {
            *mod += wx;
            div -= 1.0;
        }
    } else {
        *mod = copysign(0.0, wx);
    }
    if (div) {
        *floordiv = floor(div);
        if (div - *floordiv > 0.5)
            *floordiv += 1.0;
    } else {
        *floordiv = copysign(0.0, vx / wx);
    }
}

double pyvm_float_floordiv(double a, double b) {
    if (b == 0.0)
        pyvm_raise(PYVM_EXC_ZERO_DIVISION, "float floor division by zero");
    double q, m;
    float_div_mod(a, b, &q, &m);
    return q;
}

double pyvm_float_mod(double a, double b) {
    if (b == 0.0)
        pyvm_raise(PYVM_EXC_ZERO_DIVISION, "float modulo");
    double m = fmod(a, b);
    if (m) {
        if ((b < 0) != (m < 0))
            m += b;
    } else {
        m = copysign(0.0, b);
    }
    return m;
}

static int is_odd_integer(double x) {
    return fmod(fabs(x), 2.0) == 1.0;
}

/* float_pow from Objects/floatobject.c, special cases first. */
double pyvm_float_pow(double iv, double iw) {
    int negate_result = 0;
    if (iw == 0)
        return 1.0;
    if (isnan(iv))
        return iv;
    if (isnan(iw))
        return iv == 1.0 ? 1.0 : iw;
    if (isinf(iw)) {
        iv = fabs(iv);
        if (iv == 1.0)
            return 1.0;
        if ((iw > 0.0) == (iv > 1.0))
            return fabs(iw);
        return 0.0;
    }
    if (isinf(iv)) {
        int odd = is_odd_integer(iw);
        if (iw > 0.0)
            return odd ? iv : fabs(iv);
        return odd ? copysign(0.0, iv) : 0.0;
    }
    if (iv == 0.0) {
        int odd = is_odd_integer(iw);
        if (iw < 0.0)
            pyvm_raise(PYVM_EXC_ZERO_DIVISION, "0.0 cannot be raised to a negative power");
        return odd ? iv : 0.0;
    }
    if (iv < 0.0) {
        /* CPython returns a complex here; this subset has no complex type. */
        if (iw != floor(iw))
            pyvm_raise(PYVM_EXC_VALUE, "math domain error");
        iv = -iv;
        negate_result = is_odd_integer(iw);
    }
    if (iv == 1.0)
        return negate_result ? -1.0 : 1.0;
    errno = 0;
    double ix = pow(iv, iw);
    /* _Py_ADJUST_ERANGE1: overflow is an error, underflow to 0 is not. */
    if (errno == 0 && isinf(ix))
        errno = ERANGE;
    else if (errno == ERANGE && ix == 0.0)
        errno = 0;
    if (negate_result)
        ix = -ix;
    if (errno == ERANGE)
        pyvm_raise(PYVM_EXC_OVERFLOW, "(34, 'Numerical result out of range')");
    if (errno != 0)
        pyvm_raise(PYVM_EXC_VALUE, "math domain error");
    return ix;
}

int64_t pyvm_float_to_int(double v) {
    if (isinf(v))
        pyvm_raise(PYVM_EXC_OVERFLOW, "cannot convert float infinity to integer");
    if (isnan(v))
        pyvm_raise(PYVM_EXC_VALUE, "cannot convert float NaN to integer");
    /* Exactly the doubles in [-2^63, 2^63) fit. */
    if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0))
        int_overflow();
    return (int64_t)v;
}

/* ---- parsing ---- */

/* _PyUnicode_TransformDecimalAndSpaceToASCII: Unicode digits become ASCII
 * digits, Unicode spaces become ' ', anything else non-ASCII becomes '?'. */
static char* to_ascii(pyvm_str* s) {
    char* out = malloc((size_t)s->len + 1);
    if (!out)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t c = pyvm_str_get(s, i);
        if (c < 128) {
            out[i] = (char)c;
        } else if (pyvm_ucd_isspace(c)) {
            out[i] = ' ';
        } else {
            int d = pyvm_ucd_decimal(c);
            out[i] = d >= 0 ? (char)('0' + d) : '?';
        }
    }
    out[s->len] = 0;
    return out;
}

static int py_isspace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* "%.200R": the repr, cut to 200 code points (even mid-escape, like CPython). */
static _Noreturn void invalid_int_literal(pyvm_str* s, char* buf) {
    free(buf);
    pyvm_str* r = pyvm_str_repr(s);
    if (r->len > 200)
        r = pyvm_str_slice(r, 0, 200, 1, 0);
    int64_t n;
    const char* text = pyvm_str_utf8(r, &n);
    pyvm_raisef(PYVM_EXC_VALUE, "invalid literal for int() with base 10: %.*s", (int)n, text);
}

int64_t pyvm_int_from_str(pyvm_str* s) {
    char* buf = to_ascii(s);
    const char* p = buf;
    /* An embedded NUL ends the C string early, so it cannot validate. */
    if ((int64_t)strlen(buf) != s->len)
        invalid_int_literal(s, buf);
    while (*p && py_isspace(*p))
        p++;
    int neg = 0;
    if (*p == '+') {
        p++;
    } else if (*p == '-') {
        p++;
        neg = 1;
    }
    if (*p == '_')
        invalid_int_literal(s, buf);
    const char* start = p;
    char prev = 0;
    int64_t digits = 0;
    while ((*p >= '0' && *p <= '9') || *p == '_') {
        if (*p == '_') {
            if (prev == '_')
                invalid_int_literal(s, buf);
        } else {
            digits++;
        }
        prev = *p++;
    }
    if (prev == '_' || p == start)
        invalid_int_literal(s, buf);
    const char* end = p;
    while (*p && py_isspace(*p))
        p++;
    if (*p)
        invalid_int_literal(s, buf);
    if (digits > 4300) {
        free(buf);
        pyvm_raisef(PYVM_EXC_VALUE,
                    "Exceeds the limit (4300 digits) for integer string conversion: value has %lld digits; "
                    "use sys.set_int_max_str_digits() to increase the limit",
                    (long long)digits);
    }
    /* Accumulate negatively so INT64_MIN parses. */
    int64_t v = 0;
    for (const char* q = start; q < end; q++) {
        if (*q == '_')
            continue;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, *q - '0', &v)) {
            free(buf);
            int_overflow();
        }
    }
    free(buf);
    if (!neg) {
        if (v == INT64_MIN)
            int_overflow();
        v = -v;
    }
    return v;
}

static _Noreturn void bad_float(pyvm_str* s, char* buf) {
    free(buf);
    int64_t n;
    const char* text = pyvm_str_utf8(pyvm_str_repr(s), &n);
    pyvm_raisef(PYVM_EXC_VALUE, "could not convert string to float: %.*s", (int)n, text);
}

static int ci_match(const char* s, const char* word) {
    for (; *word; s++, word++)
        if ((*s | 0x20) != *word)
            return 0;
    return 1;
}

double pyvm_float_from_str(pyvm_str* s) {
    char* buf = to_ascii(s);
    if ((int64_t)strlen(buf) != s->len)
        bad_float(s, buf);
    /* _Py_string_to_number_with_underscores: '_' only between digits. */
    if (strchr(buf, '_')) {
        char *w = buf, prev = 0;
        for (const char* p = buf; *p; p++) {
            if (*p == '_') {
                if (!(prev >= '0' && prev <= '9'))
                    bad_float(s, buf);
            } else {
                if (prev == '_' && !(*p >= '0' && *p <= '9'))
                    bad_float(s, buf);
                *w++ = *p;
            }
            prev = *p;
        }
        if (prev == '_')
            bad_float(s, buf);
        *w = 0;
    }
    char* p = buf;
    char* last = buf + strlen(buf);
    while (p < last && py_isspace(*p))
        p++;
    if (p == last)
        bad_float(s, buf);
    while (last - 1 > p && py_isspace(last[-1]))
        last--;
    *last = 0;
    /* Validate the grammar ourselves so strtod never sees hex, "nan(...)" or locale forms. */
    const char* q = p;
    int neg = 0;
    if (*q == '+' || *q == '-')
        neg = *q++ == '-';
    double v;
    if (ci_match(q, "inf")) {
        q += 3;
        if (ci_match(q, "inity"))
            q += 5;
        if (*q)
            bad_float(s, buf);
        v = neg ? -INFINITY : INFINITY;
    } else if (ci_match(q, "nan")) {
        if (q[3])
            bad_float(s, buf);
        v = neg ? -NAN : NAN;
    } else {
        int mant = 0;
        while (*q >= '0' && *q <= '9') {
            q++;
            mant++;
        }
        if (*q == '.') {
            q++;
            while (*q >= '0' && *q <= '9') {
                q++;
                mant++;
            }
        }
        if (!mant)
            bad_float(s, buf);
        if (*q == 'e' || *q == 'E') {
            q++;
            if (*q == '+' || *q == '-')
                q++;
            if (!(*q >= '0' && *q <= '9'))
                bad_float(s, buf);
            while (*q >= '0' && *q <= '9')
                q++;
        }
        if (*q)
            bad_float(s, buf);
        v = strtod(p, NULL);
    }
    free(buf);
    return v;
}

/* ---- round() ---- */

int64_t pyvm_float_round_to_int(double x) {
    double r = round(x);
    if (fabs(x - r) == 0.5)
        r = 2.0 * round(x / 2.0);
    return pyvm_float_to_int(r);
}

double pyvm_float_round(double x, int64_t ndigits) {
    if (!isfinite(x))
        return x;
    /* Beyond these, x rounds to itself or to a signed zero (floatobject.c). */
    if (ndigits > 323)
        return x;
    if (ndigits < -308)
        return 0.0 * x;
    char digits[PYVM_DTOA_MAXDIGITS + 2];
    int decpt;
    int n = pyvm_dtoa(x, 3, (int)ndigits, digits, &decpt);
    char text[PYVM_DTOA_MAXDIGITS + 32];
    snprintf(text, sizeof text, "%s0%se%d", signbit(x) ? "-" : "", digits, decpt - n);
    errno = 0;
    double r = strtod(text, NULL);
    if (errno == ERANGE && fabs(r) >= 1.0)
        pyvm_raise(PYVM_EXC_OVERFLOW, "rounded value too large to represent");
    return r;
}

__extension__ typedef __int128 i128;

int64_t pyvm_int_round(int64_t x, int64_t ndigits) {
    if (ndigits >= 0)
        return x;
    if (ndigits < -38) /* 10**39 exceeds every int64 twice over */
        return 0;
    i128 p = 1;
    for (int64_t i = 0; i < -ndigits; i++)
        p *= 10;
    /* divmod_near: quotient rounded to nearest, ties to even. */
    i128 q = x / p, r = x % p;
    if (r < 0) {
        q -= 1;
        r += p;
    }
    if (2 * r > p || (2 * r == p && (q & 1)))
        q += 1;
    i128 res = q * p;
    if (res > INT64_MAX || res < INT64_MIN)
        int_overflow();
    return (int64_t)res;
}
