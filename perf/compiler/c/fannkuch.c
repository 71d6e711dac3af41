/* C ceiling for programs/fannkuch: fannkuch-redux (count-array permutation order, checksum and
   maximum flips).  Usage: fannkuch [N]   (default 9) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fannkuch(int64_t n, int64_t *checksum_out, int64_t *max_flips_out) {
    int64_t *perm1 = malloc((size_t)n * sizeof *perm1);
    int64_t *perm = malloc((size_t)n * sizeof *perm);
    int64_t *count = malloc((size_t)n * sizeof *count);
    if (!perm1 || !perm || !count)
        exit(1);
    for (int64_t i = 0; i < n; i++) {
        perm1[i] = i;
        count[i] = 0;
    }
    int64_t max_flips = 0, checksum = 0, r = n, sign = 1;
    for (;;) {
        while (r != 1) {
            count[r - 1] = r;
            r--;
        }
        memcpy(perm, perm1, (size_t)n * sizeof *perm);
        int64_t flips = 0;
        int64_t k = perm[0];
        while (k != 0) {
            int64_t i = 0, j = k;
            while (i < j) {
                int64_t t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
                i++;
                j--;
            }
            flips++;
            k = perm[0];
        }
        if (flips > max_flips)
            max_flips = flips;
        checksum += flips * sign;
        sign = -sign;
        for (;;) {
            if (r == n) {
                *checksum_out = checksum;
                *max_flips_out = max_flips;
                free(perm1);
                free(perm);
                free(count);
                return;
            }
            int64_t first = perm1[0];
            for (int64_t i = 0; i < r; i++)
                perm1[i] = perm1[i + 1];
            perm1[r] = first;
            count[r]--;
            if (count[r] > 0)
                break;
            r++;
        }
    }
}

int main(int argc, char **argv) {
    int64_t n = argc > 1 ? strtoll(argv[1], NULL, 10) : 9;
    int64_t checksum, flips;
    fannkuch(n, &checksum, &flips);
    printf("%lld\n", (long long)checksum);
    printf("Pfannkuchen(%lld) = %lld\n", (long long)n, (long long)flips);
    return 0;
}
