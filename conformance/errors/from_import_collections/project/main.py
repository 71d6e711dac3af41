from collections import deque  # ERROR


def main():
    q = deque([1, 2])
    print(len(q))
