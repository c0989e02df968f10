// store_operation.hpp: apply_in_place, the store a service moves on from request to request. It
// must give exactly the store and response `apply` gives (the property test checks that over
// random sequences); here: that it does change the store's own nodes in place, that it never
// changes a copy taken earlier, and that a failure leaves the store as it was.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/secretstage.hpp>

#include "support/given.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace apply_in_place_test {

namespace ss = secretstage;
using ss::testing::vid;

namespace {

const ss::context ctx = ss::testing::at(1'700'000'000);

// 50 secrets ("s0" … "s49"), each with v(2i) [AWSPREVIOUS] and v(2i+1) [AWSCURRENT]. Each pure
// step drops the store before it, so the result holds every node alone.
ss::store build() {
  ss::store st;
  for (int i = 0; i < 50; ++i) {
    const std::string name = "s" + std::to_string(i);
    st = ss::apply(st, ss::create_secret{.name = name, .client_request_token = vid(2 * i), .secret_string = "a"}, ctx)
             .value()
             .state;
    st = ss::apply(st, ss::put_secret_value{.secret_id = name, .client_request_token = vid(2 * i + 1),
                                            .secret_string = "b"},
                   ctx)
             .value()
             .state;
  }
  return st;
}

ss::update_secret_version_stage current_back(int i) {
  return {.secret_id = "s" + std::to_string(i), .version_stage = "AWSCURRENT",
          .remove_from_version_id = vid(2 * i + 1), .move_to_version_id = vid(2 * i)};
}

}  // namespace

TEST_CASE("apply_in_place gives apply's store and response, writing into the store's own nodes") {
  ss::store st = build();
  const ss::store independent = build();
  const ss::secret* slot = st.find("s7");
  const ss::secret* other = st.find("s8");

  auto r = ss::apply_in_place(st, current_back(7), ctx);
  REQUIRE(r.has_value());
  const auto pure = ss::apply(independent, current_back(7), ctx);
  REQUIRE(pure.has_value());
  CHECK(r.value() == pure.value().response);
  CHECK(st == pure.value().state);
  CHECK(st.find("s7")->version_of("AWSCURRENT") == vid(14));
  CHECK(st.find("s7")->version_of("AWSPREVIOUS") == vid(15));
  // The secret was replaced where it was in the trie: no node on its path was copied.
  CHECK(st.find("s7") == slot);
  CHECK(st.find("s8") == other);
  CHECK(ss::check_store_invariants(st).empty());
}

TEST_CASE("apply_in_place never changes a copy of the store taken earlier") {
  ss::store st = build();
  const ss::store snapshot = st;  // shares every node with st
  const ss::secret* slot = st.find("s7");

  REQUIRE(ss::apply_in_place(st, current_back(7), ctx).has_value());
  CHECK(snapshot == build());
  CHECK(snapshot.find("s7") == slot);
  CHECK(snapshot.find("s7")->version_of("AWSCURRENT") == vid(15));
  CHECK(st.find("s7") != slot);  // the path was copied for st
  CHECK(st.find("s7")->version_of("AWSCURRENT") == vid(14));

  // Once copied, the path is st's alone: the next step on the same secret lands in place.
  const ss::secret* copied = st.find("s7");
  REQUIRE(ss::apply_in_place(st, ss::tag_resource{.secret_id = "s7", .tags = {{"k", "v"}}}, ctx).has_value());
  CHECK(st.find("s7") == copied);
  REQUIRE(st.find("s7")->tags().size() == 1);
  CHECK(snapshot.find("s7")->tags().empty());
  CHECK(snapshot == build());
}

TEST_CASE("put on a store nobody else needs (std::move(st).put) writes in place; put on a shared one copies") {
  ss::store st = build();
  // s7 with AWSCURRENT moved back, put with the const& form: a new store.
  const ss::secret replacement = ss::apply(*st.find("s7"), current_back(7), ctx).value().state;
  const ss::store expected = st.put(replacement);
  const ss::secret* slot = st.find("s7");
  CHECK(st.find("s7") == slot);  // unchanged by the const& form
  CHECK(st.find("s7")->version_of("AWSCURRENT") == vid(15));

  const ss::store snapshot = expected;  // shares every node with `expected`
  ss::store moved_on = expected;
  const ss::secret* shared_slot = moved_on.find("s8");
  moved_on =
      std::move(moved_on).put(ss::apply(*moved_on.find("s8"), current_back(8), ctx).value().state);
  CHECK(moved_on.find("s8")->version_of("AWSCURRENT") == vid(16));
  // The snapshot kept its node: the shared path was copied.
  CHECK(snapshot.find("s8") == shared_slot);
  CHECK(snapshot.find("s8")->version_of("AWSCURRENT") == vid(17));

  const ss::secret* own_slot = moved_on.find("s8");  // now moved_on's alone
  moved_on = std::move(moved_on).put(*snapshot.find("s8"));
  CHECK(moved_on.find("s8") == own_slot);  // replaced where it was
  CHECK(moved_on == snapshot);
  CHECK(ss::check_store_invariants(moved_on).empty());
}

TEST_CASE("a failed apply_in_place leaves the store as it was") {
  ss::store st = build();
  const ss::store independent = build();
  const ss::secret* slot = st.find("s7");

  // Moving AWSCURRENT without RemoveFromVersionId: AWS's InvalidParameterException.
  auto r = ss::apply_in_place(st, ss::update_secret_version_stage{.secret_id = "s7", .version_stage = "AWSCURRENT",
                                                                  .move_to_version_id = vid(14)},
                              ctx);
  REQUIRE_FALSE(r.has_value());
  CHECK_ERROR(r.error(), "InvalidParameterException",
              "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached "
              "to version " + vid(15) + ", so you must explicitly reference that version in RemoveFromVersionId.");
  CHECK(st == independent);
  CHECK(st.find("s7") == slot);

  auto missing = ss::apply_in_place(st, ss::get_secret_value{.secret_id = "nope"}, ctx);
  REQUIRE_FALSE(missing.has_value());
  CHECK_ERROR(missing.error(), "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
  CHECK(st == independent);
}

TEST_CASE("apply_in_place on a store_operation, and on operations that add or remove secrets") {
  ss::store st = build();
  ss::store pure = build();

  const std::vector<ss::store_operation> steps{
      ss::store_operation(current_back(3)),
      ss::store_operation(ss::create_secret{.name = "new", .client_request_token = vid(500), .secret_string = "n"}),
      ss::store_operation(ss::delete_secret{.secret_id = "s4", .force_delete_without_recovery = true}),
      ss::store_operation(ss::put_secret_value{.secret_id = "new", .client_request_token = vid(501),
                                               .secret_string = "m"}),
      ss::store_operation(ss::describe_secret{.secret_id = "s3"}),
  };
  for (const auto& op : steps) {
    CAPTURE(ss::operation_name(op));
    auto moved = ss::apply_in_place(st, op, ctx);
    auto applied = ss::apply(pure, op, ctx);
    REQUIRE(moved.has_value());
    REQUIRE(applied.has_value());
    CHECK(moved.value() == applied.value().response);
    pure = std::move(applied.value().state);
    CHECK(st == pure);
  }
  CHECK(st.size() == 50);  // one created, one deleted
  CHECK(st.find("s4") == nullptr);
  CHECK(st.find("new")->version_of("AWSCURRENT") == vid(501));
  CHECK(ss::check_store_invariants(st).empty());
}

}  // namespace apply_in_place_test
