// Replication across Regions (replication.hpp) under random command sequences in three Regions:
// after every step the replicas equal their primaries (invariants.hpp I24, check_replication)
// and every store keeps its invariants; a failed step changes nothing; every write to a replica
// is refused with AWS's error and changes nothing; and a primary's versions and labels evolve
// exactly as the same secret's in a single store without replication (the single-store model,
// which the store property test checks against tests/model/store_model.hpp).
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <secretstage/invariants.hpp>
#include <secretstage/replication.hpp>

#include "support/given.hpp"
#include "support/rc_doctest.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace replication_test_property {

namespace ss = secretstage;
using ss::testing::vid;

namespace {

const std::vector<std::string> regions = {"us-east-1", "us-west-2", "eu-west-1"};
const std::vector<std::string> names = {"a", "b"};

enum class kind : int {
  create, create_replicated, put, move_label, tag, update, remove_label, delete_secret, restore,
  replicate, replicate_forced, remove_region, stop
};

struct command {
  kind k{};
  std::size_t region = 0;
  std::string name;
  int token = 0;
  std::size_t other = 0;  // a second Region
};

ss::store_operation to_operation(const command& c);

void showValue(const command& c, std::ostream& os) {
  os << ss::operation_name(to_operation(c)) << "(" << static_cast<int>(c.k) << ") in "
     << regions[c.region] << " on " << c.name << " token " << c.token << " other "
     << regions[c.other];
}

rc::Gen<command> gen_command() {
  return rc::gen::build<command>(
      rc::gen::set(&command::k, rc::gen::map(rc::gen::inRange(0, 13), [](int i) { return static_cast<kind>(i); })),
      rc::gen::set(&command::region, rc::gen::inRange<std::size_t>(0, regions.size())),
      rc::gen::set(&command::name, rc::gen::elementOf(names)),
      rc::gen::set(&command::token, rc::gen::inRange(1, 6)),
      rc::gen::set(&command::other, rc::gen::inRange<std::size_t>(0, regions.size())));
}

ss::store_operation to_operation(const command& c) {
  const std::string& other = regions[c.other];
  switch (c.k) {
    case kind::create:
      return ss::create_secret{.name = c.name, .client_request_token = vid(c.token), .secret_string = "v"};
    case kind::create_replicated: {
      ss::create_secret r{.name = c.name, .client_request_token = vid(c.token), .secret_string = "v"};
      r.add_replica_regions = std::vector<ss::replica_region>{{other, std::nullopt}};
      return r;
    }
    case kind::put:
      return ss::put_secret_value{.secret_id = c.name, .client_request_token = vid(c.token),
                                  .secret_string = "v" + std::to_string(c.token)};
    case kind::move_label:
      return ss::update_secret_version_stage{.secret_id = c.name, .version_stage = "L",
                                             .move_to_version_id = vid(c.token)};
    case kind::tag:
      return ss::tag_resource{.secret_id = c.name, .tags = {{"k", std::to_string(c.token)}}};
    case kind::update:
      return ss::update_secret{.secret_id = c.name, .description = "d" + std::to_string(c.token)};
    case kind::remove_label:
      return ss::update_secret_version_stage{.secret_id = c.name, .version_stage = "L",
                                             .remove_from_version_id = vid(c.token)};
    case kind::delete_secret:
      return ss::delete_secret{.secret_id = c.name, .force_delete_without_recovery = c.token % 2 == 0};
    case kind::restore:
      return ss::restore_secret{.secret_id = c.name};
    case kind::replicate:
    case kind::replicate_forced:
      return ss::replicate_secret_to_regions{.secret_id = c.name,
                                             .add_replica_regions = {{other, std::nullopt}},
                                             .force_overwrite_replica_secret = c.k == kind::replicate_forced};
    case kind::remove_region:
      return ss::remove_regions_from_replication{.secret_id = c.name, .remove_replica_regions = {other}};
    case kind::stop:
      return ss::stop_replication_to_replica{.secret_id = c.name};
  }
  return ss::restore_secret{.secret_id = c.name};
}

bool is_write(const ss::store_operation& op) {
  return ss::operation_mutates(ss::operation_name(op));
}

ss::context at(std::int64_t seconds) { return ss::testing::at(seconds); }

}  // namespace

TEST_CASE("replication: replicas equal their primaries after every step; replicas refuse writes") {
  rc::doctest_prop("random commands in three Regions", [] {
    const auto commands = *rc::gen::container<std::vector<command>>(gen_command());
    ss::region_stores stores;
    // The single-store shadow of each (Region, name) primary: the same requests, no replication.
    std::map<std::pair<std::string, std::string>, ss::store> shadow;
    std::int64_t t = 1000;
    for (const command& c : commands) {
      t += 60;
      const std::string& region = regions[c.region];
      const ss::store_operation op = to_operation(c);
      const auto here = stores.find(region);
      const ss::secret* target = here == stores.end() ? nullptr : here->second.find(c.name);
      // A write to an existing secret (CreateSecret names a new one: ResourceExistsException).
      // (ReplicateSecretToRegions naming its own Region fails its shape check, which comes first.)
      const bool own_region = (c.k == kind::replicate || c.k == kind::replicate_forced) &&
                              c.other == c.region;
      const bool on_replica = target != nullptr && target->is_replica() && c.k != kind::create &&
                              c.k != kind::create_replicated && !own_region;
      const bool on_primary_here = target != nullptr && !target->is_replica();
      const auto out = ss::apply(stores, region, op, at(t));
      if (!out) {
        // A failure changes nothing (apply is pure: `stores` is the state after).
        if (on_replica && is_write(op) && c.k != kind::stop) {
          RC_ASSERT(out.error().code == ss::errc::invalid_parameter);
          RC_ASSERT(out.error().message ==
                    std::string("Operation not permitted on a replica secret. Call must be made "
                                "in primary secret's region."));
        }
        continue;
      }
      RC_ASSERT(!(on_replica && is_write(op) && c.k != kind::stop));
      stores = out.value().state;
      RC_ASSERT(ss::check_replication(stores) == std::vector<std::string>{});
      for (const auto& [r, st] : stores) RC_ASSERT(ss::check_store_invariants(st) == std::vector<std::string>{});
      // sync is idempotent: nothing is left to do.
      const auto again = ss::sync_all_replicas(stores);
      RC_ASSERT(again.has_value());
      RC_ASSERT(again.value() == stores);

      // The shadow: a primary's own Region behaves as a single store would for the writes that
      // are not about replication.
      const bool replication_op = c.k == kind::replicate || c.k == kind::replicate_forced ||
                                  c.k == kind::remove_region || c.k == kind::stop ||
                                  c.k == kind::create_replicated;
      auto& sh = shadow[{region, c.name}];
      if (replication_op || c.k == kind::delete_secret || c.k == kind::restore || c.k == kind::create) {
        // Restart the shadow from the secret as it is now.
        sh = ss::store{};
        if (const auto* s = stores.at(region).find(c.name)) sh = sh.put(*s);
      } else if (on_primary_here) {
        ss::context ctx = at(t);
        ctx.region = region;
        const auto single = ss::apply(sh, op, ctx);
        RC_ASSERT(single.has_value());
        sh = single.value().state;
        const auto* mine = stores.at(region).find(c.name);
        const auto* theirs = sh.find(c.name);
        RC_ASSERT(mine != nullptr && theirs != nullptr);
        RC_ASSERT(ss::same_versions_and_labels(*mine, *theirs));
      }
    }
  });
}

}  // namespace replication_test_property
