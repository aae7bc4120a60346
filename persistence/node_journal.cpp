#include "persistence/node_journal.hpp"

#include <unistd.h>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "core/error.hpp"
#include "core/kill_point.hpp"
#include "persistence/sqlite_db.hpp"

namespace crashwatch {

namespace {

constexpr const char* staged_table
    = "CREATE TABLE IF NOT EXISTS staged_part(checkpoint INTEGER PRIMARY "
      "KEY, body BLOB NOT NULL)";

/// The identity a node journal is bound to.
job_settings identity_settings(const std::string& job_id,
                               const std::string& node_id) {
  return {{"--job", job_id}, {"--node-id", node_id}};
}

} // namespace

node_journal::node_journal(std::unique_ptr<journal> log)
    : log_(std::move(log)) {}

caf::expected<std::unique_ptr<node_journal>>
node_journal::open(const std::string& dir, int64_t window_ms,
                   const std::string& job_id, const std::string& node_id) {
  auto log = journal::open(dir, window_ms);
  if (!log)
    return std::move(log.error());
  auto& j = **log;
  if (j.has_checkpoint()) {
    if (auto err = j.check_settings(identity_settings(job_id, node_id)))
      return err;
  } else {
    // Checkpoint 0 of a node: no state yet (the coordinator's checkpoint 0
    // says where the readers start).
    checkpoint_record zero = checkpoint_zero({}, 0, {});
    if (auto err = j.create(identity_settings(job_id, node_id), {}, zero))
      return err;
  }
  if (auto err = j.database().exec(staged_table))
    return err;
  return std::unique_ptr<node_journal>{new node_journal(std::move(*log))};
}

caf::expected<std::pair<std::string, std::string>>
node_journal::identity(const std::string& dir) {
  std::pair<std::string, std::string> result;
  auto path = dir + "/" + journal::file_name;
  if (::access(path.c_str(), F_OK) != 0)
    return result;
  auto db = sqlite_db::open(path, "journal", sqlite_db::mode::must_exist);
  if (!db)
    return std::move(db.error());
  auto stmt = (*db)->prepare("SELECT name, value FROM setting WHERE name IN "
                             "('--job', '--node-id')");
  if (!stmt)
    return result; // no settings table: a new or foreign file, open() says
  if (auto err = stmt->each_row([&](sqlite_stmt& row) {
        auto value = std::string{row.column_text(1)};
        if (row.column_text(0) == "--job")
          result.first = std::move(value);
        else
          result.second = std::move(value);
      }))
    return err;
  return result;
}

caf::error node_journal::stage(const node_part& part) {
  std::vector<char> body;
  caf::binary_serializer sink{nullptr, body};
  if (auto err = sink(const_cast<node_part&>(part)))
    return make_error(ec::output_error, "cannot encode checkpoint "
                                            + std::to_string(part.id.value)
                                            + ": " + render(err));
  auto& db = log_->database();
  auto stmt = db.prepare("INSERT OR REPLACE INTO staged_part VALUES (?1, ?2)");
  if (!stmt)
    return std::move(stmt.error());
  stmt->bind(1, static_cast<int64_t>(part.id.value));
  stmt->bind_blob(2, body);
  if (auto err = stmt->run())
    return err;
  // The coordinator commits N on the word of every node that N is staged:
  // it must survive a power loss.
  if (auto err = db.sync_wal())
    return err;
  kill_point("node-staged");
  return caf::none;
}

caf::error node_journal::apply(checkpoint_id last) {
  auto& db = log_->database();
  std::vector<node_part> parts;
  auto stmt = db.prepare("SELECT checkpoint, body FROM staged_part WHERE "
                         "checkpoint <= ?1 ORDER BY checkpoint");
  if (!stmt)
    return std::move(stmt.error());
  stmt->bind(1, static_cast<int64_t>(last.value));
  caf::error bad;
  if (auto err = stmt->each_row([&](sqlite_stmt& row) {
        auto body = row.column_blob(1);
        caf::binary_deserializer source{nullptr, body};
        node_part part;
        if (auto err = source(part))
          bad = log_->damaged_error("staged checkpoint "
                                    + std::to_string(row.column_int(0))
                                    + " cannot be read: " + render(err));
        parts.push_back(std::move(part));
      }))
    return err;
  if (bad)
    return bad;
  // A crash between applying a part and dropping it leaves it staged:
  // applied already, it is only dropped.
  auto newest = log_->newest_checkpoint();
  if (!newest)
    return std::move(newest.error());
  for (auto& part : parts) {
    if (part.id <= *newest)
      continue;
    // Applied as a checkpoint of this journal: rows replaced, changed
    // counts upserted, emitted windows deleted (journal::write()).
    checkpoint_record record;
    record.id = part.id;
    record.readers = std::move(part.readers);
    record.shards = std::move(part.shards);
    if (auto err = log_->write(record))
      return err;
  }
  auto drop = db.prepare("DELETE FROM staged_part WHERE checkpoint <= ?1");
  if (!drop)
    return std::move(drop.error());
  drop->bind(1, static_cast<int64_t>(last.value));
  return drop->run();
}

caf::error node_journal::commit(checkpoint_id committed) {
  return apply(committed);
}

caf::expected<checkpoint_id> node_journal::recover(checkpoint_id committed) {
  if (auto err = apply(committed))
    return err;
  auto& db = log_->database();
  // Staged but never committed: the coordinator went on from an older one.
  auto drop = db.prepare("DELETE FROM staged_part WHERE checkpoint > ?1");
  if (!drop)
    return std::move(drop.error());
  drop->bind(1, static_cast<int64_t>(committed.value));
  if (auto err = drop->run())
    return err;
  return log_->newest_checkpoint();
}

} // namespace crashwatch
