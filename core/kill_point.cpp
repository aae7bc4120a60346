#include "core/kill_point.hpp"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

namespace crashwatch {

namespace {

struct kill_setting {
  std::string name;
  long hit = 1;
  bool active = false;
};

kill_setting read_setting() {
  kill_setting s;
  const char* env = std::getenv("CRASHWATCH_KILL_POINT");
  if (env == nullptr || *env == '\0')
    return s;
  s.name = env;
  if (auto colon = s.name.find(':'); colon != std::string::npos) {
    s.hit = std::strtol(s.name.c_str() + colon + 1, nullptr, 10);
    s.name.resize(colon);
  }
  s.active = s.hit >= 1;
  return s;
}

} // namespace

void kill_point(const char* name) {
  static const kill_setting setting = read_setting();
  static std::atomic<long> hits{0};
  if (!setting.active || setting.name != name)
    return;
  if (hits.fetch_add(1) + 1 == setting.hit)
    std::raise(SIGKILL);
}

} // namespace crashwatch
