// The replication operations and members on the wire (aws_json.hpp): ReplicateSecretToRegions,
// RemoveRegionsFromReplication, StopReplicationToReplica, CreateSecret's AddReplicaRegions and
// ForceOverwriteReplicaSecret, and ReplicationStatus / PrimaryRegion in responses. Expected
// bodies follow the service model's shapes (ReplicationStatusType: Region, KmsKeyId, Status,
// StatusMessage, LastAccessedDate) and docs/semantics.md#replication, never the library's output.
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <secretstage/aws_json.hpp>
#include <secretstage/replication.hpp>

#include "wire/wire_support.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace replication_wire_test {

namespace ss = secretstage;
namespace aj = ss::aws_json;
using ss::testing::wire::at_ms;
using ss::testing::wire::null_at;
using ss::testing::wire::one_violation;
using ss::testing::wire::parse_error;
using ss::testing::wire::parsed;
using json = nlohmann::json;

TEST_CASE("wire: the replication operations are known, and all change the store") {
  for (const char* op :
       {"ReplicateSecretToRegions", "RemoveRegionsFromReplication", "StopReplicationToReplica"}) {
    CAPTURE(op);
    CHECK(aj::operation_from_target(std::string("secretsmanager.") + op).has_value());
    CHECK(ss::operation_mutates(op));
  }
  CHECK(aj::operation_names.size() == 23);
}

TEST_CASE("wire: reading the replication requests") {
  const auto r = parsed<ss::replicate_secret_to_regions>(
      "ReplicateSecretToRegions",
      json{{"SecretId", "app"},
           {"AddReplicaRegions", json::array({json{{"Region", "eu-west-1"}},
                                              json{{"Region", "us-west-2"}, {"KmsKeyId", "k"}}})},
           {"ForceOverwriteReplicaSecret", true}}
          .dump());
  CHECK(r.secret_id == "app");
  REQUIRE(r.add_replica_regions.size() == 2);
  CHECK(r.add_replica_regions[0] == ss::replica_region{"eu-west-1", std::nullopt});
  CHECK(r.add_replica_regions[1] == ss::replica_region{"us-west-2", "k"});
  CHECK(r.force_overwrite_replica_secret);

  const auto rm = parsed<ss::remove_regions_from_replication>(
      "RemoveRegionsFromReplication",
      json{{"SecretId", "app"}, {"RemoveReplicaRegions", {"eu-west-1"}}}.dump());
  CHECK(rm.remove_replica_regions == std::vector<std::string>{"eu-west-1"});

  const auto st = parsed<ss::stop_replication_to_replica>("StopReplicationToReplica",
                                                          R"({"SecretId":"app"})");
  CHECK(st.secret_id == "app");

  const auto c = parsed<ss::create_secret>(
      "CreateSecret",
      json{{"Name", "app"}, {"AddReplicaRegions", json::array({json{{"Region", "eu-west-1"}}})},
           {"ForceOverwriteReplicaSecret", true}}
          .dump());
  REQUIRE(c.add_replica_regions);
  CHECK(c.add_replica_regions->at(0).region == "eu-west-1");
  CHECK(c.force_overwrite_replica_secret);
}

TEST_CASE("wire: required members and types of the replication requests") {
  CHECK(parse_error("ReplicateSecretToRegions", R"({"SecretId":"app"})").message ==
        one_violation(null_at("addReplicaRegions")));
  CHECK(parse_error("RemoveRegionsFromReplication", R"({"SecretId":"app"})").message ==
        one_violation(null_at("removeReplicaRegions")));
  CHECK(parse_error("StopReplicationToReplica", R"({})").message == one_violation(null_at("secretId")));
  CHECK(parse_error("ReplicateSecretToRegions",
                    R"({"SecretId":"app","AddReplicaRegions":"eu-west-1"})")
            .code == ss::errc::serialization);
}

TEST_CASE("wire: ReplicationStatus and PrimaryRegion in responses") {
  ss::region_stores stores;
  auto made = ss::apply(stores, "us-east-1",
                        aj::parse_request("CreateSecret",
                                          R"({"Name":"app","SecretString":"v","ClientRequestToken":"11111111-1111-4111-8111-111111111111","AddReplicaRegions":[{"Region":"eu-west-1"}]})")
                            .value(),
                        at_ms(1'000));
  REQUIRE(made);
  const json created = json::parse(aj::response_body(made.value().response));
  CHECK(created["ReplicationStatus"] == json::array({json{{"Region", "eu-west-1"}, {"Status", "InProgress"}}}));

  auto described = ss::apply(made.value().state, "us-east-1",
                             aj::parse_request("DescribeSecret", R"({"SecretId":"app"})").value(),
                             at_ms(2'000));
  REQUIRE(described);
  const json primary = json::parse(aj::response_body(described.value().response));
  CHECK(primary["ReplicationStatus"] == json::array({json{{"Region", "eu-west-1"}, {"Status", "InSync"}}}));
  CHECK_FALSE(primary.contains("PrimaryRegion"));

  auto replica = ss::apply(made.value().state, "eu-west-1",
                           aj::parse_request("DescribeSecret", R"({"SecretId":"app"})").value(),
                           at_ms(2'000));
  REQUIRE(replica);
  const json r = json::parse(aj::response_body(replica.value().response));
  CHECK(r["PrimaryRegion"] == "us-east-1");
  CHECK_FALSE(r.contains("ReplicationStatus"));
  CHECK(r["ARN"].get<std::string>().rfind("arn:aws:secretsmanager:eu-west-1:", 0) == 0);

  auto listed = ss::apply(made.value().state, "eu-west-1",
                          aj::parse_request("ListSecrets", "{}").value(), at_ms(2'000));
  REQUIRE(listed);
  const json l = json::parse(aj::response_body(listed.value().response));
  CHECK(l["SecretList"][0]["PrimaryRegion"] == "us-east-1");

  auto stopped = ss::apply(made.value().state, "eu-west-1",
                           aj::parse_request("StopReplicationToReplica", R"({"SecretId":"app"})").value(),
                           at_ms(3'000));
  REQUIRE(stopped);
  const json s = json::parse(aj::response_body(stopped.value().response));
  CHECK(s == json{{"ARN", r["ARN"]}});

  auto refused = ss::apply(made.value().state, "eu-west-1",
                           aj::parse_request("PutSecretValue", R"({"SecretId":"app","SecretString":"x","ClientRequestToken":"22222222-2222-4222-8222-222222222222"})").value(),
                           at_ms(3'000));
  REQUIRE_FALSE(refused);
  CHECK(aj::error_body(refused.error()) ==
        R"({"__type":"InvalidParameterException","Message":"Operation not permitted on a replica secret. Call must be made in primary secret's region."})");
}

}  // namespace replication_wire_test
