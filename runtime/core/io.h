/* Standard output: one process-wide buffer in front of fd 1, written as
 * UTF-8. Like CPython, output is line-buffered when stdout is a terminal and
 * block-buffered otherwise; it is flushed at exit, on pyvm_exit and before a
 * traceback is written (so stdout text precedes the error, as in CPython). */
#ifndef PYVM_IO_H
#define PYVM_IO_H

#include "obj.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_str pyvm_str;

void pyvm_print_str(pyvm_str* s);          /* no newline added */
void pyvm_print_bytes(const char* utf8, int64_t n);
void pyvm_print_int(int64_t v);            /* str(v) */
void pyvm_print_float(double v);           /* repr(v) */
void pyvm_print_newline(void);
void pyvm_flush(void);
/* A green thread abandoned mid-call (stack overflow) may hold stdout's lock:
 * the scheduler calls this on the same OS thread before it resumes others. */
void pyvm_io_release_after_crash(void);
/* Unbuffered write of a string to stderr (print(..., file=sys.stderr)); pending
 * stdout goes first so a shared terminal or file shows program order. */
void pyvm_eprint_str(pyvm_str* s);
/* Raw write to fd 2, retrying short writes. */
void pyvm_write_stderr(const char* bytes, int64_t n);

/* Process setup/teardown for in-process use (entry.c calls them too). */
void pyvm_rt_init(void);
void pyvm_rt_shutdown(void);

#ifdef __cplusplus
}
#endif
#endif
