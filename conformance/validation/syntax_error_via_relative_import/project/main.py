import pkg


def main():
    pass
