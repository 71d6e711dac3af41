def main():
    xs: list[int] = [1, 2, 3]
    print(xs)
    xs.append("four")  # ERROR
