BIG = 2 ** 62


def main():
    print(BIG)
    top = BIG - 1 + BIG
    print(top, top // 2, top % 1000)
    print(-top, -top + 1)
    print(3037000499 * 3037000499)
    print(BIG // 3, 2 ** 61 + 2 ** 60)
    f = 1
    for i in range(1, 21):
        f *= i
    print(f)
    print(f // 1000000007, f % 1000000007)
    a = 4611686018427387904
    print(a == BIG, a - 1, -a)
    print(str(top), len(str(top)))
    print(int("9223372036854775807"), int("-9223372036854775807"))
    print(f"{top:,}", f"{BIG:x}", len(f"{BIG:b}"))
    x = 1
    n = 0
    while x <= top // 3:
        x *= 3
        n += 1
    print(n, x)
    print(top - BIG - BIG + 1)
    print(9223372036854775807 // 10, -9223372036854775807 // 10, -9223372036854775807 % 10)
