def main():
    pass


yield 3
