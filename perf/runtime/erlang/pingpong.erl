%% 3. message latency: two processes bounce an integer; latency = round trip / 2.
%%   cross=0: one scheduler (+S 1:1)
%%   cross=1: two schedulers (+S 2:2), the processes bound to schedulers 1 and 2
%%            (spawn_opt's undocumented {scheduler, N}; OTP 25 honours it)
%% Same metrics as perf/runtime/c/pingpong.c.
-module(pingpong).
-export([main/0, main/1]).

main() -> main([]).

main(Args) ->
    Cross = bench:int(Args, "cross", 0) =/= 0,
    N = bench:int(Args, "n", 1000000),
    Samples = bench:int(Args, "samples", 100000),
    io:format("workers ~p~n", [erlang:system_info(schedulers_online)]),
    Main = self(),
    Opts = fun(S) -> case Cross of true -> [{scheduler, S}]; false -> [] end end,
    spawn_opt(fun() ->
                  Me = self(),
                  Pong = spawn_opt(fun() -> ponger(Me) end, Opts(2)),
                  pinger(Pong, N, Samples, Main)
              end, Opts(1)),
    {Rtt, Times} = receive {result, R, T} -> {R, T} end,
    Prefix = case Cross of true -> "latency_cross"; false -> "latency_same" end,
    io:format("~p round trips, ~p timed one by one~n", [N, Samples]),
    bench:metric(Prefix ++ "_ns", Rtt / 2, "ns"),
    bench:metric(Prefix ++ "_rtt_ns", Rtt, "ns"),
    bench:samples(Prefix, Times, 2),
    bench:done().

ponger(Back) ->
    receive
        stop -> ok;
        I -> Back ! I, ponger(Back)
    end.

pinger(Pong, N, Samples, Main) ->
    trips(Pong, N div 10),
    T0 = bench:now(),
    trips(Pong, N),
    Rtt = (bench:now() - T0) / N,
    Times = timed(Pong, Samples, []),
    Pong ! stop,
    Main ! {result, Rtt, Times}.

trips(_, 0) -> ok;
trips(Pong, I) ->
    Pong ! I,
    receive I -> trips(Pong, I - 1) end.

timed(_, 0, Acc) -> Acc;
timed(Pong, I, Acc) ->
    T = bench:now(),
    Pong ! I,
    receive I -> timed(Pong, I - 1, [bench:now() - T | Acc]) end.
