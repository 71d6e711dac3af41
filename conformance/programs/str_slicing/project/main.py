def main():
    s = "Hello, World"
    print(s[0], s[-1], s[7])
    print(s[:5], s[7:], s[-5:], s[:-7])
    print(s[::2], s[1::3], s[::-1])
    print(s[3:3] == "", s[100:], s[-100:3])
    print(s[len(s) - 1], s[-len(s)])
    word = "racecar"
    print(word == word[::-1], "python"[::-1])
    text = "abcdefghij"
    for i in range(0, len(text), 3):
        print(text[i:i + 3])
    print(text[8:2:-2], text[-2:-8:-1])
    name = "Ada Lovelace"
    space = name.find(" ")
    print(name[:space], name[space + 1:], name[0] + name[space + 1])
