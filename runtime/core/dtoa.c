#include "dtoa.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Non-negative big integers, 32-bit little-endian limbs. The largest value
 * the algorithm builds is below 2^1200 (v < 2^1024 scaled by 10^324 at most
 * in the other direction), so a fixed array is enough. */
enum { LIMBS = 48 };

typedef struct {
    int n; /* limbs in use; no leading zero limbs; 0 means zero */
    uint32_t w[LIMBS];
} big;

static void big_set(big* a, uint64_t v) {
    a->n = 0;
    while (v) {
        a->w[a->n++] = (uint32_t)v;
        v >>= 32;
    }
}

static void big_trim(big* a) {
    while (a->n > 0 && a->w[a->n - 1] == 0)
        a->n--;
}

static void big_shl(big* a, int bits) {
    if (a->n == 0 || bits == 0)
        return;
    int words = bits / 32, rem = bits % 32;
    if (rem) {
        uint32_t carry = 0;
        for (int i = 0; i < a->n; i++) {
            uint32_t x = a->w[i];
            a->w[i] = (x << rem) | carry;
            carry = x >> (32 - rem);
        }
        if (carry)
            a->w[a->n++] = carry;
    }
    if (words) {
        memmove(a->w + words, a->w, (size_t)a->n * sizeof a->w[0]);
        memset(a->w, 0, (size_t)words * sizeof a->w[0]);
        a->n += words;
    }
}

static void big_mul_small(big* a, uint32_t m) {
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->w[i] * m + carry;
        a->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry)
        a->w[a->n++] = (uint32_t)carry;
}

static void big_mul_pow5(big* a, int n) {
    while (n >= 13) {
        big_mul_small(a, 1220703125u); /* 5^13 */
        n -= 13;
    }
    static const uint32_t p5[13] = {1, 5, 25, 125, 625, 3125, 15625, 78125, 390625, 1953125,
                                    9765625, 48828125, 244140625};
    if (n)
        big_mul_small(a, p5[n]);
}

static void big_mul_pow10(big* a, int n) {
    big_mul_pow5(a, n);
    big_shl(a, n);
}

static int big_cmp(const big* a, const big* b) {
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* sign of (a + b) - c */
static int big_cmp_sum(const big* a, const big* b, const big* c) {
    big s;
    const big* x = a->n >= b->n ? a : b;
    const big* y = a->n >= b->n ? b : a;
    uint64_t carry = 0;
    s.n = x->n;
    for (int i = 0; i < x->n; i++) {
        uint64_t t = (uint64_t)x->w[i] + (i < y->n ? y->w[i] : 0) + carry;
        s.w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry)
        s.w[s.n++] = (uint32_t)carry;
    return big_cmp(&s, c);
}

static void big_sub(big* a, const big* b) {
    int64_t borrow = 0;
    for (int i = 0; i < a->n; i++) {
        int64_t t = (int64_t)a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;
        borrow = t < 0;
        a->w[i] = (uint32_t)(t + (borrow << 32));
    }
    big_trim(a);
}

/* q = floor(a / s) for a < 10 s; a becomes a mod s. Estimates q from the
 * leading limbs (never too big), then corrects upward. */
static int big_quorem(big* a, const big* s) {
    if (big_cmp(a, s) < 0)
        return 0;
    int q = 0;
    int top = s->n - 1;
    uint64_t at = a->w[top];
    if (a->n > s->n)
        at |= (uint64_t)a->w[top + 1] << 32;
    uint64_t est = at / ((uint64_t)s->w[top] + 1);
    if (est > 9)
        est = 9;
    if (est) {
        /* a -= est * s */
        uint64_t carry = 0;
        int64_t borrow = 0;
        for (int i = 0; i < a->n; i++) {
            uint64_t p = (i < s->n ? (uint64_t)s->w[i] * est : 0) + carry;
            carry = p >> 32;
            int64_t t = (int64_t)a->w[i] - (int64_t)(uint32_t)p - borrow;
            borrow = t < 0;
            a->w[i] = (uint32_t)(t + (borrow << 32));
        }
        big_trim(a);
        q = (int)est;
    }
    while (big_cmp(a, s) >= 0) {
        big_sub(a, s);
        q++;
    }
    return q;
}

/* Adds one to the digit string buf[0..n) with carry; returns the new length
 * (digits after the incremented one are dropped, as Gay's roundoff does). */
static int round_up(char* buf, int n, int* k) {
    int i = n - 1;
    while (i >= 0 && buf[i] == '9')
        i--;
    if (i < 0) {
        buf[0] = '1';
        (*k)++;
        return 1;
    }
    buf[i]++;
    return i + 1;
}

int pyvm_dtoa(double v, int mode, int ndigits, char* buf, int* decpt) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    bits &= ~(1ULL << 63);
    if (bits == 0) {
        buf[0] = '0';
        buf[1] = 0;
        *decpt = 1;
        return 1;
    }
    int biased = (int)(bits >> 52);
    uint64_t f = bits & ((1ULL << 52) - 1);
    int e;
    if (biased) {
        f |= 1ULL << 52;
        e = biased - 1075;
    } else {
        e = -1074;
    }
    bool even = (f & 1) == 0;

    /* k = floor(log10(v)), first estimated in floating point, then fixed. */
    int k = (int)floor(log10(fabs(v)));

    big b, S, mp, mm;
    if (mode == 0) {
        /* Work in units of half an ulp (a quarter at a power of two, where
         * the gap below is half the gap above). */
        bool asym = (f == (1ULL << 52)) && biased > 1;
        int shift = asym ? 2 : 1;
        big_set(&b, f);
        big_shl(&b, shift);
        big_set(&mp, asym ? 2 : 1);
        big_set(&mm, 1);
        big_set(&S, 1);
        if (e - shift >= 0) {
            big_shl(&b, e - shift);
            big_shl(&mp, e - shift);
            big_shl(&mm, e - shift);
        } else {
            big_shl(&S, shift - e);
        }
    } else {
        big_set(&b, f);
        big_set(&S, 1);
        big_set(&mp, 0);
        big_set(&mm, 0);
        if (e >= 0)
            big_shl(&b, e);
        else
            big_shl(&S, -e);
    }
    if (k >= 0) {
        big_mul_pow10(&S, k);
    } else {
        big_mul_pow10(&b, -k);
        big_mul_pow10(&mp, -k);
        big_mul_pow10(&mm, -k);
    }
    /* Make 1 <= b/S < 10. */
    for (;;) {
        if (big_cmp(&b, &S) < 0) {
            k--;
            big_mul_small(&b, 10);
            big_mul_small(&mp, 10);
            big_mul_small(&mm, 10);
            continue;
        }
        big S10 = S;
        big_mul_small(&S10, 10);
        if (big_cmp(&b, &S10) >= 0) {
            k++;
            S = S10;
            continue;
        }
        break;
    }

    int n = 0;
    if (mode == 0) {
        for (;;) {
            int dig = big_quorem(&b, &S);
            int j = big_cmp(&b, &mm);
            int j1 = big_cmp_sum(&b, &mp, &S);
            if (j1 == 0 && even) {
                if (dig == 9)
                    goto round_9_up;
                if (j > 0)
                    dig++;
                buf[n++] = (char)('0' + dig);
                break;
            }
            if (j < 0 || (j == 0 && even)) {
                if (b.n != 0 && j1 > 0) {
                    /* Both neighbours round-trip: take the closer, ties to even. */
                    big_shl(&b, 1);
                    int c = big_cmp(&b, &S);
                    if (c > 0 || (c == 0 && (dig & 1))) {
                        if (dig == 9)
                            goto round_9_up;
                        dig++;
                    }
                }
                buf[n++] = (char)('0' + dig);
                break;
            }
            if (j1 > 0) {
                if (dig == 9)
                    goto round_9_up;
                buf[n++] = (char)('0' + dig + 1);
                break;
            }
            buf[n++] = (char)('0' + dig);
            big_mul_small(&b, 10);
            big_mul_small(&mp, 10);
            big_mul_small(&mm, 10);
            continue;
        round_9_up:
            buf[n++] = '9';
            n = round_up(buf, n, &k);
            break;
        }
    } else {
        int ilim = mode == 2 ? (ndigits < 1 ? 1 : ndigits) : k + 1 + ndigits;
        if (ilim <= 0) {
            /* Rounding happens left of the first digit: 0 or 10**(k+1). */
            big S5 = S;
            big_mul_small(&S5, 5);
            if (ilim < 0 || big_cmp(&b, &S5) <= 0) {
                buf[0] = 0;
                *decpt = -ndigits;
                return 0;
            }
            buf[0] = '1';
            buf[1] = 0;
            *decpt = k + 2;
            return 1;
        }
        int dig = 0;
        for (;;) {
            dig = big_quorem(&b, &S);
            buf[n++] = (char)('0' + dig);
            if (b.n == 0)
                goto strip;
            if (n == ilim || n >= PYVM_DTOA_MAXDIGITS)
                break;
            big_mul_small(&b, 10);
        }
        /* Round the last digit: half-even on the exact remainder. */
        big_shl(&b, 1);
        int c = big_cmp(&b, &S);
        if (c > 0 || (c == 0 && (dig & 1))) {
            n = round_up(buf, n, &k);
        } else {
        strip:
            while (n > 1 && buf[n - 1] == '0')
                n--;
        }
    }
    while (n > 1 && buf[n - 1] == '0')
        n--;
    buf[n] = 0;
    *decpt = k + 1;
    return n;
}
