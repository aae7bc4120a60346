// Every atom crashwatch's actors exchange (CAF 0.17: text <= 10 characters).
#pragma once

#include <caf/atom.hpp>
#include <caf/type_id.hpp>

/// Shard -> reader: one batch processed, one credit back.
CAF_ADD_ATOM(crashwatch, crashwatch::atom, ack, "ack")
/// Reader -> itself: read the next chunk.
CAF_ADD_ATOM(crashwatch, crashwatch::atom, read, "read")
/// Reader -> sink: this partition has ended (with its counters).
CAF_ADD_ATOM(crashwatch, crashwatch::atom, finished, "finished")
/// Sink -> whoever waits for the pipeline: all output is written.
CAF_ADD_ATOM(crashwatch, crashwatch::atom, done, "done")
/// Coordinator -> every actor: your part of checkpoint N, please.
CAF_ADD_ATOM(crashwatch, crashwatch::atom, checkpoint, "checkpoint")
/// Coordinator -> itself: time for the next periodic checkpoint. Sink ->
/// itself: serve Kafka's delivery reports.
CAF_ADD_ATOM(crashwatch, crashwatch::atom, tick, "tick")
/// Main thread -> node actor: the node has joined this coordinator door.
CAF_ADD_ATOM(crashwatch, crashwatch::atom, joined, "joined")
/// Coordinator -> node: checkpoint N is committed; apply your part of it.
CAF_ADD_ATOM(crashwatch, crashwatch::atom, commit, "commit")
/// Coordinator -> its door: the nodes, once every expected one is in.
CAF_ADD_ATOM(crashwatch, crashwatch::atom, ready, "ready")
/// HTTP server -> telemetry actor: /status as JSON, /metrics as text.
CAF_ADD_ATOM(crashwatch, crashwatch::atom, status, "status")
CAF_ADD_ATOM(crashwatch, crashwatch::atom, metrics, "metrics")
