def fib(n: int, memo: dict[int, int]) -> int:
    if n < 2:
        return n
    if n in memo:
        return memo[n]
    value = fib(n - 1, memo) + fib(n - 2, memo)
    memo[n] = value
    return value


def make_tribonacci():
    cache = {0: 0, 1: 0, 2: 1}

    def trib(n: int) -> int:
        if n not in cache:
            cache[n] = trib(n - 1) + trib(n - 2) + trib(n - 3)
        return cache[n]

    return trib


def stairs(n: int, steps: list[int], memo: dict[int, int]) -> int:
    if n == 0:
        return 1
    if n < 0:
        return 0
    if n in memo:
        return memo[n]
    total = 0
    for s in steps:
        total += stairs(n - s, steps, memo)
    memo[n] = total
    return total


def main():
    memo: dict[int, int] = {}
    print(fib(90, memo), len(memo))
    print([fib(i, memo) for i in range(20)])
    trib = make_tribonacci()
    print(trib(30), [trib(i) for i in range(10)])
    print(stairs(10, [1, 2], {}), stairs(30, [1, 2, 3], {}), stairs(50, [5, 10, 25], {}))
