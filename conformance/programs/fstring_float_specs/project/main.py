import math


def main():
    for x in [0.0, 1.5, -2.25, 3.14159, 1234.5678, 1e-4, 2.5e10]:
        print(f"[{x:.2f}] [{x:e}] [{x:08.3f}] [{x:10.3f}] [{x:.0f}]")
    print(f"{math.pi:.5f} {math.e:.3e} {math.pi:.10f}")
    print(f"{2.5:.0f} {3.5:.0f} {0.125:.2f} {0.375:.2f} {2.675:.2f}")
    print(f"{1234567.891:.2f} {1e6:.1f} {-1.005:08.3f} {999.9999:08.3f}")
    print(f"{-0.0:.1f} {math.inf:.2f} {-math.inf:e}")
    print(f"{100.0:.2e} {0.000123:.2e} {123456.0:e}")
    ratio = 2 / 3
    print(f"ratio={ratio:.3f} percent={ratio * 100:.1f}%")
    print(f"{ratio} {ratio!r}")
    total = 0.0
    for price in [19.99, 5.01, 0.5]:
        total += price
        print(f"{price:>8.2f} {total:>8.2f}")
