#include "typedesc.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exported definitions of obj.h's inline slot helpers (C99 inline). */
extern inline pyvm_slot pyvm_slot_from_float(double d);
extern inline double pyvm_slot_to_float(pyvm_slot s);
extern inline pyvm_slot pyvm_slot_from_ptr(const void* p);
extern inline void* pyvm_slot_to_ptr(pyvm_slot s);

const pyvm_type pyvm_type_int = {PYVM_T_INT, 0, "i", NULL, 0};
const pyvm_type pyvm_type_float = {PYVM_T_FLOAT, 0, "f", NULL, 0};
const pyvm_type pyvm_type_bool = {PYVM_T_BOOL, 0, "b", NULL, 0};
const pyvm_type pyvm_type_none = {PYVM_T_NONE, 0, "n", NULL, 0};
const pyvm_type pyvm_type_str = {PYVM_T_STR, 0, "s", NULL, 1};
const pyvm_type pyvm_type_func = {PYVM_T_FUNC, 0, "F", NULL, 1};
const pyvm_type pyvm_type_pid = {PYVM_T_PID, 0, "P", NULL, 0};
/* A box is a heap tuple: the collector traces it, its header says the rest. */
const pyvm_type pyvm_type_dyn = {PYVM_T_DYN, 0, "A", NULL, 1};

/* Descriptors are created once per distinct type at program start, so a
 * simple chained table under a spin lock is plenty; lookups never take the
 * lock on the hot path of compiled code because it caches the pointer. */
typedef struct entry {
    struct entry* next;
    pyvm_type* type;
} entry;

enum { NBUCKETS = 256 };
static entry* buckets[NBUCKETS];
static atomic_flag lock = ATOMIC_FLAG_INIT;

static _Noreturn void bad_spec(const char* spec, const char* why) {
    fprintf(stderr, "pyvm runtime: invalid type spec \"%s\": %s\n", spec, why);
    abort();
}

static uint32_t spec_hash(const char* s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static const pyvm_type* intern_locked(const char* spec, size_t n);

/* Parses one type starting at *p; returns its descriptor. */
static const pyvm_type* parse(const char* whole, const char** p) {
    const char* start = *p;
    char c = *start;
    switch (c) {
    case 'i': *p += 1; return &pyvm_type_int;
    case 'f': *p += 1; return &pyvm_type_float;
    case 'b': *p += 1; return &pyvm_type_bool;
    case 'n': *p += 1; return &pyvm_type_none;
    case 's': *p += 1; return &pyvm_type_str;
    case 'F': *p += 1; return &pyvm_type_func;
    case 'P': *p += 1; return &pyvm_type_pid;
    case 'A': *p += 1; return &pyvm_type_dyn;
    case 'L': case 'D': case 'T': case 'C': break;
    default: bad_spec(whole, "unknown letter");
    }
    if (start[1] != '(')
        bad_spec(whole, "expected '('");
    const char* q = start + 2;
    size_t nargs = 0;
    if (!(c == 'T' && *q == ')')) {
        for (;;) {
            parse(whole, &q);
            nargs++;
            if (*q == ',') { q++; continue; }
            if (*q == ')') break;
            bad_spec(whole, "expected ',' or ')'");
        }
    }
    q++;
    if ((c == 'L' || c == 'C') && nargs != 1)
        bad_spec(whole, "L(...) and C(...) take one type");
    if (c == 'D' && nargs != 2)
        bad_spec(whole, "D(...) takes two types");
    *p = q;
    return intern_locked(start, (size_t)(q - start));
}

static const pyvm_type* intern_locked(const char* spec, size_t n) {
    uint32_t h = spec_hash(spec, n) % NBUCKETS;
    for (entry* e = buckets[h]; e; e = e->next)
        if (strlen(e->type->spec) == n && memcmp(e->type->spec, spec, n) == 0)
            return e->type;

    char* copy = malloc(n + 1);
    pyvm_type* t = calloc(1, sizeof *t);
    entry* e = malloc(sizeof *e);
    if (!copy || !t || !e)
        bad_spec(spec, "out of memory");
    memcpy(copy, spec, n);
    copy[n] = 0;
    t->spec = copy;
    t->is_ref = 1;
    switch (spec[0]) {
    case 'L': t->tag = PYVM_T_LIST; break;
    case 'D': t->tag = PYVM_T_DICT; break;
    case 'T': t->tag = PYVM_T_TUPLE; break;
    default: t->tag = PYVM_T_CELL; break;
    }
    /* Element descriptors: parse the arguments again (they are interned now). */
    const pyvm_type* args[64];
    const pyvm_type** heap_args = NULL;
    size_t nargs = 0, cap = 64;
    const pyvm_type** out = args;
    const char* q = copy + 2;
    while (*q != ')') {
        if (nargs == cap) {
            const pyvm_type** bigger = malloc(2 * cap * sizeof *bigger);
            if (!bigger)
                bad_spec(spec, "out of memory");
            memcpy(bigger, out, nargs * sizeof *bigger);
            if (heap_args)
                free(heap_args);
            out = heap_args = bigger;
            cap *= 2;
        }
        out[nargs++] = parse(copy, &q);
        if (*q == ',')
            q++;
    }
    const pyvm_type** final = malloc((nargs ? nargs : 1) * sizeof *final);
    if (!final)
        bad_spec(spec, "out of memory");
    memcpy(final, out, nargs * sizeof *final);
    free(heap_args);
    t->args = final;
    t->nargs = (uint32_t)nargs;
    e->type = t;
    e->next = buckets[h];
    buckets[h] = e;
    return t;
}

const pyvm_type* pyvm_type_intern(const char* spec) {
    if (!spec)
        bad_spec("(null)", "NULL spec");
    while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
        ;
    const char* p = spec;
    const pyvm_type* t = parse(spec, &p);
    atomic_flag_clear_explicit(&lock, memory_order_release);
    if (*p != 0)
        bad_spec(spec, "trailing characters");
    return t;
}

const char* pyvm_type_name(const pyvm_type* t) {
    switch (t->tag) {
    case PYVM_T_INT: return "int";
    case PYVM_T_FLOAT: return "float";
    case PYVM_T_BOOL: return "bool";
    case PYVM_T_NONE: return "NoneType";
    case PYVM_T_STR: return "str";
    case PYVM_T_LIST: return "list";
    case PYVM_T_DICT: return "dict";
    case PYVM_T_TUPLE: return "tuple";
    case PYVM_T_FUNC: return "function";
    case PYVM_T_PID: return "pid";
    case PYVM_T_DYN: return "Any";
    default: return "cell";
    }
}

typedef struct {
    char* out;
    size_t n, len;
} namebuf;

static void name_put(namebuf* b, const char* s) {
    for (; *s; s++, b->len++)
        if (b->len + 1 < b->n)
            b->out[b->len] = *s;
}

static void name_of(namebuf* b, const pyvm_type* t, bool nested) {
    switch (t->tag) {
    case PYVM_T_NONE:
        name_put(b, nested ? "None" : "NoneType");
        return;
    case PYVM_T_LIST:
    case PYVM_T_DICT:
    case PYVM_T_TUPLE:
        name_put(b, pyvm_type_name(t));
        name_put(b, "[");
        if (t->nargs == 0)
            name_put(b, "()");
        for (uint32_t i = 0; i < t->nargs; i++) {
            if (i)
                name_put(b, ", ");
            name_of(b, t->args[i], true);
        }
        name_put(b, "]");
        return;
    case PYVM_T_PID:
        name_put(b, "Pid"); /* the language's class name (pyvm_type_name keeps the runtime's "pid") */
        return;
    case PYVM_T_FUNC:
        name_put(b, "Callable");
        return;
    case PYVM_T_CELL:
        name_put(b, "cell[");
        name_of(b, t->args[0], true);
        name_put(b, "]");
        return;
    default:
        name_put(b, pyvm_type_name(t));
        return;
    }
}

size_t pyvm_type_pyname(const pyvm_type* t, char* out, size_t n) {
    namebuf b = {out, n, 0};
    name_of(&b, t, false);
    if (n)
        out[b.len < n ? b.len : n - 1] = 0;
    return b.len;
}
