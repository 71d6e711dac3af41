def main():
    squares = {n: n * n for n in range(6)}
    print(squares)
    odd_squares = {n: sq for n, sq in squares.items() if n % 2 == 1}
    print(odd_squares)
    names = ["ann", "bob", "cat"]
    ages = [31, 25, 40]
    age_of = {name: age for name, age in zip(names, ages)}
    print(age_of)
    index_of = {name: i for i, name in enumerate(names)}
    print(index_of)
    lengths = {w: len(w) for w in "the quick brown fox".split()}
    print(lengths)
    upper = {k.upper(): v * 10 for k, v in age_of.items() if v > 30}
    print(upper)
    last_wins = {x % 3: x for x in range(10)}
    print(last_wins)
    grid = {(r, c): r * 3 + c for r in range(2) for c in range(3)}
    print(grid)
    inverted = {v: k for k, v in index_of.items()}
    print(inverted[2])
