/* Messages between actors: deep copies, never shared memory.
 *
 * Sending encodes the value, by its type descriptor, into a private byte
 * buffer owned by the message (the "envelope", malloc'd by the sender);
 * receiving decodes it into the receiver's own heap (pyvm_alloc of the
 * running actor). Scalars (int, float, bool, None, pid) travel inline and
 * need no decoding. Aliasing and cycles among lists and dicts are kept: each
 * mutable container is written once and referred to by number afterwards,
 * like copy.deepcopy. Functions and cells cannot be sent (TypeError at the
 * send: their captured variables have no descriptor the runtime could copy).
 *
 * Encoding (host byte order; it never leaves the process):
 *   int float bool pid   8 bytes            None   nothing
 *   str     len:8 width:1 ascii:1 code units (len * width bytes)
 *   list    0:1 len:8 items...   | 1:1 ref:4 (already sent)
 *   dict    0:1 len:8 (key value)...   | 1:1 ref:4
 *   tuple   len:8 items...
 *   A (box) its header descriptor T(t) (pointer:8; interned, immortal), then the content as a t
 */
#ifndef PYVM_MESSAGE_H
#define PYVM_MESSAGE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/obj.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t pyvm_pid;

enum pyvm_msg_kind {
    PYVM_MSG_VALUE = 0,  /* an ordinary message: type + encoded value */
    PYVM_MSG_EXIT = 1,   /* exit signal: from, reason text in data, flags PYVM_MSG_VIA_LINK */
};
enum { PYVM_MSG_VIA_LINK = 1 };

/* Link of the receiver's lock-free MPSC queue (runtime/mailbox/mpsc.h). */
typedef struct pyvm_msg_link {
    struct pyvm_msg_link* _Atomic next;
} pyvm_msg_link;

typedef struct pyvm_msg {
    pyvm_msg_link link;              /* first: a link pointer is the message pointer */
    struct pyvm_msg* next;           /* link in the receiver's private inbox */
    uint32_t kind;
    uint32_t flags;
    const pyvm_type* type;           /* the value's descriptor (interned, immortal) */
    pyvm_pid from;                   /* sender (0: the runtime or a thread outside actors) */
    pyvm_slot scalar;                /* the value itself when len == 0 */
    size_t len;                      /* bytes in data */
    unsigned char data[];
} pyvm_msg;

/* Deep copy of v (of type t) into a new envelope. TypeError for functions and cells. */
pyvm_msg* pyvm_message_encode(const pyvm_type* t, pyvm_slot v);
/* The value, rebuilt in the current heap (the running actor's). */
pyvm_slot pyvm_message_decode(const pyvm_msg* m);
/* An envelope holding raw bytes (exit signals: the reason text). */
pyvm_msg* pyvm_message_raw(uint32_t kind, const void* bytes, size_t len);
/* ("EXIT", pid, reason): what a process trapping exits receives; type T(s,P,s). */
pyvm_msg* pyvm_message_exit_tuple(pyvm_pid from, const char* reason);
/* ("DOWN", ref, pid, reason): a monitor's notification; type T(s,i,P,s). */
pyvm_msg* pyvm_message_down_tuple(int64_t ref, pyvm_pid pid, const char* reason);
void pyvm_message_free(pyvm_msg* m);
/* Frees the recycled envelopes (runtime stop). */
void pyvm_message_envelopes_drain(void);
/* A copy of the envelope (links cleared). */
pyvm_msg* pyvm_message_clone(const pyvm_msg* m);
/* Descriptors of the two system messages. */
const pyvm_type* pyvm_message_exit_type(void);
const pyvm_type* pyvm_message_down_type(void);

#ifdef __cplusplus
}
#endif
#endif
