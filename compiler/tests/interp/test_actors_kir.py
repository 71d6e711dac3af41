"""Actor programs in the interpreter, written in KIR by hand (actor_kir.py): spawn, send/receive of
ints and strings, blocking receive, timeouts, selective receive, gather, crashes that stay in their
actor (with the runtime's report on stderr), trapped exits, monitors, kill, exit, registry, deadlock."""

from __future__ import annotations

from actor_kir import Actor, print_box, program, run, spawn, string
from interp_helpers import needs_cc

pytestmark = needs_cc


def test_ping_pong_ints_and_strings(tmp_path):
    hello_data, hello = string("hello", "héllo wörld")
    main = Actor("main", f"""
        %me: i64 = CALL $pyvm_act_self()
        CALL $pyvm_print_int(%me)
        CALL $pyvm_print_newline()
        {spawn("w", "echo", "%me")}
        CALL $pyvm_act_send(%w, %ti, i64 41)
        %r1: ptr = CALL $pyvm_act_receive(f64 -1.0)
        {print_box("r1")}
        {hello}
        %helloi: i64 = PTR2INT %hello
        CALL $pyvm_act_send(%w, %ts, %helloi)
        %r2: ptr = CALL $pyvm_act_receive(f64 -1.0)
        {print_box("r2")}
        %r3: ptr = CALL $pyvm_act_receive(f64 -1.0)
        {print_box("r3")}
        %ret: i64 = ADD i64 0, i64 0
    """)
    echo = Actor("echo", """
        %m1: ptr = CALL $pyvm_act_receive(f64 -1.0)
        %v: i64 = CALL $pyvm_dyn_expect(%m1, %ti)
        %v1: i64 = ADD %v, i64 1
        CALL $pyvm_act_send(%a0, %ti, %v1)
        %m2: ptr = CALL $pyvm_act_receive(f64 -1.0)
        %m2i: i64 = PTR2INT %m2
        CALL $pyvm_act_send(%a0, %tA, %m2i)
        %me: i64 = CALL $pyvm_act_self()
        CALL $pyvm_act_send(%a0, %tP, %me)
        %ret: i64 = ADD i64 0, i64 0
    """, nargs=1)
    r = run(program(main, echo, extra=hello_data), tmp_path)
    assert (r.status, r.err) == (0, "")
    assert r.out == "1\n42\nhéllo wörld\n<pid 0.2>\n"


def test_receive_times_out_with_none_on_the_virtual_clock(tmp_path):
    main = Actor("main", f"""
        {spawn("w", "late", "i64 7")}
        %r1: ptr = CALL $pyvm_act_receive(f64 0.5)
        {print_box("r1")}
        %r2: ptr = CALL $pyvm_act_receive(f64 5)
        {print_box("r2")}
        %ret: i64 = ADD i64 0, i64 0
    """)
    late = Actor("late", """
        CALL $pyvm_act_sleep(f64 1.0)
        CALL $pyvm_act_send(i64 1, %ti, %a0)
        %ret: i64 = ADD i64 0, i64 0
    """, nargs=1)
    r = run(program(main, late), tmp_path)
    assert (r.status, r.out, r.err) == (0, "None\n7\n", "")


def test_a_crashing_actor_dies_alone_with_its_report(tmp_path):
    main = Actor("main", f"""
        %old: i1 = CALL $pyvm_act_trap_exit(i1 1)
        {spawn("g", "good", "i64 5")}
        {spawn("b", "bad")}
        CALL $pyvm_act_link(%b)
        {spawn("c", "cbad")}
        CALL $pyvm_act_link(%c)
        %e1: ptr = CALL $pyvm_act_receive(f64 -1.0)
        {print_box("e1")}
        %e2: ptr = CALL $pyvm_act_receive(f64 -1.0)
        {print_box("e2")}
        CALL $pyvm_act_sleep(f64 2)
        %ret: i64 = ADD i64 0, i64 0
    """)
    bad = Actor("bad", """
        STORE i64 7, %line, 8
        CALL $pyvm_raise(i32 1, $zerodiv)
        %ret: i64 = ADD i64 0, i64 0
    """, line=6)
    cbad = Actor("cbad", """
        STORE i64 12, %line, 8
        %x: i64 = CALL $pyvm_tuple_getitem(%coro, i64 9)
        %ret: i64 = ADD i64 0, i64 0
    """)
    good = Actor("good", """
        CALL $pyvm_act_sleep(f64 1)
        CALL $pyvm_print_int(%a0)
        CALL $pyvm_print_newline()
        %ret: i64 = ADD i64 0, i64 0
    """, nargs=1)
    r = run(program(main, bad, cbad, good), tmp_path)
    assert r.status == 0
    assert r.out == ("('EXIT', <pid 0.3>, 'ZeroDivisionError: division by zero')\n"
                     "('EXIT', <pid 0.4>, 'IndexError: tuple index out of range')\n"
                     "5\n")
    assert r.err == ("Actor <pid 0.3> crashed:\n"
                     "Traceback (most recent call last):\n"
                     '  File "t.py", line 7, in bad\n'
                     "ZeroDivisionError: division by zero\n"
                     "Actor <pid 0.4> crashed:\n"
                     "Traceback (most recent call last):\n"
                     '  File "t.py", line 12, in cbad\n'
                     "IndexError: tuple index out of range\n")


def test_main_crashing_ends_the_program_with_status_1_after_its_output(tmp_path):
    main = Actor("main", f"""
        {spawn("w", "forever")}
        CALL $pyvm_print_int(i64 1)
        CALL $pyvm_print_newline()
        STORE i64 3, %line, 8
        CALL $pyvm_raise(i32 1, $zerodiv)
        %ret: i64 = ADD i64 0, i64 0
    """)
    forever = Actor("forever", """
        %m: ptr = CALL $pyvm_act_receive(f64 -1.0)
        %ret: i64 = ADD i64 0, i64 0
    """)
    r = run(program(main, forever), tmp_path)
    assert (r.status, r.out) == (1, "1\n")
    assert r.err.startswith("Actor <pid 0.1> crashed:\nTraceback (most recent call last):\n"
                            '  File "t.py", line 3, in main\n')


def test_output_order_across_stdout_stderr_and_actors(tmp_path):
    main = Actor("main", f"""
        {spawn("b", "bad")}
        CALL $pyvm_print_int(i64 1)
        CALL $pyvm_print_newline()
        CALL $pyvm_act_sleep(f64 1)
        CALL $pyvm_print_int(i64 3)
        CALL $pyvm_print_newline()
        %ret: i64 = ADD i64 0, i64 0
    """)
    bad = Actor("bad", """
        CALL $pyvm_print_int(i64 2)
        CALL $pyvm_print_newline()
        STORE i64 4, %line, 8
        CALL $pyvm_raise(i32 1, ptr 0)
        %ret: i64 = ADD i64 0, i64 0
    """)
    r = run(program(main, bad), tmp_path, merged=True)
    assert r.status == 0
    assert r.out == ("1\n2\nActor <pid 0.2> crashed:\nTraceback (most recent call last):\n"
                     '  File "t.py", line 4, in bad\nZeroDivisionError\n3\n')


def test_deadlock_is_reported(tmp_path):
    main = Actor("main", """
        CALL $pyvm_print_int(i64 3)
        CALL $pyvm_print_newline()
        %m: ptr = CALL $pyvm_act_receive(f64 -1.0)
        %ret: i64 = ADD i64 0, i64 0
    """)
    r = run(program(main), tmp_path)
    assert (r.status, r.out) == (1, "3\n")
    assert "deadlock" in r.err


def coro_value(dest: str, actor: str, arg: str) -> str:
    return "\n".join([f"%{dest}.t: ptr = CALL $pyvm_type_intern($spec_coro1)",
                      f"%{dest}.c: ptr = CALL $pyvm_tuple_new(%{dest}.t, i64 3)",
                      f"%{dest}.e: i64 = PTR2INT ${actor}.actor",
                      f"%{dest}.s0: ptr = GEP %{dest}.c, i64 0, 8, 24",
                      f"STORE %{dest}.e, %{dest}.s0, 8",
                      f"%{dest}.s2: ptr = GEP %{dest}.c, i64 2, 8, 24",
                      f"STORE {arg}, %{dest}.s2, 8",
                      f"%{dest}: i64 = PTR2INT %{dest}.c"])


def gather_program(args: list[int]) -> str:
    lines = ["%lt: ptr = CALL $pyvm_type_intern($spec_LF)", "%lst: ptr = CALL $pyvm_list_new(%lt, i64 0)"]
    for i, a in enumerate(args):
        lines += [coro_value(f"c{i}", "sq", f"i64 {a}"), f"CALL $pyvm_list_append(%lst, %c{i})"]
    lines += ["%rt: ptr = CALL $pyvm_type_intern($spec_Li)",
              "STORE i64 9, %line, 8",
              "%res: ptr = CALL $pyvm_coro_gather(%lst, %rt)"]
    for i in range(len(args)):
        lines += [f"%x{i}: i64 = CALL $pyvm_list_get(%res, i64 {i})", f"CALL $pyvm_print_int(%x{i})",
                  "CALL $pyvm_print_newline()"]
    lines.append("%ret: i64 = ADD i64 0, i64 0")
    main = Actor("main", "\n".join(lines))
    sq = Actor("sq", """
        CALL $pyvm_act_sleep(f64 0.1)
        %z: i1 = ICMP eq %a0, i64 0
        JUMP_IF %z, @crash, @fine
    @crash:
        STORE i64 21, %line, 8
        CALL $pyvm_raise(i32 1, $zerodiv)
        UNREACHABLE
    @fine:
        %ret: i64 = MUL %a0, %a0
    """, nargs=1)
    return program(main, sq)


def test_gather_collects_results_in_order(tmp_path):
    r = run(gather_program([3, 4, 5]), tmp_path)
    assert (r.status, r.out, r.err) == (0, "9\n16\n25\n", "")


def test_gather_reraises_a_crashed_childs_exception_in_the_caller(tmp_path):
    r = run(gather_program([3, 0, 5]), tmp_path)
    assert (r.status, r.out) == (1, "")
    assert r.err == ("Actor <pid 0.3> crashed:\n"
                     "Traceback (most recent call last):\n"
                     '  File "t.py", line 21, in sq\n'
                     "ZeroDivisionError: division by zero\n"
                     "Actor <pid 0.1> crashed:\n"
                     "Traceback (most recent call last):\n"
                     '  File "t.py", line 9, in main\n'
                     "ZeroDivisionError: division by zero\n")


def test_selective_receive_runs_the_predicate_and_keeps_the_order(tmp_path):
    main = Actor("main", f"""
        %me: i64 = CALL $pyvm_act_self()
        CALL $pyvm_act_send(%me, %ti, i64 1)
        CALL $pyvm_act_send(%me, %ti, i64 20)
        CALL $pyvm_act_send(%me, %ti, i64 3)
        %r1: ptr = CALL $pyvm_act_receive_where($big, %ctx, f64 -1.0)
        {print_box("r1")}
        %r4: ptr = CALL $pyvm_act_receive_where($big, %ctx, f64 0.25)
        {print_box("r4")}
        %r2: ptr = CALL $pyvm_act_receive(f64 -1.0)
        {print_box("r2")}
        %r3: ptr = CALL $pyvm_act_receive(f64 -1.0)
        {print_box("r3")}
        %ret: i64 = ADD i64 0, i64 0
    """)
    big = """
func $big(%ctx: ptr, %env: ptr, %box: ptr) -> i1 {
@entry:
    %ti: ptr = CALL $pyvm_type_intern($spec_i)
    %v: i64 = CALL $pyvm_dyn_expect(%box, %ti)
    %c: i1 = ICMP sgt %v, i64 10
    RET %c
}
"""
    r = run(program(main, extra=big), tmp_path)
    assert (r.status, r.out, r.err) == (0, "20\nNone\n1\n3\n", "")


def test_monitor_kill_exit_and_registry(tmp_path):
    name_data, name = string("name", "srv")
    boom_data, boom = string("boom", "boom")
    main = Actor("main", f"""
        {spawn("s", "sleeper")}
        {name}
        %ok: i1 = CALL $pyvm_act_register(%name, %s)
        %okz: i64 = ZEXT %ok
        CALL $pyvm_print_int(%okz)
        CALL $pyvm_print_newline()
        %w: i64 = CALL $pyvm_act_whereis(%name)
        CALL $pyvm_print_int(%w)
        CALL $pyvm_print_newline()
        %ref: i64 = CALL $pyvm_act_monitor(%s)
        {boom}
        CALL $pyvm_act_kill(%s, %boom)
        %d: ptr = CALL $pyvm_act_receive(f64 -1.0)
        {print_box("d")}
        %w2: i64 = CALL $pyvm_act_whereis(%name)
        CALL $pyvm_print_int(%w2)
        CALL $pyvm_print_newline()
        %old: i1 = CALL $pyvm_act_trap_exit(i1 1)
        {spawn("q", "quitter")}
        CALL $pyvm_act_link(%q)
        %e: ptr = CALL $pyvm_act_receive(f64 -1.0)
        {print_box("e")}
        %ret: i64 = ADD i64 0, i64 0
    """)
    sleeper = Actor("sleeper", """
        CALL $pyvm_act_sleep(f64 100)
        CALL $pyvm_print_int(i64 666)
        %ret: i64 = ADD i64 0, i64 0
    """)
    bye_data, bye = string("bye", "bye")
    quitter = Actor("quitter", f"""
        {bye}
        CALL $pyvm_act_exit(%bye)
        %ret: i64 = ADD i64 0, i64 0
    """)
    r = run(program(main, sleeper, quitter, extra=name_data + boom_data + bye_data), tmp_path)
    assert (r.status, r.err) == (0, "")
    assert r.out == "1\n2\n('DOWN', 1, <pid 0.2>, 'boom')\n0\n('EXIT', <pid 0.3>, 'bye')\n"


def test_busy_actors_are_time_sliced_deterministically(tmp_path):
    main = Actor("main", f"""
        {spawn("a", "spin", "i64 1")}
        {spawn("b", "spin", "i64 2")}
        CALL $pyvm_act_sleep(f64 1)
        %ret: i64 = ADD i64 0, i64 0
    """)
    spin = Actor("spin", """
        JUMP @loop
    @loop:
        %i: i64 = PHI [i64 0, @entry], [%i2, @next]
        %r: i64 = REM %i, i64 5000
        %z: i1 = ICMP eq %r, i64 0
        JUMP_IF %z, @say, @next
    @say:
        CALL $pyvm_print_int(%a0)
        JUMP @next
    @next:
        CALL $pyvm_safepoint()
        %i2: i64 = ADD %i, i64 1
        %c: i1 = ICMP slt %i2, i64 30000
        JUMP_IF %c, @loop, @done
    @done:
        CALL $pyvm_print_newline()
        %ret: i64 = ADD i64 0, i64 0
    """, nargs=1)
    text = program(main, spin)
    r1, r2 = run(text, tmp_path), run(text, tmp_path)
    assert r1.status == 0 and r1.err == ""
    assert r1.out == r2.out
    digits = r1.out.replace("\n", "")
    assert sorted(digits) == sorted("1" * 6 + "2" * 6)
    assert digits != "111111222222"  # they took turns


def test_a_kir_trap_in_an_actor_stops_the_run_and_is_raised(tmp_path):
    main = Actor("main", f"""
        {spawn("b", "trap")}
        CALL $pyvm_act_sleep(f64 1)
        CALL $pyvm_print_int(i64 9)
        %ret: i64 = ADD i64 0, i64 0
    """)
    trap = Actor("trap", """
        %x: i64 = LOAD ptr 0, 8
        %ret: i64 = ADD i64 0, i64 0
    """)
    r = run(program(main, trap), tmp_path)
    assert r.status == 1 and r.out == ""
    assert "KirTrap" in r.err and "null pointer" in r.err and "$trap.actor" in r.err
