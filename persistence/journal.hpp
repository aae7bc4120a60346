// The checkpoint journal of a data dir (`--data-dir DIR`): DIR/journal.db, a
// SQLite database in WAL mode, and DIR/LOCK, which keeps a second process
// off the same dir. The format (tables, columns, meaning) is written at the
// top of journal.cpp, the file that writes it; docs/DURABILITY.md explains
// the design.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "core/types.hpp"
#include "core/window_entry.hpp"
#include "messages/checkpoint.hpp"
#include "persistence/sqlite_db.hpp"

namespace crashwatch {

/// The settings that make a run what it is, as (option, value) pairs in a
/// fixed order, e.g. {"--window", "10s"}. A journal refuses a run whose
/// settings differ: its state would be mixed with other results.
using job_settings = std::vector<std::pair<std::string, std::string>>;

/// One input partition, as fixed at the first start of a data dir.
struct journal_partition {
  partition_id partition;
  /// What is read: "file /abs/path" or "kafka logs/2".
  std::string source;
  /// `--exit-at-end`: the end offset seen at the first start that used it
  /// (a restart reads exactly the same records); -1 when not fixed.
  int64_t end_offset = -1;
};

/// A complete checkpoint: the parts of every reader, shard and the sink.
struct checkpoint_record {
  checkpoint_id id;
  /// Wall clock (ms since the epoch) when it was started.
  int64_t started_at_ms = 0;
  /// The input had ended and every output was written: the run is complete.
  bool finished = false;
  std::vector<reader_snapshot> readers;
  std::vector<shard_snapshot> shards;
  sink_snapshot sink;
};

/// Checkpoint 0 of a new data dir, the state before the first record:
/// `readers` at their sources' start, `shards` shards with no counts, the
/// sink with nothing released or pending and its outputs at `outputs`.
checkpoint_record checkpoint_zero(std::vector<reader_snapshot> readers,
                                  uint32_t shards,
                                  std::vector<output_position> outputs);

/// The newest complete checkpoint of a journal, without the shards' window
/// counts (journal::load_shard() reads those, shard by shard).
struct restored_checkpoint {
  checkpoint_id id;
  bool finished = false;
  int64_t completed_at_ms = 0;
  /// One per partition, by partition id.
  std::vector<reader_snapshot> readers;
  /// Per shard: its emitted-through mark.
  std::vector<event_time> shard_emitted;
  sink_snapshot sink;
};

/// The journal of one data dir; one process at a time.
class journal {
 public:
  /// File names inside the data dir.
  static constexpr const char* file_name = "journal.db";
  static constexpr const char* lock_name = "LOCK";
  /// Where create() writes a new journal before renaming it to file_name.
  static constexpr const char* new_file_name = "journal.db.new";

  /// Opens (creating DIR if missing) and locks the data dir. Without
  /// DIR/journal.db the dir is new: has_checkpoint() is false, and the file
  /// appears only with create(); a DIR/journal.db.new left by a creation
  /// that never finished is removed. An existing DIR/journal.db must be a
  /// complete crashwatch journal (its tables, its job's settings and a
  /// checkpoint): anything else is refused, naming the file (an empty or
  /// half-written file is damage, never a new start), as are a dir in use
  /// by another process and a newer format. `window_ms` is `--window` (to
  /// drop emitted windows).
  static caf::expected<std::unique_ptr<journal>> open(const std::string& dir,
                                                      int64_t window_ms);

  ~journal();
  journal(const journal&) = delete;
  journal& operator=(const journal&) = delete;

  /// False for a new data dir (no checkpoint was ever completed).
  bool has_checkpoint() const { return has_checkpoint_; }

  /// Compares `settings` with the journal's: a config_error naming the
  /// first option that differs, e.g. "... was written with --window 10s;
  /// this run has --window 5s ...".
  caf::error check_settings(const job_settings& settings) const;

  /// The value of setting `name` as stored ("" when there is none).
  caf::expected<std::string> stored_setting(const std::string& name) const;

  /// The partitions fixed at the first start.
  caf::expected<std::vector<journal_partition>> partitions();

  /// The newest complete checkpoint.
  caf::expected<restored_checkpoint> load();

  /// The id of the newest complete checkpoint.
  caf::expected<checkpoint_id> newest_checkpoint();

  /// Its readers' rows, by partition.
  caf::expected<std::vector<reader_snapshot>> load_readers();

  /// Its shards' emitted marks, by shard (a node journal holds only the
  /// shards of its node).
  caf::expected<std::vector<std::pair<shard_id, event_time>>>
  load_shard_marks();

  /// Appends shard `shard`'s open window counts to `counts`.
  caf::error load_shard(shard_id shard, std::vector<window_entry>& counts);

  /// First start (has_checkpoint() false): writes settings, partitions and
  /// checkpoint 0 into DIR/journal.db.new, syncs it, renames it to
  /// DIR/journal.db and syncs the dir, so that journal.db is either absent
  /// or complete. A failure (a full disk) names journal.db and SQLite's
  /// reason, and leaves no journal.db behind.
  caf::error create(const job_settings& settings,
                    const std::vector<journal_partition>& partitions,
                    const checkpoint_record& zero);

  /// Fixes the end offsets of partitions that had none (a later start with
  /// `--exit-at-end`).
  caf::error set_end_offsets(const std::vector<journal_partition>& partitions);

  /// Writes a complete checkpoint in one transaction: either all of it is
  /// the newest checkpoint afterwards, or (crash, error) none of it.
  caf::error write(const checkpoint_record& record);

  /// The error for a journal that cannot be used: "journal PATH is damaged
  /// (`why`); move the data dir away ...".
  caf::error damaged_error(const std::string& why) const;

  /// DIR/journal.db.
  const std::string& path() const { return path_; }

  /// The database, for the node journal's own table
  /// (persistence/node_journal.hpp); only once has_checkpoint().
  sqlite_db& database() { return *db_; }

 private:
  journal(std::string dir, std::unique_ptr<sqlite_db> db, int lock_fd,
          int64_t window_ms);

  /// Opens DIR/journal.db for use and checks that it is complete.
  caf::error attach();
  /// create()'s first step: the complete journal in `file`, closed.
  caf::error write_new(const std::string& file, const job_settings& settings,
                       const std::vector<journal_partition>& partitions,
                       const checkpoint_record& zero);
  caf::error prepare_statements();
  caf::error give_back_space();
  caf::expected<restored_checkpoint> load_rows();
  caf::error write_rows(const checkpoint_record& record);

  std::string dir_;
  std::string path_;
  /// Null until journal.db exists (a new data dir before create()).
  std::unique_ptr<sqlite_db> db_;
  int lock_fd_;
  int64_t window_ms_;
  bool has_checkpoint_ = false;
  /// Reused for every checkpoint.
  struct statements;
  std::unique_ptr<statements> stmts_;
};

} // namespace crashwatch
