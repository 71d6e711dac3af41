/* C ceiling for programs/mandelbrot: count the points of a size x size grid that stay bounded
   for `limit` iterations.  Usage: mandelbrot [SIZE]   (default 600; limit is 50) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int64_t mandelbrot(int64_t size, int64_t limit) {
    int64_t inside = 0;
    for (int64_t y = 0; y < size; y++) {
        double ci = 2.0 * (double)y / (double)size - 1.0;
        for (int64_t x = 0; x < size; x++) {
            double cr = 2.0 * (double)x / (double)size - 1.5;
            double zr = 0.0, zi = 0.0;
            int escaped = 0;
            for (int64_t k = 0; k < limit; k++) {
                double tr = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = tr;
                if (zr * zr + zi * zi > 4.0) {
                    escaped = 1;
                    break;
                }
            }
            if (!escaped)
                inside++;
        }
    }
    return inside;
}

int main(int argc, char **argv) {
    int64_t size = argc > 1 ? strtoll(argv[1], NULL, 10) : 600;
    printf("%lld\n", (long long)mandelbrot(size, 50));
    return 0;
}
