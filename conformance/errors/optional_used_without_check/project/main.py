def find(xs: list[int], target: int) -> int | None:
    for i, x in enumerate(xs):
        if x == target:
            return i
    return None


def main():
    i = find([1, 2], 2)
    print(i + 1)  # ERROR
