#ifndef SECRETSTAGE_TESTS_SNAPSHOT_CHECK_HPP
#define SECRETSTAGE_TESTS_SNAPSHOT_CHECK_HPP

// The snapshot round trip of a store, checked as strictly as the tests can: decode(encode(st))
// == st; encoding the decoded store gives the same bytes; the decoded store passes
// check_store_invariants; every observable agrees (ListSecrets, and for each secret
// DescribeSecret, ListSecretVersionIds with deprecated versions, GetSecretValue of every
// version); and the state that no response shows agrees too, through what later transitions do
// with it: a PutSecretValue on every secret (the next place in the creation order) and a
// CreateSecret of a new name (the creation count, which draws the ARN) give equal stores. Each
// secret also round-trips alone (decode_secret). Used after every step of the stateful store
// property test and by tests/property/snapshot_test.cpp.

#include <string>
#include <string_view>

#include <secretstage/invariants.hpp>
#include <secretstage/snapshot.hpp>
#include <secretstage/store_operation.hpp>

namespace snapshot_check {

namespace detail {
namespace ss = secretstage;

template <class Request>
bool same_outcome(const ss::store& a, const ss::store& b, const Request& r,
                  const ss::context& ctx) {
  const auto x = ss::apply(a, r, ctx);
  const auto y = ss::apply(b, r, ctx);
  if (x.has_value() != y.has_value()) return false;
  if (!x) return x.error() == y.error();
  return x.value().response == y.value().response && x.value().state == y.value().state;
}

inline ss::context later_context() {
  ss::context ctx;
  ctx.now = ss::timestamp{1900000000000};
  ctx.entropy = 99;
  ctx.generated_token = "ffffffff-ffff-4fff-8fff-ffffffffffff";
  return ctx;
}
}  // namespace detail

/// Empty when `st` survives its snapshot; else what went wrong. `observables` false skips the
/// requests, which cost a store comparison per version: for the steps of a long sequence, where
/// equality and the bytes are checked all the same.
inline std::string round_trip_defect(const secretstage::store& st, bool observables = true) {
  namespace ss = secretstage;
  using detail::same_outcome;
  const std::string bytes = ss::snapshot::encode(st);
  const auto decoded = ss::snapshot::decode_store(bytes);
  if (!decoded) return "decode_store failed: " + decoded.error().message;
  const ss::store& back = decoded.value();
  if (!(back == st)) return "decode(encode(store)) != store";
  if (ss::snapshot::encode(back) != bytes) return "encoding the decoded store gives other bytes";
  if (const auto v = ss::check_store_invariants(back); !v.empty())
    return "decoded store: " + v.front();
  if (!observables) return {};

  const ss::context ctx = detail::later_context();
  if (!same_outcome(st, back, ss::list_secrets{.include_planned_deletion = true}, ctx))
    return "ListSecrets differs";
  for (const auto* s : st.secrets()) {
    const std::string id = s->arn().str();
    const std::string name = s->name().str();
    if (!same_outcome(st, back, ss::describe_secret{.secret_id = id}, ctx))
      return name + ": DescribeSecret differs";
    if (!same_outcome(st, back,
                      ss::list_secret_version_ids{.secret_id = id, .include_deprecated = true},
                      ctx))
      return name + ": ListSecretVersionIds differs";
    for (const auto* v : s->versions())
      if (!same_outcome(st, back, ss::get_secret_value{.secret_id = id, .version_id = v->id()},
                        ctx))
        return name + ": GetSecretValue of " + v->id() + " differs";
    if (!same_outcome(st, back,
                      ss::put_secret_value{.secret_id = id, .secret_string = std::string("later")},
                      ctx))
      return name + ": a later PutSecretValue differs (the next place in the creation order?)";

    const std::string one = ss::snapshot::encode(*s);
    const auto alone = ss::snapshot::decode_secret(one);
    if (!alone) return name + ": decode_secret failed: " + alone.error().message;
    if (!(alone.value() == *s)) return name + ": decode_secret(encode(secret)) != secret";
    if (ss::snapshot::encode(alone.value()) != one)
      return name + ": re-encoding the secret gives other bytes";
  }
  if (!same_outcome(
          st, back,
          ss::create_secret{.name = "snapshot-check-new", .secret_string = std::string("x")}, ctx))
    return "a later CreateSecret differs (the creation count?)";
  return {};
}

}  // namespace snapshot_check

#endif  // SECRETSTAGE_TESTS_SNAPSHOT_CHECK_HPP
