def main():
    words = ["a", "b", "c"]
    words.remove("b")
    print(words)
    words.remove("z")
    print("not reached")
