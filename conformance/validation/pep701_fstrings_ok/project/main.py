def main():
    names = ["a", "b"]
    print(f"{", ".join(names)}")
