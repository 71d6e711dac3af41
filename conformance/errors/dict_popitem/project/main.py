def main():
    a = {"x": 1}
    print(a.popitem())  # ERROR
