#include "ucd.h"

extern inline uint32_t pyvm_ucd_flags(uint32_t cp);
extern inline int pyvm_ucd_isspace(uint32_t cp);
extern inline int pyvm_ucd_decimal(uint32_t cp);

const pyvm_ucd_record* pyvm_ucd_lookup(uint32_t cp) {
    uint32_t page = pyvm_ucd_index1[cp >> PYVM_UCD_SHIFT];
    uint32_t rec = pyvm_ucd_pages[(page << PYVM_UCD_SHIFT) | (cp & ((1u << PYVM_UCD_SHIFT) - 1))];
    return &pyvm_ucd_records[rec];
}

static int apply(uint32_t cp, int32_t delta, uint16_t special, uint32_t out[3]) {
    if (special) {
        const uint32_t* sp = pyvm_ucd_specials[special - 1];
        for (uint32_t i = 0; i < sp[0]; i++)
            out[i] = sp[1 + i];
        return (int)sp[0];
    }
    out[0] = (uint32_t)((int32_t)cp + delta);
    return 1;
}

int pyvm_ucd_to_upper(uint32_t cp, uint32_t out[3]) {
    if (cp < 128) {
        out[0] = (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
        return 1;
    }
    if (cp >= 0x110000) {
        out[0] = cp;
        return 1;
    }
    const pyvm_ucd_record* r = pyvm_ucd_lookup(cp);
    return apply(cp, r->upper_delta, r->upper_special, out);
}

int pyvm_ucd_to_lower(uint32_t cp, uint32_t out[3]) {
    if (cp < 128) {
        out[0] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
        return 1;
    }
    if (cp >= 0x110000) {
        out[0] = cp;
        return 1;
    }
    const pyvm_ucd_record* r = pyvm_ucd_lookup(cp);
    return apply(cp, r->lower_delta, r->lower_special, out);
}

int pyvm_ucd_to_title(uint32_t cp, uint32_t out[3]) {
    if (cp < 128)
        return pyvm_ucd_to_upper(cp, out);
    if (cp >= 0x110000) {
        out[0] = cp;
        return 1;
    }
    const pyvm_ucd_record* r = pyvm_ucd_lookup(cp);
    return apply(cp, r->title_delta, r->title_special, out);
}
