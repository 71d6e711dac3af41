def main():
    print("before")
    values = [1, 2.5, 3]  # ERROR
    print(values)
