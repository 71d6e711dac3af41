/* The context switch alone (no runtime): two green threads and the main
 * context switch thousands of times; values live across each switch sit in
 * callee-saved integer and floating-point registers, and each context keeps
 * its own FP rounding mode (MXCSR / FPCR / fcsr / FPSCR). Built for the host
 * by the test suite, and with <arch>-linux-gnu-gcc -static for aarch64,
 * riscv64 and armv7, run under qemu-<arch>. Prints "N checks passed". */
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../ctx/ctx.h"

enum { ROUNDS = 20000, STACK = 256 * 1024 };

static pyvm_ctx main_ctx, ctx_a, ctx_b;
static long failures, checks;
static int finished;

#define EXPECT(c)                                                           \
    do {                                                                    \
        checks++;                                                           \
        if (!(c)) {                                                         \
            if (failures++ < 10)                                            \
                fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
        }                                                                   \
    } while (0)

#define KEEP(x) __asm__ __volatile__("" : "+r"(x))
#define KEEPF(x) __asm__ __volatile__("" : "+m"(x))

static void body(pyvm_ctx* self, pyvm_ctx* other, long seed, int rounding) {
    fesetround(rounding);
    for (long i = 0; i < ROUNDS; i++) {
        int64_t r0 = seed * 3 + i, r1 = r0 ^ 0x5555, r2 = r0 * 7, r3 = r0 - 11, r4 = r0 << 3, r5 = ~r0;
        int64_t r6 = r0 + 1000, r7 = r0 * r0, r8 = r0 | 0x100, r9 = r0 & 0xff0f, r10 = -r0, r11 = r0 / 3;
        double f0 = (double)r0 * 0.5, f1 = f0 + 1.25, f2 = f0 * 3.0, f3 = f0 - 7.5, f4 = f0 / 8.0;
        double f5 = f0 + 0.125, f6 = f0 * f0, f7 = -f0;
        KEEP(r0); KEEP(r1); KEEP(r2); KEEP(r3); KEEP(r4); KEEP(r5);
        KEEP(r6); KEEP(r7); KEEP(r8); KEEP(r9); KEEP(r10); KEEP(r11);
        pyvm_ctx_switch(self, i % 3 == 0 || finished ? &main_ctx : other);
        KEEP(r0); KEEP(r1); KEEP(r2); KEEP(r3); KEEP(r4); KEEP(r5);
        KEEP(r6); KEEP(r7); KEEP(r8); KEEP(r9); KEEP(r10); KEEP(r11);
        int64_t x = seed * 3 + i;
        EXPECT(r0 == x && r1 == (x ^ 0x5555) && r2 == x * 7 && r3 == x - 11 && r4 == x << 3 && r5 == ~x);
        EXPECT(r6 == x + 1000 && r7 == x * x && r8 == (x | 0x100) && r9 == (x & 0xff0f) && r10 == -x &&
               r11 == x / 3);
        double g = (double)x * 0.5;
        EXPECT(f0 == g && f1 == g + 1.25 && f2 == g * 3.0 && f3 == g - 7.5 && f4 == g / 8.0 && f5 == g + 0.125 &&
               f6 == g * g && f7 == -g);
        EXPECT(fegetround() == rounding);
    }
    finished++;
    pyvm_ctx_switch(self, &main_ctx);
    abort(); /* never resumed */
}

static void run_a(void* arg) {
    (void)arg;
    body(&ctx_a, &ctx_b, 1, FE_UPWARD);
}

static void run_b(void* arg) {
    (void)arg;
    body(&ctx_b, &ctx_a, 2, FE_TOWARDZERO);
}

int main(void) {
    char* sa = malloc(STACK);
    char* sb = malloc(STACK);
    pyvm_ctx_make(&ctx_a, sa, sa + STACK, run_a, NULL);
    pyvm_ctx_make(&ctx_b, sb, sb + STACK, run_b, NULL);
    fesetround(FE_TONEAREST);
    double keep = 1.0 / 3.0;
    KEEPF(keep);
    long switches = 0;
    while (finished < 2) {
        pyvm_ctx_switch(&main_ctx, finished == 0 ? &ctx_a : &ctx_b);
        switches++;
        EXPECT(fegetround() == FE_TONEAREST);
        EXPECT(keep == 1.0 / 3.0);
    }
    EXPECT(switches > 2 * ROUNDS / 3);
    free(sa);
    free(sb);
    if (failures) {
        fprintf(stderr, "%ld of %ld checks failed\n", failures, checks);
        return 1;
    }
    printf("%ld checks passed (%ld switches back to main)\n", checks, switches);
    return 0;
}
