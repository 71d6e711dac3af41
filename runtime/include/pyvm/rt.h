/* PyVM runtime: everything compiled programs may call.
 *
 * The ABI in one paragraph (details in runtime/README.md): int is int64_t,
 * float is double, bool is C bool, None is no value (void). Heap values are
 * pointers to objects that start with pyvm_obj (16 bytes: kind, gc, type).
 * Containers hold 8-byte slots whose meaning comes from the container's type
 * descriptor (pyvm_type_intern("L(i)") ...). Errors never return: they print
 * CPython's traceback from the shadow frame stack and exit with status 1.
 *
 * Each runtime module has its own header under runtime/core/; this file
 * gathers them so compiled C (and the backends' declarations) need one include. */
#ifndef PYVM_RT_H
#define PYVM_RT_H

#include "../../core/obj.h"
#include "../../core/alloc.h"
#include "../../core/typedesc.h"
#include "../../core/error.h"
#include "../../core/seq.h"
#include "../../core/str.h"
#include "../../core/list.h"
#include "../../core/dict.h"
#include "../../core/tuple.h"
#include "../../core/value.h"
#include "../../core/format.h"
#include "../../core/num.h"
#include "../../core/io.h"
#include "../../heap/heap.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PYVM_RT_ABI_VERSION 1

/* Emitted by the compiler: runs module initialisation and main(), returns
 * the exit status. entry.c's main() calls it between pyvm_rt_init and the
 * final flush; the shared library (in-process use) has no main(). */
int64_t pyvm_program_main(void);

#ifdef __cplusplus
}
#endif
#endif
