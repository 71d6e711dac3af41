/* Allocation interface. Today: a thread-local bump allocator over big
 * calloc'd chunks, nothing freed. The per-actor heap with a collector will
 * replace the implementation behind these names; callers must not assume
 * objects are never moved or freed beyond what this header promises. */
#ifndef PYVM_ALLOC_H
#define PYVM_ALLOC_H

#include "obj.h"

#ifdef __cplusplus
extern "C" {
#endif

/* C99 inline: alloc.c emits the exported definitions compiled code calls.
 * Bump region of the current thread; the inline fast path touches only this. */
typedef struct pyvm_heap {
    char* cur;
    char* end;
} pyvm_heap;

extern _Thread_local pyvm_heap pyvm_heap_tls;

/* Slow path: new chunk or a dedicated block for a large request. */
void* pyvm_alloc_slow(size_t bytes);

/* Zeroed memory, 16-byte aligned, valid for the life of the program (or,
 * later, while reachable). Raises MemoryError when the system refuses. */
inline void* pyvm_alloc(size_t bytes) {
    size_t n = (bytes + 15) & ~(size_t)15;
    pyvm_heap* h = &pyvm_heap_tls;
    if (__builtin_expect((size_t)(h->end - h->cur) >= n && n != 0, 1)) {
        void* p = h->cur;
        h->cur += n;
        return p;
    }
    return pyvm_alloc_slow(bytes);
}

/* An object: zeroed, header filled in. */
inline void* pyvm_alloc_obj(uint32_t kind, const pyvm_type* type, size_t bytes) {
    pyvm_obj* o = (pyvm_obj*)pyvm_alloc(bytes);
    o->kind = kind;
    o->type = type;
    return o;
}

/* Growable payload buffers owned by exactly one object (list items, dict
 * tables). They live outside the bump region so that growing a big list
 * does not strand its old copies; the collector will treat them as part of
 * their owner. Contents beyond old_bytes are zeroed. */
void* pyvm_buf_alloc(size_t bytes);
void* pyvm_buf_grow(void* buf, size_t old_bytes, size_t new_bytes);
void pyvm_buf_free(void* buf, size_t bytes);

#ifdef __cplusplus
}
#endif
#endif
