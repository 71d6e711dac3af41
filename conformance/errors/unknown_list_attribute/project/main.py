def main():
    stack = [1, 2]
    stack.push(3)  # ERROR
    print(stack)
