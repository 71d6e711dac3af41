def main():
    a = 17
    b = 5
    print(a + b, a - b, a * b)
    print(a // b, a % b, a / b)
    print(-a // b, -a % b)
    print(a // -b, a % -b)
    print(-a // -b, -a % -b)
    print(2 ** 10, 3 ** 4, (-2) ** 3, 7 ** 0, 2 ** 62)
    print(a & b, a | b, a ^ b, ~a, ~0)
    print(1 << 10, 1024 >> 3, -16 >> 2, -1 >> 5)
    print(abs(-9), -(-9), +9)
    x = 100
    x -= 1
    print(x)
    x *= 3
    print(x)
    x //= 4
    print(x)
    x %= 50
    print(x)
    x += 8
    print(x)
    x **= 2
    print(x)
    print(10 / 4, 9 / 3, -7 / 2, 1 / 8)
    print(0 // 7, 0 % 7, 7 // 7)
    print(123456789 * 1000, 999999 * 999999)
    print(2 + 3 * 4 - 5, (2 + 3) * (4 - 5), 2 ** 3 ** 2, -2 ** 2)
    print(100 // 7 * 7 + 100 % 7)
