/* Number operations with Python semantics that are too big to inline:
 * powers, float floor division and modulo, conversions, parsing, round().
 * int is int64: results outside its range raise OverflowError
 * ("integer overflow") where CPython would grow a big int. */
#ifndef PYVM_NUM_H
#define PYVM_NUM_H

#include "obj.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_str pyvm_str;

int64_t pyvm_int_pow(int64_t base, int64_t exp);   /* exp < 0: ValueError */
double pyvm_int_truediv(int64_t a, int64_t b);     /* a / b, correctly rounded like CPython */
double pyvm_float_div(double a, double b);         /* ZeroDivisionError: float division by zero */
double pyvm_float_floordiv(double a, double b);
double pyvm_float_mod(double a, double b);
double pyvm_float_pow(double base, double exp);
int64_t pyvm_float_to_int(double v);               /* int(x): truncates */
int64_t pyvm_int_from_str(pyvm_str* s);            /* int(s) */
double pyvm_float_from_str(pyvm_str* s);           /* float(s) */
double pyvm_float_round(double x, int64_t ndigits);/* round(x, n) */
int64_t pyvm_float_round_to_int(double x);         /* round(x): half to even */
int64_t pyvm_int_round(int64_t x, int64_t ndigits);/* round(i, n) */
int64_t pyvm_int_abs(int64_t x);                   /* abs(i), OverflowError for INT64_MIN */

#ifdef __cplusplus
}
#endif
#endif
