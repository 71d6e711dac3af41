/* RISC-V 64 (LP64D) context switch (see ctx.h). Callee-saved: ra, s0-s11,
 * fs0-fs11, and fcsr (rounding mode). */
#if defined(__riscv) && __riscv_xlen == 64
    .text

/* void pyvm_ctx_switch(pyvm_ctx* from (a0), pyvm_ctx* to (a1)) */
    .globl pyvm_ctx_switch
    .type pyvm_ctx_switch, @function
    .p2align 2
pyvm_ctx_switch:
    addi sp, sp, -208
    sd ra, 0(sp)
    sd s0, 8(sp)
    sd s1, 16(sp)
    sd s2, 24(sp)
    sd s3, 32(sp)
    sd s4, 40(sp)
    sd s5, 48(sp)
    sd s6, 56(sp)
    sd s7, 64(sp)
    sd s8, 72(sp)
    sd s9, 80(sp)
    sd s10, 88(sp)
    sd s11, 96(sp)
#if defined(__riscv_flen) && __riscv_flen >= 64
    fsd fs0, 104(sp)
    fsd fs1, 112(sp)
    fsd fs2, 120(sp)
    fsd fs3, 128(sp)
    fsd fs4, 136(sp)
    fsd fs5, 144(sp)
    fsd fs6, 152(sp)
    fsd fs7, 160(sp)
    fsd fs8, 168(sp)
    fsd fs9, 176(sp)
    fsd fs10, 184(sp)
    fsd fs11, 192(sp)
    frcsr t0
    sd t0, 200(sp)
#endif
    sd sp, 0(a0)
    ld sp, 0(a1)
#if defined(__riscv_flen) && __riscv_flen >= 64
    ld t0, 200(sp)
    fscsr t0
    fld fs0, 104(sp)
    fld fs1, 112(sp)
    fld fs2, 120(sp)
    fld fs3, 128(sp)
    fld fs4, 136(sp)
    fld fs5, 144(sp)
    fld fs6, 152(sp)
    fld fs7, 160(sp)
    fld fs8, 168(sp)
    fld fs9, 176(sp)
    fld fs10, 184(sp)
    fld fs11, 192(sp)
#endif
    ld ra, 0(sp)
    ld s0, 8(sp)
    ld s1, 16(sp)
    ld s2, 24(sp)
    ld s3, 32(sp)
    ld s4, 40(sp)
    ld s5, 48(sp)
    ld s6, 56(sp)
    ld s7, 64(sp)
    ld s8, 72(sp)
    ld s9, 80(sp)
    ld s10, 88(sp)
    ld s11, 96(sp)
    addi sp, sp, 208
    ret
    .size pyvm_ctx_switch, .-pyvm_ctx_switch

/* First code of a new context: entry in s0, its argument in s1. */
    .globl pyvm_ctx_start
    .type pyvm_ctx_start, @function
    .p2align 2
pyvm_ctx_start:
    mv a0, s1
    jalr s0
    ebreak
    .size pyvm_ctx_start, .-pyvm_ctx_start
#endif
/* Every object, even an empty one for another architecture: no executable stack. */
    .section .note.GNU-stack,"",%progbits
