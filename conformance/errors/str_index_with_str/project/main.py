def main():
    word = "hello"
    print(word["h"])  # ERROR
