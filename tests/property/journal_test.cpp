// journal.hpp: random request sequences through the service, with its journal hook writing a
// journal; then, for random cut points (a crash anywhere in a write) and random snapshot points,
// recovery must give exactly the store the service had published after the last whole record:
// `==` and the same snapshot bytes. A byte changed in a record before the last is refused with
// that record's offset; the same change in the last record is a torn tail.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <rapidcheck.h>

#include <secretstage/journal.hpp>
#include <secretstage/service.hpp>
#include <secretstage/snapshot.hpp>

#include "support/rc_doctest.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace journal_test_property {

namespace ss = secretstage;

namespace {

const std::vector<std::string> names = {"db", "svc", "p/q"};
const std::string fixed_fn = "arn:aws:lambda:us-east-1:123456789012:function:fixed";
const std::string drawn_fn = "arn:aws:lambda:us-east-1:123456789012:function:drawn";

struct step {
  int kind = 0;
  int name = 0;
  int token = 0;
  int value = 0;
  std::int64_t advance_ms = 0;
};

rc::Gen<step> gen_step() {
  return rc::gen::build<step>(
      rc::gen::set(&step::kind, rc::gen::inRange(0, 15)),
      rc::gen::set(&step::name, rc::gen::inRange(0, 3)),
      rc::gen::set(&step::token, rc::gen::inRange(0, 6)),
      rc::gen::set(&step::value, rc::gen::inRange(0, 4)),
      rc::gen::set(&step::advance_ms,
                   rc::gen::oneOf(rc::gen::inRange<std::int64_t>(0, 3'600'000),
                                  rc::gen::inRange<std::int64_t>(0, 9 * 86'400'000))));
}

std::string q(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

/// An AWS JSON request for `s`: (operation, body). Tokens are sometimes left out, so the
/// service's generated ones are journaled too.
std::pair<std::string, std::string> request(const step& s) {
  const std::string id = q(names[static_cast<std::size_t>(s.name)]);
  const std::string token =
      s.token == 0 ? ""
                   : ",\"ClientRequestToken\":" +
                         q("tok-" + std::to_string(s.token) + "-" + std::string(32, 'a'));
  const std::string value = ",\"SecretString\":" + q("v" + std::to_string(s.value));
  switch (s.kind) {
    case 0:
      return {"CreateSecret", "{\"Name\":" + id + value + token + "}"};
    case 1:
    case 2:
      return {"PutSecretValue", "{\"SecretId\":" + id + value + token + "}"};
    case 3:
      return {"GetSecretValue", "{\"SecretId\":" + id + "}"};
    case 4:
      return {"DeleteSecret", "{\"SecretId\":" + id + ",\"RecoveryWindowInDays\":7}"};
    case 5:
      return {"DeleteSecret", "{\"SecretId\":" + id + ",\"ForceDeleteWithoutRecovery\":true}"};
    case 6:
      return {"RestoreSecret", "{\"SecretId\":" + id + "}"};
    case 7:
      return {"RotateSecret", "{\"SecretId\":" + id + ",\"RotationLambdaARN\":" +
                                  q(s.value % 2 == 0 ? fixed_fn : drawn_fn) + token + "}"};
    case 8:
      return {"UpdateSecret",
              "{\"SecretId\":" + id + ",\"Description\":\"d" + std::to_string(s.value) + "\"}"};
    case 9:
      return {"TagResource", "{\"SecretId\":" + id + ",\"Tags\":[{\"Key\":\"k" +
                                 std::to_string(s.value) + "\",\"Value\":\"x\"}]}"};
    case 10:
      return {"UpdateSecretVersionStage",
              "{\"SecretId\":" + id + ",\"VersionStage\":\"L1\",\"MoveToVersionId\":" +
                  q("tok-" + std::to_string(s.token) + "-" + std::string(32, 'a')) + "}"};
    case 11:
      return {"CancelRotateSecret", "{\"SecretId\":" + id + "}"};
    case 12:  // a policy for one account, or (refused under BlockPublicPolicy) for everyone
      return {"PutResourcePolicy",
              "{\"SecretId\":" + id + ",\"BlockPublicPolicy\":" + (s.value % 2 == 0 ? "true" : "false") +
                  ",\"ResourcePolicy\":" +
                  q(std::string("{\\\"Statement\\\":{\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":") +
                    (s.token % 2 == 0 ? "\\\"*\\\"" : "{\\\"AWS\\\":\\\"arn:aws:iam::123456789012:root\\\"}") +
                    ",\\\"Action\\\":\\\"secretsmanager:GetSecretValue\\\",\\\"Resource\\\":\\\"*\\\"}}") +
                  "}"};
    case 13:
      return {"DeleteResourcePolicy", "{\"SecretId\":" + id + "}"};
    default:
      return {"ListSecrets", "{}"};
  }
}

struct journaled_run {
  std::string journal;
  /// The published store after each record, and where each record starts.
  std::vector<ss::store> stores;
  std::vector<std::size_t> offsets;
  ss::store live;
};

journaled_run run(const std::vector<step>& steps, std::uint64_t seed, bool raw) {
  ss::service_options options;
  options.seed = seed;
  options.raw = raw;
  options.rotation_functions[fixed_fn] = {ss::finish_variant::keep_pending, "rotated"};
  options.rotation_functions[drawn_fn] = {};
  journaled_run out;
  auto hook = [&out](const ss::journal_entry& e, const ss::store& published) -> std::uint64_t {
    out.offsets.push_back(out.journal.size());
    out.journal += ss::journal::encode_record(e);
    out.stores.push_back(published);
    return out.stores.size();
  };
  ss::service service(options, {}, {}, hook);
  out.journal = ss::journal::encode_header(service.journal_context());
  std::int64_t now = 1'767'258'000'000;
  for (const step& s : steps) {
    now += s.advance_ms;
    const auto [op, body] = request(s);
    (void)service.handle(op, body, ss::timestamp{now});
  }
  out.live = service.store();
  return out;
}

}  // namespace

TEST_CASE("journal: recovery at any cut point gives the store of the last whole record") {
  rc::doctest_prop("recover(snapshot at k, journal after k, cut anywhere) == the live store", [] {
    const auto steps = *rc::gen::container<std::vector<step>>(gen_step());
    const auto seed = *rc::gen::arbitrary<std::uint64_t>();
    const bool raw = *rc::gen::arbitrary<bool>();
    const journaled_run r = run(steps, seed, raw);
    RC_TAG(r.stores.size() < 5 ? "few records" : "records");

    // The whole journal: the live store.
    auto whole = ss::journal::recover(ss::store{}, r.journal);
    RC_ASSERT(whole.has_value());
    RC_ASSERT(whole.value().records == r.stores.size());
    RC_ASSERT(whole.value().valid_bytes == r.journal.size());
    RC_ASSERT(whole.value().store == r.live);
    RC_ASSERT(ss::snapshot::encode(whole.value().store) == ss::snapshot::encode(r.live));

    // A snapshot after record k, the journal of the records after it, cut at a random byte.
    const auto k = *rc::gen::inRange<std::size_t>(0, r.stores.size() + 1);
    const std::string header =
        r.journal.substr(0, r.offsets.empty() ? r.journal.size() : r.offsets.front());
    const std::size_t from = k == r.offsets.size() ? r.journal.size()
                             : k == 0              ? header.size()
                                                   : r.offsets[k];
    const std::string tail = header + r.journal.substr(from);
    const auto cut = *rc::gen::inRange<std::size_t>(0, tail.size() + 1);
    const std::string base = k == 0 ? std::string() : ss::snapshot::encode(r.stores[k - 1]);
    auto back = ss::journal::recover(base, std::string_view(tail).substr(0, cut));
    RC_ASSERT(back.has_value());
    std::size_t whole_records = 0;
    for (std::size_t i = k; i < r.offsets.size(); ++i) {
      const std::size_t end =
          (i + 1 < r.offsets.size() ? r.offsets[i + 1] : r.journal.size()) - from + header.size();
      if (end <= cut) whole_records = i + 1 - k;
    }
    RC_ASSERT(back.value().records == whole_records);
    const std::size_t last = k + whole_records;
    const ss::store expected = last == 0 ? ss::store{} : r.stores[last - 1];
    RC_ASSERT(back.value().store == expected);
    RC_ASSERT(ss::snapshot::encode(back.value().store) == ss::snapshot::encode(expected));
    RC_ASSERT(back.value().torn(cut) == (cut != back.value().valid_bytes));
  });
}

TEST_CASE("journal: a changed byte is corruption before the end, a torn tail at the end") {
  rc::doctest_prop("a flipped payload byte names its record's offset", [] {
    const auto steps = *rc::gen::container<std::vector<step>>(gen_step());
    const journaled_run r = run(steps, 1, false);
    RC_PRE(r.offsets.size() >= 2);
    const auto i = *rc::gen::inRange<std::size_t>(0, r.offsets.size());
    const std::size_t end = i + 1 < r.offsets.size() ? r.offsets[i + 1] : r.journal.size();
    const auto at = *rc::gen::inRange<std::size_t>(r.offsets[i], end);
    std::string damaged = r.journal;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    auto back = ss::journal::recover(ss::store{}, damaged);
    if (i + 1 < r.offsets.size()) {
      RC_ASSERT(!back.has_value());
      RC_ASSERT(back.error().code == ss::journal_errc::corrupt);
      RC_ASSERT(back.error().offset == r.offsets[i]);
    } else if (back.has_value()) {
      // The last record: torn (its length's checksum fails only when the head was hit, which is
      // corruption, since bytes follow it), so recovery stops before it.
      RC_ASSERT(back.value().valid_bytes == r.offsets[i]);
      RC_ASSERT(back.value().store == r.stores[i - 1]);
    } else {
      RC_ASSERT(at < r.offsets[i] + ss::journal::record_head_size);
      RC_ASSERT(back.error().offset == r.offsets[i]);
    }
  });
}

}  // namespace journal_test_property
