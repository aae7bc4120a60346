// SIGINT and SIGTERM ask a long-running command (run on Kafka, demo, broker)
// to stop cleanly instead of killing it mid-write.
#pragma once

namespace crashwatch {

/// Installs handlers for SIGINT and SIGTERM that only set a flag.
void install_stop_signals();

/// True once SIGINT or SIGTERM arrived.
bool stop_requested();

} // namespace crashwatch
