/* Unicode character database for str methods, generated from CPython 3.12
 * (runtime/tools/gen_ucd.py): classification, decimal values and full case
 * mappings (including multi-character ones such as 'ß'.upper() == 'SS'). */
#ifndef PYVM_UCD_H
#define PYVM_UCD_H

#include <stdint.h>

enum {
    PYVM_UCD_ALPHA = 1 << 0,
    PYVM_UCD_DECIMAL = 1 << 1,
    PYVM_UCD_DIGIT = 1 << 2,
    PYVM_UCD_NUMERIC = 1 << 3,
    PYVM_UCD_SPACE = 1 << 4,
    PYVM_UCD_LOWER = 1 << 5,
    PYVM_UCD_UPPER = 1 << 6,
    PYVM_UCD_TITLE = 1 << 7,
    PYVM_UCD_PRINTABLE = 1 << 8,
    PYVM_UCD_CASED = 1 << 9,
    PYVM_UCD_CASE_IGNORABLE = 1 << 10,
    PYVM_UCD_LINEBREAK = 1 << 11,
};

typedef struct pyvm_ucd_record {
    uint16_t flags;
    int8_t decimal;      /* decimal digit value, -1 if not a decimal */
    int32_t upper_delta; /* one-to-one mapping: cp + delta */
    uint16_t upper_special; /* 1-based index into pyvm_ucd_specials, 0 if none */
    int32_t lower_delta;
    uint16_t lower_special;
    int32_t title_delta;
    uint16_t title_special;
} pyvm_ucd_record;

#define PYVM_UCD_SHIFT 7

extern const uint16_t pyvm_ucd_index1[];
extern const uint16_t pyvm_ucd_pages[];
extern const pyvm_ucd_record pyvm_ucd_records[];
extern const uint32_t pyvm_ucd_specials[][4];
extern const char pyvm_ucd_version[];

const pyvm_ucd_record* pyvm_ucd_lookup(uint32_t cp);

inline uint32_t pyvm_ucd_flags(uint32_t cp) {
    return cp < 0x110000 ? pyvm_ucd_lookup(cp)->flags : 0;
}

/* Whitespace as str.split()/strip() see it; ASCII fast path. */
inline int pyvm_ucd_isspace(uint32_t cp) {
    if (cp < 128)
        return cp == ' ' || (cp >= 9 && cp <= 13) || (cp >= 0x1c && cp <= 0x1f);
    return (pyvm_ucd_flags(cp) & PYVM_UCD_SPACE) != 0;
}

/* Decimal digit value or -1. */
inline int pyvm_ucd_decimal(uint32_t cp) {
    if (cp < 128)
        return cp >= '0' && cp <= '9' ? (int)(cp - '0') : -1;
    return cp < 0x110000 ? pyvm_ucd_lookup(cp)->decimal : -1;
}

/* Full case mapping of one code point into out[0..2]; returns the count (1..3). */
int pyvm_ucd_to_upper(uint32_t cp, uint32_t out[3]);
int pyvm_ucd_to_lower(uint32_t cp, uint32_t out[3]);
int pyvm_ucd_to_title(uint32_t cp, uint32_t out[3]);

#endif
