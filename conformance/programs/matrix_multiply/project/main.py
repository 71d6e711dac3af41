def matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    rows = len(a)
    cols = len(b[0])
    inner = len(b)
    out = [[0.0] * cols for _ in range(rows)]
    for i in range(rows):
        for j in range(cols):
            acc = 0.0
            for k in range(inner):
                acc += a[i][k] * b[k][j]
            out[i][j] = acc
    return out


def transpose(m: list[list[float]]) -> list[list[float]]:
    return [[m[r][c] for r in range(len(m))] for c in range(len(m[0]))]


def identity(n: int) -> list[list[float]]:
    return [[1.0 if r == c else 0.0 for c in range(n)] for r in range(n)]


def show(m: list[list[float]]) -> None:
    for row in m:
        print(" ".join([f"{v:8.3f}" for v in row]))


def main():
    a = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    b = [[0.5, -1.0], [1.5, 2.0], [-2.0, 0.25]]
    show(matmul(a, b))
    print(matmul(a, b))
    show(matmul(b, a))
    print(matmul(a, identity(3)) == a)
    print(transpose(a))
    rot = [[0.0, -1.0], [1.0, 0.0]]
    m = identity(2)
    for _ in range(4):
        m = matmul(m, rot)
    print(m)
    tiny = [[0.1, 0.2], [0.3, 0.4]]
    print(matmul(tiny, tiny))
    n = 12
    big = [[float((r * n + c) % 7) - 3.0 for c in range(n)] for r in range(n)]
    p = matmul(big, transpose(big))
    print(sum([p[i][i] for i in range(n)]), p[3][5], p[11][0])
