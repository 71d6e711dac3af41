def main():
    print("before")
    seen = {1, 2, 3}  # ERROR
    print(len(seen))
