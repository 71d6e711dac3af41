# def main(): an old comment
DOC = "def main(): in a string"


def main():
    print(DOC)
