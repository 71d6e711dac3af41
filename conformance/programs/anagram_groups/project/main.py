def signature(word: str) -> str:
    return "".join(sorted(word))


def main():
    words = ["listen", "silent", "enlist", "google", "gooegl", "cat", "act", "tac", "dog", "inlets", "god"]
    groups: dict[str, list[str]] = {}
    for w in words:
        key = signature(w)
        if key not in groups:
            groups[key] = []
        groups[key].append(w)
    for key, members in groups.items():
        print(key, members)
    largest = sorted(groups.values(), key=lambda g: -len(g))[0]
    print("largest group:", largest)
    print([g for g in groups.values() if len(g) == 1])
    print(sorted([len(g) for g in groups.values()], reverse=True))


if __name__ == "__main__":
    main()
