def main():
    pass


def main():
    pass
