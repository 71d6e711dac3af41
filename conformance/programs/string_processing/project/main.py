def rle_encode(s: str) -> str:
    if not s:
        return ""
    out = ""
    prev = s[0]
    count = 1
    for ch in s[1:]:
        if ch == prev:
            count += 1
        else:
            out += f"{count}{prev}"
            prev = ch
            count = 1
    out += f"{count}{prev}"
    return out


def rle_decode(s: str) -> str:
    out = ""
    num = 0
    for ch in s:
        if ch.isdigit():
            num = num * 10 + int(ch)
        else:
            out += ch * num
            num = 0
    return out


def is_palindrome(s: str) -> bool:
    letters = [c.lower() for c in s if c.isalpha()]
    return letters == letters[::-1]


def title(s: str) -> str:
    return " ".join([w[0].upper() + w[1:].lower() for w in s.split()])


def main():
    for s in ["aaabccdddd", "abc", "", "zzzzzzzzzzzz"]:
        enc = rle_encode(s)
        print(f"{s!r} -> {enc!r} -> {rle_decode(enc)!r}")
    for s in ["A man, a plan, a canal: Panama", "racecar", "hello", "Was it a car or a cat I saw?"]:
        print(is_palindrome(s), s)
    print(title("the QUICK brown fOX"))
    sentence = "compilers turn source into machine code"
    print(" ".join([w[::-1] for w in sentence.split()]))
    print(" ".join(sentence.split()[::-1]))
    print(sum([1 for c in sentence if c in "aeiou"]))
    print(sentence.replace(" ", "_").upper().count("O"))
