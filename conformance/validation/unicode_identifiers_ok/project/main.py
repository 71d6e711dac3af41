def main():
    café = "naïve ☕"
    print(café)
