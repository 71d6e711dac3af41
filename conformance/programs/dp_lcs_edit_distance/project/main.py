def lcs(a: str, b: str) -> str:
    n = len(a)
    m = len(b)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if a[i - 1] == b[j - 1]:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    out: list[str] = []
    i = n
    j = m
    while i > 0 and j > 0:
        if a[i - 1] == b[j - 1]:
            out.append(a[i - 1])
            i -= 1
            j -= 1
        elif table[i - 1][j] >= table[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return "".join(reversed(out))


def edit_distance(a: str, b: str) -> int:
    prev = [j for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        prev = cur
    return prev[len(b)]


def main():
    pairs = [("ABCBDAB", "BDCABA"), ("kitten", "sitting"), ("flaw", "lawn"), ("", "abc"),
             ("intention", "execution"), ("same", "same")]
    for a, b in pairs:
        s = lcs(a, b)
        qa = f"{a!r}"
        qb = f"{b!r}"
        qs = f"{s!r}"
        print(f"{qa:<12} {qb:<12} lcs={qs:<8} len={len(s)} edit={edit_distance(a, b)}")


if __name__ == "__main__":
    main()
