def main():
    letters = {c for c in "hello"}  # ERROR
    print(len(letters))
