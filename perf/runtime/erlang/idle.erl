%% 6./7. memory per idle process, and a million alive at once: N processes
%% each waiting in receive; memory (RSS + page tables) delta / N 50 ms after all
%% wait and after `settle` ms, then all released. Run with +P above N. Same
%% metrics as perf/runtime/c/idle.c.
-module(idle).
-export([main/0, main/1]).

main() -> main([]).

main(Args) ->
    N = bench:int(Args, "n", 100000),
    Name = bench:str(Args, "name", "idle"),
    Settle = bench:int(Args, "settle", 1000),
    io:format("workers ~p~n", [erlang:system_info(schedulers_online)]),
    Parked = counters:new(1, [write_concurrency]),
    Base = erlang:system_info(process_count),
    Rss0 = bench:memory(),
    T0 = bench:now(),
    Spawner = spawn(fun() ->
              Pids = [spawn(fun() -> counters:add(Parked, 1, 1), receive go -> ok end end)
                      || _ <- lists:seq(1, N)],
              receive release -> [P ! go || P <- Pids] end
          end),
    wait_count(Parked, N),
    T1 = bench:now(),
    receive after 50 -> ok end,
    Parked1 = bench:memory(),
    receive after max(0, Settle - 50) -> ok end,
    Rss1 = bench:memory(),
    Alive = erlang:system_info(process_count) - Base - 1,
    T2 = bench:now(),
    Spawner ! release,
    bench:wait_processes(Base),
    T3 = bench:now(),
    io:format("~p processes waiting in receive; memory (RSS + page tables) ~.1f MB -> ~.1f MB after 50 ms, "
              "~.1f MB after ~p ms; ~p alive at the snapshot~n",
              [N, Rss0 / 1.0e6, Parked1 / 1.0e6, Rss1 / 1.0e6, Settle, Alive]),
    bench:metric(Name ++ "_parked_bytes_per_actor", (Parked1 - Rss0) / N, "B"),
    bench:metric(Name ++ "_bytes_per_actor", (Rss1 - Rss0) / N, "B"),
    bench:metric(Name ++ "_spawn_ns", (T1 - T0) / N, "ns"),
    bench:metric(Name ++ "_release_ns", (T3 - T2) / N, "ns"),
    bench:metric(Name ++ "_peak_rss_bytes", bench:peak_rss(), "B"),
    bench:metric(Name ++ "_alive", Alive, "actors"),
    bench:done().

wait_count(C, N) ->
    case counters:get(C, 1) >= N of
        true -> ok;
        false -> receive after 1 -> wait_count(C, N) end
    end.
