def main():
    total = 0
    for token in ["12", "7", "abc", "3"]:
        total += int(token)
        print("running total", total)
