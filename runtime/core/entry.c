/* The C main of native executables. Kept alone in this file so that the
 * shared library loaded into the compiler's process can leave it out. */
#include "../include/pyvm/rt.h"

int main(int argc, char** argv) {
    (void)argc;
    (void)argv;
    pyvm_rt_init();
    /* Native programs collect the default heap (roots: this thread's stack,
     * its registers and the executable's globals). In-process use (KIR
     * interpreter, JIT) never calls this: Python holds pointers there. */
    pyvm_heap_set_collect(NULL, true);
    int64_t status = pyvm_program_main();
    pyvm_flush();
    /* sys.exit semantics on POSIX: only the low 8 bits reach the parent. */
    return (int)(status & 0xff);
}
