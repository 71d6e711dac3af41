import math


def newton_sqrt(x: float) -> float:
    guess = x / 2.0 if x > 1.0 else 1.0
    for _ in range(60):
        nxt = 0.5 * (guess + x / guess)
        if abs(nxt - guess) < 1e-15:
            break
        guess = nxt
    return guess


def trapezoid(f, a: float, b: float, n: int) -> float:
    h = (b - a) / n
    total = 0.5 * (f(a) + f(b))
    for i in range(1, n):
        total += f(a + i * h)
    return total * h


def simpson(f, a: float, b: float, n: int) -> float:
    h = (b - a) / n
    total = f(a) + f(b)
    for i in range(1, n):
        weight = 4.0 if i % 2 == 1 else 2.0
        total += weight * f(a + i * h)
    return total * h / 3.0


def main():
    for x in [2.0, 9.0, 0.25, 1e10]:
        r = newton_sqrt(x)
        print(f"sqrt({x}) ~ {r:.12f} error {abs(r - math.sqrt(x)):.1e}")
    print(f"{trapezoid(lambda t: t * t, 0.0, 1.0, 1000):.9f}")
    print(f"{simpson(lambda t: t * t * t, 0.0, 2.0, 10):.9f}")
    print(f"{simpson(lambda t: math.sin(t), 0.0, math.pi, 100):.9f}")
    leibniz = 0.0
    sign = 1.0
    for k in range(100000):
        leibniz += sign / (2 * k + 1)
        sign = -sign
    print(f"{4.0 * leibniz:.8f} {math.pi:.8f}")
    e = 0.0
    term = 1.0
    for k in range(1, 20):
        e += term
        term /= k
    print(e, math.e, math.isclose(e, math.e))
