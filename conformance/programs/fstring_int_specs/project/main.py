def main():
    for n in [0, 7, 42, -42, 255, 1000, 123456789]:
        print(f"[{n:5d}] [{n:<6d}] [{n:x}] [{n:b}] [{n:,}]")
    print(f"{255:08b} {255:x} {3:03d} {-3:04d}")
    print(f"|{12:7d}|{-12:7d}|{12345678:3d}|")
    print(f"{1234567:,} {-9876543:,} {999:,}")
    print(f"{15:x}{16:x} {4096:x} {2**40:x}")
    print(f"{5:b} {1024:b} {-5:b}")
    count = 3
    total = 17
    print(f"{count} of {total} ({count * 100 // total}%)")
    print(f"{count + total} {count * total} {total // count} {total % count}")
    print(f"{True} {False} {None}")


if __name__ == "__main__":
    main()
