/* Stack overflow of a green thread: its stack's guard region is PROT_NONE,
 * so running into it raises SIGSEGV. The handler runs on the worker's
 * alternate signal stack (the actor's own stack has no room left); if the
 * faulting address is inside the guard of the actor running on this thread,
 * it switches straight to the worker's scheduler context, abandoning the
 * actor's stack. The scheduler then reports `RecursionError: maximum
 * recursion depth exceeded` for that actor (its shadow frames are still
 * readable for the traceback), frees its stack and heap and notifies its
 * links and monitors. Any other fault is handed to the previous handler
 * (or the default action: the process dies as it would have).
 *
 * SA_NODEFER keeps SIGSEGV unblocked although the handler never returns;
 * the kernel considers the alternate stack free again as soon as we run on
 * another stack. Installed at pyvm_actors_start, removed at stop. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "worker.h"

#include "../core/io.h"
#include "../core/sanitizers.h"
#ifdef PYVM_ASAN
#include <sanitizer/asan_interface.h>
#define NO_ASAN __attribute__((no_sanitize_address))
#else
#define NO_ASAN
#endif

static struct sigaction old_segv, old_bus;
static int installed;

static void chain(int sig, siginfo_t* info, void* uctx) {
    struct sigaction* old = sig == SIGSEGV ? &old_segv : &old_bus;
    if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
        old->sa_sigaction(sig, info, uctx);
        return;
    }
    if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN && old->sa_handler) {
        old->sa_handler(sig);
        return;
    }
    /* Default action: reinstall it and return; the fault happens again and kills us. */
    sigaction(sig, old, NULL);
}

/* Not instrumented: ASan would unpoison "the stack" before the no-return
 * switch, reading the alternate stack that earlier, never-returned handler
 * frames left poisoned; we clear that ourselves. */
NO_ASAN static void on_fault(int sig, siginfo_t* info, void* uctx) {
    pyvm_worker* w = pyvm_sched_worker();
    pyvm_actor* a = w ? pyvm_actor_current() : NULL;
    if (a && a->stack) {
        char* addr = info->si_addr;
        if (addr >= a->stack->guard_lo && addr < a->stack->lo) {
#ifdef PYVM_ASAN
            __asan_unpoison_memory_region(w->altstack, w->altstack_size);
#endif
            pyvm_io_release_after_crash();  /* the overflow may have struck inside print */
            a->stack->low_water = a->stack->lo; /* every page was touched: trim it on release */
            pyvm_sched_overflow_switch(w, a);
        }
    }
    chain(sig, info, uctx);
}

int pyvm_overflow_install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, &old_segv) != 0 || sigaction(SIGBUS, &sa, &old_bus) != 0)
        return -1;
    installed = 1;
    return 0;
}

void pyvm_overflow_uninstall(void) {
    if (installed) {
        sigaction(SIGSEGV, &old_segv, NULL);
        sigaction(SIGBUS, &old_bus, NULL);
        installed = 0;
    }
}

int pyvm_overflow_thread_init(pyvm_worker* w) {
    long min = sysconf(_SC_SIGSTKSZ);
    size_t size = (size_t)(min > 0 ? min : 16384) * 4;
    if (size < 65536)
        size = 65536;
    void* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    stack_t ss = {.ss_sp = p, .ss_size = size, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        munmap(p, size);
        return -1;
    }
    w->altstack = p;
    w->altstack_size = size;
    return 0;
}

void pyvm_overflow_thread_fini(pyvm_worker* w) {
    if (!w->altstack)
        return;
    stack_t ss = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
    sigaltstack(&ss, NULL);
    munmap(w->altstack, w->altstack_size);
    w->altstack = NULL;
}
