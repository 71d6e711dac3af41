def main():
    n = 10
    n += 5
    n -= 3
    n *= 2
    n //= 5
    n %= 3
    n **= 3
    print(n)
    f = 1.0
    f += 0.5
    f *= 4.0
    f /= 3.0
    f -= 1.0
    print(f)
    s = "ab"
    s += "cd"
    s *= 2
    print(s)
    xs = [1, 2]
    alias = xs
    xs += [3, 4]
    print(xs, alias, len(alias))
    ys = [1, 2]
    other = ys
    ys = ys + [3]
    print(ys, other)
    counts = [0, 0, 0]
    for i in [0, 2, 2, 1, 2]:
        counts[i] += 1
    print(counts)
    d = {"a": 1}
    d["a"] += 10
    d["a"] *= 2
    print(d)
    grid = [[1, 2], [3, 4]]
    grid[1][0] -= 10
    print(grid)
    bits = 0b1010
    bits |= 0b0101
    bits &= 0b1100
    bits ^= 0b0001
    bits <<= 2
    bits >>= 1
    print(bits)
