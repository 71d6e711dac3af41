def bubble_sort(xs: list[int]) -> tuple[list[int], int]:
    a = xs.copy()
    swaps = 0
    n = len(a)
    for i in range(n):
        swapped = False
        for j in range(n - 1 - i):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
                swaps += 1
                swapped = True
        if not swapped:
            break
    return a, swaps


def insertion_sort(xs: list[str]) -> list[str]:
    a = xs.copy()
    for i in range(1, len(a)):
        key = a[i]
        j = i - 1
        while j >= 0 and a[j] > key:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = key
    return a


def selection_sort(xs: list[float]) -> list[float]:
    a = xs.copy()
    for i in range(len(a)):
        m = i
        for j in range(i + 1, len(a)):
            if a[j] < a[m]:
                m = j
        a[i], a[m] = a[m], a[i]
    return a


def main():
    nums = [64, 34, 25, 12, 22, 11, 90, 5]
    print(bubble_sort(nums))
    print(bubble_sort([1, 2, 3]))
    print(insertion_sort(["pear", "apple", "fig", "banana", "cherry"]))
    print(selection_sort([3.5, -1.25, 2.0, 0.0, -7.5]))
    print(nums)


if __name__ == "__main__":
    main()
