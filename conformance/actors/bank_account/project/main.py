from pyvm import Pid, receive, run, self_pid, send, spawn


async def account(balance: int):
    while True:
        msg = await receive()
        match msg:
            case ("deposit", int(n), Pid(to)):
                balance += n
                await send(to, ("ok", balance))
            case ("withdraw", int(n), Pid(to)) if n <= balance:
                balance -= n
                await send(to, ("ok", balance))
            case ("withdraw", int(n), Pid(to)):
                await send(to, ("insufficient", balance))
            case ("balance", Pid(to)):
                await send(to, ("ok", balance))
            case "close":
                return


async def request(acct: Pid, op: str, amount: int) -> str:
    await send(acct, (op, amount, self_pid()))
    reply = await receive()
    match reply:
        case (str(status), int(bal)):
            return f"{op} {amount}: {status}, balance {bal}"
    return "bad reply"


async def main():
    acct = spawn(account(100))
    print(await request(acct, "deposit", 50))
    print(await request(acct, "withdraw", 30))
    print(await request(acct, "withdraw", 500))
    print(await request(acct, "deposit", 5))
    await send(acct, ("balance", self_pid()))
    print("final:", await receive())
    await send(acct, "close")


if __name__ == "__main__":
    run(main())
