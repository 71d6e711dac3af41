/* C ceiling for programs/binary_trees: each tree is an arena of child indices (-1 for a leaf's
   children), malloc'ed fresh for every tree and freed after it is checked, as the Python program
   allocates a fresh list per tree.  Usage: binary_trees [MAX_DEPTH]   (default 15) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Depth-first with an explicit stack: at most depth + 2 entries are live at once. */
#define STACK_MAX 128

static int64_t *make(int64_t depth) {
    size_t size = (size_t)2 * (((size_t)1 << (depth + 1)) - 1);
    int64_t *nodes = malloc(size * sizeof *nodes);
    if (!nodes)
        exit(1);
    int64_t count = 1;
    int64_t stack_node[STACK_MAX], stack_depth[STACK_MAX];
    int top = 0;
    stack_node[top] = 0;
    stack_depth[top] = depth;
    top++;
    while (top > 0) {
        top--;
        int64_t node = stack_node[top], d = stack_depth[top];
        if (d == 0) {
            nodes[2 * node] = -1;
            nodes[2 * node + 1] = -1;
        } else {
            nodes[2 * node] = count;
            nodes[2 * node + 1] = count + 1;
            stack_node[top] = count;
            stack_depth[top] = d - 1;
            top++;
            stack_node[top] = count + 1;
            stack_depth[top] = d - 1;
            top++;
            count += 2;
        }
    }
    return nodes;
}

static int64_t check(const int64_t *nodes) {
    int64_t total = 0;
    int64_t stack[STACK_MAX];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
        int64_t node = stack[--top];
        total++;
        int64_t left = nodes[2 * node];
        if (left >= 0) {
            stack[top++] = left;
            stack[top++] = nodes[2 * node + 1];
        }
    }
    return total;
}

int main(int argc, char **argv) {
    int64_t max_depth = argc > 1 ? strtoll(argv[1], NULL, 10) : 15;
    if (max_depth < 0 || max_depth > STACK_MAX - 4)
        return 2;
    int64_t stretch = max_depth + 1;
    int64_t *tree = make(stretch);
    printf("stretch tree of depth %lld\t check: %lld\n", (long long)stretch, (long long)check(tree));
    free(tree);
    int64_t *long_lived = make(max_depth);
    for (int64_t depth = 4; depth < max_depth + 1; depth += 2) {
        int64_t iterations = (int64_t)1 << (max_depth - depth + 4);
        int64_t total = 0;
        for (int64_t i = 0; i < iterations; i++) {
            tree = make(depth);
            total += check(tree);
            free(tree);
        }
        printf("%lld\t trees of depth %lld\t check: %lld\n", (long long)iterations, (long long)depth,
               (long long)total);
    }
    printf("long lived tree of depth %lld\t check: %lld\n", (long long)max_depth, (long long)check(long_lived));
    free(long_lived);
    return 0;
}
