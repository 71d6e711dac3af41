%% Helpers shared by the Erlang benchmarks of perf/runtime: `key=value`
%% arguments and `metric <name> <value> <unit>` lines, exactly like the C
%% benchmarks (perf/runtime/c/bench.h) and the Go ones.
-module(bench).
-export([int/3, str/3, metric/3, fail/1, now/0, samples/3, rss/0, memory/0, peak_rss/0, wait_processes/1, done/0]).

int(Args, Key, Default) ->
    case str(Args, Key, undefined) of
        undefined -> Default;
        V -> list_to_integer(V)
    end.

str([], _Key, Default) -> Default;
str([A | Rest], Key, Default) ->
    Prefix = Key ++ "=",
    case lists:prefix(Prefix, A) of
        true -> lists:nthtail(length(Prefix), A);
        false -> str(Rest, Key, Default)
    end.

metric(Name, Value, Unit) ->
    io:format("metric ~s ~s ~s~n", [Name, format(Value), Unit]).

format(V) when is_integer(V) -> integer_to_list(V);
format(V) -> float_to_list(float(V), [{decimals, 6}, compact]).

fail(Text) ->
    io:format("error ~s~n", [Text]),
    erlang:halt(1).

now() -> erlang:monotonic_time(nanosecond).

%% Per-operation times: prints Prefix_p50_ns, _p99_ns, _max_ns (nearest rank), each / Div.
samples(Prefix, List, Div) ->
    S = list_to_tuple(lists:sort(List)),
    N = tuple_size(S),
    Rank = fun(P) -> element(max(1, min(N, ceil(P / 100 * N))), S) end,
    metric(Prefix ++ "_p50_ns", Rank(50) / Div, "ns"),
    metric(Prefix ++ "_p99_ns", Rank(99) / Div, "ns"),
    metric(Prefix ++ "_max_ns", element(N, S) / Div, "ns").

%% Resident set size of the emulator in bytes (/proc/self/statm).
rss() ->
    case file:read_file("/proc/self/statm") of
        {ok, Data} ->
            [_, Pages | _] = string:lexemes(binary_to_list(Data), " \n"),
            list_to_integer(Pages) * 4096;
        _ -> 0
    end.

peak_rss() -> status_bytes("VmHWM:").

%% What the emulator holds: resident pages plus the page tables mapping them (VmPTE).
memory() -> rss() + status_bytes("VmPTE:").

%% A field of /proc/self/status in bytes, 0 if unknown.
status_bytes(Key) ->
    case file:read_file("/proc/self/status") of
        {ok, Data} ->
            Lines = string:lexemes(binary_to_list(Data), "\n"),
            case [L || L <- Lines, lists:prefix(Key, L)] of
                [L | _] -> [Kb | _] = string:lexemes(lists:nthtail(length(Key), L), " \tk"),
                           list_to_integer(Kb) * 1024;
                [] -> 0
            end;
        _ -> 0
    end.

%% Waits (polling every millisecond) until at most Count processes exist.
wait_processes(Count) ->
    case erlang:system_info(process_count) =< Count of
        true -> ok;
        false -> receive after 1 -> wait_processes(Count) end
    end.

done() -> erlang:halt(0).
