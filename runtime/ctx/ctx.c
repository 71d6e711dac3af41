/* The C half of the context switch: building the first frame of a new
 * context so that pyvm_ctx_switch "returns" into pyvm_ctx_start (assembly),
 * which calls entry(arg). Frame layouts mirror the .S files exactly. */
#include "ctx.h"

#include <stdint.h>
#include <string.h>

void pyvm_ctx_start(void); /* assembly: moves arg into the first argument register, calls entry */

void pyvm_ctx_make(pyvm_ctx* c, void* lo, void* hi, void (*entry)(void*), void* arg) {
    (void)lo;
    uintptr_t top = (uintptr_t)hi & ~(uintptr_t)15;
    uintptr_t* sp;
#if defined(__x86_64__)
    /* low -> high: [mxcsr|fpucw] r15 r14 r13 r12 rbx rbp ret. After `ret` pops
     * the return address rsp = top (16-aligned), so entry sees rsp+8 aligned. */
    sp = (uintptr_t*)(top - 8 * 8);
    memset(sp, 0, 8 * 8);
    uint32_t csr[2] = {0x1f80u, 0x037fu}; /* MXCSR and x87 control word power-on defaults */
    memcpy(&sp[0], csr, 8);
    sp[4] = (uintptr_t)entry; /* r12 */
    sp[3] = (uintptr_t)arg;   /* r13 */
    sp[7] = (uintptr_t)pyvm_ctx_start;
#elif defined(__aarch64__)
    /* 176 bytes: x19..x28 at 0..72, x29 80, x30 88, d8..d15 96..152, fpcr 160. */
    sp = (uintptr_t*)(top - 176);
    memset(sp, 0, 176);
    sp[0] = (uintptr_t)entry; /* x19 */
    sp[1] = (uintptr_t)arg;   /* x20 */
    sp[11] = (uintptr_t)pyvm_ctx_start; /* x30 */
#elif defined(__riscv) && __riscv_xlen == 64
    /* 208 bytes: ra 0, s0..s11 8..96, fs0..fs11 104..192, fcsr 200. */
    sp = (uintptr_t*)(top - 208);
    memset(sp, 0, 208);
    sp[0] = (uintptr_t)pyvm_ctx_start; /* ra */
    sp[1] = (uintptr_t)entry;          /* s0 */
    sp[2] = (uintptr_t)arg;            /* s1 */
#elif defined(__arm__)
    /* 112 bytes, low -> high: fpscr pad | d8..d15 (64) | r3 r4 .. r11 lr. */
    sp = (uintptr_t*)(top - 112);
    memset(sp, 0, 112);
    uintptr_t* core = sp + 2 + 16; /* r3 */
    core[1] = (uintptr_t)entry;          /* r4 */
    core[2] = (uintptr_t)arg;            /* r5 */
    core[9] = (uintptr_t)pyvm_ctx_start; /* lr, popped into pc */
#else
#error "pyvm: no context switch for this architecture"
#endif
    c->sp = sp;
}
