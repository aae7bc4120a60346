#include "io/alert_delivery.hpp"

#include <ostream>

#include "core/error.hpp"
#include "io/alert_format.hpp"

namespace crashwatch {

namespace {

std::string describe(const delivery_failure& f) {
  return "alert not delivered to Kafka " + destination_of(f) + " key " + f.key
         + ": " + f.reason;
}

} // namespace

alert_delivery::alert_delivery(std::unique_ptr<kafka_producer> producer,
                               std::string topic, bool fail_on_loss,
                               std::ostream& warnings)
    : producer_(std::move(producer)), topic_(std::move(topic)),
      fail_on_loss_(fail_on_loss), warnings_(warnings) {}

caf::error alert_delivery::send(const std::vector<alert>& alerts) {
  for (auto& a : alerts) {
    message m;
    append_alert_jsonl(m.value, a);
    m.value.pop_back(); // the newline
    m.key = std::to_string(a.window_start.value) + ":" + a.user_id;
    // Behind a backlog, an alert waits its turn: the topic gets the alerts
    // of a partition in the order the sink wrote them.
    if (backlog_.empty() && producer_->try_produce(topic_, m.key, m.value))
      continue;
    if (backlog_.size() < max_backlog) {
      backlog_.push_back(std::move(m));
      continue;
    }
    ++dropped_;
    delivery_failure f;
    f.topic = topic_;
    f.key = std::move(m.key);
    f.reason = "librdkafka's queue is full (queue.buffering.max.messages) "
               "and so are the "
               + std::to_string(max_backlog) + " alerts waiting for it";
    if (auto err = lost(f))
      return err;
  }
  return service();
}

void alert_delivery::drain_backlog() {
  while (!backlog_.empty()) {
    auto& m = backlog_.front();
    if (!producer_->try_produce(topic_, m.key, m.value))
      return;
    backlog_.pop_front();
  }
}

caf::error alert_delivery::service() {
  producer_->poll(0);
  drain_backlog();
  auto failed = producer_->failed();
  if (failed == failed_seen_)
    return caf::none;
  auto details = producer_->take_failures();
  auto count = failed - failed_seen_;
  failed_seen_ = failed;
  for (uint64_t i = 0; i < count; ++i) {
    delivery_failure f;
    if (i < details.size()) {
      f = std::move(details[i]);
    } else {
      f.topic = topic_;
      f.reason = "(details not kept)";
    }
    if (auto err = lost(f))
      return err;
  }
  return caf::none;
}

caf::error alert_delivery::lost(const delivery_failure& f) {
  if (fail_on_loss_)
    return make_error(ec::output_error, describe(f));
  ++undelivered_;
  if (undelivered_ <= max_warning_lines)
    warnings_ << "crashwatch: " << describe(f)
              << " (--on-data-loss warn: counted, continuing)\n";
  if (undelivered_ == max_warning_lines)
    warnings_ << "crashwatch: further alerts not delivered to topic " << topic_
              << " are only counted (run summary, "
                 "crashwatch_alerts_undelivered_total)\n";
  warnings_.flush();
  return caf::none;
}

bool alert_delivery::busy() const {
  return !backlog_.empty() || producer_->in_flight() > 0;
}

uint64_t alert_delivery::mark() const {
  // The backlog's alerts get the next sequence numbers, in order.
  return producer_->produced() + backlog_.size();
}

bool alert_delivery::settled(uint64_t m) const {
  return producer_->confirmed_through() >= m;
}

uint64_t alert_delivery::in_flight() const {
  return producer_->in_flight() + backlog_.size();
}

void alert_delivery::give_up() {
  service(); // the latest outcomes first; the policy no longer matters
  auto n = in_flight();
  if (n == 0)
    return;
  undelivered_ += n;
  warnings_ << "crashwatch: " << n << " alerts to Kafka topic " << topic_
            << " still unconfirmed when the run stopped: they may or may not "
               "have reached it\n";
  warnings_.flush();
  abandon();
}

void alert_delivery::abandon() {
  backlog_.clear();
  producer_->purge();
}

} // namespace crashwatch
