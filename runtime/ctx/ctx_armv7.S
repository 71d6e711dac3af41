/* ARMv7-A (AAPCS, hard float) context switch (see ctx.h). Callee-saved:
 * r4-r11, lr, d8-d15 and FPSCR; r3 is pushed only to keep the frame 8-byte
 * aligned. */
#if defined(__arm__)
    .syntax unified
    .arm
    .fpu vfpv3-d16
    .text

/* void pyvm_ctx_switch(pyvm_ctx* from (r0), pyvm_ctx* to (r1)) */
    .globl pyvm_ctx_switch
    .type pyvm_ctx_switch, %function
    .p2align 2
pyvm_ctx_switch:
    push {r3-r11, lr}
    vpush {d8-d15}
    vmrs r2, fpscr
    push {r2, r3}
    str sp, [r0]
    ldr sp, [r1]
    pop {r2, r3}
    vmsr fpscr, r2
    vpop {d8-d15}
    pop {r3-r11, pc}
    .size pyvm_ctx_switch, .-pyvm_ctx_switch

/* First code of a new context: entry in r4, its argument in r5. */
    .globl pyvm_ctx_start
    .type pyvm_ctx_start, %function
    .p2align 2
pyvm_ctx_start:
    mov r0, r5
    blx r4
    udf #0
    .size pyvm_ctx_start, .-pyvm_ctx_start
#endif
/* Every object, even an empty one for another architecture: no executable stack. */
    .section .note.GNU-stack,"",%progbits
