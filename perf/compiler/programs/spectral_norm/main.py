import math


def eval_a(i: int, j: int) -> float:
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def times(u: list[float], out: list[float], transpose: bool) -> None:
    n = len(u)
    for i in range(n):
        s = 0.0
        for j in range(n):
            if transpose:
                s += eval_a(j, i) * u[j]
            else:
                s += eval_a(i, j) * u[j]
        out[i] = s


def times_at_a(u: list[float], out: list[float], tmp: list[float]) -> None:
    times(u, tmp, False)
    times(tmp, out, True)


def main():
    n = 400
    u = [1.0] * n
    v = [0.0] * n
    tmp = [0.0] * n
    for _ in range(10):
        times_at_a(u, v, tmp)
        times_at_a(v, u, tmp)
    vbv = 0.0
    vv = 0.0
    for i in range(n):
        vbv += u[i] * v[i]
        vv += v[i] * v[i]
    print(f"{math.sqrt(vbv / vv):.9f}")
