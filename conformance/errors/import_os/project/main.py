import os  # ERROR


def main():
    print(os.getcwd())
