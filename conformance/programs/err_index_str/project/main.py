def main():
    word = "héllo"
    i = 0
    while True:
        print(word[i], end="")
        i += 1
