/* Exceptions, the shadow frame stack and tracebacks.
 *
 * Compiled code keeps a shadow stack of pyvm_frame records (one per Python
 * function activation, plus one for the module) so that a raise can print
 * CPython's traceback without unwinding information. An uncaught raise
 * flushes stdout, writes the traceback to stderr and exits with status 1;
 * inside pyvm_rt_run_main / pyvm_rt_protect it returns to that caller
 * instead, so the runtime can live inside the compiler's own process. */
#ifndef PYVM_ERROR_H
#define PYVM_ERROR_H

#include <setjmp.h>

#include "obj.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_str pyvm_str;

/* Exception kinds; the value is what pyvm_rt_protect returns. */
enum pyvm_exc_kind {
    PYVM_EXC_NONE = 0,
    PYVM_EXC_ZERO_DIVISION = 1,  /* ZeroDivisionError */
    PYVM_EXC_INDEX = 2,          /* IndexError */
    PYVM_EXC_KEY = 3,            /* KeyError */
    PYVM_EXC_OVERFLOW = 4,       /* OverflowError */
    PYVM_EXC_VALUE = 5,          /* ValueError */
    PYVM_EXC_ASSERTION = 6,      /* AssertionError */
    PYVM_EXC_RECURSION = 7,      /* RecursionError */
    PYVM_EXC_TYPE = 8,           /* TypeError */
    PYVM_EXC_MEMORY = 9,         /* MemoryError */
    PYVM_EXC_RUNTIME = 10,       /* RuntimeError */
    PYVM_EXC_EXCEPTION = 11,     /* Exception */
    PYVM_EXC_NOT_IMPLEMENTED = 12, /* NotImplementedError */
    PYVM_EXC_UNBOUND_LOCAL = 13, /* UnboundLocalError */
    PYVM_EXC_NAME = 14,          /* NameError */
    PYVM_EXC_ATTRIBUTE = 15,     /* AttributeError */
    PYVM_EXC_COUNT
};

/* Python's name for an exception kind ("ZeroDivisionError"), NULL if unknown. */
const char* pyvm_exc_name(int kind);

/* One activation on the shadow stack. Compiled code allocates it (usually on
 * its own stack), stores the current source line into `line` before any
 * operation that may raise, and links/unlinks it with enter/leave. Fields are
 * only ever appended (the collector will add a roots pointer), so offsets of
 * existing fields are stable:
 *   offset 0  prev      caller's frame (NULL for the module frame)
 *   offset 8  function  "<module>", "main", ... (NUL-terminated UTF-8)
 *   offset 16 file      "main.py"
 *   offset 24 line      current line, 0 until the code stores one
 *   size 32
 */
typedef struct pyvm_frame {
    struct pyvm_frame* prev;
    const char* function;
    const char* file;
    int64_t line;
} pyvm_frame;

/* CPython's default sys.getrecursionlimit(); the module frame counts. */
#define PYVM_RECURSION_LIMIT 1000

/* A pyvm_rt_run_main / pyvm_rt_protect activation; raise longjmps here. */
typedef struct pyvm_handler {
    struct pyvm_handler* prev;
    pyvm_frame* top;     /* shadow stack to restore */
    int64_t depth;
    int mode;            /* internal: what a raise does with this handler */
    jmp_buf env;
    /* pyvm_try_enter_report: writes the line put before the traceback, only when one is written */
    void (*banner_fn)(char* out, size_t n, const void* who);
    const void* banner_who;
} pyvm_handler;

/* Per-thread runtime state. The actor runtime will keep one per green
 * thread and switch pyvm_tstate_current; nothing else names the storage. */
typedef struct pyvm_tstate {
    pyvm_frame* top;
    int64_t depth;
    pyvm_handler* handler;
    int exc_kind;          /* last exception caught by a handler */
    char* exc_message;     /* its message, malloc'd UTF-8 or NULL */
    int64_t exit_status;   /* set by pyvm_exit inside pyvm_rt_run_main */
} pyvm_tstate;

extern _Thread_local pyvm_tstate* pyvm_tstate_current_ptr;
pyvm_tstate* pyvm_tstate_slow(void);

/* Inline definitions below follow C99 inline rules: the header gives the
 * fast path to C callers, error.c emits the one exported definition that
 * compiled code and ctypes call. */
inline pyvm_tstate* pyvm_tstate_get(void) {
    pyvm_tstate* t = pyvm_tstate_current_ptr;
    return __builtin_expect(t != NULL, 1) ? t : pyvm_tstate_slow();
}

_Noreturn void pyvm_raise_recursion(void);

/* Links f as the innermost frame; RecursionError if that would make more than
 * PYVM_RECURSION_LIMIT frames (f is then not linked). */
inline void pyvm_frame_enter(pyvm_frame* f, const char* function, const char* file) {
    pyvm_tstate* t = pyvm_tstate_get();
    if (__builtin_expect(t->depth >= PYVM_RECURSION_LIMIT, 0))
        pyvm_raise_recursion();
    f->prev = t->top;
    f->function = function;
    f->file = file;
    f->line = 0;
    t->top = f;
    t->depth++;
}

/* Unlinks f, which must be the innermost frame. */
inline void pyvm_frame_leave(pyvm_frame* f) {
    pyvm_tstate* t = pyvm_tstate_get();
    t->top = f->prev;
    t->depth--;
}

/* Current innermost frame (NULL outside any). */
inline pyvm_frame* pyvm_frame_top(void) { return pyvm_tstate_get()->top; }

/* Raise `kind` with a NUL-terminated UTF-8 message (NULL or "" prints just the name). */
_Noreturn void pyvm_raise(int kind, const char* msg);
/* Same with a runtime string as the message (raise ValueError(s)). */
_Noreturn void pyvm_raise_str(int kind, pyvm_str* msg);
/* printf-style message; internal convenience for runtime modules. */
_Noreturn void pyvm_raisef(int kind, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
/* KeyError whose message is repr(key), as CPython prints it. */
_Noreturn void pyvm_raise_key_error(const pyvm_type* keytype, uint64_t key);

/* Flush stdout and leave with sys.exit's status semantics (status & 0xff). */
_Noreturn void pyvm_exit(int64_t status);

/* Catching (the runtime's own try/except, used by pyvm_rt_protect and C tests):
 *     pyvm_handler h;
 *     pyvm_try_enter(&h);
 *     if (setjmp(h.env) == 0) { ...may raise...; pyvm_try_leave(&h); }
 *     else { kind = pyvm_exc_kind(); message = pyvm_rt_error_message(); }
 * A raise inside restores the shadow stack to its state at pyvm_try_enter,
 * pops h and longjmps; nothing is printed. */
void pyvm_try_enter(pyvm_handler* h);
void pyvm_try_leave(pyvm_handler* h);
/* The actor runtime's root handler: like pyvm_try_enter, but a raise caught
 * by h is first reported on stderr exactly as an uncaught one would be,
 * preceded by a banner line that fn(out, n, who) writes then (one write, so
 * reports of actors crashing at the same time do not interleave; made only
 * when due, an actor's "Actor <pid ...> crashed:" costs nothing unless it
 * crashes), and pyvm_exit also unwinds to h: setjmp returns 1 after a raise
 * (kind and message as for pyvm_try_enter), 2 after pyvm_exit (status in
 * pyvm_tstate.exit_status). A handler pushed later (pyvm_try_enter,
 * pyvm_rt_protect) still catches raises first. */
void pyvm_try_enter_report(pyvm_handler* h, void (*fn)(char* out, size_t n, const void* who), const void* who);
/* Writes `banner` (if not NULL) and a traceback of the frames from `top`
 * down, then `Name: message`, to stderr in one write; stdout is flushed first. */
void pyvm_write_traceback(const char* banner, pyvm_frame* top, int kind, const char* msg);
/* Kind of the exception caught last (PYVM_EXC_NONE if none). */
int pyvm_exc_kind(void);

/* In-process entry points (ctypes, JIT): run `main_fn` with raises and
 * pyvm_exit turned into a return. Returns main's status, pyvm_exit's status,
 * or 1 after an uncaught exception (traceback written to stderr). */
int64_t pyvm_rt_run_main(int64_t (*main_fn)(void));
/* Calls fn(arg); returns 0, or the exception kind it raised (no traceback
 * printed; see pyvm_rt_error_message). fn must be C or JIT code: a raise
 * longjmps over everything between here and the raise. */
int pyvm_rt_protect(void (*fn)(void*), void* arg);
/* Message of the exception pyvm_rt_protect caught last ("" if none). */
const char* pyvm_rt_error_message(void);

#ifdef __cplusplus
}
#endif
#endif

/* ---- for the KIR interpreter's actor mode (compiler/pyvm/interp/actors) ---- */
#ifndef PYVM_ERROR_GUARD_H
#define PYVM_ERROR_GUARD_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/* Makes t the calling thread's current pyvm_tstate (NULL: the thread's own
 * default one); returns the previous one. The interpreter switches it per
 * interpreted actor, as the scheduler does per green thread. */
pyvm_tstate* pyvm_tstate_set_current(pyvm_tstate* t);

/* Calls fn(i0..i5, d0..d7) with raises and pyvm_exit turned into a return:
 * *status is 0 after a normal return, 1 after a raise (kind and message in
 * pyvm_exc_kind / pyvm_rt_error_message), 2 after pyvm_exit (status in
 * pyvm_tstate.exit_status; only with a banner: without one, pyvm_exit ends
 * the process as usual). With a banner (not NULL), a raise is reported on
 * stderr as an actor crash, exactly as pyvm_try_enter_report does: stdout
 * flushed, the banner line, the traceback of the shadow frames at the raise,
 * `Name: message`. The _u64 variant returns fn's integer/pointer result
 * register, _f64 its floating-point one (an f32 result is in its low 32 bits).
 * See error.c for why one prototype can call any function with at most 6
 * integer/pointer and 8 floating-point arguments (x86-64 SysV, AArch64). */
uint64_t pyvm_guard_call_u64(void* fn, const char* banner, int64_t* status, uint64_t i0, uint64_t i1,
                             uint64_t i2, uint64_t i3, uint64_t i4, uint64_t i5, double d0, double d1,
                             double d2, double d3, double d4, double d5, double d6, double d7);
double pyvm_guard_call_f64(void* fn, const char* banner, int64_t* status, uint64_t i0, uint64_t i1,
                           uint64_t i2, uint64_t i3, uint64_t i4, uint64_t i5, double d0, double d1,
                           double d2, double d3, double d4, double d5, double d6, double d7);

#ifdef __cplusplus
}
#endif
#endif

/* ---- exit reasons back to exceptions (runtime/lang: gather re-raises a child's crash) ---- */
#ifndef PYVM_ERROR_REASON_H
#define PYVM_ERROR_REASON_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif

/* The kind named by the n bytes at name ("ZeroDivisionError" -> PYVM_EXC_ZERO_DIVISION),
 * PYVM_EXC_NONE if no kind has that name. */
int pyvm_exc_kind_from_name(const char* name, size_t n);

#ifdef __cplusplus
}
#endif
#endif
