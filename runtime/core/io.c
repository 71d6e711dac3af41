#include "io.h"

#include <errno.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "../heap/heap.h"
#include "str.h"

enum { OUT_CAP = 1 << 16 };

/* Process-wide and shared by every worker thread of the actor scheduler:
 * out_lock orders whole print calls, so the bytes of one call are never
 * interleaved with another's. No pyvm_* function that can raise or switch
 * green threads runs while it is held. */
static char out_buf[OUT_CAP];
static size_t out_len;
static int line_buffered = -1; /* -1: not yet decided */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
/* Whether this OS thread holds out_lock: read by pyvm_io_release_after_crash,
 * which runs in a signal handler and must not call into pthreads otherwise. */
static _Thread_local bool out_held;

static void out_acquire(void) {
    pthread_mutex_lock(&out_lock);
    out_held = true;
}

static void out_release(void) {
    out_held = false;
    pthread_mutex_unlock(&out_lock);
}

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

static void flush_locked(void) {
    if (out_len) {
        write_all(1, out_buf, out_len);
        out_len = 0;
    }
}

void pyvm_flush(void) {
    out_acquire();
    flush_locked();
    out_release();
}

void pyvm_print_bytes(const char* p, int64_t n) {
    out_acquire();
    if (line_buffered < 0)
        line_buffered = isatty(1);
    if ((size_t)n > OUT_CAP - out_len) {
        flush_locked();
        if ((size_t)n >= OUT_CAP) {
            write_all(1, p, (size_t)n);
            out_release();
            return;
        }
    }
    memcpy(out_buf + out_len, p, (size_t)n);
    out_len += (size_t)n;
    if (line_buffered && memchr(p, '\n', (size_t)n))
        flush_locked();
    out_release();
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

void pyvm_io_release_after_crash(void) {
    if (out_held)  /* only when the abandoned actor was inside a print call */
        out_release();
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
