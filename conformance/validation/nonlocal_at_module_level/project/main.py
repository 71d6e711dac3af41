nonlocal x


def main():
    pass
