from pyvm import Pid, monitor, receive, run, spawn


async def finisher():
    return


async def crasher(x: int):
    print(10 // x)


async def main():
    a = spawn(finisher())
    ref_a = monitor(a)
    msg = await receive()
    match msg:
        case ("DOWN", int(ref), Pid(who), str(reason)):
            print("DOWN", ref == ref_a, who == a, reason)
    b = spawn(crasher(0))
    ref_b = monitor(b)
    msg = await receive()
    match msg:
        case ("DOWN", int(ref), Pid(who), str(reason)):
            print("DOWN", ref == ref_b, who == b, reason)
    ref_c = monitor(a)
    msg = await receive()
    match msg:
        case ("DOWN", int(ref), _, str(reason)):
            print("DOWN", ref == ref_c, reason)


if __name__ == "__main__":
    run(main())
