// Making a file's *name* survive a power loss. fsync()/fdatasync() on a file
// make its contents durable, not the directory entry that names it: a file
// created (or a directory made) since its parent directory was last synced
// may be gone after a power loss or kernel crash, contents and all (POSIX
// promises nothing more; ext4 and xfs keep that freedom in some modes). So
// whoever creates a file that a checkpoint relies on syncs its directory
// once, as SQLite does for its journals and RocksDB for new SST files.
// A process crash (kill -9) needs none of this: the kernel has the entry.
#pragma once

#include <string>

#include <caf/error.hpp>

namespace crashwatch {

/// The directory that holds `path`: "a/b/c" -> "a/b", "c" -> ".",
/// "/c" -> "/"; trailing slashes are ignored ("a/b/" -> "a").
std::string parent_directory(const std::string& path);

/// fsync()s directory `dir`, so that the names in it are on disk; an error
/// names the directory and the system's reason.
caf::error sync_directory(const std::string& dir);

} // namespace crashwatch
