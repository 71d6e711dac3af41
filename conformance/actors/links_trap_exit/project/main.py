from pyvm import Pid, link, receive, run, sleep, spawn, trap_exit


async def doomed():
    await sleep(0.01)
    items = [1, 2, 3]
    print(items[10])


async def quick():
    return


async def middle():
    link(spawn(doomed()))
    await sleep(10)
    print("middle is never here")


async def main():
    old = trap_exit(True)
    print("was trapping:", old)
    m = spawn(middle())
    link(m)
    msg = await receive()
    match msg:
        case ("EXIT", Pid(who), str(reason)):
            print("EXIT from middle:", who == m, reason)
    q = spawn(quick())
    link(q)
    msg = await receive()
    match msg:
        case ("EXIT", _, str(reason)):
            print("EXIT:", reason)


if __name__ == "__main__":
    run(main())
