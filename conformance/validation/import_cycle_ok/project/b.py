import a


def g():
    return 1
