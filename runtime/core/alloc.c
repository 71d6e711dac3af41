#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

enum {
    CHUNK_BYTES = 1 << 20,
    /* Requests above this get their own block so a chunk is never mostly wasted. */
    LARGE_BYTES = 64 << 10,
    /* Payload buffers from this size on come from malloc so they can be resized and freed. */
    BUF_MALLOC_BYTES = 4 << 10,
};

_Thread_local pyvm_heap pyvm_heap_tls;

extern inline void* pyvm_alloc(size_t bytes);
extern inline void* pyvm_alloc_obj(uint32_t kind, const pyvm_type* type, size_t bytes);

static _Noreturn void out_of_memory(void) {
    pyvm_raise(PYVM_EXC_MEMORY, NULL);
}

void* pyvm_alloc_slow(size_t bytes) {
    size_t n = (bytes + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    if (n < bytes)
        out_of_memory();
    if (n > LARGE_BYTES) {
        void* p = calloc(1, n);
        if (!p)
            out_of_memory();
        return p;
    }
    /* calloc of a big block is served by fresh zero pages, so objects need no memset. */
    char* chunk = calloc(1, CHUNK_BYTES);
    if (!chunk)
        out_of_memory();
    pyvm_heap_tls.cur = chunk + n;
    pyvm_heap_tls.end = chunk + CHUNK_BYTES;
    return chunk;
}

void* pyvm_buf_alloc(size_t bytes) {
    if (bytes < BUF_MALLOC_BYTES)
        return pyvm_alloc(bytes);
    void* p = calloc(1, bytes);
    if (!p)
        out_of_memory();
    return p;
}

void* pyvm_buf_grow(void* buf, size_t old_bytes, size_t new_bytes) {
    if (new_bytes <= old_bytes)
        return buf;
    if (old_bytes >= BUF_MALLOC_BYTES) {
        char* p = realloc(buf, new_bytes);
        if (!p)
            out_of_memory();
        memset(p + old_bytes, 0, new_bytes - old_bytes);
        return p;
    }
    void* p = pyvm_buf_alloc(new_bytes);
    if (old_bytes)
        memcpy(p, buf, old_bytes);
    return p;
}

void pyvm_buf_free(void* buf, size_t bytes) {
    if (buf && bytes >= BUF_MALLOC_BYTES)
        free(buf);
}
