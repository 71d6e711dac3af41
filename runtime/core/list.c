#include "list.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "seq.h"
#include "str.h"
#include "typedesc.h"
#include "value.h"

static const pyvm_type* elem_type(const pyvm_list* l) {
    return l->h.type->args[0];
}

/* CPython's over-allocation (Objects/listobject.c); not observable, but it
 * keeps append amortised O(1) with modest slack. */
static void reserve(pyvm_list* l, int64_t need) {
    if (need <= l->cap)
        return;
    if (need > INT64_MAX / 16)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    int64_t cap = (need + (need >> 3) + 6) & ~(int64_t)3;
    l->items = pyvm_buf_grow(l->items, (size_t)l->cap * sizeof(pyvm_slot), (size_t)cap * sizeof(pyvm_slot));
    l->cap = cap;
}

pyvm_list* pyvm_list_new(const pyvm_type* t, int64_t len) {
    if (len < 0)
        len = 0;
    if (len > INT64_MAX / 16)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    pyvm_list* l = pyvm_alloc_obj(PYVM_KIND_LIST, t, sizeof(pyvm_list));
    if (len) {
        l->items = pyvm_buf_alloc((size_t)len * sizeof(pyvm_slot));
        l->cap = len;
    }
    l->len = len;
    return l;
}

pyvm_list* pyvm_list_from_slots(const pyvm_type* t, const uint64_t* slots, int64_t n) {
    pyvm_list* l = pyvm_list_new(t, n);
    if (n)
        memcpy(l->items, slots, (size_t)n * sizeof(pyvm_slot));
    return l;
}

int64_t pyvm_list_len(pyvm_list* l) {
    return l->len;
}

uint64_t pyvm_list_get(pyvm_list* l, int64_t i) {
    if (i < 0)
        i += l->len;
    if ((uint64_t)i >= (uint64_t)l->len)
        pyvm_raise(PYVM_EXC_INDEX, "list index out of range");
    return l->items[i];
}

void pyvm_list_set(pyvm_list* l, int64_t i, uint64_t v) {
    if (i < 0)
        i += l->len;
    if ((uint64_t)i >= (uint64_t)l->len)
        pyvm_raise(PYVM_EXC_INDEX, "list assignment index out of range");
    l->items[i] = v;
}

void pyvm_list_append(pyvm_list* l, uint64_t v) {
    if (l->len == l->cap)
        reserve(l, l->len + 1);
    l->items[l->len++] = v;
}

uint64_t pyvm_list_pop(pyvm_list* l) {
    if (l->len == 0)
        pyvm_raise(PYVM_EXC_INDEX, "pop from empty list");
    return l->items[--l->len];
}

uint64_t pyvm_list_pop_at(pyvm_list* l, int64_t i) {
    if (l->len == 0)
        pyvm_raise(PYVM_EXC_INDEX, "pop from empty list");
    if (i < 0)
        i += l->len;
    if ((uint64_t)i >= (uint64_t)l->len)
        pyvm_raise(PYVM_EXC_INDEX, "pop index out of range");
    uint64_t v = l->items[i];
    memmove(l->items + i, l->items + i + 1, (size_t)(l->len - i - 1) * sizeof(pyvm_slot));
    l->len--;
    return v;
}

void pyvm_list_insert(pyvm_list* l, int64_t i, uint64_t v) {
    int64_t n = l->len;
    if (i < 0) {
        i += n;
        if (i < 0)
            i = 0;
    }
    if (i > n)
        i = n;
    reserve(l, n + 1);
    memmove(l->items + i + 1, l->items + i, (size_t)(n - i) * sizeof(pyvm_slot));
    l->items[i] = v;
    l->len = n + 1;
}

void pyvm_list_extend(pyvm_list* l, pyvm_list* other) {
    int64_t n = other->len; /* read first: other may be l itself */
    if (n == 0)
        return;
    reserve(l, l->len + n);
    memmove(l->items + l->len, other->items, (size_t)n * sizeof(pyvm_slot));
    l->len += n;
}

pyvm_list* pyvm_list_copy(pyvm_list* l) {
    return pyvm_list_from_slots(l->h.type, l->items, l->len);
}

pyvm_list* pyvm_list_concat(pyvm_list* a, pyvm_list* b) {
    pyvm_list* r = pyvm_list_new(a->h.type, a->len + b->len);
    if (a->len)
        memcpy(r->items, a->items, (size_t)a->len * sizeof(pyvm_slot));
    if (b->len)
        memcpy(r->items + a->len, b->items, (size_t)b->len * sizeof(pyvm_slot));
    return r;
}

pyvm_list* pyvm_list_repeat(pyvm_list* l, int64_t n) {
    if (n <= 0 || l->len == 0)
        return pyvm_list_new(l->h.type, 0);
    if (l->len > INT64_MAX / 16 / n)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    pyvm_list* r = pyvm_list_new(l->h.type, l->len * n);
    for (int64_t k = 0; k < n; k++)
        memcpy(r->items + k * l->len, l->items, (size_t)l->len * sizeof(pyvm_slot));
    return r;
}

void pyvm_list_inplace_repeat(pyvm_list* l, int64_t n) {
    int64_t len = l->len;
    if (n <= 0 || len == 0) {
        l->len = 0;
        return;
    }
    if (len > INT64_MAX / 16 / n)
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    reserve(l, len * n);
    for (int64_t k = 1; k < n; k++)
        memcpy(l->items + k * len, l->items, (size_t)len * sizeof(pyvm_slot));
    l->len = len * n;
}

static _Noreturn void not_in_list(pyvm_list* l, uint64_t v) {
    int64_t n;
    const char* r = pyvm_str_utf8(pyvm_repr(elem_type(l), v), &n);
    pyvm_raisef(PYVM_EXC_VALUE, "%.*s is not in list", (int)n, r);
}

int64_t pyvm_list_index_range(pyvm_list* l, uint64_t v, int64_t start, int64_t stop, int64_t flags) {
    if (flags & PYVM_SLICE_NO_START)
        start = 0;
    if (flags & PYVM_SLICE_NO_STOP)
        stop = INT64_MAX;
    if (start < 0) {
        start += l->len;
        if (start < 0)
            start = 0;
    }
    if (stop < 0) {
        stop += l->len;
        if (stop < 0)
            stop = 0;
    }
    const pyvm_type* t = elem_type(l);
    for (int64_t i = start; i < stop && i < l->len; i++)
        if (pyvm_value_eq(t, l->items[i], v))
            return i;
    not_in_list(l, v);
}

int64_t pyvm_list_index(pyvm_list* l, uint64_t v) {
    return pyvm_list_index_range(l, v, 0, 0, PYVM_SLICE_NO_START | PYVM_SLICE_NO_STOP);
}

int64_t pyvm_list_count(pyvm_list* l, uint64_t v) {
    const pyvm_type* t = elem_type(l);
    int64_t c = 0;
    for (int64_t i = 0; i < l->len; i++)
        c += pyvm_value_eq(t, l->items[i], v);
    return c;
}

void pyvm_list_remove(pyvm_list* l, uint64_t v) {
    const pyvm_type* t = elem_type(l);
    for (int64_t i = 0; i < l->len; i++) {
        if (pyvm_value_eq(t, l->items[i], v)) {
            pyvm_list_pop_at(l, i);
            return;
        }
    }
    pyvm_raise(PYVM_EXC_VALUE, "list.remove(x): x not in list");
}

static void reverse_slots(pyvm_slot* a, int64_t n) {
    for (int64_t i = 0, j = n - 1; i < j; i++, j--) {
        pyvm_slot t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

void pyvm_list_reverse(pyvm_list* l) {
    reverse_slots(l->items, l->len);
}

void pyvm_list_clear(pyvm_list* l) {
    l->len = 0;
}

bool pyvm_list_contains(pyvm_list* l, uint64_t v) {
    const pyvm_type* t = elem_type(l);
    for (int64_t i = 0; i < l->len; i++)
        if (pyvm_value_eq(t, l->items[i], v))
            return true;
    return false;
}

bool pyvm_list_eq(pyvm_list* a, pyvm_list* b) {
    if (a == b)
        return true;
    if (a->len != b->len)
        return false;
    const pyvm_type* t = elem_type(a);
    for (int64_t i = 0; i < a->len; i++)
        if (!pyvm_value_eq(t, a->items[i], b->items[i]))
            return false;
    return true;
}

/* CPython's sequence comparison: the first unequal pair decides, else the lengths. */
bool pyvm_list_richcompare(pyvm_list* a, pyvm_list* b, int op) {
    if (a->len != b->len && (op == PYVM_CMP_EQ || op == PYVM_CMP_NE))
        return op == PYVM_CMP_NE;
    const pyvm_type* t = elem_type(a);
    int64_t i = 0;
    while (i < a->len && i < b->len && pyvm_value_eq(t, a->items[i], b->items[i]))
        i++;
    if (i >= a->len || i >= b->len) {
        int64_t x = a->len, y = b->len;
        switch (op) {
        case PYVM_CMP_LT: return x < y;
        case PYVM_CMP_LE: return x <= y;
        case PYVM_CMP_EQ: return x == y;
        case PYVM_CMP_NE: return x != y;
        case PYVM_CMP_GT: return x > y;
        default: return x >= y;
        }
    }
    if (op == PYVM_CMP_EQ)
        return false;
    if (op == PYVM_CMP_NE)
        return true;
    return pyvm_value_richcompare(t, a->items[i], b->items[i], op);
}

int64_t pyvm_list_compare(pyvm_list* a, pyvm_list* b) {
    if (pyvm_list_richcompare(a, b, PYVM_CMP_LT))
        return -1;
    if (pyvm_list_richcompare(b, a, PYVM_CMP_LT))
        return 1;
    return 0;
}

/* ---- sort: stable merge sort on `<` only, like list.sort ---- */

typedef struct {
    const pyvm_type* t;
    pyvm_slot* keys;  /* sorted */
    pyvm_slot* vals;  /* moved along when sorting by key, else NULL */
    pyvm_slot* tmpk;
    pyvm_slot* tmpv;
} sorter;

static bool lt(const pyvm_type* t, pyvm_slot a, pyvm_slot b) {
    switch (t->tag) {
    case PYVM_T_INT: return (int64_t)a < (int64_t)b;
    case PYVM_T_BOOL: return a < b;
    case PYVM_T_FLOAT: return pyvm_slot_to_float(a) < pyvm_slot_to_float(b);
    case PYVM_T_STR: return pyvm_str_compare(pyvm_slot_to_ptr(a), pyvm_slot_to_ptr(b)) < 0;
    default: return pyvm_value_richcompare(t, a, b, PYVM_CMP_LT);
    }
}

static void insertion_sort(sorter* s, int64_t lo, int64_t hi) {
    for (int64_t i = lo + 1; i < hi; i++) {
        pyvm_slot k = s->keys[i], v = s->vals ? s->vals[i] : 0;
        int64_t j = i;
        while (j > lo && lt(s->t, k, s->keys[j - 1])) {
            s->keys[j] = s->keys[j - 1];
            if (s->vals)
                s->vals[j] = s->vals[j - 1];
            j--;
        }
        s->keys[j] = k;
        if (s->vals)
            s->vals[j] = v;
    }
}

static void merge(sorter* s, int64_t lo, int64_t mid, int64_t hi) {
    /* Already ordered runs need no work (common for nearly sorted input). */
    if (!lt(s->t, s->keys[mid], s->keys[mid - 1]))
        return;
    int64_t n = mid - lo;
    memcpy(s->tmpk, s->keys + lo, (size_t)n * sizeof(pyvm_slot));
    if (s->vals)
        memcpy(s->tmpv, s->vals + lo, (size_t)n * sizeof(pyvm_slot));
    int64_t i = 0, j = mid, k = lo;
    while (i < n && j < hi) {
        /* Take from the right only when strictly smaller: keeps equal items in order. */
        if (lt(s->t, s->keys[j], s->tmpk[i])) {
            if (s->vals)
                s->vals[k] = s->vals[j];
            s->keys[k++] = s->keys[j++];
        } else {
            if (s->vals)
                s->vals[k] = s->tmpv[i];
            s->keys[k++] = s->tmpk[i++];
        }
    }
    while (i < n) {
        if (s->vals)
            s->vals[k] = s->tmpv[i];
        s->keys[k++] = s->tmpk[i++];
    }
}

static void sort_slots(const pyvm_type* t, pyvm_slot* keys, pyvm_slot* vals, int64_t n) {
    enum { RUN = 16 };
    if (n < 2)
        return;
    sorter s = {t, keys, vals, NULL, NULL};
    for (int64_t lo = 0; lo < n; lo += RUN)
        insertion_sort(&s, lo, lo + RUN < n ? lo + RUN : n);
    if (n <= RUN)
        return;
    s.tmpk = malloc((size_t)n * sizeof(pyvm_slot));
    s.tmpv = vals ? malloc((size_t)n * sizeof(pyvm_slot)) : NULL;
    if (!s.tmpk || (vals && !s.tmpv))
        pyvm_raise(PYVM_EXC_MEMORY, NULL);
    for (int64_t width = RUN; width < n; width *= 2)
        for (int64_t lo = 0; lo + width < n; lo += 2 * width)
            merge(&s, lo, lo + width, lo + 2 * width < n ? lo + 2 * width : n);
    free(s.tmpk);
    free(s.tmpv);
}

void pyvm_list_sort(pyvm_list* l, pyvm_list* keys, bool reverse) {
    int64_t n = l->len;
    if (keys && keys->len != n)
        pyvm_raise(PYVM_EXC_VALUE, "list modified during sort");
    /* CPython keeps a reverse sort stable by reversing, sorting forward and
     * reversing back; doing the same gives the same order for equal keys. */
    if (reverse) {
        reverse_slots(l->items, n);
        if (keys)
            reverse_slots(keys->items, n);
    }
    if (keys)
        sort_slots(elem_type(keys), keys->items, l->items, n);
    else
        sort_slots(elem_type(l), l->items, NULL, n);
    if (reverse) {
        reverse_slots(l->items, n);
        if (keys)
            reverse_slots(keys->items, n);
    }
}

/* ---- slices ---- */

pyvm_list* pyvm_list_slice(pyvm_list* l, int64_t start, int64_t stop, int64_t step, int64_t flags) {
    int64_t n = pyvm_slice_adjust(l->len, &start, &stop, &step, flags);
    pyvm_list* r = pyvm_list_new(l->h.type, n);
    if (step == 1) {
        if (n)
            memcpy(r->items, l->items + start, (size_t)n * sizeof(pyvm_slot));
    } else {
        for (int64_t i = 0, j = start; i < n; i++, j += step)
            r->items[i] = l->items[j];
    }
    return r;
}

/* Replaces l[lo:hi] (clamped like CPython's list_ass_slice) with n slots. */
static void replace_range(pyvm_list* l, int64_t lo, int64_t hi, const pyvm_slot* src, int64_t n) {
    if (lo < 0)
        lo = 0;
    else if (lo > l->len)
        lo = l->len;
    if (hi < lo)
        hi = lo;
    else if (hi > l->len)
        hi = l->len;
    int64_t tail = l->len - hi, newlen = lo + n + tail;
    reserve(l, newlen);
    if (tail && lo + n != hi)
        memmove(l->items + lo + n, l->items + hi, (size_t)tail * sizeof(pyvm_slot));
    if (n)
        memcpy(l->items + lo, src, (size_t)n * sizeof(pyvm_slot));
    l->len = newlen;
}

void pyvm_list_del_slice(pyvm_list* l, int64_t start, int64_t stop, int64_t step, int64_t flags) {
    int64_t n = pyvm_slice_adjust(l->len, &start, &stop, &step, flags);
    if (step == 1) {
        replace_range(l, start, stop, NULL, 0);
        return;
    }
    if (n <= 0)
        return;
    /* Walk the doomed indices in increasing order and compact the rest. */
    if (step < 0) {
        start = start + step * (n - 1);
        step = -step;
    }
    int64_t w = start, next = start, removed = 0;
    for (int64_t r = start; r < l->len; r++) {
        if (removed < n && r == next) {
            removed++;
            next += step;
            continue;
        }
        l->items[w++] = l->items[r];
    }
    l->len = w;
}

void pyvm_list_set_slice(pyvm_list* l, int64_t start, int64_t stop, int64_t step, int64_t flags,
                         pyvm_list* values) {
    int64_t n = pyvm_slice_adjust(l->len, &start, &stop, &step, flags);
    /* Copy first: values may be l itself (a[:] = a). The copy is a heap
     * buffer: while replace_range allocates it may be all that keeps the
     * values alive (a temporary list is dead once copied), and the collector
     * scans a buffer reached from the stack conservatively. */
    int64_t m = values->len;
    pyvm_slot* src = NULL;
    if (m) {
        src = pyvm_buf_alloc((size_t)m * sizeof(pyvm_slot));
        memcpy(src, values->items, (size_t)m * sizeof(pyvm_slot));
    }
    if (step == 1) {
        replace_range(l, start, stop, src, m);
        pyvm_buf_free(src, (size_t)m * sizeof(pyvm_slot));
        return;
    }
    if (m != n) {
        pyvm_buf_free(src, (size_t)m * sizeof(pyvm_slot));
        pyvm_raisef(PYVM_EXC_VALUE, "attempt to assign sequence of size %lld to extended slice of size %lld",
                    (long long)m, (long long)n);
    }
    for (int64_t i = 0, j = start; i < n; i++, j += step)
        l->items[j] = src[i];
    pyvm_buf_free(src, (size_t)m * sizeof(pyvm_slot));
}

void pyvm_list_del_item(pyvm_list* l, int64_t i) {
    if (i < 0)
        i += l->len;
    if ((uint64_t)i >= (uint64_t)l->len)
        pyvm_raise(PYVM_EXC_INDEX, "list assignment index out of range");
    memmove(l->items + i, l->items + i + 1, (size_t)(l->len - i - 1) * sizeof(pyvm_slot));
    l->len--;
}

/* ---- min / max / sum ---- */

static uint64_t extreme(pyvm_list* l, int op, const char* name) {
    if (l->len == 0)
        pyvm_raisef(PYVM_EXC_VALUE, "%s() arg is an empty sequence", name);
    const pyvm_type* t = elem_type(l);
    uint64_t best = l->items[0];
    for (int64_t i = 1; i < l->len; i++)
        if (pyvm_value_richcompare(t, l->items[i], best, op))
            best = l->items[i];
    return best;
}

uint64_t pyvm_list_min(pyvm_list* l) {
    return extreme(l, PYVM_CMP_LT, "min");
}

uint64_t pyvm_list_max(pyvm_list* l) {
    return extreme(l, PYVM_CMP_GT, "max");
}

uint64_t pyvm_list_sum(pyvm_list* l) {
    const pyvm_type* t = elem_type(l);
    if (t->tag == PYVM_T_FLOAT) {
        if (l->len == 0)
            return pyvm_slot_from_float(0.0);
        /* builtin sum() of CPython 3.12: 0 + first item, then Neumaier's
         * compensated summation over the rest. */
        double f = 0.0 + pyvm_slot_to_float(l->items[0]), c = 0.0;
        for (int64_t i = 1; i < l->len; i++) {
            double x = pyvm_slot_to_float(l->items[i]);
            double s = f + x;
            if (fabs(f) >= fabs(x))
                c += (f - s) + x;
            else
                c += (x - s) + f;
            f = s;
        }
        if (c && isfinite(c))
            f += c;
        return pyvm_slot_from_float(f);
    }
    int64_t acc = 0;
    for (int64_t i = 0; i < l->len; i++)
        if (__builtin_add_overflow(acc, (int64_t)l->items[i], &acc))
            pyvm_raise(PYVM_EXC_OVERFLOW, "integer overflow");
    return (uint64_t)acc;
}
