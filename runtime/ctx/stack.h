/* Green-thread stacks, each with a guard region below it (stacks grow down),
 * carved from big mappings (slabs) and recycled.
 *
 *   guard_lo ........ lo .................................. hi
 *   |  guard (faults)    |  usable stack (read/write, lazily committed)  |
 *
 * A fault whose address lies in [guard_lo, lo) is a stack overflow of the
 * green thread owning the stack (see sched/overflow.c). Guards are Linux
 * guard regions where the kernel has them (no extra kernel mapping per
 * stack: a million stacks fit vm.max_map_count's default), PROT_NONE pages
 * otherwise (two mappings per stack: ~32000 stacks by default). Freed stacks
 * go to a magazine of the releasing thread, then to a global depot; stack.c
 * explains when their pages go back to the kernel. */
#ifndef PYVM_STACK_H
#define PYVM_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pyvm_stack {
    char* guard_lo;           /* start of the mapping */
    char* lo;                 /* lowest usable byte */
    char* hi;                 /* one past the highest usable byte */
    struct pyvm_stack* next;  /* free-list link while pooled */
    char* low_water;          /* deepest stack pointer seen (switches, overflow); hi after a trim */
    int lives;                /* owners since the last trim */
    struct pyvm_stack_slab* slab; /* the mapping it was carved from */
} pyvm_stack;

/* Records sp as reached by the owner (cheap: called at every switch). C99
 * inline: stack.c emits the one exported definition. */
inline void pyvm_stack_note_sp(pyvm_stack* s, void* sp) {
    if ((char*)sp < s->low_water)
        s->low_water = (char*)sp;
}

/* Sizes for new stacks (rounded to pages); call before any stack exists. */
void pyvm_stack_configure(size_t usable_bytes, size_t guard_bytes);
/* A stack from the pool or a new mapping; NULL when the kernel refuses. */
pyvm_stack* pyvm_stack_acquire(void);
/* Back to the calling thread's magazine (deep pages dropped when known or
 * due), spilling to the global depot, or unmapped once that is full. A
 * worker's magazine goes to the depot when its thread ends. */
void pyvm_stack_release(pyvm_stack* s);
/* Hibernation (sched/hibernate.c): the owners of these stacks are parked
 * and their used bytes saved elsewhere; every page goes back to the kernel,
 * and so do the guards and page tables wherever neighbouring stacks all
 * hibernate (the addresses stay reserved for the owners). */
void pyvm_stack_hibernate(pyvm_stack** stacks, int n);
/* Before a hibernated stack's owner runs again: its guard is back (false:
 * the kernel refused, and the stack has no guard). */
bool pyvm_stack_thaw(pyvm_stack* s);
/* Flushes the caller's cache and unmaps every pooled stack (runtime shutdown). */
void pyvm_stack_drain_pool(void);
/* Stacks currently handed out (exact once the workers have ended, see
 * pyvm_depot_out) / currently mapped (handed out + pooled). */
int64_t pyvm_stack_in_use(void);
int64_t pyvm_stack_mapped(void);
size_t pyvm_stack_usable_size(void);

#ifdef __cplusplus
}
#endif
#endif
