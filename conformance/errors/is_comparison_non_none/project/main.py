def main():
    a = [1]
    b = a
    print(a is b)  # ERROR
