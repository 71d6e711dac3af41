import math


def main():
    print(0.1 + 0.2)
    print(0.1 + 0.2 == 0.3)
    print(1e16, 1e15, 123456789012345678.0)
    print(1e-5, 0.0001, 1.5e-10)
    print(-0.0, 0.0, -0.0 == 0.0)
    print(math.inf, -math.inf, math.inf > 1e308)
    nan = math.inf - math.inf
    print(nan, nan == nan, nan != nan)
    print(1.0, 2.50, 100.0, 1e22, 1e21, 1e20)
    print(1 / 3, 2 / 3, 10 / 3)
    print(3.14159, 2.718281828459045, math.pi, math.e)
    print(str(0.5), str(-1.25), f"{0.1 + 0.2!r}")
    print(1e308 * 10.0, -1e308 * 10.0)
    print(5e-324, 2.2250738585072014e-308)
    print(float(2 ** 53), float(2 ** 53 + 1), 9007199254740993.0)
    values = [0.5, 0.25, 0.125, 1e-7, 12345.678, -0.0]
    print(values)
    print(-1e-5, -1e16, 1e100)
    print(float("1.10"), float("  -2.5 "), float("1e3"), float("inf"), float("-inf"))
    print(0.1 * 3, 1.1 + 2.2, 3.3 - 1.1)
    print(100.0 / 3.0, 2.0 / 7.0)
