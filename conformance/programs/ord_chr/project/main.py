def shift(ch: str, k: int) -> str:
    if "a" <= ch <= "z":
        return chr((ord(ch) - ord("a") + k) % 26 + ord("a"))
    if "A" <= ch <= "Z":
        return chr((ord(ch) - ord("A") + k) % 26 + ord("A"))
    return ch


def caesar(text: str, k: int) -> str:
    return "".join([shift(c, k) for c in text])


def main():
    print(ord("A"), ord("a"), ord("0"), ord(" "), ord("~"))
    print(chr(72) + chr(105), chr(48), chr(126))
    secret = caesar("Hello, World!", 3)
    print(secret)
    print(caesar(secret, -3))
    print(caesar("xyz ABC", 13))
    print("".join([chr(ord(c) - 32) if "a" <= c <= "z" else c for c in "make me loud"]))
    print([ord(c) - ord("0") for c in "90210"])
    alphabet = "".join([chr(i) for i in range(ord("a"), ord("z") + 1)])
    print(alphabet, len(alphabet))
    print(ord("é"), chr(233), chr(0x3bb), ord("€"))
