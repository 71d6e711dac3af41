#include "io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "../heap/heap.h"
#include "str.h"

enum { OUT_CAP = 1 << 16 };

/* Process-wide: print from several OS threads needs a lock once the actor
 * scheduler runs more than one; today there is one. */
static char out_buf[OUT_CAP];
static size_t out_len;
static int line_buffered = -1; /* -1: not yet decided */

static void write_all(int fd, const char* p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return; /* closed pipe or full disk: output is lost, as nothing can report it */
        }
        p += w;
        n -= (size_t)w;
    }
}

void pyvm_flush(void) {
    if (out_len) {
        write_all(1, out_buf, out_len);
        out_len = 0;
    }
}

void pyvm_print_bytes(const char* p, int64_t n) {
    if (line_buffered < 0)
        line_buffered = isatty(1);
    if ((size_t)n > OUT_CAP - out_len) {
        pyvm_flush();
        if ((size_t)n >= OUT_CAP) {
            write_all(1, p, (size_t)n);
            return;
        }
    }
    memcpy(out_buf + out_len, p, (size_t)n);
    out_len += (size_t)n;
    if (line_buffered && memchr(p, '\n', (size_t)n))
        pyvm_flush();
}

void pyvm_print_str(pyvm_str* s) {
    int64_t n;
    const char* p = pyvm_str_utf8(s, &n);
    pyvm_print_bytes(p, n);
}

void pyvm_print_int(int64_t v) {
    char buf[24];
    char* p = buf + sizeof buf;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    pyvm_print_bytes(p, buf + sizeof buf - p);
}

void pyvm_print_float(double v) {
    char buf[32];
    int n = pyvm_float_repr_buf(v, buf);
    pyvm_print_bytes(buf, n);
}

void pyvm_print_newline(void) {
    pyvm_print_bytes("\n", 1);
}

void pyvm_write_stderr(const char* bytes, int64_t n) {
    write_all(2, bytes, (size_t)n);
}

void pyvm_eprint_str(pyvm_str* s) {
    int64_t n;
    const char* p = pyvm_str_utf8(s, &n);
    pyvm_flush();
    write_all(2, p, (size_t)n);
}

static void flush_at_exit(void) {
    pyvm_flush();
}

void pyvm_rt_init(void) {
    static int registered;
    if (!registered) {
        registered = 1;
        atexit(flush_at_exit);
    }
    line_buffered = isatty(1);
    /* The calling thread owns the default heap: its stack holds the roots
     * once collection is enabled (entry.c's main does that). */
    pyvm_heap_rt_init();
}

void pyvm_rt_shutdown(void) {
    pyvm_flush();
}
