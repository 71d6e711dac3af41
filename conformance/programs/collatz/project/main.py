def collatz_length(n: int, cache: dict[int, int]) -> int:
    if n == 1:
        return 1
    if n in cache:
        return cache[n]
    nxt = n // 2 if n % 2 == 0 else 3 * n + 1
    length = 1 + collatz_length(nxt, cache)
    cache[n] = length
    return length


def sequence(n: int) -> list[int]:
    out = [n]
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        out.append(n)
    return out


def main() -> int:
    print(sequence(6))
    print(sequence(27)[:12], len(sequence(27)), max(sequence(27)))
    cache: dict[int, int] = {}
    best = 1
    best_len = 1
    for n in range(1, 10000):
        length = collatz_length(n, cache)
        if length > best_len:
            best = n
            best_len = length
    print("longest below 10000:", best, best_len)
    return 0
