def main():
    xs = [1, 2, 3]
    xs.append(2.5)  # ERROR
    print(xs)
