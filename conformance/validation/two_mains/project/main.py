def main():
    print("First main")


def main():
    print("Second main")
