import a


def main():
    a.f()
