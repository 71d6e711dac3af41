/* The C main of native executables. Kept alone in this file so that the
 * shared library loaded into the compiler's process can leave it out. */
#include "../include/pyvm/rt.h"

int main(int argc, char** argv) {
    (void)argc;
    (void)argv;
    pyvm_rt_init();
    int64_t status = pyvm_program_main();
    pyvm_flush();
    /* sys.exit semantics on POSIX: only the low 8 bits reach the parent. */
    return (int)(status & 0xff);
}
