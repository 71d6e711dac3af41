#include "seq.h"

#include "error.h"

extern inline int64_t pyvm_clamp_bound(int64_t i, int64_t length);

int64_t pyvm_slice_adjust(int64_t length, int64_t* start, int64_t* stop, int64_t* step, int64_t flags) {
    int64_t st = (flags & PYVM_SLICE_NO_STEP) ? 1 : *step;
    if (st == 0)
        pyvm_raise(PYVM_EXC_VALUE, "slice step cannot be zero");
    /* CPython clamps the step so that -step cannot overflow. */
    if (st < -INT64_MAX)
        st = -INT64_MAX;
    int64_t a = (flags & PYVM_SLICE_NO_START) ? (st < 0 ? INT64_MAX : 0) : *start;
    int64_t b = (flags & PYVM_SLICE_NO_STOP) ? (st < 0 ? INT64_MIN : INT64_MAX) : *stop;
    if (a < 0) {
        a += length;
        if (a < 0)
            a = st < 0 ? -1 : 0;
    } else if (a >= length) {
        a = st < 0 ? length - 1 : length;
    }
    if (b < 0) {
        b += length;
        if (b < 0)
            b = st < 0 ? -1 : 0;
    } else if (b >= length) {
        b = st < 0 ? length - 1 : length;
    }
    *start = a;
    *stop = b;
    *step = st;
    if (st < 0)
        return b < a ? (a - b - 1) / (-st) + 1 : 0;
    return a < b ? (b - a - 1) / st + 1 : 0;
}
