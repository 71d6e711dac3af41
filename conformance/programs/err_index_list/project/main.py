def main():
    xs = [10, 20, 30]
    for i in range(5):
        print(i, xs[i])


if __name__ == "__main__":
    main()
