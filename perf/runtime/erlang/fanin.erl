%% 4b. throughput, fan-in: Senders processes each send Count integers to one
%% receiver. Same metric as perf/runtime/c/fanin.c.
-module(fanin).
-export([main/0, main/1]).

main() -> main([]).

main(Args) ->
    Senders = bench:int(Args, "senders", 1000),
    Count = bench:int(Args, "count", 1000),
    io:format("workers ~p~n", [erlang:system_info(schedulers_online)]),
    run_round(Senders, max(Count div 20, 1)),
    S = run_round(Senders, Count),
    Msgs = Senders * Count,
    io:format("~p senders x ~p messages = ~p messages in ~.3f s~n", [Senders, Count, Msgs, S]),
    bench:metric("fanin_msgs_per_s", Msgs / S, "msg/s"),
    bench:done().

run_round(Senders, Count) ->
    Pids = [spawn(fun() -> receive {go, To} -> send(To, Count) end end) || _ <- lists:seq(1, Senders)],
    T0 = bench:now(),
    [P ! {go, self()} || P <- Pids],
    receive_n(Senders * Count),
    (bench:now() - T0) / 1.0e9.

send(_, 0) -> ok;
send(To, I) -> To ! I, send(To, I - 1).

receive_n(0) -> ok;
receive_n(N) -> receive _ -> receive_n(N - 1) end.
