/* The exported definitions of alloc.h's inline fast path. The slow path,
 * buffers and the collector live in runtime/heap/heap.c. */
#include "alloc.h"

_Thread_local pyvm_bump pyvm_bump_tls __attribute__((tls_model("initial-exec")));

extern inline void* pyvm_alloc_try(size_t bytes, uint64_t flags);
extern inline void* pyvm_alloc_block(size_t bytes, uint64_t flags);
extern inline void* pyvm_alloc(size_t bytes);
extern inline void* pyvm_alloc_obj(uint32_t kind, const pyvm_type* type, size_t bytes);

void* pyvm_buf_alloc(size_t bytes) {
    return pyvm_alloc_block(bytes, PYVM_BLOCK_BUF);
}
