/* Green-thread context switch: hand-written assembly per architecture
 * (ctx_x86_64.S, ctx_aarch64.S, ctx_riscv64.S, ctx_armv7.S; each file is
 * guarded by #if for its architecture, so a build assembles only its own).
 *
 * A context is just a saved stack pointer. pyvm_ctx_switch pushes the
 * callee-saved registers of the running code (integer and floating-point,
 * plus the FP control/status word the ABI says is preserved) on its own
 * stack, stores the stack pointer into *from, loads `to` and pops the same
 * set from there. Everything caller-saved is, by the ABI, already dead at
 * the call, so this is a complete switch between two C call chains.
 *
 *   arch      saved                                            frame bytes
 *   x86-64    rbx rbp r12-r15, MXCSR, x87 control word          56 (+ return address)
 *   aarch64   x19-x30, d8-d15, FPCR                             176
 *   riscv64   ra s0-s11, fs0-fs11, fcsr                         208
 *   armv7     r3(pad) r4-r11 lr, d8-d15, FPSCR(+pad)            112
 */
#ifndef PYVM_CTX_H
#define PYVM_CTX_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_ctx {
    void* sp;
} pyvm_ctx;

/* Saves the current context into *from and resumes `to`; returns when
 * something switches back to *from. */
void pyvm_ctx_switch(pyvm_ctx* from, pyvm_ctx* to);

/* Prepares `c` so that the first switch to it runs entry(arg) on the stack
 * [lo, hi). entry must never return (it switches away for the last time). */
void pyvm_ctx_make(pyvm_ctx* c, void* lo, void* hi, void (*entry)(void*), void* arg);

#ifdef __cplusplus
}
#endif
#endif
