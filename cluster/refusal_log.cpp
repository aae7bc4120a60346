#include "cluster/refusal_log.hpp"

#include <cstdio>

namespace crashwatch {

refusal_log::refusal_log(std::string prefix, sink out, size_t max_named)
    : prefix_(std::move(prefix)), out_(std::move(out)), max_named_(max_named) {
  if (!out_)
    out_ = [](const std::string& line) {
      // One write per line: lines of several threads never interleave.
      std::fwrite(line.data(), 1, line.size(), stderr);
    };
}

void refusal_log::refuse(const std::string& peer, const std::string& kind,
                         const std::string& why) {
  std::string line;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    ++refused_;
    auto key = std::make_pair(host_of_peer(peer), kind);
    if (named_.count(key) > 0)
      return;
    if (named_.size() >= max_named_) {
      if (capped_)
        return;
      capped_ = true;
      line = prefix_ + "refused connections from "
             + std::to_string(named_.size())
             + " peers and kinds; further refusals are counted, not named\n";
    } else {
      named_.insert(std::move(key));
      line = prefix_ + "refused the cluster connection "
             + (peer.empty() ? std::string{"of a peer"} : "with " + peer) + ": "
             + why + " (further such refusals from this host are not logged)\n";
    }
  }
  out_(line);
}

uint64_t refusal_log::refused() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return refused_;
}

std::string host_of_peer(const std::string& peer) {
  if (!peer.empty() && peer.front() == '[') {
    auto close = peer.find(']');
    return close == std::string::npos ? peer : peer.substr(1, close - 1);
  }
  auto colon = peer.rfind(':');
  return colon == std::string::npos ? peer : peer.substr(0, colon);
}

} // namespace crashwatch
