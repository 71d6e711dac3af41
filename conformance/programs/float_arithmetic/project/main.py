def main():
    x = 7.5
    y = 2.0
    print(x + y, x - y, x * y, x / y)
    print(x // y, x % y)
    print(-x // y, -x % y)
    print(x ** 2, y ** 0.5, 2.0 ** -1)
    n = 3
    print(n * x, n / 2, n + 0.5, n - 0.25)
    print(float(n), int(x), int(-x), int(0.999))
    total = 0.0
    for _ in range(10):
        total += 0.1
    print(total, total == 1.0, abs(total - 1.0) < 1e-9)
    print(1.5 < 2, 2 == 2.0, 3 > 2.99, 0.1 * 3 == 0.3)
    print(round(x), round(-x), round(2.5), round(3.5), round(-0.5))
    print(max(1.5, 2.5), min(-1.0, 0.0), abs(-3.25))
    z = 1.0
    z *= 1.5
    z -= 0.25
    z /= 2.0
    print(z)
    print(3.0 * 1e-3, 1e3 + 0.5, 2.5e2)


if __name__ == "__main__":
    main()
