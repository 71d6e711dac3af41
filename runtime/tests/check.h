/* Minimal assertions for the runtime's C tests: each failed check prints
 * file:line and the expression, and the test exits 1 at the end. */
#ifndef PYVM_TEST_CHECK_H
#define PYVM_TEST_CHECK_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyvm/rt.h"

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        check_count++;                                                               \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            check_failures++;                                                        \
        }                                                                            \
    } while (0)

static inline void check_str_at(const char* file, int line, pyvm_str* s, const char* expected) {
    check_count++;
    int64_t n;
    const char* got = pyvm_str_utf8(s, &n);
    if ((size_t)n != strlen(expected) || memcmp(got, expected, (size_t)n) != 0) {
        fprintf(stderr, "%s:%d: expected \"%s\", got \"%.*s\"\n", file, line, expected, (int)n, got);
        check_failures++;
    }
}

/* s is a pyvm_str* whose UTF-8 text must equal expected. */
#define CHECK_STR(s, expected) check_str_at(__FILE__, __LINE__, (s), (expected))
/* x is any value with descriptor spec t, compared through repr(). */
#define CHECK_REPR(spec, slot, expected) CHECK_STR(pyvm_repr(pyvm_type_intern(spec), (slot)), (expected))

static inline void check_exc_at(const char* file, int line, int kind, const char* msg, int raised) {
    check_count++;
    if (!raised) {
        fprintf(stderr, "%s:%d: expected %s: %s, nothing raised\n", file, line, pyvm_exc_name(kind), msg);
        check_failures++;
        return;
    }
    if (pyvm_exc_kind() != kind || strcmp(pyvm_rt_error_message(), msg) != 0) {
        fprintf(stderr, "%s:%d: expected %s: %s, got %s: %s\n", file, line, pyvm_exc_name(kind), msg,
                pyvm_exc_name(pyvm_exc_kind()), pyvm_rt_error_message());
        check_failures++;
    }
}

/* stmt must raise kind with exactly msg (msg "" for no message). */
#define CHECK_RAISES(kind, msg, stmt)                                       \
    do {                                                                    \
        pyvm_handler h_;                                                    \
        pyvm_try_enter(&h_);                                                \
        if (setjmp(h_.env) == 0) {                                          \
            stmt;                                                           \
            pyvm_try_leave(&h_);                                            \
            check_exc_at(__FILE__, __LINE__, (kind), (msg), 0);             \
        } else {                                                            \
            check_exc_at(__FILE__, __LINE__, (kind), (msg), 1);             \
        }                                                                   \
    } while (0)

static inline pyvm_str* S(const char* utf8) {
    return pyvm_str_from_cstr(utf8);
}

static inline int check_done(const char* name) {
    if (check_failures) {
        fprintf(stderr, "%s: %d of %d checks failed\n", name, check_failures, check_count);
        return 1;
    }
    printf("%s: %d checks passed\n", name, check_count);
    return 0;
}

/* Test programs link the static library, whose entry.c wants this symbol. */
int64_t pyvm_program_main(void) { return 0; }

#endif
