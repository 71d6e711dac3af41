def quicksort(xs: list[int]) -> list[int]:
    if len(xs) <= 1:
        return xs
    pivot = xs[len(xs) // 2]
    less = [x for x in xs if x < pivot]
    equal = [x for x in xs if x == pivot]
    greater = [x for x in xs if x > pivot]
    return quicksort(less) + equal + quicksort(greater)


def partition(xs: list[int], lo: int, hi: int) -> int:
    pivot = xs[hi]
    i = lo
    for j in range(lo, hi):
        if xs[j] <= pivot:
            xs[i], xs[j] = xs[j], xs[i]
            i += 1
    xs[i], xs[hi] = xs[hi], xs[i]
    return i


def quicksort_in_place(xs: list[int], lo: int, hi: int) -> None:
    if lo < hi:
        p = partition(xs, lo, hi)
        quicksort_in_place(xs, lo, p - 1)
        quicksort_in_place(xs, p + 1, hi)


def pseudo_random(n: int, seed: int) -> list[int]:
    out: list[int] = []
    x = seed
    for _ in range(n):
        x = (x * 1103515245 + 12345) % 2147483648
        out.append(x % 1000)
    return out


def main():
    data = [33, 10, 55, 71, 29, 3, 18, 42, 10, 0, -5]
    print(quicksort(data))
    in_place = data.copy()
    quicksort_in_place(in_place, 0, len(in_place) - 1)
    print(in_place, in_place == sorted(data))
    big = pseudo_random(2000, 42)
    a = quicksort(big)
    b = big.copy()
    quicksort_in_place(b, 0, len(b) - 1)
    print(a == b == sorted(big), a[:10], a[-5:])
    words = ["kiwi", "fig", "apple", "date"]
    print(quicksort_generic(words))


def quicksort_generic(xs):
    if len(xs) <= 1:
        return xs
    pivot = xs[0]
    return quicksort_generic([x for x in xs[1:] if x < pivot]) + [pivot] + quicksort_generic([x for x in xs[1:] if x >= pivot])
