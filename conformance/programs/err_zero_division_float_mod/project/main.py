def main():
    x = 7.5
    for m in [2.0, 0.5, 0.0]:
        print(x % m)
