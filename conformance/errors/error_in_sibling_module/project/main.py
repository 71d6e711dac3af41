import shapes


def main():
    print(shapes.area(2))
