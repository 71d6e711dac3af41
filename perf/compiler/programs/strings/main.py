# String-heavy work: splitting, joining, counting words, formatting.

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]


def make_text(n: int) -> str:
    parts = []
    for i in range(n):
        parts.append(WORDS[(i * 7 + i // 3) % len(WORDS)])
    return " ".join(parts)


def main():
    text = make_text(4000000)
    counts: dict[str, int] = {}
    for word in text.split():
        counts[word] = counts.get(word, 0) + 1
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    for word, n in ordered:
        print(f"{word:>8} {n:6d}")
    upper = text.upper()
    print(len(upper), upper.count("ALPHA"), text.find("kappa"))
    lines = []
    for i in range(80000):
        lines.append(f"{i:05d}:{WORDS[i % 10]}:{i * 3.5:.1f}")
    joined = "\n".join(lines)
    print(len(joined), joined[-20:].replace(":", "|"))
