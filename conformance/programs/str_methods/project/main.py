def main():
    line = "  the quick  brown fox  "
    print(line.split())
    print(line.strip(), "|", line.lstrip(), "|", line.rstrip(), "|")
    csv = "a,b,,c"
    print(csv.split(","), len(csv.split(",")))
    no_words: list[str] = []
    print("-".join(["x", "y", "z"]), "".join(["1", "2"]), ", ".join(no_words))
    print("banana".replace("a", "o"), "banana".replace("na", ""), "aaa".replace("a", "aa"))
    print("banana".find("an"), "banana".find("x"), "banana".find("a", 2))
    print("banana".count("a"), "banana".count("an"), "aaaa".count("aa"))
    print("filename.py".endswith(".py"), "filename.py".startswith("file"), "x".startswith("xy"))
    print("MiXeD".upper(), "MiXeD".lower())
    print("xxhixx".strip("x"), "<<a>>".lstrip("<"), "<<a>>".rstrip(">"))
    print("one two three".split(" "), "a b".split("b"))
    print("\t tabs and newlines \n".strip())
    words = "to be or not to be".split()
    print(" ".join([w.upper() for w in words]))
    print("key=value=x".split("="))
    s = "hello"
    t = s.upper()
    print(s, t)
    print("".join(reversed("stressed")))
