#ifndef SECRETSTAGE_TESTS_WIRE_SUPPORT_HPP
#define SECRETSTAGE_TESTS_WIRE_SUPPORT_HPP

// Helpers of the wire tests, and the texts they expect, typed from the evidence (messages.hpp
// cites it; docs/semantics.md), never taken from the library.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <doctest/doctest.h>

#include <secretstage/aws_json.hpp>

#include "support/given.hpp"

namespace secretstage::testing::wire {

namespace aj = ::secretstage::aws_json;

inline std::string error_body_of(const error& e) { return aj::error_body(e); }

/// The request `body` of `operation` parsed; REQUIREs success and the expected alternative.
template <class Request>
Request parsed(std::string_view operation, std::string_view body) {
  auto op = aj::parse_request(operation, body);
  REQUIRE_MESSAGE(op.has_value(), (op.has_value() ? std::string() : error_body_of(op.error())));
  const auto* r = std::get_if<Request>(&op.value());
  REQUIRE(r != nullptr);
  return *r;
}

/// The error parse_request gives for `body`; REQUIREs a failure.
inline error parse_error(std::string_view operation, std::string_view body) {
  auto op = aj::parse_request(operation, body);
  REQUIRE_FALSE(op.has_value());
  return op.error();
}

/// Milliseconds of the API reference's example date, 1.523477145713E9.
inline constexpr std::int64_t example_ms = 1'523'477'145'713;

inline context at_ms(std::int64_t ms) {
  context c;
  c.now = timestamp{ms};
  return c;
}

// ---- expected texts ----------------------------------------------------------------------------

inline std::string one_violation(std::string_view v) {
  return "1 validation error detected: " + std::string(v);
}
inline std::string null_at(std::string_view member) {
  return "Value null at '" + std::string(member) +
         "' failed to satisfy constraint: Member must not be null";
}
inline std::string enum_at(std::string_view member, std::string_view value, std::string_view set) {
  return "Value '" + std::string(value) + "' at '" + std::string(member) +
         "' failed to satisfy constraint: Member must satisfy enum value set: [" +
         std::string(set) + "]";
}
inline const std::string filter_keys =
    "description, name, tag-key, tag-value, primary-region, owning-service, all";

}  // namespace secretstage::testing::wire

#endif  // SECRETSTAGE_TESTS_WIRE_SUPPORT_HPP
