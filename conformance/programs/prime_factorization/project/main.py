def factorize(n: int) -> list[int]:
    factors: list[int] = []
    d = 2
    while d * d <= n:
        while n % d == 0:
            factors.append(d)
            n //= d
        d += 1
    if n > 1:
        factors.append(n)
    return factors


def gcd(a: int, b: int) -> int:
    while b != 0:
        a, b = b, a % b
    return a


def lcm(a: int, b: int) -> int:
    return a // gcd(a, b) * b


def totient(n: int) -> int:
    result = n
    for p in factorize(n):
        if result % p == 0 and n % p == 0:
            result = result // p * (p - 1)
            while n % p == 0:
                n //= p
    return result


def format_factors(n: int) -> str:
    counts: dict[int, int] = {}
    for p in factorize(n):
        counts[p] = counts.get(p, 0) + 1
    return " * ".join([f"{p}^{e}" if e > 1 else str(p) for p, e in counts.items()])


def main():
    for n in [2, 12, 97, 360, 1001, 65536, 999999, 600851475143]:
        print(n, "=", format_factors(n))
    print(gcd(462, 1071), lcm(4, 6), lcm(21, 6))
    acc = 1
    for k in range(1, 21):
        acc = lcm(acc, k)
    print("lcm(1..20) =", acc)
    print([n for n in range(2, 600) if sum([d for d in range(1, n // 2 + 1) if n % d == 0]) == n])
    print([totient(n) for n in range(1, 13)], totient(1000000))
