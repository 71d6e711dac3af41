def main():
    speeds = [(100.0, 2.0), (50.0, 0.5), (3.0, 0.0)]
    for distance, time in speeds:
        print(f"{distance / time:.2f}")


if __name__ == "__main__":
    main()
