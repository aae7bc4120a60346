// How a process of a cluster ends. CAF 0.17 puts every local actor whose
// handle it serialized (sent to another node, or the sender of a message to
// a remote actor) into the actor registry and never takes it out again; a
// detached actor so held never finishes, and the actor system's destructor
// waits for it forever (seen in 1 of 8 cluster runs even with
// actors/forget_on_exit: the middleman serializes a message after its
// sender has terminated). A node therefore leaves once its own work is done
// (outputs closed, the coordinator told) without CAF's shutdown.
#pragma once

namespace crashwatch {

/// Flushes stdout and stderr and ends the process with `status` at once.
[[noreturn]] void leave_process(int status);

} // namespace crashwatch
