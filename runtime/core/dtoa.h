/* Decimal digits of a double, exactly as CPython's _Py_dg_dtoa produces
 * them (David Gay's algorithm, which decides repr() and format()):
 *   mode 0: the shortest digit string that reads back as the same double,
 *           the closest such string when several exist;
 *   mode 2: max(ndigits, 1) significant digits, correctly rounded (half-even);
 *   mode 3: digits up to ndigits past the decimal point (ndigits may be < 0).
 * Trailing zeros are not produced. Implemented with exact big-integer
 * arithmetic (Steele & White / Gay), no reliance on the C library's printf. */
#ifndef PYVM_DTOA_H
#define PYVM_DTOA_H

#ifdef __cplusplus
extern "C" {
#endif

/* Worst case digit count for any mode: a double has at most 767 significant
 * decimal digits. */
#define PYVM_DTOA_MAXDIGITS 800

/* v must be finite; its sign is ignored. Writes NUL-terminated digits into
 * buf (PYVM_DTOA_MAXDIGITS + 2 bytes) and the decimal point position:
 * value = 0.<digits> * 10**decpt. Zero gives "0" with decpt 1; a mode 3
 * result that rounds to zero gives "" with decpt = -ndigits. Returns the
 * number of digits. */
int pyvm_dtoa(double v, int mode, int ndigits, char* buf, int* decpt);

#ifdef __cplusplus
}
#endif
#endif
