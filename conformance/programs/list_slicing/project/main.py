def main():
    xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    print(xs[2:5], xs[:3], xs[7:], xs[:])
    print(xs[-3:], xs[:-3], xs[-5:-2])
    print(xs[::2], xs[1::2], xs[::3])
    print(xs[::-1], xs[::-2], xs[8:2:-2])
    print(xs[5:2], xs[100:], xs[-100:2], xs[3:100])
    print(xs[-1], xs[-10], xs[0])
    copy = xs[:]
    copy[0] = 99
    print(xs[0], copy[0])
    n = len(xs)
    print(xs[n // 2:], xs[:n // 2])
    words = ["a", "b", "c", "d"]
    print(words[1:-1], words[::-1][1:])
    matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    print(matrix[1:], matrix[-1][::-1])
    print([row[1] for row in matrix[::2]])
    print(xs[-3:-1], xs[-1:-4:-1], xs[2:8][::2])
