/* Allocator: alignment, zeroing, large blocks, growable buffers. */
#include "check.h"

int main(void) {
    pyvm_rt_init();
    int aligned = 1, zeroed = 1;
    for (int i = 1; i < 5000; i++) {
        unsigned char* p = pyvm_alloc((size_t)(i % 300) + 1);
        aligned &= ((uintptr_t)p % 16) == 0;
        for (int k = 0; k < i % 300 + 1; k++)
            zeroed &= p[k] == 0;
        memset(p, 0xab, (size_t)(i % 300) + 1);
    }
    CHECK(aligned && zeroed);
    unsigned char* big = pyvm_alloc(10 << 20);
    CHECK(big && big[0] == 0 && big[(10 << 20) - 1] == 0);
    pyvm_obj* o = pyvm_alloc_obj(PYVM_KIND_LIST, pyvm_type_intern("L(i)"), 64);
    CHECK(o->kind == PYVM_KIND_LIST && o->gc == 0 && o->type == pyvm_type_intern("L(i)"));
    CHECK(sizeof(pyvm_obj) == 16 && offsetof(pyvm_obj, type) == 8);
    /* Buffers keep their contents and zero the new tail across the small/large boundary. */
    size_t n = 16;
    uint64_t* b = pyvm_buf_alloc(n * 8);
    for (size_t i = 0; i < n; i++)
        b[i] = i;
    int kept = 1, tail = 1;
    while (n < (1 << 16)) {
        size_t m = n * 2;
        b = pyvm_buf_grow(b, n * 8, m * 8);
        for (size_t i = 0; i < n; i++)
            kept &= b[i] == i;
        for (size_t i = n; i < m; i++) {
            tail &= b[i] == 0;
            b[i] = i;
        }
        n = m;
    }
    CHECK(kept && tail);
    pyvm_buf_free(b, n * 8);
    return check_done("test_alloc");
}
