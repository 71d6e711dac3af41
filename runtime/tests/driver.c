/* Differential-test driver: reads one operation per line from stdin, runs
 * it through the runtime and prints one result line. runtime/tests/
 * test_runtime_core.py feeds it thousands of inputs and compares every line
 * with what CPython 3.12 computes for the same operation.
 *
 * Line format: OP<TAB>ARG...; strings travel hex-encoded (UTF-8), floats as
 * the 16 hex digits of their IEEE bits, ints in decimal. The result is the
 * hex of the UTF-8 text, or "!" + hex of "ExcName: message" if it raised. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strsep */
#endif
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyvm/rt.h"

int64_t pyvm_program_main(void) { return 0; }

enum { MAXARGS = 8 };

typedef struct {
    char* op;
    char* arg[MAXARGS];
    int nargs;
    pyvm_str* result;
} call;

static pyvm_str* hexstr(const char* h) {
    size_t n = strlen(h) / 2;
    char* b = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        b[i] = (char)v;
    }
    pyvm_str* s = pyvm_str_from_utf8(b, (int64_t)n);
    free(b);
    return s;
}

static pyvm_str* opt_str(const char* h) {
    return strcmp(h, "-") == 0 ? NULL : hexstr(h);
}

static double fbits(const char* h) {
    return pyvm_slot_to_float(strtoull(h, NULL, 16));
}

static int64_t ival(const char* s) {
    return strtoll(s, NULL, 10);
}

static pyvm_str* istr(int64_t v) {
    return pyvm_int_to_str(v);
}

static pyvm_str* bstr(bool b) {
    return pyvm_bool_to_str(b);
}

static const pyvm_type* list_str(void) {
    return pyvm_type_intern("L(s)");
}

static pyvm_str* list_repr(pyvm_list* l) {
    return pyvm_repr(list_str(), pyvm_slot_from_ptr(l));
}

static const pyvm_type* list_int(void) {
    return pyvm_type_intern("L(i)");
}

/* list(range(n)) then one mutation named by spec "op:arg:arg...", printed as repr(list) or the result. */
static pyvm_str* list_ops(const char* n_text, char* spec) {
    int64_t n = ival(n_text);
    pyvm_list* l = pyvm_list_new(list_int(), 0);
    for (int64_t i = 0; i < n; i++)
        pyvm_list_append(l, (uint64_t)i);
    char* op = strsep(&spec, ":");
    int64_t v[6] = {0};
    for (int k = 0; k < 6 && spec; k++)
        v[k] = ival(strsep(&spec, ":"));
    pyvm_str* extra = NULL;
    if (!strcmp(op, "slice")) {
        l = pyvm_list_slice(l, v[0], v[1], v[2], v[3]);
    } else if (!strcmp(op, "del")) {
        pyvm_list_del_slice(l, v[0], v[1], v[2], v[3]);
    } else if (!strcmp(op, "set")) {
        pyvm_list* vals = pyvm_list_new(list_int(), 0);
        for (int64_t i = 0; i < v[4]; i++)
            pyvm_list_append(vals, (uint64_t)(100 + i));
        pyvm_list_set_slice(l, v[0], v[1], v[2], v[3], vals);
    } else if (!strcmp(op, "insert")) {
        pyvm_list_insert(l, v[0], 99);
    } else if (!strcmp(op, "pop")) {
        extra = istr((int64_t)pyvm_list_pop_at(l, v[0]));
    } else if (!strcmp(op, "delitem")) {
        pyvm_list_del_item(l, v[0]);
    } else if (!strcmp(op, "get")) {
        extra = istr((int64_t)pyvm_list_get(l, v[0]));
    } else if (!strcmp(op, "index")) {
        extra = istr(pyvm_list_index_range(l, (uint64_t)v[0], v[1], v[2], v[3]));
    } else if (!strcmp(op, "mul")) {
        l = pyvm_list_repeat(l, v[0]);
    }
    pyvm_str* r = pyvm_repr(list_int(), pyvm_slot_from_ptr(l));
    return extra ? pyvm_str_concat(pyvm_str_concat(extra, pyvm_str_from_cstr(" ")), r) : r;
}

/* A dict[int, int] driven by "s:k:v,d:k,p:k,q:k:default,g:k,t:k:v,i,c" (set, del, pop, pop with
 * default, get, setdefault, popitem, clear); prints its repr after all steps. */
static pyvm_str* dict_ops(char* script) {
    const pyvm_type* t = pyvm_type_intern("D(i,i)");
    pyvm_dict* d = pyvm_dict_new(t);
    for (char* step = strsep(&script, ","); step; step = strsep(&script, ",")) {
        char* op = strsep(&step, ":");
        int64_t k = step ? ival(strsep(&step, ":")) : 0;
        int64_t v = step ? ival(strsep(&step, ":")) : 0;
        switch (op[0]) {
        case 's': pyvm_dict_set(d, (uint64_t)k, (uint64_t)v); break;
        case 'd': pyvm_dict_del(d, (uint64_t)k); break;
        case 'p': pyvm_dict_pop(d, (uint64_t)k); break;
        case 'q': pyvm_dict_pop_default(d, (uint64_t)k, (uint64_t)v); break;
        case 'g': pyvm_dict_get(d, (uint64_t)k); break;
        case 't': pyvm_dict_setdefault(d, (uint64_t)k, (uint64_t)v); break;
        case 'i': pyvm_dict_popitem(d, pyvm_type_intern("T(i,i)")); break;
        case 'c': pyvm_dict_clear(d); break;
        case 'u': d = pyvm_dict_copy(d); break;
        }
    }
    return pyvm_repr(t, pyvm_slot_from_ptr(d));
}

static void run(void* p) {
    call* c = p;
    const char* op = c->op;
    char** a = c->arg;
#define IS(name) (strcmp(op, name) == 0)
    if (IS("frepr")) c->result = pyvm_float_repr(fbits(a[0]));
    else if (IS("ffmt")) c->result = pyvm_format_float(fbits(a[0]), hexstr(a[1]));
    else if (IS("ifmt")) c->result = pyvm_format_int(ival(a[0]), hexstr(a[1]));
    else if (IS("sfmt")) c->result = pyvm_format_str(hexstr(a[0]), hexstr(a[1]));
    else if (IS("bfmt")) c->result = pyvm_format_bool(ival(a[0]) != 0, hexstr(a[1]));
    else if (IS("srepr")) c->result = pyvm_str_repr(hexstr(a[0]));
    else if (IS("int")) c->result = istr(pyvm_int_from_str(hexstr(a[0])));
    else if (IS("float")) c->result = pyvm_float_repr(pyvm_float_from_str(hexstr(a[0])));
    else if (IS("fround")) c->result = pyvm_float_repr(pyvm_float_round(fbits(a[0]), ival(a[1])));
    else if (IS("fround0")) c->result = istr(pyvm_float_round_to_int(fbits(a[0])));
    else if (IS("iround")) c->result = istr(pyvm_int_round(ival(a[0]), ival(a[1])));
    else if (IS("shash")) c->result = istr(pyvm_str_hash(hexstr(a[0])));
    else if (IS("fhash")) c->result = istr(pyvm_float_hash(fbits(a[0])));
    else if (IS("ihash")) c->result = istr(pyvm_int_hash(ival(a[0])));
    else if (IS("upper")) c->result = pyvm_str_upper(hexstr(a[0]));
    else if (IS("lower")) c->result = pyvm_str_lower(hexstr(a[0]));
    else if (IS("title")) c->result = pyvm_str_title(hexstr(a[0]));
    else if (IS("capitalize")) c->result = pyvm_str_capitalize(hexstr(a[0]));
    else if (IS("swapcase")) c->result = pyvm_str_swapcase(hexstr(a[0]));
    else if (IS("split")) c->result = list_repr(pyvm_str_split(hexstr(a[0]), opt_str(a[1]), ival(a[2])));
    else if (IS("rsplit")) c->result = list_repr(pyvm_str_rsplit(hexstr(a[0]), opt_str(a[1]), ival(a[2])));
    else if (IS("splitlines")) c->result = list_repr(pyvm_str_splitlines(hexstr(a[0]), ival(a[1]) != 0));
    else if (IS("strip")) c->result = pyvm_str_strip(hexstr(a[0]), opt_str(a[1]));
    else if (IS("lstrip")) c->result = pyvm_str_lstrip(hexstr(a[0]), opt_str(a[1]));
    else if (IS("rstrip")) c->result = pyvm_str_rstrip(hexstr(a[0]), opt_str(a[1]));
    else if (IS("replace")) c->result = pyvm_str_replace(hexstr(a[0]), hexstr(a[1]), hexstr(a[2]), ival(a[3]));
    else if (IS("find")) c->result = istr(pyvm_str_find_range(hexstr(a[0]), hexstr(a[1]), ival(a[2]), ival(a[3]), ival(a[4])));
    else if (IS("rfind")) c->result = istr(pyvm_str_rfind_range(hexstr(a[0]), hexstr(a[1]), ival(a[2]), ival(a[3]), ival(a[4])));
    else if (IS("count")) c->result = istr(pyvm_str_count_range(hexstr(a[0]), hexstr(a[1]), ival(a[2]), ival(a[3]), ival(a[4])));
    else if (IS("startswith")) c->result = bstr(pyvm_str_startswith_range(hexstr(a[0]), hexstr(a[1]), ival(a[2]), ival(a[3]), ival(a[4])));
    else if (IS("endswith")) c->result = bstr(pyvm_str_endswith_range(hexstr(a[0]), hexstr(a[1]), ival(a[2]), ival(a[3]), ival(a[4])));
    else if (IS("slice")) c->result = pyvm_str_slice(hexstr(a[0]), ival(a[1]), ival(a[2]), ival(a[3]), ival(a[4]));
    else if (IS("center")) c->result = pyvm_str_center(hexstr(a[0]), ival(a[1]), opt_str(a[2]));
    else if (IS("ljust")) c->result = pyvm_str_ljust(hexstr(a[0]), ival(a[1]), opt_str(a[2]));
    else if (IS("rjust")) c->result = pyvm_str_rjust(hexstr(a[0]), ival(a[1]), opt_str(a[2]));
    else if (IS("zfill")) c->result = pyvm_str_zfill(hexstr(a[0]), ival(a[1]));
    else if (IS("isdigit")) c->result = bstr(pyvm_str_isdigit(hexstr(a[0])));
    else if (IS("isdecimal")) c->result = bstr(pyvm_str_isdecimal(hexstr(a[0])));
    else if (IS("isnumeric")) c->result = bstr(pyvm_str_isnumeric(hexstr(a[0])));
    else if (IS("isalpha")) c->result = bstr(pyvm_str_isalpha(hexstr(a[0])));
    else if (IS("isalnum")) c->result = bstr(pyvm_str_isalnum(hexstr(a[0])));
    else if (IS("isspace")) c->result = bstr(pyvm_str_isspace(hexstr(a[0])));
    else if (IS("isupper")) c->result = bstr(pyvm_str_isupper(hexstr(a[0])));
    else if (IS("islower")) c->result = bstr(pyvm_str_islower(hexstr(a[0])));
    else if (IS("istitle")) c->result = bstr(pyvm_str_istitle(hexstr(a[0])));
    else if (IS("isprintable")) c->result = bstr(pyvm_str_isprintable(hexstr(a[0])));
    else if (IS("compare")) c->result = istr(pyvm_str_compare(hexstr(a[0]), hexstr(a[1])));
    else if (IS("fpow")) c->result = pyvm_float_repr(pyvm_float_pow(fbits(a[0]), fbits(a[1])));
    else if (IS("ffloordiv")) c->result = pyvm_float_repr(pyvm_float_floordiv(fbits(a[0]), fbits(a[1])));
    else if (IS("fmod")) c->result = pyvm_float_repr(pyvm_float_mod(fbits(a[0]), fbits(a[1])));
    else if (IS("f2i")) c->result = istr(pyvm_float_to_int(fbits(a[0])));
    else if (IS("ipow")) c->result = istr(pyvm_int_pow(ival(a[0]), ival(a[1])));
    else if (IS("itruediv")) c->result = pyvm_float_repr(pyvm_int_truediv(ival(a[0]), ival(a[1])));
    else if (IS("list")) c->result = list_ops(a[0], a[1]);
    else if (IS("dict")) c->result = dict_ops(a[0]);
    else if (IS("fsum")) {
        pyvm_list* l = pyvm_list_new(pyvm_type_intern("L(f)"), 0);
        for (char* tok = strtok(a[0], ","); tok; tok = strtok(NULL, ","))
            pyvm_list_append(l, strtoull(tok, NULL, 16));
        c->result = pyvm_float_repr(pyvm_slot_to_float(pyvm_list_sum(l)));
    } else {
        fprintf(stderr, "driver: unknown op %s\n", op);
        exit(2);
    }
#undef IS
}

static void put_hex(const char* p, int64_t n) {
    static const char hx[] = "0123456789abcdef";
    for (int64_t i = 0; i < n; i++) {
        putchar(hx[(unsigned char)p[i] >> 4]);
        putchar(hx[(unsigned char)p[i] & 15]);
    }
}

int main(void) {
    pyvm_rt_init();
    static char line[1 << 20];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        call c = {0};
        char* rest = line;
        c.op = strsep(&rest, "\t"); /* strsep keeps empty fields (empty strings) */
        if (!*c.op)
            continue;
        char* tok;
        while (c.nargs < MAXARGS && (tok = strsep(&rest, "\t")))
            c.arg[c.nargs++] = tok;
        int kind = pyvm_rt_protect(run, &c);
        if (kind) {
            const char* m = pyvm_rt_error_message();
            const char* name = pyvm_exc_name(kind);
            putchar('!');
            put_hex(name, (int64_t)strlen(name));
            if (*m) {
                put_hex(": ", 2);
                put_hex(m, (int64_t)strlen(m));
            }
        } else {
            int64_t n;
            const char* p = pyvm_str_utf8(c.result, &n);
            put_hex(p, n);
        }
        putchar('\n');
    }
    return 0;
}
