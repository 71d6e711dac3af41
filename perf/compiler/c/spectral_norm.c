/* C ceiling for programs/spectral_norm: power iteration on A^T A, where
   A[i][j] = 1 / ((i + j) * (i + j + 1) / 2 + i + 1).  Usage: spectral_norm [N]   (default 400) */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static double eval_a(int64_t i, int64_t j) {
    return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1);
}

static void times(const double *u, double *out, int64_t n, int transpose) {
    for (int64_t i = 0; i < n; i++) {
        double s = 0.0;
        for (int64_t j = 0; j < n; j++) {
            if (transpose)
                s += eval_a(j, i) * u[j];
            else
                s += eval_a(i, j) * u[j];
        }
        out[i] = s;
    }
}

static void times_at_a(const double *u, double *out, double *tmp, int64_t n) {
    times(u, tmp, n, 0);
    times(tmp, out, n, 1);
}

int main(int argc, char **argv) {
    int64_t n = argc > 1 ? strtoll(argv[1], NULL, 10) : 400;
    double *u = malloc((size_t)n * sizeof *u);
    double *v = malloc((size_t)n * sizeof *v);
    double *tmp = malloc((size_t)n * sizeof *tmp);
    if (!u || !v || !tmp)
        return 1;
    for (int64_t i = 0; i < n; i++) {
        u[i] = 1.0;
        v[i] = 0.0;
        tmp[i] = 0.0;
    }
    for (int k = 0; k < 10; k++) {
        times_at_a(u, v, tmp, n);
        times_at_a(v, u, tmp, n);
    }
    double vbv = 0.0, vv = 0.0;
    for (int64_t i = 0; i < n; i++) {
        vbv += u[i] * v[i];
        vv += v[i] * v[i];
    }
    printf("%.9f\n", sqrt(vbv / vv));
    free(u);
    free(v);
    free(tmp);
    return 0;
}
