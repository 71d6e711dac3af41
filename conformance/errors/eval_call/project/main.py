def main():
    print("before")
    print(eval("1 + 2"))  # ERROR
