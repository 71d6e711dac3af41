def determinant(m: list[list[float]]) -> float:
    a = [row.copy() for row in m]
    n = len(a)
    det = 1.0
    for col in range(n):
        pivot = col
        for r in range(col + 1, n):
            if abs(a[r][col]) > abs(a[pivot][col]):
                pivot = r
        if abs(a[pivot][col]) < 1e-12:
            return 0.0
        if pivot != col:
            a[col], a[pivot] = a[pivot], a[col]
            det = -det
        det *= a[col][col]
        for r in range(col + 1, n):
            factor = a[r][col] / a[col][col]
            for c in range(col, n):
                a[r][c] -= factor * a[col][c]
    return det


def solve(m: list[list[float]], rhs: list[float]) -> list[float]:
    n = len(m)
    a = [m[i].copy() + [rhs[i]] for i in range(n)]
    for col in range(n):
        pivot = col
        for r in range(col + 1, n):
            if abs(a[r][col]) > abs(a[pivot][col]):
                pivot = r
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col:
                factor = a[r][col] / a[col][col]
                for c in range(col, n + 1):
                    a[r][c] -= factor * a[col][c]
    return [a[i][n] / a[i][i] for i in range(n)]


def main():
    print(determinant([[1.0, 2.0], [3.0, 4.0]]))
    print(determinant([[2.0, 0.0, 1.0], [1.0, 3.0, 2.0], [1.0, 1.0, 1.0]]))
    print(determinant([[1.0, 2.0], [2.0, 4.0]]))
    hilbert = [[1.0 / (i + j + 1) for j in range(4)] for i in range(4)]
    print(f"{determinant(hilbert):.6e}")
    x = solve([[2.0, 1.0, -1.0], [-3.0, -1.0, 2.0], [-2.0, 1.0, 2.0]], [8.0, -11.0, -3.0])
    print([round(v, 9) for v in x])
    print(" ".join([f"{v:.3f}" for v in x]))
