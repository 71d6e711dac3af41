/* AArch64 (AAPCS64) context switch (see ctx.h). Callee-saved: x19-x28, the
 * frame pointer x29, the link register x30, the low halves d8-d15, and FPCR. */
#if defined(__aarch64__)
    .text

/* void pyvm_ctx_switch(pyvm_ctx* from (x0), pyvm_ctx* to (x1)) */
    .globl pyvm_ctx_switch
    .type pyvm_ctx_switch, %function
    .p2align 4
pyvm_ctx_switch:
    sub sp, sp, #176
    stp x19, x20, [sp, #0]
    stp x21, x22, [sp, #16]
    stp x23, x24, [sp, #32]
    stp x25, x26, [sp, #48]
    stp x27, x28, [sp, #64]
    stp x29, x30, [sp, #80]
    stp d8, d9, [sp, #96]
    stp d10, d11, [sp, #112]
    stp d12, d13, [sp, #128]
    stp d14, d15, [sp, #144]
    mrs x9, fpcr
    str x9, [sp, #160]
    mov x9, sp
    str x9, [x0]
    ldr x9, [x1]
    mov sp, x9
    ldr x9, [sp, #160]
    msr fpcr, x9
    ldp x19, x20, [sp, #0]
    ldp x21, x22, [sp, #16]
    ldp x23, x24, [sp, #32]
    ldp x25, x26, [sp, #48]
    ldp x27, x28, [sp, #64]
    ldp x29, x30, [sp, #80]
    ldp d8, d9, [sp, #96]
    ldp d10, d11, [sp, #112]
    ldp d12, d13, [sp, #128]
    ldp d14, d15, [sp, #144]
    add sp, sp, #176
    ret
    .size pyvm_ctx_switch, .-pyvm_ctx_switch

/* First code of a new context: entry in x19, its argument in x20. */
    .globl pyvm_ctx_start
    .type pyvm_ctx_start, %function
    .p2align 4
pyvm_ctx_start:
    mov x29, #0
    mov x0, x20
    blr x19
    brk #0
    .size pyvm_ctx_start, .-pyvm_ctx_start
#endif
/* Every object, even an empty one for another architecture: no executable stack. */
    .section .note.GNU-stack,"",%progbits
