/* pyvm_sup_spec, alone: include/pyvm/actors.h declares a type of that name,
 * so the function is defined where that header is not seen (sup.c does the work). */
#include "actors.h"

void* pyvm_sup_spec(pyvm_list* children, int64_t strategy, int64_t max_restarts, double within_s,
                    pyvm_str* name, bool trace) {
    return pyvm_lang_sup_new(children, strategy, max_restarts, within_s, name, trace);
}
