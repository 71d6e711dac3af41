def main():
    s = "héllo wörld"
    print(s, len(s), s[1], s[-4], s[1:5], s[::-1])
    jp = "日本語テキスト"
    print(jp, len(jp), jp[0], jp[2:4], jp[-1])
    snake = "py🐍vm"
    print(snake, len(snake), snake[2], ord(snake[2]), snake.find("vm"))
    for ch in "añ€😀":
        print(ch, ord(ch), f"{ord(ch):x}")
    print(chr(0x1F600) == "😀", chr(241), chr(8364))
    print(f"[{jp:>10}] [{s:<14}] [{'€':^5}]")
    print("naïve café".split(), "·".join(["a", "b", "c"]))
    print("Grüße".replace("ü", "ue"), "ÅÄÖ".count("Ä"), "日本" in jp)
    print("ABC déf".lower(), "abc DÉF".upper() == "ABC DÉF")
    print(sorted(["z", "é", "a", "Z", "日"]))
    word = "añob"
    print(word[::-1], [c for c in word], len(word), word.count("ñ"))
