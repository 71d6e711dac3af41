def main():
    i = 0
    while i < 5:
        print("i =", i)
        i += 1
    k = 0
    while True:
        k += 1
        if k % 2 == 0:
            continue
        if k > 9:
            break
        print(k, end=" ")
    print()
    j = 0
    while j < 3:
        j += 1
    else:
        print("loop finished normally, j =", j)
    m = 0
    while m < 10:
        if m == 4:
            print("breaking at", m)
            break
        m += 1
    else:
        print("not printed")
    stack = [1, 2, 3]
    while stack:
        print("pop", stack.pop())
    print("empty:", stack)
    n = 1000
    digits = 0
    while n > 0:
        n //= 10
        digits += 1
    print("digits:", digits)
    a, b = 0, 1
    while b < 100:
        a, b = b, a + b
    print(a, b)
