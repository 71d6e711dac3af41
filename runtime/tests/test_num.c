/* Number helpers: pow, floor division, modulo, conversions, parsing, round. */
#include <math.h>

#include "check.h"

#define FR(x) pyvm_float_repr(x)

int main(void) {
    pyvm_rt_init();
    CHECK(pyvm_int_pow(2, 10) == 1024 && pyvm_int_pow(-3, 3) == -27 && pyvm_int_pow(0, 0) == 1);
    CHECK(pyvm_int_pow(2, 62) == (int64_t)1 << 62 && pyvm_int_pow(-2, 63) == INT64_MIN);
    CHECK(pyvm_int_pow(1, INT64_MAX) == 1 && pyvm_int_pow(-1, INT64_MAX) == -1 && pyvm_int_pow(0, 5) == 0);
    CHECK(pyvm_int_pow(4294967296LL, 1) == 4294967296LL);
    CHECK_RAISES(PYVM_EXC_OVERFLOW, "integer overflow", pyvm_int_pow(2, 63));
    CHECK_RAISES(PYVM_EXC_OVERFLOW, "integer overflow", pyvm_int_pow(10, 19));
    CHECK_RAISES(PYVM_EXC_VALUE,
                 "negative exponent in int ** int: the result would be a float, write float(base) ** exp",
                 pyvm_int_pow(2, -1));
    CHECK(pyvm_int_abs(-5) == 5);
    CHECK_RAISES(PYVM_EXC_OVERFLOW, "integer overflow", pyvm_int_abs(INT64_MIN));

    CHECK_STR(FR(pyvm_int_truediv(1, 3)), "0.3333333333333333");
    CHECK_STR(FR(pyvm_int_truediv(-7, 2)), "-3.5");
    CHECK_STR(FR(pyvm_int_truediv(INT64_MAX, 3)), "3.0744573456182584e+18");
    CHECK_STR(FR(pyvm_int_truediv(9007199254740993LL, 1)), "9007199254740992.0");
    CHECK_RAISES(PYVM_EXC_ZERO_DIVISION, "division by zero", pyvm_int_truediv(1, 0));
    CHECK_RAISES(PYVM_EXC_ZERO_DIVISION, "float division by zero", pyvm_float_div(1.0, 0.0));
    CHECK_STR(FR(pyvm_float_div(1.0, 4.0)), "0.25");

    CHECK_STR(FR(pyvm_float_floordiv(7.0, 2.0)), "3.0");
    CHECK_STR(FR(pyvm_float_floordiv(-7.0, 2.0)), "-4.0");
    CHECK_STR(FR(pyvm_float_floordiv(7.0, -2.0)), "-4.0");
    CHECK_STR(FR(pyvm_float_floordiv(-0.0, 5.0)), "-0.0");
    CHECK_STR(FR(pyvm_float_floordiv(1.0, 0.1)), "9.0");
    CHECK_STR(FR(pyvm_float_mod(-7.0, 2.0)), "1.0");
    CHECK_STR(FR(pyvm_float_mod(7.0, -2.0)), "-1.0");
    CHECK_STR(FR(pyvm_float_mod(-4.0, 2.0)), "0.0");
    CHECK_STR(FR(pyvm_float_mod(4.0, -2.0)), "-0.0");
    CHECK_STR(FR(pyvm_float_mod(1.0, 0.1)), "0.09999999999999995");
    CHECK_RAISES(PYVM_EXC_ZERO_DIVISION, "float floor division by zero", pyvm_float_floordiv(1.0, 0.0));
    CHECK_RAISES(PYVM_EXC_ZERO_DIVISION, "float modulo", pyvm_float_mod(1.0, -0.0));

    CHECK_STR(FR(pyvm_float_pow(2.0, 0.5)), "1.4142135623730951");
    CHECK_STR(FR(pyvm_float_pow(-8.0, 3.0)), "-512.0");
    CHECK_STR(FR(pyvm_float_pow(0.0, 0.0)), "1.0");
    CHECK_STR(FR(pyvm_float_pow(-0.0, 3.0)), "-0.0");
    CHECK_STR(FR(pyvm_float_pow(INFINITY, -1.0)), "0.0");
    CHECK_STR(FR(pyvm_float_pow(-INFINITY, 3.0)), "-inf");
    CHECK_STR(FR(pyvm_float_pow(NAN, 0.0)), "1.0");
    CHECK_STR(FR(pyvm_float_pow(1.0, NAN)), "1.0");
    CHECK_STR(FR(pyvm_float_pow(0.5, INFINITY)), "0.0");
    CHECK_STR(FR(pyvm_float_pow(-1.0, 1e300)), "1.0");
    CHECK_STR(FR(pyvm_float_pow(10.0, -400.0)), "0.0");
    CHECK_RAISES(PYVM_EXC_ZERO_DIVISION, "0.0 cannot be raised to a negative power", pyvm_float_pow(0.0, -1.0));
    CHECK_RAISES(PYVM_EXC_VALUE, "math domain error", pyvm_float_pow(-8.0, 0.5));
    CHECK_RAISES(PYVM_EXC_OVERFLOW, "(34, 'Numerical result out of range')", pyvm_float_pow(10.0, 400.0));

    CHECK(pyvm_float_to_int(-3.9) == -3 && pyvm_float_to_int(1e18) == 1000000000000000000LL);
    CHECK(pyvm_float_to_int(-9223372036854775808.0) == INT64_MIN);
    CHECK_RAISES(PYVM_EXC_OVERFLOW, "cannot convert float infinity to integer", pyvm_float_to_int(-INFINITY));
    CHECK_RAISES(PYVM_EXC_VALUE, "cannot convert float NaN to integer", pyvm_float_to_int(NAN));
    CHECK_RAISES(PYVM_EXC_OVERFLOW, "integer overflow", pyvm_float_to_int(9223372036854775808.0));

    CHECK(pyvm_int_from_str(S(" -1_000 \n")) == -1000);
    CHECK(pyvm_int_from_str(S("+007")) == 7);
    CHECK(pyvm_int_from_str(S("\xd9\xa1\xd9\xa2\xd9\xa3")) == 123); /* Arabic-Indic digits */
    CHECK(pyvm_int_from_str(S("-9223372036854775808")) == INT64_MIN);
    CHECK_RAISES(PYVM_EXC_OVERFLOW, "integer overflow", pyvm_int_from_str(S("9223372036854775808")));
    CHECK_RAISES(PYVM_EXC_VALUE, "invalid literal for int() with base 10: 'abc'", pyvm_int_from_str(S("abc")));
    CHECK_RAISES(PYVM_EXC_VALUE, "invalid literal for int() with base 10: '1__0'", pyvm_int_from_str(S("1__0")));
    CHECK_RAISES(PYVM_EXC_VALUE, "invalid literal for int() with base 10: ''", pyvm_int_from_str(S("")));
    CHECK_RAISES(PYVM_EXC_VALUE, "invalid literal for int() with base 10: '1.5'", pyvm_int_from_str(S("1.5")));

    CHECK_STR(FR(pyvm_float_from_str(S(" 1_0.5 "))), "10.5");
    CHECK_STR(FR(pyvm_float_from_str(S("-Infinity"))), "-inf");
    CHECK_STR(FR(pyvm_float_from_str(S("nan"))), "nan");
    CHECK_STR(FR(pyvm_float_from_str(S(".5e-3"))), "0.0005");
    CHECK_STR(FR(pyvm_float_from_str(S("1e500"))), "inf");
    CHECK_RAISES(PYVM_EXC_VALUE, "could not convert string to float: 'x'", pyvm_float_from_str(S("x")));
    CHECK_RAISES(PYVM_EXC_VALUE, "could not convert string to float: '0x10'", pyvm_float_from_str(S("0x10")));
    CHECK_RAISES(PYVM_EXC_VALUE, "could not convert string to float: ''", pyvm_float_from_str(S("")));

    CHECK_STR(FR(pyvm_float_round(2.675, 2)), "2.67");
    CHECK_STR(FR(pyvm_float_round(0.125, 2)), "0.12");
    CHECK_STR(FR(pyvm_float_round(1234.5, -2)), "1200.0");
    CHECK_STR(FR(pyvm_float_round(-0.4, 0)), "-0.0");
    CHECK_STR(FR(pyvm_float_round(5.0, -1)), "0.0");
    CHECK_STR(FR(pyvm_float_round(15.0, -1)), "20.0");
    CHECK_STR(FR(pyvm_float_round(1.5, 400)), "1.5");
    CHECK_STR(FR(pyvm_float_round(-1.5, -400)), "-0.0");
    CHECK_RAISES(PYVM_EXC_OVERFLOW, "rounded value too large to represent", pyvm_float_round(1.7976931348623157e308, -308));
    CHECK(pyvm_float_round_to_int(2.5) == 2 && pyvm_float_round_to_int(3.5) == 4 && pyvm_float_round_to_int(-2.5) == -2);
    CHECK(pyvm_float_round_to_int(0.49999999999999994) == 0);
    CHECK_RAISES(PYVM_EXC_OVERFLOW, "cannot convert float infinity to integer", pyvm_float_round_to_int(INFINITY));
    CHECK_RAISES(PYVM_EXC_VALUE, "cannot convert float NaN to integer", pyvm_float_round_to_int(NAN));
    CHECK(pyvm_int_round(1250, -2) == 1200 && pyvm_int_round(1350, -2) == 1400 && pyvm_int_round(-1250, -2) == -1200);
    CHECK(pyvm_int_round(17, 3) == 17 && pyvm_int_round(5, -1) == 0 && pyvm_int_round(15, -1) == 20);
    CHECK(pyvm_int_round(INT64_MAX, -30) == 0);
    CHECK_RAISES(PYVM_EXC_OVERFLOW, "integer overflow", pyvm_int_round(INT64_MAX, -1));
    return check_done("test_num");
}
