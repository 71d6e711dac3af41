def classify(s: str) -> str:
    if s.isdigit():
        return "digits"
    if s.isalpha():
        return "letters"
    if s.isspace():
        return "spaces"
    return "mixed"


def main():
    for s in ["123", "abc", "   ", "a1", "", "\t\n", "ABCdef", "3.5", "-4"]:
        print(repr_of(s), classify(s), s.isdigit(), s.isalpha(), s.isspace())
    text = "Hello World 2024! 42 cats."
    letters = 0
    digits = 0
    spaces = 0
    other = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
        elif ch.isdigit():
            digits += 1
        elif ch.isspace():
            spaces += 1
        else:
            other += 1
    print(letters, digits, spaces, other)
    numbers = [int(tok) for tok in text.split() if tok.isdigit()]
    print(numbers)


def repr_of(s: str) -> str:
    return f"{s!r}"
