from pkg import mod


def main():
    mod.go()
