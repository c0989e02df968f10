// Regression 0006: the purge of a secret scheduled for deletion, at exactly its DeletedDate.
//
// Expected (docs/semantics.md#background-transitions: purge of secrets whose
// deletion date has passed; background.hpp rules "DeletedDate ≤ now"): one millisecond before the
// end of the recovery window the secret stays (and RestoreSecret still brings it back); at the
// end of the window (now == DeletedDate) purge_deleted_secrets removes it, and the name can be
// used again, with another ARN (I19).
//
// Shrunk counterexample of tests/property/stateful_store_test.cpp ("store sequences over every
// operation, …") against a deliberately broken copy of background.hpp whose purge tested
// `DeletedDate >= now` (the boundary off by one): Falsifiable after 199 tests and 7 shrinks,
//   CreateSecret{Name=db, ClientRequestToken=a1111111-…, Description=""}  [raw request]
//   DeleteSecret{SecretId=arn:aws:secretsmanager:us-east-1:123456789012:secret:db,
//   RecoveryWindowInDays=7} AdvanceClock{604800000 ms ≈ 7 d} RunBackgroundTransitions{collect,
//   purge} → "background transitions differ from the model: secrets: model {}, library {db }"
// RC_PARAMS="reproduce=BU1c09mclByclFXdl52YlNHIvZXZyBSZ2Vmc5BybwVmchRXav5GLgI3b0FGdp9mbgMHdlB3csACdp1WZgEmbkBiYhN2anJ3b15GZgQnch52cpRXav52cOF5cKrkVGF4+VJN_DtKiJkCjOUFykwRbgCUQR9r8qeGQAcQYAAAAHI8BlKwNUsgCKA"
// (reproduces with that revision of the test only). The library itself passes: this file pins the
// boundary.

#include "support/regression.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace regression_0006_purge_at_deletion_date {

using namespace regression;

namespace {

ss::context at(std::int64_t now_ms) {
  ss::context c;  // the property's context: us-east-1, 123456789012, entropy 7, raw request
  c.now = ss::timestamp{now_ms};
  c.entropy = 7;
  return c;
}

ss::store background(const ss::store& st, std::int64_t now_ms) {
  const ss::timestamp now{now_ms};
  return ss::purge_deleted_secrets(ss::collect_deprecated_versions(st, now).state, now).state;
}

}  // namespace

TEST_CASE("regression 0006: a scheduled secret is purged at exactly its DeletedDate, not before") {
  const std::int64_t t0 = 1700000000000;
  const std::int64_t week = 7 * ss::timestamp::ms_per_day;

  ss::create_secret create;
  create.name = "db";
  create.client_request_token = token_a;
  create.description = "";
  auto made = ss::apply(ss::store{}, create, at(t0));
  REQUIRE(made.has_value());
  const ss::store created = made.value().state;
  const std::string first_arn = created.find("db")->arn().str();

  ss::delete_secret del;
  del.secret_id = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db";  // the partial ARN
  del.recovery_window_in_days = 7;
  auto deleted = ss::apply(created, del, at(t0));
  REQUIRE(deleted.has_value());
  CHECK(deleted.value().response.deletion_date.epoch_ms == t0 + week);
  const ss::store scheduled = deleted.value().state;

  // One millisecond before the end of the window: still there, still restorable.
  const ss::store before_end = background(scheduled, t0 + week - 1);
  REQUIRE(before_end.find("db") != nullptr);
  CHECK(before_end == scheduled);
  ss::restore_secret restore;
  restore.secret_id = "db";
  CHECK(ss::apply(before_end, restore, at(t0 + week - 1)).has_value());

  // At the end of the window: purged.
  const ss::store at_end = background(scheduled, t0 + week);
  CHECK(at_end.find("db") == nullptr);
  CHECK(at_end.empty());
  check_error(ss::apply(at_end, restore, at(t0 + week)), "ResourceNotFoundException",
              "Secrets Manager can't find the specified secret.");

  // The name is free again, and the new secret gets another ARN.
  auto again = ss::apply(at_end, create, at(t0 + week));
  REQUIRE(again.has_value());
  CHECK(again.value().state.find("db")->arn().str() != first_arn);
  CHECK(ss::check_store_invariants(again.value().state).empty());
}

}  // namespace regression_0006_purge_at_deletion_date
