// main() of the actor_tests binary: CAF's unit-test engine, which runs the
// suites of tests/actors/*_test.cpp (`actor_tests -s '^suite$'` runs one,
// `actor_tests -a` lists them, `actor_tests -h` shows every option).
#include <caf/test/unit_test_impl.hpp>
