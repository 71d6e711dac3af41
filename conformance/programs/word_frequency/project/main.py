TEXT = """It was the best of times, it was the worst of times, it was the age of
wisdom, it was the age of foolishness, it was the epoch of belief, it was the epoch
of incredulity, it was the season of Light, it was the season of Darkness."""


def normalise(text: str) -> list[str]:
    cleaned = ""
    for ch in text.lower():
        if ch.isalpha() or ch.isspace():
            cleaned += ch
        else:
            cleaned += " "
    return cleaned.split()


def main():
    words = normalise(TEXT)
    print(len(words), "words")
    freq: dict[str, int] = {}
    for w in words:
        freq[w] = freq.get(w, 0) + 1
    print(len(freq), "distinct")
    ranked = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))
    for word, count in ranked[:8]:
        print(f"{word:<12}{count:>3} {'#' * count}")
    singles = sorted([w for w, c in freq.items() if c == 1])
    print("once:", ", ".join(singles))
    by_length: dict[int, list[str]] = {}
    for w in sorted(freq.keys()):
        by_length.setdefault(len(w), []).append(w)
    for n in sorted(by_length.keys()):
        print(n, by_length[n])
    print(sorted(words, key=lambda w: -len(w))[0])
