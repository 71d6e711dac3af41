def main():
    point = (1, 2, 3)
    a, b = point  # ERROR
    print(a, b)
