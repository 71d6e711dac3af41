def step(grid: list[list[bool]]) -> list[list[bool]]:
    rows = len(grid)
    cols = len(grid[0])
    out = [[False] * cols for _ in range(rows)]
    for r in range(rows):
        for c in range(cols):
            n = 0
            for dr in [-1, 0, 1]:
                for dc in [-1, 0, 1]:
                    if (dr != 0 or dc != 0) and grid[(r + dr) % rows][(c + dc) % cols]:
                        n += 1
            out[r][c] = n == 3 or (grid[r][c] and n == 2)
    return out


def parse(lines: list[str]) -> list[list[bool]]:
    return [[ch == "#" for ch in line] for line in lines]


def show(grid: list[list[bool]]) -> None:
    for row in grid:
        print("".join(["#" if alive else "." for alive in row]))


def population(grid: list[list[bool]]) -> int:
    return sum([sum([1 for cell in row if cell]) for row in grid])


def main():
    glider = parse([".#......", "..#.....", "###.....", "........", "........", "........"])
    for gen in range(5):
        print("generation", gen, "population", population(glider))
        show(glider)
        glider = step(glider)
    blinker = parse([".....", "..#..", "..#..", "..#..", "....."])
    for _ in range(2):
        blinker = step(blinker)
        show(blinker)
        print("-" * 5)
    g = glider
    for _ in range(24):
        g = step(g)
    print(population(g), g == glider)


if __name__ == "__main__":
    main()
