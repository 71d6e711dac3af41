def main():
    matrix = [[1, 2, 3], [4, 5, 6]]
    transposed = [[row[i] for row in matrix] for i in range(3)]
    print(transposed)
    identity = [[1 if r == c else 0 for c in range(4)] for r in range(4)]
    for row in identity:
        print(row)
    table = [[r * c for c in range(1, 6)] for r in range(1, 6)]
    for row in table:
        print(" ".join([f"{v:3d}" for v in row]))
    flat = [x for row in table for x in row if x % 5 == 0]
    print(flat)
    words = [["a", "bb"], ["ccc"], []]
    print([[len(w) for w in group] for group in words])
    triangle = [[j for j in range(i)] for i in range(5)]
    print(triangle)
    sums = {i: sum([x for x in row]) for i, row in enumerate(table)}
    print(sums)
