// replication.hpp and the replication operations (ReplicateSecretToRegions,
// RemoveRegionsFromReplication, StopReplicationToReplica, CreateSecret's AddReplicaRegions):
// docs/semantics.md#replication.
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/invariants.hpp>
#include <secretstage/replication.hpp>
#include <secretstage/rotation_progress.hpp>

#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace replication_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;

namespace {

constexpr std::string_view east = "us-east-1";
constexpr std::string_view west = "us-west-2";
constexpr std::string_view europe = "eu-west-1";

ss::context at(std::int64_t seconds) { return ss::testing::at(seconds); }

/// Runs `r` in `region` over `stores` and REQUIREs success and the replication invariant.
template <class Request>
auto run(const ss::region_stores& stores, std::string_view region, const Request& r,
         std::int64_t seconds = 100) {
  auto out = ss::apply(stores, region, r, at(seconds));
  REQUIRE_MESSAGE(out.has_value(), (out ? std::string() : out.error().message));
  CHECK(ss::check_replication(out.value().state) == std::vector<std::string>{});
  for (const auto& [name, st] : out.value().state)
    CHECK(ss::check_store_invariants(st) == std::vector<std::string>{});
  return std::move(out).value();
}

/// Runs `r` in `region` and REQUIREs a failure; checks that nothing changed.
template <class Request>
ss::error refused(const ss::region_stores& stores, std::string_view region, const Request& r) {
  auto out = ss::apply(stores, region, r, at(200));
  REQUIRE_FALSE(out.has_value());
  return out.error();
}

ss::region_stores primary_in_east() {
  ss::region_stores stores;
  stores = run(stores, east,
               ss::store_operation(ss::create_secret{.name = "app",
                                                     .client_request_token = vid(1),
                                                     .description = "the app",
                                                     .secret_string = "v1"}),
               10)
               .state;
  return stores;
}

ss::replicate_secret_to_regions replicate(std::vector<std::string> regions, bool force = false) {
  ss::replicate_secret_to_regions r{.secret_id = "app", .add_replica_regions = {},
                                    .force_overwrite_replica_secret = force};
  for (auto& region : regions) r.add_replica_regions.push_back({std::move(region), std::nullopt});
  return r;
}

const ss::secret& in(const ss::region_stores& stores, std::string_view region) {
  const auto it = stores.find(region);
  REQUIRE(it != stores.end());
  const auto* s = it->second.find("app");
  REQUIRE(s != nullptr);
  return *s;
}

}  // namespace

TEST_CASE("ReplicateSecretToRegions makes a replica with the primary's versions and labels") {
  const auto stores = primary_in_east();
  const auto t = run(stores, east, replicate({std::string(west)}));
  // The response shows the replication as it was asked for: in progress.
  REQUIRE(t.response.replication_status.size() == 1);
  CHECK(t.response.replication_status[0].region == west);
  CHECK(t.response.replication_status[0].status == "InProgress");
  CHECK(t.response.arn == in(stores, east).arn());

  const auto& primary = in(t.state, east);
  const auto& replica = in(t.state, west);
  CHECK(replica.primary_region() == std::optional<std::string>(std::string(east)));
  CHECK_FALSE(primary.is_replica());
  REQUIRE(primary.replicas().size() == 1);
  CHECK(primary.replicas()[0].status == ss::replication_state::in_sync);
  CHECK(version_labels(replica) == aws_map{{vid(1), {"AWSCURRENT"}}});
  CHECK(replica.description() == "the app");
  // The same ARN but for its Region.
  const std::string east_arn(primary.arn().view());
  std::string expected = east_arn;
  expected.replace(expected.find(east), east.size(), west);
  CHECK(replica.arn().view() == expected);

  SUBCASE("DescribeSecret shows PrimaryRegion on the replica, ReplicationStatus on the primary") {
    const auto d = ss::apply(t.state.at(std::string(west)), ss::describe_secret{.secret_id = "app"},
                             at(300));
    REQUIRE(d);
    CHECK(d.value().response.primary_region == std::optional<std::string>(std::string(east)));
    CHECK(d.value().response.replication_status.empty());
    const auto p = ss::apply(t.state.at(std::string(east)), ss::describe_secret{.secret_id = "app"},
                             at(300));
    REQUIRE(p);
    CHECK_FALSE(p.value().response.primary_region);
    REQUIRE(p.value().response.replication_status.size() == 1);
    CHECK(p.value().response.replication_status[0].status == "InSync");
    CHECK_FALSE(p.value().response.replication_status[0].status_message);
  }
  SUBCASE("ListSecrets shows them too, and primary-region matches the primary's Region") {
    const auto l = ss::apply(t.state.at(std::string(west)), ss::list_secrets{}, at(300));
    REQUIRE(l);
    REQUIRE(l.value().response.secret_list.size() == 1);
    CHECK(l.value().response.secret_list[0].primary_region ==
          std::optional<std::string>(std::string(east)));
    const auto f = ss::apply(
        t.state.at(std::string(west)),
        ss::list_secrets{.filters = std::vector<ss::filter>{{ss::filter_key::primary_region, {"us-east"}}}},
        at(300));
    REQUIRE(f);
    CHECK(f.value().response.secret_list.size() == 1);
  }
  SUBCASE("a write to the primary reaches the replica") {
    const auto u = run(t.state, east,
                       ss::store_operation(ss::put_secret_value{
                           .secret_id = "app", .client_request_token = vid(2), .secret_string = "v2"}));
    CHECK(version_labels(in(u.state, west)) ==
          aws_map{{vid(1), {"AWSPREVIOUS"}}, {vid(2), {"AWSCURRENT"}}});
    const auto tagged = run(u.state, east,
                            ss::store_operation(ss::tag_resource{.secret_id = "app", .tags = {{"k", "v"}}}));
    CHECK(in(tagged.state, west).tags() == std::vector<ss::tag>{{"k", "v"}});
  }
  SUBCASE("every write to the replica is refused with AWS's error, and nothing changes") {
    const std::string text =
        "Operation not permitted on a replica secret. Call must be made in primary secret's region.";
    std::vector<ss::store_operation> writes = {
        ss::put_secret_value{.secret_id = "app", .client_request_token = vid(3), .secret_string = "x"},
        ss::update_secret{.secret_id = "app", .description = "changed"},
        ss::update_secret_version_stage{.secret_id = "app", .version_stage = "L", .move_to_version_id = vid(1)},
        ss::tag_resource{.secret_id = "app", .tags = {{"k", "v"}}},
        ss::untag_resource{.secret_id = "app", .tag_keys = {"k"}},
        ss::delete_secret{.secret_id = "app"},
        ss::delete_secret{.secret_id = "app", .force_delete_without_recovery = true},
        ss::put_resource_policy{.secret_id = "app", .resource_policy = R"({"Version":"2012-10-17","Statement":[]})"},
        ss::delete_resource_policy{.secret_id = "app"},
        ss::rotate_secret{.secret_id = "app", .client_request_token = vid(7)},
        ss::cancel_rotate_secret{.secret_id = "app"},
        replicate({std::string(europe)}),
        ss::remove_regions_from_replication{.secret_id = "app", .remove_replica_regions = {std::string(east)}},
    };
    for (const auto& w : writes) {
      CAPTURE(ss::operation_name(w));
      const auto e = refused(t.state, west, w);
      CHECK(e.code == ss::errc::invalid_parameter);
      CHECK(e.message == text);
    }
  }
  SUBCASE("reads of the replica are served") {
    const auto g = ss::apply(t.state.at(std::string(west)),
                             ss::get_secret_value{.secret_id = "app"}, at(300));
    REQUIRE(g);
    CHECK(*g.value().response.secret_string() == "v1");
  }
  SUBCASE("deleting the primary is refused while it has replicas") {
    const auto both = run(t.state, east, replicate({std::string(europe)}));
    const auto e = refused(both.state, east, ss::delete_secret{.secret_id = "app"});
    CHECK(e.code == ss::errc::invalid_parameter);
    CHECK(e.message == "You can't delete secret " + east_arn +
                           " that still has replica regions [eu-west-1, us-west-2].");
    CHECK(refused(both.state, east,
                  ss::delete_secret{.secret_id = "app", .force_delete_without_recovery = true})
              .message == e.message);
  }
  SUBCASE("RemoveRegionsFromReplication deletes the replica at once; the primary can go then") {
    const auto r = run(t.state, east,
                       ss::remove_regions_from_replication{.secret_id = "app",
                                                           .remove_replica_regions = {std::string(west)}});
    CHECK(r.response.replication_status.empty());
    CHECK(r.state.at(std::string(west)).find("app") == nullptr);
    CHECK(in(r.state, east).replicas().empty());
    const auto d = run(r.state, east, ss::delete_secret{.secret_id = "app"});
    CHECK(in(d.state, east).deleted_date());
  }
  SUBCASE("RemoveRegionsFromReplication of a Region not replicated to is refused") {
    const auto e = refused(t.state, east,
                           ss::remove_regions_from_replication{.secret_id = "app",
                                                               .remove_replica_regions = {std::string(europe)}});
    CHECK(e.code == ss::errc::invalid_parameter);
  }
  SUBCASE("StopReplicationToReplica promotes the replica; the primary forgets it") {
    const auto s = run(t.state, west, ss::stop_replication_to_replica{.secret_id = "app"});
    CHECK(s.response.arn == in(t.state, west).arn());
    const auto& promoted = in(s.state, west);
    CHECK_FALSE(promoted.is_replica());
    CHECK(version_labels(promoted) == aws_map{{vid(1), {"AWSCURRENT"}}});
    CHECK(in(s.state, east).replicas().empty());
    // Now independent: a write in either Region stays there.
    const auto w = run(s.state, west,
                       ss::store_operation(ss::put_secret_value{
                           .secret_id = "app", .client_request_token = vid(5), .secret_string = "w"}));
    CHECK(version_labels(in(w.state, east)) == aws_map{{vid(1), {"AWSCURRENT"}}});
    // And it is refused on a secret that is no replica.
    CHECK(refused(w.state, west, ss::stop_replication_to_replica{.secret_id = "app"}).code ==
          ss::errc::invalid_parameter);
  }
  SUBCASE("replicating again to a Region already replicated to is refused") {
    CHECK(refused(t.state, east, replicate({std::string(west)})).code == ss::errc::invalid_parameter);
  }
}

TEST_CASE("ReplicateSecretToRegions checks its Regions first") {
  const auto stores = primary_in_east();
  SUBCASE("the request's own Region") {
    const auto e = refused(stores, east, replicate({std::string(east)}));
    CHECK(e.code == ss::errc::invalid_parameter);
    CHECK(e.message == "Invalid replica region.");
  }
  SUBCASE("a name that is not a Region") {
    CHECK(refused(stores, east, replicate({"Not_A_Region"})).code == ss::errc::validation);
    CHECK(refused(stores, east, replicate({"useast1"})).code == ss::errc::validation);
    CHECK(refused(stores, east, replicate({""})).code == ss::errc::validation);
  }
  SUBCASE("an empty list") {
    CHECK(refused(stores, east, replicate({})).code == ss::errc::validation);
  }
  SUBCASE("a Region twice") {
    CHECK(refused(stores, east, replicate({std::string(west), std::string(west)})).code ==
          ss::errc::invalid_parameter);
  }
  SUBCASE("an unknown secret") {
    auto r = replicate({std::string(west)});
    r.secret_id = "other";
    CHECK(refused(stores, east, r).code == ss::errc::resource_not_found);
  }
}

TEST_CASE("A Region holding a secret of the same name: Failed, or overwritten when forced") {
  auto stores = primary_in_east();
  stores = run(stores, west,
               ss::store_operation(ss::create_secret{
                   .name = "app", .client_request_token = vid(9), .secret_string = "theirs"}))
               .state;
  const ss::secret theirs = in(stores, west);

  SUBCASE("without ForceOverwriteReplicaSecret the entry fails and the secret is untouched") {
    const auto t = run(stores, east, replicate({std::string(west)}));
    const auto& entry = in(t.state, east).replicas().at(0);
    CHECK(entry.status == ss::replication_state::failed);
    CHECK(entry.status_message == "Secret with this name already exists in this region");
    CHECK(in(t.state, west) == theirs);
    const auto d = ss::apply(t.state.at(std::string(east)), ss::describe_secret{.secret_id = "app"},
                             at(300));
    REQUIRE(d);
    CHECK(d.value().response.replication_status.at(0).status == "Failed");
    CHECK(d.value().response.replication_status.at(0).status_message ==
          std::optional<std::string>("Secret with this name already exists in this region"));
    // A failed Region can be removed, and the primary deleted then.
    const auto r = run(t.state, east,
                       ss::remove_regions_from_replication{.secret_id = "app",
                                                           .remove_replica_regions = {std::string(west)}});
    CHECK(in(r.state, west) == theirs);
  }
  SUBCASE("with ForceOverwriteReplicaSecret the secret there becomes the replica") {
    const auto t = run(stores, east, replicate({std::string(west)}, true));
    CHECK(in(t.state, east).replicas().at(0).status == ss::replication_state::in_sync);
    CHECK(in(t.state, west).is_replica());
    CHECK(version_labels(in(t.state, west)) == aws_map{{vid(1), {"AWSCURRENT"}}});
  }
}

TEST_CASE("CreateSecret with AddReplicaRegions replicates the new secret") {
  ss::region_stores stores;
  ss::create_secret c{.name = "app", .client_request_token = vid(1), .secret_string = "v1"};
  c.add_replica_regions = std::vector<ss::replica_region>{{std::string(west), "alias/there"}};
  const auto t = run(stores, east, ss::store_operation(c));
  const auto& response = std::get<ss::create_secret_response>(t.response);
  REQUIRE(response.replication_status.size() == 1);
  CHECK(response.replication_status[0].status == "InProgress");
  CHECK(response.replication_status[0].kms_key_id == std::optional<std::string>("alias/there"));
  CHECK(in(t.state, west).kms_key_id() == std::optional<std::string>("alias/there"));
  CHECK(version_labels(in(t.state, west)) == aws_map{{vid(1), {"AWSCURRENT"}}});

  SUBCASE("its own Region is refused before anything is made") {
    ss::create_secret bad = c;
    bad.name = "other";
    bad.add_replica_regions = std::vector<ss::replica_region>{{std::string(east), std::nullopt}};
    const auto e = refused(stores, east, ss::store_operation(bad));
    CHECK(e.message == "Invalid replica region.");
  }
}

TEST_CASE("sync_replicas heals a change that reached one Region only") {
  auto stores = run(primary_in_east(), east, replicate({std::string(west)})).state;
  SUBCASE("a stale replica is brought in step") {
    // The primary moved on in its own store alone (as if the server stopped before syncing).
    auto east_store = stores.at(std::string(east));
    auto moved = ss::apply(east_store,
                           ss::put_secret_value{.secret_id = "app", .client_request_token = vid(2),
                                                .secret_string = "v2"},
                           at(150));
    REQUIRE(moved);
    auto half = stores;
    half[std::string(east)] = moved.value().state;
    CHECK_FALSE(ss::check_replication(half).empty());
    auto healed = ss::sync_replicas(half, "app");
    REQUIRE(healed);
    CHECK(ss::check_replication(healed.value()) == std::vector<std::string>{});
    CHECK(version_labels(in(healed.value(), west)) ==
          aws_map{{vid(1), {"AWSPREVIOUS"}}, {vid(2), {"AWSCURRENT"}}});
    // Idempotent.
    auto again = ss::sync_replicas(healed.value(), "app");
    REQUIRE(again);
    CHECK(again.value() == healed.value());
  }
  SUBCASE("a replica its primary no longer lists is deleted") {
    auto east_store = stores.at(std::string(east));
    auto removed = ss::apply(east_store,
                             ss::remove_regions_from_replication{
                                 .secret_id = "app", .remove_replica_regions = {std::string(west)}},
                             at(150));
    REQUIRE(removed);
    auto half = stores;
    half[std::string(east)] = removed.value().state;
    auto healed = ss::sync_replicas(half, "app");
    REQUIRE(healed);
    CHECK(healed.value().at(std::string(west)).find("app") == nullptr);
  }
}

TEST_CASE("arn_in_region replaces the fourth part of an ARN") {
  CHECK(ss::detail::arn_in_region("arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf",
                                  "eu-west-1") ==
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:a-AbCdEf");
}

TEST_CASE("a replica does not carry its primary's rotation in progress: the primary's Region runs it") {
  const std::string fn = "arn:aws:lambda:us-east-1:123456789012:function:rotate";
  const std::string token = "22222222-2222-4222-8222-222222222222";
  auto stores = primary_in_east();
  auto ctx = at(20);
  ctx.functions = ss::rotation_functions{fn};
  auto rotated = ss::apply(
      stores, east,
      ss::store_operation(ss::rotate_secret{.secret_id = "app", .client_request_token = token,
                                            .rotation_lambda_arn = fn}),
      ctx);
  REQUIRE(rotated.has_value());
  stores = rotated.value().state;
  REQUIRE(ss::begin_invoked_rotation(stores.find(east)->second, rotated.value().response, ctx.now));
  REQUIRE(in(stores, east).rotation_progress().has_value());

  const auto t = run(stores, east, replicate({std::string(west)}), 30);
  CHECK(in(t.state, east).rotation_progress().has_value());
  CHECK_FALSE(in(t.state, west).rotation_progress().has_value());
  // The replica still has the pending version and its label, as the primary has them.
  CHECK(version_labels(in(t.state, west)) == version_labels(in(t.state, east)));
}

}  // namespace replication_test
