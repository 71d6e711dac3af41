/* C ceiling for programs/strings: build a text of words, count the words (open-addressing hash
   map keyed by the word), sort by (-count, word), upper-case and search the text, format and
   join numbered lines.  Words are (pointer, length) slices of the text, never copied.
   Usage: strings [WORDS [LINES]]   (defaults 4000000 and 80000, the Python program's sizes) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const WORDS[] = {"alpha", "beta", "gamma", "delta", "epsilon",
                                    "zeta",  "eta",  "theta", "iota",  "kappa"};
#define NWORDS 10

typedef struct {
    const char *word; /* NULL: empty slot */
    size_t len;
    int64_t count;
} Entry;

typedef struct {
    Entry *slots;
    size_t cap; /* a power of two */
    size_t used;
} Map;

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static uint64_t hash_bytes(const char *s, size_t n) { /* FNV-1a */
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void map_init(Map *m, size_t cap) {
    m->slots = calloc(cap, sizeof *m->slots);
    if (!m->slots)
        exit(1);
    m->cap = cap;
    m->used = 0;
}

static Entry *map_slot(Entry *slots, size_t cap, const char *w, size_t n) {
    size_t i = (size_t)hash_bytes(w, n) & (cap - 1);
    for (;;) {
        Entry *e = &slots[i];
        if (!e->word || (e->len == n && memcmp(e->word, w, n) == 0))
            return e;
        i = (i + 1) & (cap - 1);
    }
}

static void map_grow(Map *m) {
    size_t cap = m->cap * 2;
    Entry *slots = calloc(cap, sizeof *slots);
    if (!slots)
        exit(1);
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].word)
            *map_slot(slots, cap, m->slots[i].word, m->slots[i].len) = m->slots[i];
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

static void map_add(Map *m, const char *w, size_t n) {
    Entry *e = map_slot(m->slots, m->cap, w, n);
    if (!e->word) {
        if (2 * (m->used + 1) > m->cap) {
            map_grow(m);
            e = map_slot(m->slots, m->cap, w, n);
        }
        e->word = w;
        e->len = n;
        e->count = 0;
        m->used++;
    }
    e->count++;
}

static int by_count_then_word(const void *pa, const void *pb) {
    const Entry *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->word, b->word, n);
    if (c)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int64_t count_substr(const char *s, const char *needle) {
    size_t n = strlen(needle);
    int64_t count = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + n, needle))
        count++;
    return count;
}

int main(int argc, char **argv) {
    int64_t n_words = argc > 1 ? strtoll(argv[1], NULL, 10) : 4000000;
    int64_t n_lines = argc > 2 ? strtoll(argv[2], NULL, 10) : 80000;

    /* text = " ".join(WORDS[(i * 7 + i // 3) % 10] for i in range(n_words)) */
    char *text = xmalloc((size_t)n_words * 8 + 1);
    size_t len = 0;
    for (int64_t i = 0; i < n_words; i++) {
        const char *w = WORDS[(i * 7 + i / 3) % NWORDS];
        size_t wl = strlen(w);
        if (i > 0)
            text[len++] = ' ';
        memcpy(text + len, w, wl);
        len += wl;
    }
    text[len] = '\0';

    Map counts;
    map_init(&counts, 16);
    for (size_t i = 0; i < len;) {
        while (i < len && is_space(text[i]))
            i++;
        size_t start = i;
        while (i < len && !is_space(text[i]))
            i++;
        if (i > start)
            map_add(&counts, text + start, i - start);
    }
    Entry *ordered = xmalloc(counts.used * sizeof *ordered);
    size_t n_ordered = 0;
    for (size_t i = 0; i < counts.cap; i++)
        if (counts.slots[i].word)
            ordered[n_ordered++] = counts.slots[i];
    qsort(ordered, n_ordered, sizeof *ordered, by_count_then_word);
    for (size_t i = 0; i < n_ordered; i++)
        printf("%8.*s %6lld\n", (int)ordered[i].len, ordered[i].word, (long long)ordered[i].count);

    char *upper = xmalloc(len + 1);
    for (size_t i = 0; i <= len; i++) {
        char c = text[i];
        upper[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    const char *found = strstr(text, "kappa");
    printf("%zu %lld %lld\n", len, (long long)count_substr(upper, "ALPHA"),
           found ? (long long)(found - text) : -1LL);

    /* joined = "\n".join(f"{i:05d}:{WORDS[i % 10]}:{i * 3.5:.1f}" for i in range(n_lines)) */
    size_t cap = (size_t)n_lines * 64 + 1;
    char *joined = xmalloc(cap);
    size_t jl = 0;
    for (int64_t i = 0; i < n_lines; i++) {
        if (i > 0)
            joined[jl++] = '\n';
        jl += (size_t)snprintf(joined + jl, cap - jl, "%05lld:%s:%.1f", (long long)i, WORDS[i % NWORDS],
                               (double)i * 3.5);
    }
    joined[jl] = '\0';
    char *tail = joined + (jl > 20 ? jl - 20 : 0);
    for (char *p = tail; *p; p++)
        if (*p == ':')
            *p = '|';
    printf("%zu %s\n", jl, tail);

    free(joined);
    free(upper);
    free(ordered);
    free(counts.slots);
    free(text);
    return 0;
}
