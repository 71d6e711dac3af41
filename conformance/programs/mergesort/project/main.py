def merge(a: list[int], b: list[int]) -> list[int]:
    out: list[int] = []
    i = 0
    j = 0
    while i < len(a) and j < len(b):
        if a[i] <= b[j]:
            out.append(a[i])
            i += 1
        else:
            out.append(b[j])
            j += 1
    out.extend(a[i:])
    out.extend(b[j:])
    return out


def merge_sort(xs: list[int]) -> list[int]:
    if len(xs) <= 1:
        return xs
    mid = len(xs) // 2
    return merge(merge_sort(xs[:mid]), merge_sort(xs[mid:]))


def bottom_up(xs: list[int]) -> list[int]:
    runs = [[x] for x in xs]
    while len(runs) > 1:
        merged: list[list[int]] = []
        for i in range(0, len(runs), 2):
            if i + 1 < len(runs):
                merged.append(merge(runs[i], runs[i + 1]))
            else:
                merged.append(runs[i])
        runs = merged
    return runs[0] if runs else []


def inversions(xs: list[int]) -> tuple[list[int], int]:
    if len(xs) <= 1:
        return xs, 0
    mid = len(xs) // 2
    left, a = inversions(xs[:mid])
    right, b = inversions(xs[mid:])
    out: list[int] = []
    count = a + b
    i = 0
    j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            count += len(left) - i
            j += 1
    out.extend(left[i:])
    out.extend(right[j:])
    return out, count


def main():
    data = [38, 27, 43, 3, 9, 82, 10, 3]
    print(merge_sort(data))
    print(bottom_up(data))
    print(data)
    print(inversions([2, 4, 1, 3, 5])[1], inversions([5, 4, 3, 2, 1])[1], inversions([1, 2, 3])[1])
    long = [(i * 7919) % 1009 for i in range(1000)]
    s = merge_sort(long)
    print(s[:8], s[-3:], s == sorted(long), bottom_up(long) == s)
    empty: list[int] = []
    print(merge_sort(empty), bottom_up(empty))
