/* The name registry: name -> pid, one name per actor, removed when the
 * actor ends. A chained hash table under one mutex: registration is rare
 * next to messages, and whereis is a short critical section. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "actor.h"

typedef struct name_entry {
    struct name_entry* next;
    pyvm_pid pid;
    char name[];
} name_entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static name_entry** buckets;
static size_t nbuckets, count;

static size_t hash(const char* s) {
    size_t h = 1469598103934665603ull;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

static name_entry** find(const char* name) {
    if (!nbuckets)
        return NULL;
    name_entry** p = &buckets[hash(name) & (nbuckets - 1)];
    while (*p && strcmp((*p)->name, name) != 0)
        p = &(*p)->next;
    return p;
}

static void grow(void) {
    size_t nb = nbuckets ? nbuckets * 2 : 64;
    name_entry** nbk = calloc(nb, sizeof *nbk);
    if (!nbk)
        return;
    for (size_t i = 0; i < nbuckets; i++)
        for (name_entry* e = buckets[i]; e;) {
            name_entry* next = e->next;
            size_t b = hash(e->name) & (nb - 1);
            e->next = nbk[b];
            nbk[b] = e;
            e = next;
        }
    free(buckets);
    buckets = nbk;
    nbuckets = nb;
}

bool pyvm_registry_register(const char* name, pyvm_pid pid) {
    if (!name || !*name)
        return false;
    pyvm_actor* a = pyvm_actor_lookup(pid);
    if (!a)
        return false;
    bool ok = false;
    pthread_mutex_lock(&lock);
    name_entry** p = find(name);
    if (!p || !*p) {
        pyvm_actor_lock(a);
        if (!a->dead && !a->name) {
            size_t n = strlen(name);
            name_entry* e = malloc(sizeof *e + n + 1);
            char* copy = malloc(n + 1);
            if (e && copy) {
                memcpy(e->name, name, n + 1);
                memcpy(copy, name, n + 1);
                e->pid = pid;
                a->name = copy;
                if (count + 1 > nbuckets)
                    grow();
                size_t b = hash(name) & (nbuckets - 1);
                e->next = buckets[b];
                buckets[b] = e;
                count++;
                ok = true;
            } else {
                free(e);
                free(copy);
            }
        }
        pyvm_actor_unlock(a);
    }
    pthread_mutex_unlock(&lock);
    pyvm_actor_unref(a);
    return ok;
}

pyvm_pid pyvm_registry_whereis(const char* name) {
    pyvm_pid pid = 0;
    pthread_mutex_lock(&lock);
    name_entry** p = find(name);
    if (p && *p)
        pid = (*p)->pid;
    pthread_mutex_unlock(&lock);
    return pid;
}

/* Removes the entry for name; returns the actor's name copy to free (or NULL). */
static bool remove_locked(const char* name, pyvm_pid* pid_out) {
    name_entry** p = find(name);
    if (!p || !*p)
        return false;
    name_entry* e = *p;
    *p = e->next;
    *pid_out = e->pid;
    free(e);
    count--;
    return true;
}

bool pyvm_registry_unregister(const char* name) {
    pyvm_pid pid = 0;
    pthread_mutex_lock(&lock);
    bool ok = remove_locked(name, &pid);
    pthread_mutex_unlock(&lock);
    if (!ok)
        return false;
    pyvm_actor* a = pyvm_actor_lookup(pid);
    if (a) {
        pthread_mutex_lock(&lock);
        pyvm_actor_lock(a);
        char* n = a->name;
        a->name = NULL;
        pyvm_actor_unlock(a);
        pthread_mutex_unlock(&lock);
        free(n);
        pyvm_actor_unref(a);
    }
    return true;
}

void pyvm_registry_forget(pyvm_actor* a) {
    /* The actor is dead already (pyvm_actor_finish), so no name can be given to it any more:
     * one without a name needs no registry lock. */
    pyvm_actor_lock(a);
    bool named = a->name != NULL;
    pyvm_actor_unlock(a);
    if (!named)
        return;
    pthread_mutex_lock(&lock);
    pyvm_actor_lock(a);
    char* n = a->name;
    a->name = NULL;
    pyvm_actor_unlock(a);
    if (n) {
        pyvm_pid pid;
        name_entry** p = find(n);
        if (p && *p && (*p)->pid == a->pid)
            remove_locked(n, &pid);
    }
    pthread_mutex_unlock(&lock);
    free(n);
}

void pyvm_registry_reset(void) {
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nbuckets; i++)
        for (name_entry* e = buckets[i]; e;) {
            name_entry* next = e->next;
            free(e);
            e = next;
        }
    free(buckets);
    buckets = NULL;
    nbuckets = count = 0;
    pthread_mutex_unlock(&lock);
}
