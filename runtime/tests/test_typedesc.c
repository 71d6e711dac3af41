/* Type descriptors: parsing, interning, element types. */
#include "check.h"

int main(void) {
    pyvm_rt_init();
    CHECK(pyvm_type_intern("i") == &pyvm_type_int && pyvm_type_intern("f") == &pyvm_type_float);
    CHECK(pyvm_type_intern("b") == &pyvm_type_bool && pyvm_type_intern("n") == &pyvm_type_none);
    CHECK(pyvm_type_intern("s") == &pyvm_type_str && pyvm_type_intern("F") == &pyvm_type_func);
    const pyvm_type* d = pyvm_type_intern("D(s,L(T(i,f)))");
    CHECK(d == pyvm_type_intern("D(s,L(T(i,f)))"));
    CHECK(d->tag == PYVM_T_DICT && d->nargs == 2 && d->is_ref);
    CHECK(strcmp(d->spec, "D(s,L(T(i,f)))") == 0);
    CHECK(d->args[0] == &pyvm_type_str);
    const pyvm_type* l = d->args[1];
    CHECK(l == pyvm_type_intern("L(T(i,f))") && l->tag == PYVM_T_LIST && l->nargs == 1);
    const pyvm_type* t = l->args[0];
    CHECK(t->tag == PYVM_T_TUPLE && t->nargs == 2 && t->args[0] == &pyvm_type_int && t->args[1] == &pyvm_type_float);
    const pyvm_type* e = pyvm_type_intern("T()");
    CHECK(e->tag == PYVM_T_TUPLE && e->nargs == 0);
    CHECK(pyvm_type_intern("C(i)")->tag == PYVM_T_CELL);
    CHECK(!pyvm_type_int.is_ref && !pyvm_type_float.is_ref && pyvm_type_str.is_ref);
    /* Many distinct types stay distinct. */
    char spec[64];
    const pyvm_type* prev = NULL;
    for (int i = 0; i < 300; i++) {
        snprintf(spec, sizeof spec, "T(%.*s)", 1, "i");
        const pyvm_type* x = pyvm_type_intern(spec);
        CHECK(prev == NULL || x == prev);
        prev = x;
    }
    const pyvm_type* nested = pyvm_type_intern("L(L(L(L(L(L(L(L(i))))))))");
    int depth = 0;
    while (nested->tag == PYVM_T_LIST) {
        nested = nested->args[0];
        depth++;
    }
    CHECK(depth == 8 && nested == &pyvm_type_int);
    const pyvm_type* wide = pyvm_type_intern("T(i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,"
                                             "i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,i,s)");
    CHECK(wide->nargs == 70 && wide->args[69] == &pyvm_type_str);
    CHECK(strcmp(pyvm_type_name(&pyvm_type_none), "NoneType") == 0);
    CHECK(strcmp(pyvm_type_name(d), "dict") == 0 && strcmp(pyvm_type_name(l), "list") == 0);
    return check_done("test_typedesc");
}
