/* Index and slice arithmetic shared by str, list and tuple: CPython's
 * PySlice_Unpack + PySlice_AdjustIndices, so every sequence slices alike. */
#ifndef PYVM_SEQ_H
#define PYVM_SEQ_H

#include <stdint.h>

/* Bits of the `flags` argument of the slice functions: which of
 * start/stop/step were None (omitted) in the source. */
enum {
    PYVM_SLICE_NO_START = 1,
    PYVM_SLICE_NO_STOP = 2,
    PYVM_SLICE_NO_STEP = 4,
};

/* Resolves a slice against a sequence of `length`; returns the number of
 * items and writes the first index and step. Raises ValueError for step 0. */
int64_t pyvm_slice_adjust(int64_t length, int64_t* start, int64_t* stop, int64_t* step, int64_t flags);

/* Like the slice bounds of str.find(sub, start, end): negative counts from
 * the end, clamped to [0, length]. */
inline int64_t pyvm_clamp_bound(int64_t i, int64_t length) {
    if (i < 0) {
        i += length;
        if (i < 0)
            i = 0;
    } else if (i > length) {
        i = length;
    }
    return i;
}

#endif
