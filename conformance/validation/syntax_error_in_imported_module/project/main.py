import helpers


def main():
    helpers.go()
