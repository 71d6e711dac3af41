def main():
    n = 5
    for i in n:  # ERROR
        print(i)
