#include "lang.h"

#include <errno.h>
#include <math.h>

#include "../core/alloc.h"
#include "../core/error.h"
#include "../core/typedesc.h"

pyvm_cell* pyvm_cell_new(const pyvm_type* cell_type) {
    /* cell_type is C(x), interned once per type by compiled code, so the
     * collector can trace the value through the cell's header. */
    return (pyvm_cell*)pyvm_alloc_obj(PYVM_KIND_CELL, cell_type, sizeof(pyvm_cell));
}

int64_t pyvm_range_len(int64_t start, int64_t stop, int64_t step) {
    /* Unsigned arithmetic: stop - start may not fit in int64_t. */
    if (step > 0 && start < stop)
        return (int64_t)(((uint64_t)stop - (uint64_t)start - 1) / (uint64_t)step + 1);
    if (step < 0 && start > stop)
        return (int64_t)(((uint64_t)start - (uint64_t)stop - 1) / (0 - (uint64_t)step) + 1);
    return 0;
}

bool pyvm_range_contains(int64_t start, int64_t stop, int64_t step, int64_t x) {
    if (step > 0) {
        if (x < start || x >= stop)
            return false;
        return ((uint64_t)x - (uint64_t)start) % (uint64_t)step == 0;
    }
    if (x > start || x <= stop)
        return false;
    return ((uint64_t)start - (uint64_t)x) % (0 - (uint64_t)step) == 0;
}

int64_t pyvm_int_lshift(int64_t a, int64_t b) {
    if (b < 0)
        pyvm_raise(PYVM_EXC_VALUE, "negative shift count");
    if (a == 0)
        return 0;
    if (b >= 63)
        pyvm_raise(PYVM_EXC_OVERFLOW, "integer overflow (PyVM ints are 64-bit)");
    int64_t r = (int64_t)((uint64_t)a << b);
    if ((r >> b) != a)
        pyvm_raise(PYVM_EXC_OVERFLOW, "integer overflow (PyVM ints are 64-bit)");
    return r;
}

static _Noreturn void domain_error(void) { pyvm_raise(PYVM_EXC_VALUE, "math domain error"); }
static _Noreturn void range_error(void) { pyvm_raise(PYVM_EXC_OVERFLOW, "math range error"); }

/* CPython's math_1: NaN in gives NaN out; NaN from a finite input is a domain
 * error; an infinite result from a finite input is a range error (unless the
 * function can legitimately overflow to inf only by overflow, as exp). */
static double math_1(double x, double (*fn)(double), bool can_overflow) {
    double r = fn(x);
    if (isnan(r) && !isnan(x))
        domain_error();
    if (isinf(r) && isfinite(x)) {
        if (can_overflow)
            range_error();
        domain_error();
    }
    return r;
}

double pyvm_math_sqrt(double x) { return math_1(x, sqrt, false); }
double pyvm_math_sin(double x) { return math_1(x, sin, false); }
double pyvm_math_cos(double x) { return math_1(x, cos, false); }
double pyvm_math_tan(double x) { return math_1(x, tan, false); }
double pyvm_math_exp(double x) { return math_1(x, exp, true); }

static double checked_log(double x, double (*fn)(double)) {
    if (isnan(x) || (isinf(x) && x > 0))
        return x;
    if (x <= 0)
        domain_error();
    return fn(x);
}

double pyvm_math_log(double x) { return checked_log(x, log); }
double pyvm_math_log2(double x) { return checked_log(x, log2); }
double pyvm_math_log10(double x) { return checked_log(x, log10); }

double pyvm_math_log_base(double x, double base) {
    double den = checked_log(base, log);
    if (den == 0.0)
        pyvm_raise(PYVM_EXC_ZERO_DIVISION, "float division by zero");
    return checked_log(x, log) / den;
}

double pyvm_math_pow(double x, double y) {
    /* CPython's math.pow: special cases first, then errors from finite inputs. */
    if (!isfinite(x) || !isfinite(y))
        return pow(x, y);
    if (x == 0.0 && y < 0.0)
        domain_error();
    if (x < 0.0 && y != floor(y))
        domain_error();
    double r = pow(x, y);
    if (isinf(r))
        range_error();
    return r;
}

static int64_t float_to_int_checked(double r) {
    if (isnan(r))
        pyvm_raise(PYVM_EXC_VALUE, "cannot convert float NaN to integer");
    if (isinf(r))
        pyvm_raise(PYVM_EXC_OVERFLOW, "cannot convert float infinity to integer");
    if (r < -9223372036854775808.0 || r >= 9223372036854775808.0)
        pyvm_raise(PYVM_EXC_OVERFLOW, "integer overflow (PyVM ints are 64-bit)");
    return (int64_t)r;
}

int64_t pyvm_math_floor(double x) { return float_to_int_checked(floor(x)); }
int64_t pyvm_math_ceil(double x) { return float_to_int_checked(ceil(x)); }
int64_t pyvm_math_trunc(double x) { return float_to_int_checked(trunc(x)); }

bool pyvm_math_isclose(double a, double b, double rel_tol, double abs_tol) {
    if (rel_tol < 0.0 || abs_tol < 0.0)
        pyvm_raise(PYVM_EXC_VALUE, "tolerances must be non-negative");
    if (a == b)
        return true;
    if (isinf(a) || isinf(b))
        return false;
    double diff = fabs(b - a);
    return diff <= fabs(rel_tol * b) || diff <= fabs(rel_tol * a) || diff <= abs_tol;
}
