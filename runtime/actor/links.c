/* Links (bidirectional, Erlang's) and monitors (one-way). Both sides of a
 * link live in the two actors' link sets, changed under both actors' locks
 * (taken in pid order); a dead actor's set is closed (`dead` under its
 * lock), so a link made at the same time as the death either lands before
 * it (and gets the exit signal) or sees it (and gets "noproc"). */
#include <stdlib.h>
#include <string.h>

#include "../message/message.h"
#include "../sched/sched.h"
#include "../sched/stats.h"
#include "actor.h"

static _Atomic int64_t next_ref = 1;

static bool grow(void** arr, int* cap, int n, size_t elem) {
    if (n < *cap)
        return true;
    int nc = *cap ? *cap * 2 : 4;
    void* p = realloc(*arr, (size_t)nc * elem);
    if (!p)
        return false;
    *arr = p;
    *cap = nc;
    return true;
}

static bool has_link(const pyvm_actor* a, pyvm_pid pid) {
    for (int i = 0; i < a->nlinks; i++)
        if (a->links[i] == pid)
            return true;
    return false;
}

static void add_link(pyvm_actor* a, pyvm_pid pid) {
    if (!has_link(a, pid) && grow((void**)&a->links, &a->caplinks, a->nlinks, sizeof *a->links))
        a->links[a->nlinks++] = pid;
}

static void remove_link(pyvm_actor* a, pyvm_pid pid) {
    for (int i = 0; i < a->nlinks; i++)
        if (a->links[i] == pid) {
            a->links[i] = a->links[--a->nlinks];
            return;
        }
}

static void lock_pair(pyvm_actor* a, pyvm_actor* b) {
    if (a->pid < b->pid) {
        pyvm_actor_lock(a);
        pyvm_actor_lock(b);
    } else {
        pyvm_actor_lock(b);
        pyvm_actor_lock(a);
    }
}

static void unlock_pair(pyvm_actor* a, pyvm_actor* b) {
    pyvm_actor_unlock(a);
    pyvm_actor_unlock(b);
}

void pyvm_actor_deliver(pyvm_actor* a, pyvm_msg* m) {
    pyvm_stats_add(PYVM_STAT_SENT, 1);
    pyvm_mpsc_push(&a->queue, m);
    pyvm_sched_wake(a);
}

void pyvm_actor_link_new(pyvm_actor* parent, pyvm_actor* child) {
    lock_pair(parent, child);
    add_link(parent, child->pid);
    add_link(child, parent->pid);
    unlock_pair(parent, child);
}

/* The exit signal an actor gets for linking to what is not alive. */
static void noproc(pyvm_actor* self, pyvm_pid pid) {
    pyvm_actor_signal_exit(self, pid, "noproc", true);
    pyvm_actor_drain(self); /* trapping: an EXIT message; otherwise this ends self */
}

void pyvm_actor_link(pyvm_pid pid) {
    pyvm_actor* self = pyvm_actor_current();
    if (!self)
        pyvm_raise(PYVM_EXC_RUNTIME, "link outside an actor");
    if (pid == self->pid)
        return;
    pyvm_actor* b = pyvm_actor_lookup(pid);
    if (!b) {
        noproc(self, pid);
        return;
    }
    lock_pair(self, b);
    bool dead = b->dead;
    if (!dead) {
        add_link(self, pid);
        add_link(b, self->pid);
    }
    unlock_pair(self, b);
    pyvm_actor_unref(b);
    if (dead)
        noproc(self, pid);
}

void pyvm_actor_unlink(pyvm_pid pid) {
    pyvm_actor* self = pyvm_actor_current();
    if (!self)
        pyvm_raise(PYVM_EXC_RUNTIME, "unlink outside an actor");
    pyvm_actor* b = pyvm_actor_lookup(pid);
    if (!b) {
        pyvm_actor_lock(self);
        remove_link(self, pid);
        pyvm_actor_unlock(self);
        return;
    }
    lock_pair(self, b);
    remove_link(self, pid);
    remove_link(b, self->pid);
    unlock_pair(self, b);
    pyvm_actor_unref(b);
}

int64_t pyvm_actor_monitor_new(pyvm_actor* watcher, pyvm_actor* target) {
    /* relaxed: only uniqueness matters */
    int64_t ref = atomic_fetch_add_explicit(&next_ref, 1, memory_order_relaxed);
    pyvm_actor_lock(target);
    bool dead = target->dead;
    if (!dead && grow((void**)&target->monitors, &target->capmonitors, target->nmonitors, sizeof *target->monitors))
        target->monitors[target->nmonitors++] = (pyvm_monitor){ref, watcher->pid};
    pyvm_actor_unlock(target);
    if (dead) {
        pyvm_actor_deliver(watcher, pyvm_message_down_tuple(ref, target->pid, "noproc"));
        return ref;
    }
    if (grow((void**)&watcher->watching, &watcher->capwatching, watcher->nwatching, sizeof *watcher->watching))
        watcher->watching[watcher->nwatching++] = (pyvm_monitor){ref, target->pid};
    return ref;
}

int64_t pyvm_actor_monitor(pyvm_pid pid) {
    pyvm_actor* self = pyvm_actor_current();
    if (!self)
        pyvm_raise(PYVM_EXC_RUNTIME, "monitor outside an actor");
    pyvm_actor* b = pyvm_actor_lookup(pid);
    if (!b) {
        /* relaxed: only uniqueness matters */
        int64_t ref = atomic_fetch_add_explicit(&next_ref, 1, memory_order_relaxed);
        pyvm_actor_deliver(self, pyvm_message_down_tuple(ref, pid, "noproc"));
        return ref;
    }
    int64_t ref = pyvm_actor_monitor_new(self, b);
    pyvm_actor_unref(b);
    return ref;
}

static bool remove_monitor(pyvm_actor* target, int64_t ref) {
    bool found = false;
    pyvm_actor_lock(target);
    for (int i = 0; i < target->nmonitors; i++)
        if (target->monitors[i].ref == ref) {
            target->monitors[i] = target->monitors[--target->nmonitors];
            found = true;
            break;
        }
    pyvm_actor_unlock(target);
    return found;
}

/* A `watching` entry with this target is a flushed monitor whose DOWN is still on its way (pids
 * are never 0). */
#define IN_FLIGHT ((pyvm_pid)0)

/* ("DOWN", ref, ...): the ref is the second slot; in the encoding it follows
 * the tuple length and the 4-letter string "DOWN" (8 + 1 + 1 + 4 bytes). */
static int64_t down_ref(const pyvm_msg* m) {
    int64_t ref;
    memcpy(&ref, m->data + 8 + 8 + 1 + 1 + 4, 8);
    return ref;
}

bool pyvm_actor_demonitor(int64_t ref, bool flush) {
    pyvm_actor* self = pyvm_actor_current();
    if (!self)
        pyvm_raise(PYVM_EXC_RUNTIME, "demonitor outside an actor");
    bool active = false, watched = false;
    for (int i = 0; i < self->nwatching; i++)
        if (self->watching[i].ref == ref && self->watching[i].pid != IN_FLIGHT) {
            pyvm_pid target = self->watching[i].pid;
            self->watching[i] = self->watching[--self->nwatching];
            watched = true;
            pyvm_actor* b = pyvm_actor_lookup(target);
            if (b) {
                active = remove_monitor(b, ref);
                pyvm_actor_unref(b);
            }
            break;
        }
    if (flush) {
        bool flushed = false;
        pyvm_actor_drain(self);
        pyvm_msg* prev = NULL;
        for (pyvm_msg* m = self->inbox_head; m;) {
            pyvm_msg* next = m->next;
            if (m->type == pyvm_message_down_type() && down_ref(m) == ref) {
                if (prev)
                    prev->next = next;
                else
                    self->inbox_head = next;
                if (self->inbox_tail == m)
                    self->inbox_tail = prev;
                self->inbox_len--;
                pyvm_stats_add(PYVM_STAT_DISCARDED, 1); /* flushed */
                pyvm_message_free(m);
                flushed = true;
            } else {
                prev = m;
            }
            m = next;
        }
        /* The target was ending: its DOWN is sent but not here yet (it took its monitor list
         * before we looked, or is already unlisted as dead). Drop it when it arrives. */
        if (watched && !active && !flushed &&
            grow((void**)&self->watching, &self->capwatching, self->nwatching, sizeof *self->watching))
            self->watching[self->nwatching++] = (pyvm_monitor){ref, IN_FLIGHT};
    }
    return active;
}

bool pyvm_links_swallow_down(pyvm_actor* a, const pyvm_msg* m) {
    if (!a->nwatching || m->type != pyvm_message_down_type())
        return false;
    int64_t ref = down_ref(m);
    for (int i = 0; i < a->nwatching; i++)
        if (a->watching[i].ref == ref && a->watching[i].pid == IN_FLIGHT) {
            a->watching[i] = a->watching[--a->nwatching];
            return true;
        }
    return false;
}

void pyvm_links_notify(pyvm_actor* a, const char* reason) {
    pyvm_actor_lock(a);
    pyvm_pid* links = a->links;
    int nlinks = a->nlinks;
    pyvm_monitor* monitors = a->monitors;
    int nmonitors = a->nmonitors;
    a->links = NULL;
    a->nlinks = a->caplinks = 0;
    a->monitors = NULL;
    a->nmonitors = a->capmonitors = 0;
    pyvm_actor_unlock(a);
    for (int i = 0; i < nlinks; i++) {
        pyvm_actor* b = pyvm_actor_lookup(links[i]);
        if (!b)
            continue;
        pyvm_actor_lock(b);
        remove_link(b, a->pid);
        pyvm_actor_unlock(b);
        pyvm_actor_signal_exit(b, a->pid, reason, true);
        pyvm_actor_unref(b);
    }
    for (int i = 0; i < nmonitors; i++) {
        pyvm_actor* w = pyvm_actor_lookup(monitors[i].pid);
        if (!w)
            continue;
        pyvm_actor_deliver(w, pyvm_message_down_tuple(monitors[i].ref, a->pid, reason));
        pyvm_actor_unref(w);
    }
    /* Monitors this actor held on others go away with it. */
    for (int i = 0; i < a->nwatching; i++) {
        if (a->watching[i].pid == IN_FLIGHT)
            continue;
        pyvm_actor* t = pyvm_actor_lookup(a->watching[i].pid);
        if (t) {
            remove_monitor(t, a->watching[i].ref);
            pyvm_actor_unref(t);
        }
    }
    free(links);
    free(monitors);
    free(a->watching);
    a->watching = NULL;
    a->nwatching = a->capwatching = 0;
}
