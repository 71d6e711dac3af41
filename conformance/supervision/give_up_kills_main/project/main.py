"""Main does not trap exits: the supervisor's exit 'shutdown' kills it; exit status 1.
"""

from pyvm import ChildSpec, Pid, Supervisor, exit, receive, run, self_pid, send, start_supervisor, which_child


async def worker(name: str) -> None:
    count = 0
    while True:
        msg = await receive()
        match msg:
            case ("ping", Pid(sender)):
                count += 1
                print(f"{name}: ping {count}")
                await send(sender, ("pong", name))
            case "divide":
                print(f"{name}: dividing by zero")
                print(count / (count - count))
            case ("exit", str(reason)):
                print(f"{name}: exit {reason}")
                exit(reason)
            case "return":
                print(f"{name}: returning")
                return


async def ping(sup: Pid, cid: str) -> None:
    await send(which_child(sup, cid), ("ping", self_pid()))
    await receive(where=lambda m: m == ("pong", cid))


async def main() -> None:
    sup = start_supervisor(Supervisor(
        [ChildSpec("a", worker, ("a",)), ChildSpec("b", worker, ("b",))],
        strategy="one_for_one", max_restarts=0, within_seconds=1.0, trace=True))
    print("main: supervisor started")
    await send(which_child(sup, "a"), "divide")
    await receive()
    print("main: not reached")


if __name__ == "__main__":
    run(main())
