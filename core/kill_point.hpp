// Kill points: fault injection for crash tests, after RocksDB's kill points
// (TEST_KILL_RANDOM in db_stress). A kill -9 sent from outside lands at a
// random moment; a kill point makes the process die by a real SIGKILL at one
// exact place (say, inside the journal transaction of a checkpoint, before
// its COMMIT), so that tests reach the rare moments on purpose.
//
// Set CRASHWATCH_KILL_POINT=NAME or NAME:K in the environment: the process
// raises SIGKILL the K-th time (default 1) it reaches kill_point("NAME").
// Unset, a kill point costs one load of a cached flag. The points are listed
// in docs/DURABILITY.md.
#pragma once

namespace crashwatch {

/// Dies by SIGKILL here when CRASHWATCH_KILL_POINT names this point and this
/// is the chosen hit.
void kill_point(const char* name);

} // namespace crashwatch
