def main():
    print("Hello")
    return 0
