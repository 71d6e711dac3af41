def main():
    limit = 5
    if "10" < limit:  # ERROR
        print("smaller")
