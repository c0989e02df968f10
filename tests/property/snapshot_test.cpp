// snapshot.hpp: decode(encode(store)) == store, byte-identical re-encoding and equal observables
// (tests/support/snapshot_check.hpp) over random stores. The stateful store test checks the same
// after every step of its sequences; this one draws what that test's small alphabets do not:
// arbitrary bytes in values, descriptions, tags and labels, long values, rotation rules with
// every member, sequences whose versions were collected (gaps in the creation order, the next
// place above every stored version), and secrets scheduled for deletion.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <rapidcheck.h>

#include <secretstage/background.hpp>
#include <secretstage/rotation_progress.hpp>
#include <secretstage/snapshot.hpp>
#include <secretstage/store_operation.hpp>

#include "support/rc_doctest.hpp"
#include "support/snapshot_check.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace snapshot_test_property {

namespace ss = secretstage;

namespace {

const std::vector<std::string> names = {"db", "svc-a1b2c3", "p/q", "x"};
const std::string rotation_fn = "arn:aws:lambda:us-east-1:123456789012:function:rotate";

struct step {
  int kind = 0;
  int name = 0;
  std::uint32_t token = 0;
  std::string text;
  std::vector<std::uint8_t> bytes;
  std::string label;
  std::int64_t advance_ms = 0;
};

std::string token_of(std::uint32_t n) {
  std::string t = "00000000-0000-4000-8000-000000000000";
  for (std::size_t i = 0; i < 8; ++i) t[i] = "0123456789abcdef"[(n >> (4 * i)) & 0xfu];
  return t;
}

rc::Gen<step> gen_step() {
  return rc::gen::build<step>(
      rc::gen::set(&step::kind, rc::gen::inRange(0, 16)),
      rc::gen::set(&step::name, rc::gen::inRange(0, 4)),
      rc::gen::set(&step::token, rc::gen::inRange<std::uint32_t>(0, 40)),
      rc::gen::set(&step::text, rc::gen::oneOf(rc::gen::arbitrary<std::string>(),
                                               rc::gen::container<std::string>(
                                                   3000, rc::gen::arbitrary<char>()))),
      rc::gen::set(&step::bytes, rc::gen::arbitrary<std::vector<std::uint8_t>>()),
      rc::gen::set(
          &step::label,
          rc::gen::oneOf(rc::gen::element(std::string("AWSCURRENT"), std::string("AWSPREVIOUS"),
                                          std::string("AWSPENDING"), std::string("L1")),
                         rc::gen::arbitrary<std::string>())),
      rc::gen::set(&step::advance_ms, rc::gen::inRange<std::int64_t>(0, 3 * 86'400'000)));
}

/// Applies one step to `st` (a failed request leaves it as it was).
void apply_step(ss::store& st, ss::timestamp& now, const step& s, std::uint32_t& bulk) {
  ss::context ctx;
  ctx.now = now;
  ctx.entropy = 11;
  ctx.generated_token = token_of(s.token + 1000);
  ctx.functions = ss::rotation_functions{rotation_fn};
  const std::string& name = names[static_cast<std::size_t>(s.name)];
  const std::string token = token_of(s.token);
  const std::optional<std::string> text =
      s.text.empty() ? std::nullopt : std::optional<std::string>(s.text);
  const std::optional<ss::binary> bytes =
      s.bytes.empty() ? std::nullopt : std::optional<ss::binary>(s.bytes);
  auto run = [&](const auto& request) {
    if (auto r = ss::apply(st, request, ctx)) st = std::move(r.value().state);
  };
  switch (s.kind) {
    case 0:
      run(ss::create_secret{
          .name = name,
          .client_request_token = token,
          .description = text,
          .kms_key_id = s.label.empty() ? std::nullopt : std::optional<std::string>(s.label),
          .secret_string = s.token % 3 == 0 ? std::nullopt : text,
          .secret_binary = s.token % 3 == 0 ? bytes : std::nullopt,
          .tags = std::vector<ss::tag>{{s.label.empty() ? "k" : s.label, s.text.substr(0, 200)}}});
      break;
    case 1:
    case 2:
      run(ss::put_secret_value{
          .secret_id = name,
          .client_request_token = token,
          .secret_string = s.kind == 1 ? text : std::nullopt,
          .secret_binary = s.kind == 2 ? bytes : std::nullopt,
          .version_stages = s.token % 2 == 0 ? std::nullopt
                                             : std::optional<std::vector<std::string>>({s.label})});
      break;
    case 3:
      run(ss::update_secret_version_stage{.secret_id = name,
                                          .version_stage = s.label,
                                          .remove_from_version_id = std::nullopt,
                                          .move_to_version_id = token});
      break;
    case 4: {
      ss::rotation_rules rules;
      if (s.token % 2 == 0) rules.automatically_after_days = 1 + s.token;
      if (s.token % 3 == 0) rules.duration = "3h";
      if (s.token % 2 == 1) rules.schedule_expression = "rate(10 days)";
      // As a service invoking rotation_fn runs it: the progress of a rotation, or with
      // RotateImmediately false of a test of the configuration (snapshot fields 17 and 18).
      if (auto done = ss::apply_in_place(
              st,
              ss::store_operation(ss::rotate_secret{.secret_id = name,
                                                    .client_request_token = token,
                                                    .rotation_lambda_arn = rotation_fn,
                                                    .rotation_rules = rules,
                                                    .rotate_immediately = s.token % 4 == 0}),
              ctx)) {
        ss::begin_invoked_rotation(st, done.value(), now);
        ss::begin_invoked_test(st, done.value(), now);
      }
      break;
    }
    case 5:
      run(ss::cancel_rotate_secret{.secret_id = name});
      break;
    case 6:
      run(ss::delete_secret{.secret_id = name,
                            .recovery_window_in_days =
                                s.token % 2 == 0 ? std::optional<std::int64_t>(7) : std::nullopt,
                            .force_delete_without_recovery = s.token % 5 == 1});
      break;
    case 7:
      run(ss::restore_secret{.secret_id = name});
      break;
    case 8:
      run(ss::tag_resource{.secret_id = name,
                           .tags = {{s.label.empty() ? "t" : s.label, s.text.substr(0, 256)}}});
      break;
    case 9:
      run(ss::untag_resource{.secret_id = name, .tag_keys = {s.label}});
      break;
    case 10:
      run(ss::update_secret{.secret_id = name,
                            .client_request_token = token,
                            .description = text,
                            .kms_key_id = std::nullopt,
                            .secret_string = s.token % 2 == 0 ? text : std::nullopt,
                            .secret_binary = std::nullopt});
      break;
    case 11:
      run(ss::get_secret_value{.secret_id = name, .version_id = token});
      break;
    case 12:
      now = ss::timestamp{now.epoch_ms + s.advance_ms};
      break;
    case 13: {
      st = ss::collect_deprecated_versions(st, now).state;
      st = ss::purge_deleted_secrets(st, now).state;
      break;
    }
    case 14: {
      // 105 versions, then a day later the collection: the oldest go, the creation order has gaps.
      for (int i = 0; i < 105; ++i)
        run(ss::put_secret_value{.secret_id = name,
                                 .client_request_token = token_of(100000 + bulk++),
                                 .secret_string = std::string("bulk")});
      now = ss::timestamp{now.epoch_ms + 86'400'000};
      st = ss::collect_deprecated_versions(st, now).state;
      break;
    }
    default:
      run(ss::rotate_secret{.secret_id = name, .client_request_token = token});
      break;
  }
}

}  // namespace

TEST_CASE("snapshot: random stores survive encode and decode") {
  rc::doctest_prop("decode(encode(store)) == store, same bytes again, same observables", [] {
    const auto steps = *rc::gen::container<std::vector<step>>(gen_step());
    ss::store st;
    ss::timestamp now{1700000000000};
    std::uint32_t bulk = 0;
    for (const step& s : steps) apply_step(st, now, s, bulk);
    std::size_t versions = 0;
    for (const auto* s : st.secrets()) versions += s->version_count();
    RC_CLASSIFY(st.empty(), "empty store");
    RC_CLASSIFY(versions > 100, "over 100 versions");
    bool testing = false;
    for (const auto* s : st.secrets())
      testing = testing || (s->rotation_progress() && s->rotation_progress()->test_only);
    RC_CLASSIFY(testing, "a test of the rotation configuration (format version 4)");
    const std::string defect = snapshot_check::round_trip_defect(st);
    if (!defect.empty()) RC_FAIL(defect);
  });
}

}  // namespace snapshot_test_property
