import english
import french


def main():
    for module_name in ["english", "french"]:
        print(module_name)
    print(english.greet("Ann"), "/", french.greet("Ann"))
    print(english.count(3), "/", french.count(3))
    print(english.GREETING, french.GREETING)


if __name__ == "__main__":
    main()
