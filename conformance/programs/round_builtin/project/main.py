def main():
    for x in [0.5, 1.5, 2.5, 3.5, -0.5, -1.5, 2.4, 2.6, -2.6]:
        print(x, round(x))
    print(round(2.675, 2), round(1.005, 2), round(0.125, 2), round(0.375, 2))
    print(round(3.14159, 3), round(3.14159, 0), round(-3.14159, 1))
    print(round(1234.5678, 1), round(1e-10, 3), round(99.995, 2))
    print(round(7), round(-7), round(10 / 3, 4))
    values = [1.2345, 6.789, 0.0049]
    print([round(v, 2) for v in values])
    total = round(sum(values), 3)
    print(total, round(total))
