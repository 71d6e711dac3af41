def fill(xs: list[int], v: int) -> None:
    for i in range(len(xs)):
        xs[i] = v


def rebind(xs: list[int]) -> None:
    xs = [99]
    xs.append(100)


def main():
    a = [1, 2, 3]
    b = a
    b.append(4)
    print(a, b)
    c = a.copy()
    c.append(5)
    print(a, c)
    d = a[:]
    d[0] = -1
    print(a, d)
    fill(a, 7)
    print(a, b)
    rebind(a)
    print(a)
    shared = [[0] * 3] * 3
    shared[0][0] = 1
    print(shared)
    separate = [[0] * 3 for _ in range(3)]
    separate[0][0] = 1
    print(separate)
    outer = [[1, 2], [3, 4]]
    shallow = outer.copy()
    shallow[0].append(99)
    shallow[1] = [0]
    print(outer, shallow)
    table = {"k": [1]}
    alias = table["k"]
    alias.append(2)
    print(table)
    s = "abc"
    t = s
    t += "d"
    print(s, t)
