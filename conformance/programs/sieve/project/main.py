def sieve(limit: int) -> list[bool]:
    is_prime = [True] * (limit + 1)
    is_prime[0] = False
    is_prime[1] = False
    p = 2
    while p * p <= limit:
        if is_prime[p]:
            for multiple in range(p * p, limit + 1, p):
                is_prime[multiple] = False
        p += 1
    return is_prime


def main():
    flags = sieve(100)
    primes = [i for i, f in enumerate(flags) if f]
    print(primes)
    big = sieve(100000)
    for n in [10, 100, 1000, 10000, 100000]:
        print(n, len([i for i in range(n + 1) if big[i]]))
    twins = [(p, p + 2) for p in range(3, 200) if big[p] and big[p + 2]]
    print(twins)
    print(max([i for i in range(100000) if big[i]]))


if __name__ == "__main__":
    main()
