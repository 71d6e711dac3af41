/* OTP's supervisor as an actor written in C on the public actor API
 * (runtime/include/pyvm/actors.h declares the functions).
 *
 * The supervisor traps exits and starts its children in order, each with
 * spawn_link. When a child ends it consults the child's restart type
 * (permanent: always restarted; transient: unless the reason is "normal",
 * "shutdown" or starts with "shutdown:"; temporary: never, and forgotten),
 * counts the restart against its intensity (more than `intensity` restarts
 * within `period_ms` makes it terminate every child, last started first, and
 * exit with reason "shutdown", which its own supervisor sees as any child
 * exit), and applies the strategy: one_for_one restarts the child alone,
 * one_for_all terminates the others (reverse start order) and restarts all,
 * rest_for_one does that to the children started after it.
 *
 * Terminating a child follows OTP's shutdown protocol: monitor it, unlink,
 * send exit signal "shutdown" (or "kill" for brutal_kill), wait for the DOWN
 * at most shutdown_ms, then "kill" it and wait again; an EXIT that raced
 * with the unlink is flushed. An exit signal from the supervisor's parent
 * (the actor that started it) terminates the children the same way and ends
 * the supervisor with that reason.
 *
 * Calls (start_child, terminate_child, ...) are messages ("$sup_call",
 * caller, request) answered by ("$sup_reply", request); the request is a C
 * struct the caller owns while it waits, under a monitor of the supervisor. */
#ifndef PYVM_SUPERVISOR_H
#define PYVM_SUPERVISOR_H

#include "../include/pyvm/actors.h"

#endif
