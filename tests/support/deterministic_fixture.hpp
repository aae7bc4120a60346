// The fixture of the actor tests (tests/actors/, run by CAF's unit-test
// engine): an actor system with crashwatch's settings (every message type
// registered, as configure_actor_system() does for a real run) on CAF's
// deterministic test coordinator, after Tenzir/VAST's
// fixtures::deterministic_actor_system. Nothing runs until a test says so:
// `sched.run()` delivers every queued message (and no delayed one),
// `expect((T...), from(a).to(b))` exactly the next message of b and checks
// it, `allow(...)` the next one if it matches, `advance_time(d)` moves the
// simulated clock that delayed messages wait on; no real time passes.
// Actors must be spawned without caf::detached (the test coordinator cannot
// run a thread of their own).
#pragma once

// Short names for CAF's test macros, as VAST's vast/test/test.hpp has them;
// defined before caf/test/dsl.hpp, whose request() helper uses FAIL.
#define MESSAGE CAF_MESSAGE
#define CHECK CAF_CHECK
#define CHECK_EQUAL CAF_CHECK_EQUAL
#define CHECK_NOT_EQUAL CAF_CHECK_NOT_EQUAL
#define CHECK_GREATER CAF_CHECK_GREATER
#define CHECK_GREATER_OR_EQUAL CAF_CHECK_GREATER_OR_EQUAL
#define CHECK_LESS CAF_CHECK_LESS
#define REQUIRE CAF_REQUIRE
#define REQUIRE_EQUAL CAF_REQUIRE_EQUAL
#define REQUIRE_GREATER CAF_REQUIRE_GREATER
#define FAIL CAF_FAIL
#define TEST CAF_TEST
#define TEST_DISABLED CAF_TEST_DISABLED
#define FIXTURE_SCOPE CAF_TEST_FIXTURE_SCOPE
#define FIXTURE_SCOPE_END CAF_TEST_FIXTURE_SCOPE_END

#include <tuple>
#include <typeinfo>

#include <caf/actor_system_config.hpp>
#include <caf/test/dsl.hpp>

#include "messages/actor_system_config.hpp"
#include "messages/type_ids.hpp"

namespace crashwatch::test {

/// crashwatch's actor-system settings; test_coordinator_fixture then sets
/// scheduler.policy to `testing`.
struct test_config : caf::actor_system_config {
  test_config() { configure_actor_system(*this); }
};

/// The deterministic actor system of one test.
struct deterministic_actor_system : test_coordinator_fixture<test_config> {
  /// Takes the next message out of the mailbox of the test's own actor
  /// `self` (a scoped actor: it never runs on the scheduler, its messages
  /// wait until taken) and returns its element as `T`, or its elements as
  /// `std::tuple<T, Ts...>`. Fails the test when the mailbox is empty or
  /// holds something else first.
  template <class T, class... Ts>
  auto receive_from_self() {
    auto* next = self->peek_at_next_mailbox_element();
    if (next == nullptr)
      FAIL("expected a message of " << typeid(T).name()
                                    << " for the test actor, found none");
    auto& content = next->content();
    if (!content.template match_elements<T, Ts...>())
      FAIL("expected a message of " << typeid(T).name()
                                    << " for the test actor, found "
                                    << caf::to_string(content));
    if constexpr (sizeof...(Ts) == 0) {
      auto result = content.template get_as<T>(0);
      self->dequeue();
      return result;
    } else {
      // Copies: get_as_tuple() refers into the message taken out below.
      std::tuple<T, Ts...> result = content.template get_as_tuple<T, Ts...>();
      self->dequeue();
      return result;
    }
  }

  /// True when no message waits for the test's own actor.
  bool self_mailbox_empty() {
    return self->peek_at_next_mailbox_element() == nullptr;
  }

  /// The state of a stateful typed actor spawned by the test (a fake peer);
  /// safe to read and change between steps: the test coordinator runs
  /// every actor on the test's own thread.
  template <class State, class Handle>
  State& state_of(const Handle& handle) {
    return deref<typename Handle::template stateful_base<State>>(handle).state;
  }

  /// True when `handle` has a message waiting to be handled.
  template <class Handle>
  bool has_mail(const Handle& handle) {
    return deref<caf::abstract_actor>(handle).peek_at_next_mailbox_element()
           != nullptr;
  }
};

} // namespace crashwatch::test
