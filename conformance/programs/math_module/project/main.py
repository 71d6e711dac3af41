import math
from math import sqrt, floor, ceil, pi, isclose


def main():
    print(math.sqrt(16.0), sqrt(2.0), math.sqrt(0.0))
    print(math.floor(2.7), math.floor(-2.7), floor(3.0), math.ceil(2.1), ceil(-2.1), math.ceil(5.0))
    print(math.pi, pi, math.e)
    print(math.sin(0.0), math.cos(0.0), round(math.sin(pi / 6), 12), round(math.cos(pi), 12))
    print(math.log(1.0), math.log(math.e), math.log(1000.0) / math.log(10.0))
    print(math.exp(0.0), math.exp(1.0), math.exp(-1.0))
    print(math.inf, -math.inf, math.inf + 1.0, 1e308 < math.inf)
    print(isclose(0.1 + 0.2, 0.3), math.isclose(1.0, 1.0001), 0.1 + 0.2 == 0.3)
    print(type_name(floor(2.5)), math.floor(7.9) + 1)
    hyp = sqrt(3.0 ** 2 + 4.0 ** 2)
    print(hyp, floor(hyp) == 5)
    angles = [0.0, pi / 4, pi / 2]
    print([round(math.sin(a) ** 2 + math.cos(a) ** 2, 10) for a in angles])
    print(f"{math.log(2.0):.6f} {math.exp(10.0):.3f} {sqrt(10.0):.4e}")


def type_name(x) -> str:
    if isinstance(x, int):
        return "int"
    return "float"
