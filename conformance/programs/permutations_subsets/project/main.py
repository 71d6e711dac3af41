def permutations(xs: list[int]) -> list[list[int]]:
    if len(xs) <= 1:
        return [xs.copy()]
    out: list[list[int]] = []
    for i in range(len(xs)):
        rest = xs[:i] + xs[i + 1:]
        for p in permutations(rest):
            out.append([xs[i]] + p)
    return out


def subsets(xs: list[str]) -> list[list[str]]:
    if not xs:
        return [[]]
    tail = subsets(xs[1:])
    return tail + [[xs[0]] + s for s in tail]


def combinations(xs: list[int], k: int, start: int, chosen: list[int], out: list[list[int]]) -> None:
    if len(chosen) == k:
        out.append(chosen.copy())
        return
    for i in range(start, len(xs)):
        chosen.append(xs[i])
        combinations(xs, k, i + 1, chosen, out)
        chosen.pop()


def main():
    perms = permutations([1, 2, 3])
    print(len(perms), perms)
    print(len(permutations([1, 2, 3, 4, 5, 6])))
    subs = subsets(["a", "b", "c"])
    print(len(subs), sorted(subs, key=lambda s: (len(s), s)))
    combos: list[list[int]] = []
    combinations([1, 2, 3, 4, 5], 3, 0, [], combos)
    print(len(combos), combos[:4], combos[-1])
