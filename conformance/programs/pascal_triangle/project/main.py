def next_row(row: list[int]) -> list[int]:
    return [1] + [row[i] + row[i + 1] for i in range(len(row) - 1)] + [1]


def binomial(n: int, k: int) -> int:
    if k < 0 or k > n:
        return 0
    k = min(k, n - k)
    result = 1
    for i in range(1, k + 1):
        result = result * (n - k + i) // i
    return result


def main():
    row = [1]
    rows: list[list[int]] = []
    for _ in range(10):
        rows.append(row)
        row = next_row(row)
    width = len(" ".join([str(v) for v in rows[-1]]))
    for r in rows:
        text = " ".join([str(v) for v in r])
        print(" " * ((width - len(text)) // 2) + text)
    print(binomial(10, 3), binomial(52, 5), binomial(60, 30), binomial(5, 7))
    print([sum(r) for r in rows])
