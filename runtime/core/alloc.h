/* Allocation interface. Behind it: the per-actor heaps of runtime/heap/
 * (heap.h), collected by a non-moving mark-and-sweep collector. Objects never
 * move; an object is freed once no root (the actor's stack and registers,
 * scanned conservatively) and no reachable object refers to it.
 *
 * Every block carries an 8-byte hidden header just before the address these
 * functions return: its size in bytes (header included, a multiple of 16)
 * with four flag bits below (PYVM_BLOCK_*). The inline fast path below bumps
 * a pointer through the current heap's current region and writes that
 * header; everything else (new regions and chunks, large blocks, collection,
 * MemoryError) is the slow path in runtime/heap/heap.c. */
#ifndef PYVM_ALLOC_H
#define PYVM_ALLOC_H

#include "obj.h"
#include "sanitizers.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Header flags (low bits of the size word). */
#define PYVM_BLOCK_MARK 1u  /* reached by the running collection */
#define PYVM_BLOCK_OBJ 2u   /* starts with pyvm_obj: traced precisely by kind and descriptor */
#define PYVM_BLOCK_BUF 4u   /* payload buffer (pyvm_buf_*): traced through its owner */
#define PYVM_BLOCK_FREE 8u  /* free space */
/* Neither OBJ nor BUF: a raw block (pyvm_alloc), scanned conservatively when reached. */

/* The calling thread's bump region in its current heap: blocks are carved
 * from [cur, end), which is always zeroed memory. C99 inline: alloc.c emits
 * the exported definitions compiled code calls. */
typedef struct pyvm_bump {
    char* cur;
    char* end;
} pyvm_bump;

/* initial-exec: a plain %fs-relative access even in the -fPIC objects of
 * libpyvmrt.so (the general-dynamic default calls __tls_get_addr, which
 * makes the fast path save registers). 16 bytes of glibc's static TLS
 * surplus are reserved for this when the library is dlopen'ed. */
extern _Thread_local pyvm_bump pyvm_bump_tls __attribute__((tls_model("initial-exec")));

/* Slow paths: a new region, a large block, a collection or MemoryError.
 * The object variant fills in the header too, so that the fast paths below
 * end in a tail call and need no saved registers. */
void* pyvm_alloc_slow(size_t bytes, uint64_t flags);
void* pyvm_alloc_obj_slow(uint32_t kind, const pyvm_type* type, size_t bytes);

/* AddressSanitizer builds take the slow path for every block, which keeps
 * free memory and block headers poisoned. */
#ifdef PYVM_ASAN
#define PYVM_ALLOC_FAST 0
#else
#define PYVM_ALLOC_FAST 1
#endif

/* The fast path: a zeroed block of at least `bytes` bytes, 16-byte aligned,
 * with header flags `flags`, bumped from the current region; NULL when the
 * region is too small (or under ASan). */
inline void* pyvm_alloc_try(size_t bytes, uint64_t flags) {
#if PYVM_ALLOC_FAST
    size_t n = (bytes + 8 + 15) & ~(size_t)15; /* header + payload, rounded to 16 */
    pyvm_bump* b = &pyvm_bump_tls;
    char* p = b->cur;
    if (__builtin_expect(n > bytes && (size_t)(b->end - p) >= n, 1)) {
        b->cur = p + n;
        *(uint64_t*)(void*)p = n | flags;
        return p + 8;
    }
#else
    (void)bytes;
    (void)flags;
#endif
    return (void*)0;
}

/* A zeroed block with header flags `flags`. Raises MemoryError beyond the
 * heap's maximum. */
inline void* pyvm_alloc_block(size_t bytes, uint64_t flags) {
    void* p = pyvm_alloc_try(bytes, flags);
    return __builtin_expect(p != (void*)0, 1) ? p : pyvm_alloc_slow(bytes, flags);
}

/* Zeroed memory, 16-byte aligned, valid while reachable. Raises MemoryError
 * when the heap's maximum (or the system) refuses. */
inline void* pyvm_alloc(size_t bytes) {
    return pyvm_alloc_block(bytes, 0);
}

/* An object: zeroed, header filled in (bytes >= sizeof(pyvm_obj)). */
inline void* pyvm_alloc_obj(uint32_t kind, const pyvm_type* type, size_t bytes) {
    pyvm_obj* o = (pyvm_obj*)pyvm_alloc_try(bytes, PYVM_BLOCK_OBJ);
    if (__builtin_expect(o == (pyvm_obj*)0, 0))
        return pyvm_alloc_obj_slow(kind, type, bytes);
    o->kind = kind;
    o->type = type;
    return o;
}

/* Growable payload buffers owned by exactly one object (list items, dict
 * tables): the collector marks them when it traces the owner, which says
 * what the slots hold. Contents beyond old_bytes are zeroed. pyvm_buf_free
 * returns the block at once (the owner must no longer refer to it). */
void* pyvm_buf_alloc(size_t bytes);
void* pyvm_buf_grow(void* buf, size_t old_bytes, size_t new_bytes);
void pyvm_buf_free(void* buf, size_t bytes);

#ifdef __cplusplus
}
#endif
#endif
