/* Language support that only compiled code calls: closure cells, range
 * arithmetic, shifts with Python's semantics, and the math module's
 * functions with CPython's domain and range errors. The general runtime
 * (strings, containers, formatting, errors) lives in ../core. */
#ifndef PYVM_LANG_H
#define PYVM_LANG_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/obj.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A cell for one captured variable (type C(x)); its value slot is at offset 16 (obj.h). */
pyvm_cell* pyvm_cell_new(const pyvm_type* cell_type);

/* len(range(start, stop, step)) and `x in range(...)`; step is never 0 here. */
int64_t pyvm_range_len(int64_t start, int64_t stop, int64_t step);
bool pyvm_range_contains(int64_t start, int64_t stop, int64_t step, int64_t x);

/* a << b: ValueError for a negative count, OverflowError when bits are lost. */
int64_t pyvm_int_lshift(int64_t a, int64_t b);

/* math.*: CPython's results and its errors ("math domain error",
 * "math range error", "cannot convert float infinity to integer", ...). */
double pyvm_math_sqrt(double x);
double pyvm_math_sin(double x);
double pyvm_math_cos(double x);
double pyvm_math_tan(double x);
double pyvm_math_exp(double x);
double pyvm_math_log(double x);
double pyvm_math_log2(double x);
double pyvm_math_log10(double x);
double pyvm_math_log_base(double x, double base);
double pyvm_math_pow(double x, double y);
int64_t pyvm_math_floor(double x);
int64_t pyvm_math_ceil(double x);
int64_t pyvm_math_trunc(double x);
bool pyvm_math_isclose(double a, double b, double rel_tol, double abs_tol);

#ifdef __cplusplus
}
#endif
#endif
