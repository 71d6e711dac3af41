#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strdup */
#endif
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "str.h"
#include "value.h"

extern inline pyvm_tstate* pyvm_tstate_get(void);
extern inline void pyvm_frame_enter(pyvm_frame* f, const char* function, const char* file);
extern inline void pyvm_frame_leave(pyvm_frame* f);
extern inline pyvm_frame* pyvm_frame_top(void);

_Thread_local pyvm_tstate* pyvm_tstate_current_ptr;
static _Thread_local pyvm_tstate thread_state;

pyvm_tstate* pyvm_tstate_slow(void) {
    pyvm_tstate_current_ptr = &thread_state;
    return &thread_state;
}

enum { MODE_MAIN = 1, MODE_PROTECT = 2, MODE_REPORT = 3 };

static const char* const exc_names[PYVM_EXC_COUNT] = {
    [PYVM_EXC_ZERO_DIVISION] = "ZeroDivisionError",
    [PYVM_EXC_INDEX] = "IndexError",
    [PYVM_EXC_KEY] = "KeyError",
    [PYVM_EXC_OVERFLOW] = "OverflowError",
    [PYVM_EXC_VALUE] = "ValueError",
    [PYVM_EXC_ASSERTION] = "AssertionError",
    [PYVM_EXC_RECURSION] = "RecursionError",
    [PYVM_EXC_TYPE] = "TypeError",
    [PYVM_EXC_MEMORY] = "MemoryError",
    [PYVM_EXC_RUNTIME] = "RuntimeError",
    [PYVM_EXC_EXCEPTION] = "Exception",
    [PYVM_EXC_NOT_IMPLEMENTED] = "NotImplementedError",
    [PYVM_EXC_UNBOUND_LOCAL] = "UnboundLocalError",
    [PYVM_EXC_NAME] = "NameError",
    [PYVM_EXC_ATTRIBUTE] = "AttributeError",
};

const char* pyvm_exc_name(int kind) {
    return kind > 0 && kind < PYVM_EXC_COUNT ? exc_names[kind] : NULL;
}

/* ---- traceback text ---- */

/* Growable byte buffer on malloc: the traceback is assembled first and
 * written with one write(2), so it cannot interleave with other output. */
typedef struct {
    char* p;
    size_t len, cap;
} text;

static void text_put(text* t, const char* s, size_t n) {
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->cap ? t->cap * 2 : 1024);
        while (cap < t->len + n + 1)
            cap *= 2;
        char* np = realloc(t->p, cap);
        if (!np)
            return; /* out of memory while reporting: drop the text, keep going */
        t->p = np;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
}

static void text_puts(text* t, const char* s) {
    text_put(t, s, strlen(s));
}

static void text_frame(text* t, const pyvm_frame* f) {
    char line[32];
    text_puts(t, "  File \"");
    text_puts(t, f->file ? f->file : "???");
    snprintf(line, sizeof line, "\", line %lld, in ", (long long)f->line);
    text_puts(t, line);
    text_puts(t, f->function ? f->function : "???");
    text_puts(t, "\n");
}

static bool same_site(const pyvm_frame* a, const pyvm_frame* b) {
    return a->line == b->line && a->file && b->file && a->function && b->function &&
           strcmp(a->file, b->file) == 0 && strcmp(a->function, b->function) == 0;
}

/* CPython prints at most 3 identical consecutive lines, then a count. */
enum { TB_RECURSIVE_CUTOFF = 3 };

static void text_repeated(text* t, long cnt) {
    char buf[96];
    cnt -= TB_RECURSIVE_CUTOFF;
    snprintf(buf, sizeof buf, "  [Previous line repeated %ld more time%s]\n", cnt, cnt > 1 ? "s" : "");
    text_puts(t, buf);
}

/* The message as CPython writes it to stderr: UTF-8, with lone surrogates
 * (which this runtime stores WTF-8 encoded) escaped as \udXXX. */
static void text_message(text* t, const char* m) {
    const unsigned char* p = (const unsigned char*)m;
    while (*p) {
        if (p[0] == 0xed && p[1] >= 0xa0 && p[1] <= 0xbf && p[2]) {
            unsigned cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
            char buf[8];
            snprintf(buf, sizeof buf, "\\u%04x", cp);
            text_puts(t, buf);
            p += 3;
        } else {
            text_put(t, (const char*)p, 1);
            p++;
        }
    }
}

static void write_traceback(const char* banner, pyvm_frame* top, int kind, const char* msg) {
    text t = {0};
    size_t n = 0;
    if (banner) {
        text_puts(&t, banner);
        text_puts(&t, "\n");
    }
    for (pyvm_frame* f = top; f; f = f->prev)
        n++;
    if (n) {
        pyvm_frame** frames = malloc(n * sizeof *frames);
        text_puts(&t, "Traceback (most recent call last):\n");
        if (frames) {
            size_t i = n;
            for (pyvm_frame* f = top; f; f = f->prev)
                frames[--i] = f;
            const pyvm_frame* last = NULL;
            long cnt = 0;
            for (i = 0; i < n; i++) {
                if (!last || !same_site(last, frames[i])) {
                    if (cnt > TB_RECURSIVE_CUTOFF)
                        text_repeated(&t, cnt);
                    last = frames[i];
                    cnt = 0;
                }
                cnt++;
                if (cnt <= TB_RECURSIVE_CUTOFF)
                    text_frame(&t, frames[i]);
            }
            if (cnt > TB_RECURSIVE_CUTOFF)
                text_repeated(&t, cnt);
            free(frames);
        }
    }
    const char* name = pyvm_exc_name(kind);
    text_puts(&t, name ? name : "Exception");
    if (msg && *msg) {
        text_puts(&t, ": ");
        text_message(&t, msg);
    }
    text_puts(&t, "\n");
    pyvm_write_stderr(t.p, (int64_t)t.len);
    free(t.p);
}

/* ---- raising ---- */

/* Unwinds to handler h: the shadow stack goes back to what it was when h
 * was entered and h is popped, then control resumes at its setjmp. */
static _Noreturn void unwind_to(pyvm_tstate* t, pyvm_handler* h, int how) {
    t->top = h->top;
    t->depth = h->depth;
    t->handler = h->prev;
    longjmp(h->env, how);
}

static _Noreturn void raise_impl(int kind, const char* msg) {
    pyvm_tstate* t = pyvm_tstate_get();
    pyvm_handler* h = t->handler;
    if (h && (h->mode == MODE_PROTECT || h->mode == MODE_REPORT)) {
        free(t->exc_message);
        t->exc_kind = kind;
        t->exc_message = msg ? strdup(msg) : NULL;
        if (h->mode == MODE_REPORT) {
            char banner[96];
            h->banner_fn(banner, sizeof banner, h->banner_who);
            pyvm_flush();
            write_traceback(banner, t->top, kind, msg);
        }
        unwind_to(t, h, 1);
    }
    pyvm_flush();
    write_traceback(NULL, t->top, kind, msg);
    if (h)
        unwind_to(t, h, 1);
    exit(1);
}

_Noreturn void pyvm_raise(int kind, const char* msg) {
    raise_impl(kind, msg);
}

_Noreturn void pyvm_raise_str(int kind, pyvm_str* msg) {
    raise_impl(kind, msg ? pyvm_str_utf8(msg, NULL) : NULL);
}

_Noreturn void pyvm_raisef(int kind, const char* fmt, ...) {
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < (int)sizeof small)
        raise_impl(kind, small);
    char* big = malloc((size_t)n + 1);
    if (!big)
        raise_impl(kind, small);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    raise_impl(kind, big);
}

_Noreturn void pyvm_raise_key_error(const pyvm_type* keytype, uint64_t key) {
    raise_impl(PYVM_EXC_KEY, pyvm_str_utf8(pyvm_repr(keytype, key), NULL));
}

_Noreturn void pyvm_raise_recursion(void) {
    raise_impl(PYVM_EXC_RECURSION, "maximum recursion depth exceeded");
}

_Noreturn void pyvm_exit(int64_t status) {
    pyvm_flush();
    pyvm_tstate* t = pyvm_tstate_get();
    for (pyvm_handler* h = t->handler; h; h = h->prev) {
        if (h->mode == MODE_MAIN || h->mode == MODE_REPORT) {
            t->exit_status = status;
            unwind_to(t, h, 2);
        }
    }
    exit((int)(status & 0xff));
}

/* ---- handlers and in-process entry points ---- */

static void push(pyvm_tstate* t, pyvm_handler* h, int mode) {
    h->prev = t->handler;
    h->top = t->top;
    h->depth = t->depth;
    h->mode = mode;
    t->handler = h;
}

void pyvm_try_enter(pyvm_handler* h) {
    push(pyvm_tstate_get(), h, MODE_PROTECT);
}

void pyvm_try_enter_report(pyvm_handler* h, void (*fn)(char* out, size_t n, const void* who), const void* who) {
    push(pyvm_tstate_get(), h, MODE_REPORT);
    h->banner_fn = fn;
    h->banner_who = who;
}

void pyvm_write_traceback(const char* banner, pyvm_frame* top, int kind, const char* msg) {
    pyvm_flush();
    write_traceback(banner, top, kind, msg);
}

void pyvm_try_leave(pyvm_handler* h) {
    pyvm_tstate_get()->handler = h->prev;
}

int pyvm_exc_kind(void) {
    return pyvm_tstate_get()->exc_kind;
}

int64_t pyvm_rt_run_main(int64_t (*main_fn)(void)) {
    pyvm_handler h;
    push(pyvm_tstate_get(), &h, MODE_MAIN);
    volatile int64_t status = 0;
    int r = setjmp(h.env);
    if (r == 0) {
        status = main_fn();
        pyvm_tstate_get()->handler = h.prev;
    } else {
        status = r == 1 ? 1 : pyvm_tstate_get()->exit_status;
    }
    pyvm_flush();
    return status & 0xff;
}

int pyvm_rt_protect(void (*fn)(void*), void* arg) {
    pyvm_handler h;
    pyvm_try_enter(&h);
    if (setjmp(h.env) == 0) {
        fn(arg);
        pyvm_try_leave(&h);
        return 0;
    }
    return pyvm_exc_kind();
}

const char* pyvm_rt_error_message(void) {
    const char* m = pyvm_tstate_get()->exc_message;
    return m ? m : "";
}

/* ---- for the KIR interpreter's actor mode (compiler/pyvm/interp/actors) ---- */

pyvm_tstate* pyvm_tstate_set_current(pyvm_tstate* t) {
    pyvm_tstate* old = pyvm_tstate_get();
    pyvm_tstate_current_ptr = t ? t : &thread_state;
    return old;
}

/* Why one prototype calls any function with <= 6 integer/pointer and <= 8
 * floating-point arguments: on x86-64 (System V) and AArch64 (AAPCS64) the
 * integer arguments go in the next free integer register (rdi..r9 / x0..x5)
 * and the floating-point ones in the next free vector register (xmm0..7 /
 * v0..7), each class counted on its own, whatever the order of the classes
 * in the signature. A callee taking fewer arguments ignores the extra
 * registers; one taking i32/i16/i8/bool reads the low bits (the caller
 * extends them to 64 bits first: both ABIs' callers extend narrow arguments,
 * and clang relies on it on x86-64); one taking a float reads the low 32 bits
 * of its vector register (the caller puts the float's bits there). Results
 * come back in rax/x0 or xmm0/v0 likewise, read through the matching variant.
 * Other targets, stack arguments and variadic functions are not covered: the
 * interpreter calls those without the guard. */
typedef uint64_t (*guard_u64_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, double, double,
                                 double, double, double, double, double, double);
typedef double (*guard_f64_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, double, double,
                               double, double, double, double, double, double);

static void guard_banner(char* out, size_t n, const void* who) {
    snprintf(out, n, "%s", (const char*)who);
}

static void guard_push(pyvm_handler* h, const char* banner) {
    if (banner)
        pyvm_try_enter_report(h, guard_banner, banner);
    else
        pyvm_try_enter(h);
}

uint64_t pyvm_guard_call_u64(void* fn, const char* banner, int64_t* status, uint64_t i0, uint64_t i1,
                             uint64_t i2, uint64_t i3, uint64_t i4, uint64_t i5, double d0, double d1,
                             double d2, double d3, double d4, double d5, double d6, double d7) {
    pyvm_handler h;
    guard_push(&h, banner);
    int r = setjmp(h.env);
    if (r == 0) {
        uint64_t v = ((guard_u64_fn)fn)(i0, i1, i2, i3, i4, i5, d0, d1, d2, d3, d4, d5, d6, d7);
        pyvm_try_leave(&h);
        *status = 0;
        return v;
    }
    *status = r;
    return 0;
}

double pyvm_guard_call_f64(void* fn, const char* banner, int64_t* status, uint64_t i0, uint64_t i1,
                           uint64_t i2, uint64_t i3, uint64_t i4, uint64_t i5, double d0, double d1,
                           double d2, double d3, double d4, double d5, double d6, double d7) {
    pyvm_handler h;
    guard_push(&h, banner);
    int r = setjmp(h.env);
    if (r == 0) {
        double v = ((guard_f64_fn)fn)(i0, i1, i2, i3, i4, i5, d0, d1, d2, d3, d4, d5, d6, d7);
        pyvm_try_leave(&h);
        *status = 0;
        return v;
    }
    *status = r;
    return 0.0;
}

/* ---- exit reasons back to exceptions ---- */

int pyvm_exc_kind_from_name(const char* name, size_t n) {
    for (int k = 1; k < PYVM_EXC_COUNT; k++)
        if (exc_names[k] && strlen(exc_names[k]) == n && memcmp(exc_names[k], name, n) == 0)
            return k;
    return PYVM_EXC_NONE;
}
