/* Frames, the recursion limit, handlers and in-process entry points. */
#include "check.h"

static pyvm_frame frames[PYVM_RECURSION_LIMIT + 1];

static void raise_value(void* arg) {
    (void)arg;
    pyvm_raise(PYVM_EXC_VALUE, "bad value");
}

static void no_raise(void* arg) {
    *(int*)arg = 42;
}

static int64_t main_ok(void) { return 7; }
static int64_t main_exit(void) { pyvm_exit(300); }
static int64_t main_raise(void) {
    pyvm_frame f;
    pyvm_frame_enter(&f, "<module>", "main.py");
    f.line = 3;
    pyvm_raise(PYVM_EXC_ASSERTION, NULL);
}

int main(void) {
    pyvm_rt_init();
    CHECK(sizeof(pyvm_frame) == 32 && offsetof(pyvm_frame, line) == 24 && offsetof(pyvm_frame, function) == 8);
    CHECK(strcmp(pyvm_exc_name(PYVM_EXC_ZERO_DIVISION), "ZeroDivisionError") == 0);
    CHECK(strcmp(pyvm_exc_name(PYVM_EXC_RUNTIME), "RuntimeError") == 0 && pyvm_exc_name(999) == NULL);

    pyvm_frame m;
    pyvm_frame_enter(&m, "<module>", "main.py");
    CHECK(pyvm_frame_top() == &m && m.line == 0 && m.prev == NULL && pyvm_tstate_get()->depth == 1);
    pyvm_frame g;
    pyvm_frame_enter(&g, "main", "main.py");
    CHECK(pyvm_frame_top() == &g && g.prev == &m);
    pyvm_frame_leave(&g);
    CHECK(pyvm_frame_top() == &m && pyvm_tstate_get()->depth == 1);

    /* The module frame counts: 999 more frames fit, the next one raises. */
    int entered = 0;
    pyvm_handler h;
    pyvm_try_enter(&h);
    if (setjmp(h.env) == 0) {
        for (int i = 0; i < PYVM_RECURSION_LIMIT + 1; i++) {
            pyvm_frame_enter(&frames[i], "f", "main.py");
            entered++;
        }
        pyvm_try_leave(&h);
    }
    CHECK(entered == PYVM_RECURSION_LIMIT - 1);
    CHECK(pyvm_exc_kind() == PYVM_EXC_RECURSION && strcmp(pyvm_rt_error_message(), "maximum recursion depth exceeded") == 0);
    CHECK(pyvm_frame_top() == &m && pyvm_tstate_get()->depth == 1); /* unwound */

    CHECK(pyvm_rt_protect(raise_value, NULL) == PYVM_EXC_VALUE);
    CHECK(strcmp(pyvm_rt_error_message(), "bad value") == 0);
    int out = 0;
    CHECK(pyvm_rt_protect(no_raise, &out) == 0 && out == 42);
    /* Nested handlers: the inner one catches, the outer stays armed. */
    pyvm_handler outer;
    volatile int inner_caught = 0;
    pyvm_try_enter(&outer);
    if (setjmp(outer.env) == 0) {
        CHECK_RAISES(PYVM_EXC_KEY, "'k'", pyvm_raise_key_error(&pyvm_type_str, pyvm_slot_from_ptr(S("k"))));
        inner_caught = 1;
        CHECK_RAISES(PYVM_EXC_TYPE, "x", pyvm_raise_str(PYVM_EXC_TYPE, S("x")));
        CHECK_RAISES(PYVM_EXC_INDEX, "n=5", pyvm_raisef(PYVM_EXC_INDEX, "n=%d", 5));
        pyvm_try_leave(&outer);
    }
    CHECK(inner_caught);
    CHECK(pyvm_tstate_get()->handler == NULL);

    CHECK(pyvm_rt_run_main(main_ok) == 7);
    CHECK(pyvm_rt_run_main(main_exit) == 300 % 256);
    CHECK(pyvm_rt_run_main(main_raise) == 1); /* prints a traceback to stderr */
    CHECK(pyvm_frame_top() == &m && pyvm_tstate_get()->handler == NULL);
    pyvm_frame_leave(&m);
    CHECK(pyvm_frame_top() == NULL && pyvm_tstate_get()->depth == 0);
    return check_done("test_error");
}
