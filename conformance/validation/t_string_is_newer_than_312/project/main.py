def main():
    name = "x"
    print(t"hello {name}")
