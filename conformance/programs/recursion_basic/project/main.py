def factorial(n: int) -> int:
    if n <= 1:
        return 1
    return n * factorial(n - 1)


def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def gcd(a: int, b: int) -> int:
    return a if b == 0 else gcd(b, a % b)


def power(base: int, exp: int) -> int:
    if exp == 0:
        return 1
    half = power(base, exp // 2)
    if exp % 2 == 0:
        return half * half
    return half * half * base


def digit_sum(n: int) -> int:
    return n if n < 10 else n % 10 + digit_sum(n // 10)


def reverse(s: str) -> str:
    if len(s) <= 1:
        return s
    return reverse(s[1:]) + s[0]


def depth(n: int) -> int:
    return 0 if n == 0 else 1 + depth(n - 1)


def main():
    print([factorial(i) for i in range(11)])
    print(factorial(20))
    print([fib(i) for i in range(15)])
    print(gcd(1071, 462), gcd(17, 0), gcd(0, 17))
    print(power(2, 30), power(3, 13), power(7, 0), power(2, 62))
    print(digit_sum(987654321), digit_sum(5))
    print(reverse("recursion"), reverse(""), reverse("a"))
    print(depth(500))
