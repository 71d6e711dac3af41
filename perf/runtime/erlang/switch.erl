%% 2. context switch: two processes calling erlang:yield() on one scheduler
%% (run with +S 1:1); the time per switch. Same metric as perf/runtime/c/switch.c.
-module(switch).
-export([main/0, main/1]).

main() -> main([]).

main(Args) ->
    N = bench:int(Args, "n", 2000000),
    io:format("workers ~p~n", [erlang:system_info(schedulers_online)]),
    run_round(N div 10),
    Ns = run_round(N),
    io:format("2 processes x ~p yields~n", [N]),
    bench:metric("switch_ns", Ns, "ns"),
    bench:done().

run_round(N) ->
    Self = self(),
    [spawn(fun() -> T0 = bench:now(), yield_n(N), Self ! {done, T0, bench:now()} end) || _ <- [1, 2]],
    {S1, E1} = receive {done, A, B} -> {A, B} end,
    {S2, E2} = receive {done, C, D} -> {C, D} end,
    (max(E1, E2) - min(S1, S2)) / (2 * N).

yield_n(0) -> ok;
yield_n(N) -> erlang:yield(), yield_n(N - 1).
