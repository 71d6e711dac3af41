from pyvm import Pid, exit, link, monitor, receive, run, self_pid, send, spawn, trap_exit


async def quitter(code: int):
    if code == 0:
        exit()
    exit(f"quit with code {code}")
    print("never printed")


async def main():
    for code in [0, 3]:
        q = spawn(quitter(code))
        ref = monitor(q)
        msg = await receive()
        match msg:
            case ("DOWN", int(r), Pid(who), str(reason)):
                print(r == ref, who == q, reason)
    trap_exit(True)
    q = spawn(quitter(7))
    link(q)
    msg = await receive()
    match msg:
        case ("EXIT", _, str(reason)):
            print("trapped:", reason)
    print("self is", "main" if self_pid() is not None else "nobody")


if __name__ == "__main__":
    run(main())
