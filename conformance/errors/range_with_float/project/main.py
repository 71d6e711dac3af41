def main():
    for i in range(2.5):  # ERROR
        print(i)
