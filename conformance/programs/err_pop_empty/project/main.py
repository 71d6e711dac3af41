def main():
    stack = [1, 2]
    print(stack.pop())
    print(stack.pop())
    print("empty:", stack)
    print(stack.pop())
