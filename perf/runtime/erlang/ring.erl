%% 4a. throughput, ring: Nodes processes in a ring, Tokens tokens (integers
%% counting their remaining hops) injected at evenly spaced nodes, each
%% forwarded Hops times. Same metric as perf/runtime/c/ring.c.
-module(ring).
-export([main/0, main/1]).

main() -> main([]).

main(Args) ->
    Nodes = bench:int(Args, "nodes", 1000),
    Tokens = bench:int(Args, "tokens", 1000),
    Hops = bench:int(Args, "hops", 10000),
    io:format("workers ~p~n", [erlang:system_info(schedulers_online)]),
    run_round(Nodes, Tokens, max(Hops div 20, 1)),
    S = run_round(Nodes, Tokens, Hops),
    Msgs = Tokens * Hops,
    io:format("~p nodes, ~p tokens x ~p hops = ~p messages in ~.3f s~n", [Nodes, Tokens, Hops, Msgs, S]),
    bench:metric("ring_msgs_per_s", Msgs / S, "msg/s"),
    bench:metric("ring_ns_per_msg", S * 1.0e9 / Msgs, "ns"),
    bench:done().

run_round(Nodes, Tokens, Hops) ->
    Root = self(),
    Pids = list_to_tuple([spawn(fun() -> ring_node(Root) end) || _ <- lists:seq(1, Nodes)]),
    [element(I, Pids) ! {next, element(I rem Nodes + 1, Pids)} || I <- lists:seq(1, Nodes)],
    T0 = bench:now(),
    [element(K * Nodes div Tokens + 1, Pids) ! Hops || K <- lists:seq(0, Tokens - 1)],
    collect(Tokens),
    S = (bench:now() - T0) / 1.0e9,
    [P ! stop || P <- tuple_to_list(Pids)],
    S.

collect(0) -> ok;
collect(N) -> receive done -> collect(N - 1) end.

ring_node(Root) ->
    receive {next, Next} -> forward(Root, Next) end.

forward(Root, Next) ->
    receive
        0 -> Root ! done, forward(Root, Next);
        V when is_integer(V) -> Next ! V - 1, forward(Root, Next);
        stop -> ok
    end.
