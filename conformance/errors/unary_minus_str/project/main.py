def main():
    word = "abc"
    print(-word)  # ERROR
