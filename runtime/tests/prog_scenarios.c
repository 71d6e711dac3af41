/* A stand-in for compiled programs: pyvm_program_main is what the compiler
 * will emit, main() comes from the runtime's entry.c. The scenario is picked
 * by $PYVM_SCENARIO; test_runtime_core.py runs the equivalent Python source
 * under CPython and compares stdout, stderr (minus source lines) and status. */
#include <stdlib.h>
#include <string.h>

#include "pyvm/rt.h"

#define FILE_ "main.py"

/* The recursions below end by raising, which the compiler cannot see. */
#pragma GCC diagnostic ignored "-Winfinite-recursion"

static void say(const char* s) {
    pyvm_print_str(pyvm_str_from_cstr(s));
    pyvm_print_newline();
}

/* def f(x): return 10 // x  (line 2); main: print, f(0) at line 6; module: main() at line 8 */
static int64_t f_div(int64_t x) {
    pyvm_frame fr;
    pyvm_frame_enter(&fr, "f", FILE_);
    fr.line = 2;
    if (x == 0)
        pyvm_raise(PYVM_EXC_ZERO_DIVISION, "integer division or modulo by zero");
    pyvm_frame_leave(&fr);
    return 10 / x;
}

static void zerodiv(void) {
    pyvm_frame mod, mn;
    pyvm_frame_enter(&mod, "<module>", FILE_);
    mod.line = 8;
    pyvm_frame_enter(&mn, "main", FILE_);
    mn.line = 5;
    say("start");
    mn.line = 6;
    f_div(0);
}

/* def f(n): return f(n + 1) (line 2); main: f(0) line 5; module: main() line 7 */
static int64_t f_rec(int64_t n) {
    pyvm_frame fr;
    pyvm_frame_enter(&fr, "f", FILE_);
    fr.line = 2;
    int64_t r = f_rec(n + 1);
    pyvm_frame_leave(&fr);
    return r;
}

static void recursion(void) {
    pyvm_frame mod, mn;
    pyvm_frame_enter(&mod, "<module>", FILE_);
    mod.line = 7;
    pyvm_frame_enter(&mn, "main", FILE_);
    mn.line = 5;
    f_rec(0);
}

/* def f(n): if n == 0: raise ValueError("deep \u00e9") (3); return f(n - 1) (4); main: f(5) (6); main() (7) */
static void f_deep(int64_t n) {
    pyvm_frame fr;
    pyvm_frame_enter(&fr, "f", FILE_);
    fr.line = 2;
    if (n == 0) {
        fr.line = 3;
        pyvm_raise_str(PYVM_EXC_VALUE, pyvm_str_from_cstr("deep \xc3\xa9"));
    }
    fr.line = 4;
    f_deep(n - 1);
    pyvm_frame_leave(&fr);
}

static void repeated(void) {
    pyvm_frame mod, mn;
    pyvm_frame_enter(&mod, "<module>", FILE_);
    mod.line = 7;
    pyvm_frame_enter(&mn, "main", FILE_);
    mn.line = 6;
    f_deep(5);
}

/* main: print(1); assert 1 == 2 (line 3); main() (5) */
static void assertion(void) {
    pyvm_frame mod, mn;
    pyvm_frame_enter(&mod, "<module>", FILE_);
    mod.line = 5;
    pyvm_frame_enter(&mn, "main", FILE_);
    mn.line = 2;
    say("1");
    mn.line = 3;
    pyvm_raise(PYVM_EXC_ASSERTION, NULL);
}

/* main: d = {"a": 1} (2); print(d["b"]) (3); main() (5) */
static void keyerror(void) {
    pyvm_frame mod, mn;
    pyvm_frame_enter(&mod, "<module>", FILE_);
    mod.line = 5;
    pyvm_frame_enter(&mn, "main", FILE_);
    mn.line = 2;
    pyvm_dict* d = pyvm_dict_new(pyvm_type_intern("D(s,i)"));
    pyvm_dict_set(d, pyvm_slot_from_ptr(pyvm_str_from_cstr("a")), 1);
    mn.line = 3;
    pyvm_print_int((int64_t)pyvm_dict_get(d, pyvm_slot_from_ptr(pyvm_str_from_cstr("b"))));
}

/* module-level: print("bye"); sys.exit(3) (line 3) */
static void exit3(void) {
    pyvm_frame mod;
    pyvm_frame_enter(&mod, "<module>", FILE_);
    mod.line = 2;
    say("bye");
    mod.line = 3;
    pyvm_exit(3);
}

/* print a mix of values as print() would */
static void printing(void) {
    pyvm_frame mod;
    pyvm_frame_enter(&mod, "<module>", FILE_);
    const pyvm_type* t = pyvm_type_intern("D(s,L(T(i,f)))");
    pyvm_dict* d = pyvm_dict_new(t);
    const pyvm_type* lt = t->args[1];
    pyvm_list* l = pyvm_list_new(lt, 0);
    uint64_t tup[2] = {1, pyvm_slot_from_float(0.1)};
    pyvm_list_append(l, pyvm_slot_from_ptr(pyvm_tuple_from_slots(lt->args[0], tup, 2)));
    pyvm_dict_set(d, pyvm_slot_from_ptr(pyvm_str_from_cstr("k\xc3\xa9y")), pyvm_slot_from_ptr(l));
    pyvm_print_str(pyvm_to_str(t, pyvm_slot_from_ptr(d)));
    pyvm_print_newline();
    pyvm_print_float(1e16);
    pyvm_print_bytes(" ", 1);
    pyvm_print_int(-5);
    pyvm_print_bytes(" ", 1);
    pyvm_print_str(pyvm_to_str(&pyvm_type_str, pyvm_slot_from_ptr(pyvm_str_from_cstr("\xe6\xbc\xa2\xf0\x9f\x98\x80"))));
    pyvm_print_newline();
    for (int i = 0; i < 20000; i++) { /* more than one buffer's worth */
        pyvm_print_int(i);
        pyvm_print_newline();
    }
    pyvm_frame_leave(&mod);
}

int64_t pyvm_program_main(void) {
    const char* s = getenv("PYVM_SCENARIO");
    if (!s)
        return 2;
    if (!strcmp(s, "zerodiv")) zerodiv();
    else if (!strcmp(s, "recursion")) recursion();
    else if (!strcmp(s, "repeated")) repeated();
    else if (!strcmp(s, "assertion")) assertion();
    else if (!strcmp(s, "keyerror")) keyerror();
    else if (!strcmp(s, "exit3")) exit3();
    else if (!strcmp(s, "printing")) printing();
    else if (!strcmp(s, "status258")) return 258;
    else if (!strcmp(s, "badspec")) pyvm_type_intern("L(q)");
    return 0;
}
