#ifndef SECRETSTAGE_TESTS_GIVEN_HPP
#define SECRETSTAGE_TESTS_GIVEN_HPP

// Unit-test helpers: run a transition and REQUIRE it succeeded, left its input untouched and kept
// every invariant (`step`, `create`, `given`); run one that must fail (`fail`); read a state back
// as plain maps that tests compare with the traces of docs/semantics.md#traces.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/secret_builder.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/operation.hpp>
#include <secretstage/secretstage.hpp>

#include "tiny_traits.hpp"

namespace secretstage::testing {

/// A UUID-shaped (36-character) version id / ClientRequestToken, distinct for each n.
inline std::string vid(int n) {
  const std::string digits = std::to_string(n);
  return "00000000-0000-4000-8000-" + std::string(12 - digits.size(), '0') + digits;
}

template <class Traits = aws_traits>
basic_context<Traits> at(std::int64_t seconds) {
  basic_context<Traits> c;
  c.now = timestamp::from_seconds(seconds);
  return c;
}

/// The i-th custom label and version id of a domain, so one test body serves every traits type.
template <class Traits>
struct domain;
template <>
struct domain<aws_traits> {
  static std::string label(int i) { return "L" + std::to_string(i); }
  static std::string id(int i) { return vid(i); }
};
template <>
struct domain<tiny_traits> {
  static char label(int i) { return static_cast<char>('a' + i); }
  static int id(int i) { return i; }
};

template <class Traits>
using labels_t = std::set<typename Traits::label_type>;
/// Every version of a secret, deprecated ones included (with no label), and its labels.
template <class Traits>
using version_map = std::map<typename Traits::version_id_type, labels_t<Traits>>;
using aws_map = version_map<aws_traits>;

/// Built from `versions()` and `stages()` only (not `labels_of`), so other queries can be
/// cross-checked against it.
template <class Traits>
version_map<Traits> version_labels(const basic_secret<Traits>& s) {
  version_map<Traits> out;
  for (const auto* v : s.versions()) out[v->id()];
  for (const auto& [label, id] : s.stages()) out[id].insert(label);
  return out;
}

template <class Traits>
std::vector<typename Traits::version_id_type> deprecated_ids(const basic_secret<Traits>& s) {
  std::vector<typename Traits::version_id_type> out;
  for (const auto& [id, labels] : version_labels(s))
    if (labels.empty()) out.push_back(id);
  return out;
}

template <class Traits>
labels_t<Traits> as_set(const label_set_for<Traits>& l) {
  return labels_t<Traits>(l.begin(), l.end());
}

/// A deep copy of everything observable in a state: used to prove a transition left its input
/// exactly as it was (the copy shares nothing with the state).
template <class Traits>
struct snapshot {
  struct version_row {
    typename Traits::version_id_type id;
    bool has_value;
    std::variant<std::string, binary> value;
    std::int64_t created_ms;
    std::uint64_t sequence;
    friend bool operator==(const version_row&, const version_row&) = default;
  };
  std::string name, arn, description;
  std::optional<std::string> kms_key_id;
  std::optional<timestamp> last_changed, deleted;
  std::vector<version_row> versions;
  std::vector<std::pair<typename Traits::label_type, typename Traits::version_id_type>> stages;
  std::optional<std::string> resource_policy;
  friend bool operator==(const snapshot&, const snapshot&) = default;
};

template <class Traits>
snapshot<Traits> snapshot_of(const basic_secret<Traits>& s) {
  snapshot<Traits> out{s.name().str(), s.arn().str(), s.description(), s.kms_key_id(),
                       s.last_changed_date(), s.deleted_date(), {}, s.stages(),
                       s.resource_policy()};
  for (const auto* v : s.versions()) {
    typename snapshot<Traits>::version_row row{v->id(), v->value() != nullptr, std::string(),
                                               v->created_date().epoch_ms, v->sequence()};
    if (v->value() != nullptr) {
      if (v->value()->string() != nullptr) row.value = *v->value()->string();
      else row.value = *v->value()->bytes();
    }
    out.versions.push_back(std::move(row));
  }
  return out;
}

inline std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (auto n : names) out.append(out.empty() ? "" : "; ").append(n);
  return out;
}

/// The names of the violated invariants of `s`, joined (empty when all hold).
template <class Traits>
std::string violations(const basic_secret<Traits>& s) {
  return join(check_invariants(s));
}
template <class Traits>
std::string violations(const basic_secret<Traits>& before, const basic_secret<Traits>& after) {
  return join(check_transition_invariants(before, after));
}

/// Runs a transition that must succeed; checks its input is unchanged and every invariant holds.
template <class Traits, class Request>
auto step(const basic_secret<Traits>& s, const Request& r,
          const basic_context<Traits>& ctx = basic_context<Traits>{}) {
  const auto before = snapshot_of(s);
  auto res = apply(s, r, ctx);
  REQUIRE_MESSAGE(res.has_value(), (res.has_value() ? std::string() : res.error().message));
  CHECK(snapshot_of(s) == before);
  const auto& next = res.value().state;
  CHECK(violations(next) == "");
  CHECK(violations(s, next) == "");
  return std::move(res).value();
}

/// Runs a CreateSecret that must succeed; checks the new state's invariants.
template <class Traits>
auto create(const basic_create_secret<Traits>& r,
            const basic_context<Traits>& ctx = basic_context<Traits>{}) {
  auto res = apply(r, ctx);
  REQUIRE_MESSAGE(res.has_value(), (res.has_value() ? std::string() : res.error().message));
  CHECK(violations(res.value().state) == "");
  return std::move(res).value();
}

/// Runs a transition that must fail; checks its input is unchanged and returns the error.
template <class Traits, class Request>
error fail(const basic_secret<Traits>& s, const Request& r,
           const basic_context<Traits>& ctx = basic_context<Traits>{}) {
  const auto before = snapshot_of(s);
  auto res = apply(s, r, ctx);
  REQUIRE_FALSE(res.has_value());
  CHECK(snapshot_of(s) == before);
  return res.error();
}

/// Runs a store transition that must succeed; checks the input store is unchanged and the store
/// invariants hold before and across the step.
template <class Traits, class Request>
auto step(const basic_store<Traits>& st, const Request& r, const basic_context<Traits>& ctx) {
  const basic_store<Traits> before = st;
  auto res = apply(st, r, ctx);
  REQUIRE_MESSAGE(res.has_value(), (res.has_value() ? std::string() : res.error().message));
  CHECK(st == before);
  CHECK(check_store_invariants(res.value().state).empty());
  CHECK(check_store_transition_invariants(st, res.value().state).empty());
  return std::move(res).value();
}

/// Runs a store transition that must fail; checks the store is unchanged and returns the error.
template <class Traits, class Request>
error fail(const basic_store<Traits>& st, const Request& r, const basic_context<Traits>& ctx) {
  const basic_store<Traits> before = st;
  auto res = apply(st, r, ctx);
  REQUIRE_FALSE(res.has_value());
  CHECK(st == before);
  return res.error();
}

/// A state with a value-less version `id` carrying AWSPENDING, as RotateSecret leaves it (there is
/// no RotateSecret transition yet, so the test builds the state the way a transition would).
inline secret with_rotation_placeholder(const secret& s, const std::string& id, timestamp created) {
  detail::secret_builder<aws_traits> b(s);
  const auto* v = b.put_version(detail::make_ref<const version>(id, nullptr, created, b.take_sequence()));
  b.attach(aws_traits::pending(), v);
  auto next = std::move(b).finish();
  REQUIRE(next.has_value());
  CHECK(violations(next.value()) == "");
  return std::move(next).value();
}

/// Runs a CreateSecret that must fail and returns the error.
template <class Traits>
error fail(const basic_create_secret<Traits>& r,
           const basic_context<Traits>& ctx = basic_context<Traits>{}) {
  auto res = apply(r, ctx);
  REQUIRE_FALSE(res.has_value());
  return res.error();
}

/// The state after CreateSecret and then each operation in turn (each step at a later second),
/// every step REQUIREd to succeed with its invariants.
template <class Traits, class... Ops>
basic_secret<Traits> given(const basic_create_secret<Traits>& c, const Ops&... ops) {
  std::int64_t t = 1'700'000'000;
  basic_secret<Traits> s = create(c, at<Traits>(t)).state;
  ((s = step(s, ops, at<Traits>(++t)).state), ...);
  return s;
}

}  // namespace secretstage::testing

/// Checks an error's AWS exception name and exact message.
#define CHECK_AWS_ERROR(err, errc_value, text)                                    \
  do {                                                                            \
    const ::secretstage::error& e_ = (err);                                       \
    CHECK(std::string(e_.name()) ==                                               \
          std::string(::secretstage::exception_name(errc_value)));                \
    CHECK(e_.message == std::string(text));                                       \
  } while (false)

/// Checks an error's AWS exception name, given as text, and exact message.
#define CHECK_ERROR(err, code, text)                    \
  do {                                                  \
    const ::secretstage::error e_ = (err);              \
    CHECK(std::string(e_.name()) == std::string(code)); \
    CHECK(e_.message == (text));                        \
  } while (false)

#endif  // SECRETSTAGE_TESTS_GIVEN_HPP
