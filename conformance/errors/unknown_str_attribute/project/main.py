def main():
    s = "abc"
    print(s.foo())  # ERROR
