/* C ceiling for programs/fib: naive doubly recursive Fibonacci.
   Usage: fib [N]   (default 35, the Python program's size) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int64_t fib(int64_t n) {
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv) {
    int64_t n = argc > 1 ? strtoll(argv[1], NULL, 10) : 35;
    printf("%lld\n", (long long)fib(n));
    return 0;
}
