/* Prints, for every code point, what the runtime's str methods say about
 * the one-character string: the is*() predicates as a bit string, then
 * upper(), lower(), title(), swapcase() and capitalize() as hex UTF-8.
 * test_runtime_core.py computes the same lines with CPython 3.12. */
#include <stdio.h>

#include "pyvm/rt.h"

static void hex(pyvm_str* s) {
    int64_t n;
    const unsigned char* p = (const unsigned char*)pyvm_str_utf8(s, &n);
    putchar('\t');
    for (int64_t i = 0; i < n; i++)
        printf("%02x", p[i]);
}

int main(void) {
    pyvm_rt_init();
    for (uint32_t cp = 0; cp < 0x110000; cp++) {
        pyvm_str* s = pyvm_str_from_char(cp);
        bool bits[] = {pyvm_str_isalpha(s), pyvm_str_isdecimal(s), pyvm_str_isdigit(s), pyvm_str_isnumeric(s),
                       pyvm_str_isspace(s), pyvm_str_islower(s), pyvm_str_isupper(s), pyvm_str_istitle(s),
                       pyvm_str_isprintable(s), pyvm_str_isalnum(s)};
        for (size_t i = 0; i < sizeof bits; i++)
            putchar(bits[i] ? '1' : '0');
        hex(pyvm_str_upper(s));
        hex(pyvm_str_lower(s));
        hex(pyvm_str_title(s));
        hex(pyvm_str_swapcase(s));
        hex(pyvm_str_capitalize(s));
        putchar('\n');
    }
    return 0;
}
