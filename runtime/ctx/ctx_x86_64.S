/* x86-64 System V context switch (see ctx.h). Callee-saved: rbx rbp r12-r15,
 * plus MXCSR's control bits and the x87 control word. */
#if defined(__x86_64__)
    .text

/* void pyvm_ctx_switch(pyvm_ctx* from (rdi), pyvm_ctx* to (rsi)) */
    .globl pyvm_ctx_switch
    .type pyvm_ctx_switch, @function
    .p2align 4
pyvm_ctx_switch:
    .cfi_startproc
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq (%rsi), %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .cfi_endproc
    .size pyvm_ctx_switch, .-pyvm_ctx_switch

/* First code of a new context: entry in r12, its argument in r13. */
    .globl pyvm_ctx_start
    .type pyvm_ctx_start, @function
    .p2align 4
pyvm_ctx_start:
    .cfi_startproc
    .cfi_undefined rip
    xorl %ebp, %ebp
    movq %r13, %rdi
    callq *%r12
    ud2
    .cfi_endproc
    .size pyvm_ctx_start, .-pyvm_ctx_start
#endif
/* Every object, even an empty one for another architecture: no executable stack. */
    .section .note.GNU-stack,"",%progbits
