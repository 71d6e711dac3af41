/* Formatting: str(), repr() and format() of numbers, strings and bools. The
 * differential tests in test_runtime_core.py cover the spec space; these
 * pin the cases the compiler relies on most. */
#include <math.h>

#include "check.h"

#define F(v, s) pyvm_format_float((v), S(s))
#define I(v, s) pyvm_format_int((v), S(s))

int main(void) {
    pyvm_rt_init();
    CHECK_STR(pyvm_int_to_str(0), "0");
    CHECK_STR(pyvm_int_to_str(-42), "-42");
    CHECK_STR(pyvm_int_to_str(INT64_MIN), "-9223372036854775808");
    CHECK_STR(pyvm_bool_to_str(true), "True");
    CHECK_STR(pyvm_none_to_str(), "None");
    double reprs[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 1e16, 1e-5, 5e-324, 1.7976931348623157e308, 0.1 + 0.2,
                      123456789012345678.0, 1.5e300, 1e15, 0.0001, 100.0};
    const char* want[] = {"0.0", "-0.0", "inf", "-inf", "nan", "1e+16", "1e-05", "5e-324", "1.7976931348623157e+308",
                          "0.30000000000000004", "1.2345678901234568e+17", "1.5e+300", "1000000000000000.0",
                          "0.0001", "100.0"};
    for (size_t i = 0; i < sizeof reprs / sizeof reprs[0]; i++)
        CHECK_STR(pyvm_float_repr(reprs[i]), want[i]);
    CHECK_STR(I(5, "5d"), "    5");
    CHECK_STR(I(1234567, ","), "1,234,567");
    CHECK_STR(I(1234567, "_"), "1_234_567");
    CHECK_STR(I(255, "#x"), "0xff");
    CHECK_STR(I(255, "#X"), "0XFF");
    CHECK_STR(I(255, "08b"), "11111111");
    CHECK_STR(I(5, "+d"), "+5");
    CHECK_STR(I(5, " d"), " 5");
    CHECK_STR(I(-5, "=+8d"), "-      5");
    CHECK_STR(I(42, "*^10"), "****42****");
    CHECK_STR(I(1234, "0=10_x"), "0_0000_04d2");
    CHECK_STR(I(65, "c"), "A");
    CHECK_STR(I(3, "%"), "300.000000%");
    CHECK_STR(F(3.14159, ".2f"), "3.14");
    CHECK_STR(F(3.14159, "08.3f"), "0003.142");
    CHECK_STR(F(1234567.891, ",.2f"), "1,234,567.89");
    CHECK_STR(F(0.25, "%"), "25.000000%");
    CHECK_STR(F(12345.678, "e"), "1.234568e+04");
    CHECK_STR(F(12345.678, ".3e"), "1.235e+04");
    CHECK_STR(F(12345.678, "g"), "12345.7");
    CHECK_STR(F(0.00001234, ".3g"), "1.23e-05");
    CHECK_STR(F(1.0, ""), "1.0");
    CHECK_STR(F(1e16, ".3"), "1e+16");
    CHECK_STR(F(-0.0, "z.1f"), "0.0");
    CHECK_STR(F(2.5, ">8"), "     2.5");
    CHECK_STR(F(NAN, "=+10"), "+      nan");
    CHECK_STR(pyvm_format_str(S("ab"), S("^6")), "  ab  ");
    CHECK_STR(pyvm_format_str(S("abcdef"), S(".3")), "abc");
    CHECK_STR(pyvm_format_str(S("ab"), S("05")), "ab000");
    CHECK_STR(pyvm_format_str(S("\xc3\xa9"), S("\xe2\x98\x85>3")), "\xe2\x98\x85\xe2\x98\x85\xc3\xa9");
    CHECK_STR(pyvm_format_bool(true, S("")), "True");
    CHECK_STR(pyvm_format_bool(true, S(">5")), "    1");
    CHECK_STR(pyvm_format_bool(false, S("d")), "0");
    CHECK_STR(pyvm_format_bool(true, S(".1f")), "1.0");
    CHECK_RAISES(PYVM_EXC_VALUE, "Unknown format code 'x' for object of type 'float'", F(1.5, "x"));
    CHECK_RAISES(PYVM_EXC_VALUE, "Unknown format code 's' for object of type 'bool'", pyvm_format_bool(true, S("s")));
    CHECK_RAISES(PYVM_EXC_VALUE, "Unknown format code 'd' for object of type 'str'", pyvm_format_str(S("a"), S("d")));
    CHECK_RAISES(PYVM_EXC_VALUE, "Precision not allowed in integer format specifier", I(1, ".2d"));
    CHECK_RAISES(PYVM_EXC_VALUE, "Invalid format specifier '.2fx' for object of type 'float'", F(1.0, ".2fx"));
    CHECK_RAISES(PYVM_EXC_VALUE, "Cannot specify both ',' and '_'.", I(1, ",_"));
    CHECK_RAISES(PYVM_EXC_VALUE, "Cannot specify ',' with 'x'.", I(1, ",x"));
    CHECK_RAISES(PYVM_EXC_VALUE, "Format specifier missing precision", F(1.0, "."));
    CHECK_RAISES(PYVM_EXC_VALUE, "Sign not allowed in string format specifier", pyvm_format_str(S("a"), S("+")));
    CHECK_RAISES(PYVM_EXC_VALUE, "Alternate form (#) not allowed in string format specifier", pyvm_format_str(S("a"), S("#")));
    CHECK_RAISES(PYVM_EXC_VALUE, "'=' alignment not allowed in string format specifier", pyvm_format_str(S("a"), S("=5")));
    CHECK_RAISES(PYVM_EXC_OVERFLOW, "%c arg not in range(0x110000)", I(-1, "c"));
    CHECK_RAISES(PYVM_EXC_VALUE, "Too many decimal digits in format string", F(1.5, "99999999999999999999"));
    CHECK_RAISES(PYVM_EXC_VALUE, "precision too big", F(1.5, ".3000000000"));
    char* s = pyvm_double_to_string(0.5, 'e', 3, PYVM_DTSF_SIGN);
    CHECK(strcmp(s, "+5.000e-01") == 0);
    free(s);
    return check_done("test_format");
}
