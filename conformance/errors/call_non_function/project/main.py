def main():
    size = 3
    print(size(2))  # ERROR
