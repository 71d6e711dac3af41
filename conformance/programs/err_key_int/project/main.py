def main():
    squares = {i: i * i for i in range(5)}
    print(squares[4])
    del squares[3]
    print(len(squares))
    print(squares[3])


if __name__ == "__main__":
    main()
