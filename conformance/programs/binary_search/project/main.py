def binary_search(xs: list[int], target: int) -> int:
    lo = 0
    hi = len(xs) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if xs[mid] == target:
            return mid
        elif xs[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1


def search_rec(xs: list[int], target: int, lo: int, hi: int) -> int:
    if lo > hi:
        return -1
    mid = (lo + hi) // 2
    if xs[mid] == target:
        return mid
    if xs[mid] < target:
        return search_rec(xs, target, mid + 1, hi)
    return search_rec(xs, target, lo, mid - 1)


def lower_bound(xs: list[int], target: int) -> int:
    lo = 0
    hi = len(xs)
    while lo < hi:
        mid = (lo + hi) // 2
        if xs[mid] < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


def isqrt(n: int) -> int:
    lo = 0
    hi = 3037000499
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid * mid <= n:
            lo = mid
        else:
            hi = mid - 1
    return lo


def main():
    xs = [1, 3, 5, 7, 9, 11, 13, 15]
    for t in [1, 7, 15, 4, 0, 16]:
        print(t, binary_search(xs, t), search_rec(xs, t, 0, len(xs) - 1), lower_bound(xs, t))
    dup = [1, 2, 2, 2, 3]
    print(lower_bound(dup, 2), lower_bound(dup, 3), lower_bound(dup, 4))
    print([isqrt(n) for n in [0, 1, 2, 15, 16, 17, 1000000, 2 ** 62]])
    print(isqrt(9223372036854775807))
    evens = [i * 2 for i in range(50000)]
    print(binary_search(evens, 77778), binary_search(evens, 77779))
