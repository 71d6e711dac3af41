/* Number-to-text conversions and the format-spec mini-language of CPython
 * 3.12 (format(), f-strings, str.format) for int, float, str and bool. */
#ifndef PYVM_FORMAT_H
#define PYVM_FORMAT_H

#include "obj.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_str pyvm_str;

pyvm_str* pyvm_int_to_str(int64_t v);
pyvm_str* pyvm_float_repr(double v);      /* repr(x) == str(x) */
pyvm_str* pyvm_bool_to_str(bool v);       /* 'True' / 'False' */
pyvm_str* pyvm_none_to_str(void);         /* 'None' */

/* format(x, spec); ValueError with CPython's message for a bad spec. */
pyvm_str* pyvm_format_int(int64_t v, pyvm_str* spec);
pyvm_str* pyvm_format_float(double v, pyvm_str* spec);
pyvm_str* pyvm_format_str(pyvm_str* v, pyvm_str* spec);
/* bool: an empty spec gives 'True'/'False'; any other spec formats 1/0 like
 * an int (that is CPython's behaviour: format(True, '>5') == '    1'). */
pyvm_str* pyvm_format_bool(bool v, pyvm_str* spec);

/* Flags of pyvm_double_to_string (CPython's Py_DTSF_*). */
enum { PYVM_DTSF_SIGN = 1, PYVM_DTSF_ADD_DOT_0 = 2, PYVM_DTSF_ALT = 4, PYVM_DTSF_NO_NEG_0 = 8 };

/* CPython's PyOS_double_to_string: code is 'e','E','f','F','g','G' or 'r'
 * (repr; precision must be 0). Returns a malloc'd NUL-terminated string. */
char* pyvm_double_to_string(double v, char code, int precision, int flags);

/* Writes repr(v) into buf (at least 32 bytes); returns its length. */
int pyvm_float_repr_buf(double v, char* buf);

#ifdef __cplusplus
}
#endif
#endif
