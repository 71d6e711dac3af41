%% 1. spawn + exit: one process spawns N processes that return at once; the
%% time from the first spawn until they are all gone (process_count back to
%% where it was), per process. Same metric as perf/runtime/c/spawn_exit.c.
-module(spawn_exit).
-export([main/0, main/1]).

main() -> main([]).

main(Args) ->
    N = bench:int(Args, "n", 100000),
    io:format("workers ~p~n", [erlang:system_info(schedulers_online)]),
    run_round(max(N div 10, 1)),
    Ns = run_round(N),
    io:format("spawned ~p processes~n", [N]),
    bench:metric("spawn_exit_ns", Ns, "ns"),
    bench:done().

run_round(N) ->
    Base = erlang:system_info(process_count),
    T0 = bench:now(),
    spawn_n(N),
    bench:wait_processes(Base),
    (bench:now() - T0) / N.

spawn_n(0) -> ok;
spawn_n(N) -> spawn(fun() -> ok end), spawn_n(N - 1).
