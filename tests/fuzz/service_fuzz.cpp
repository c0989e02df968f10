// Fuzz target (c) of issue 6: the server's request handling without the network. The input is a
// sequence of requests separated by '\n' bytes; in each, the first byte picks the X-Amz-Target
// (every operation, and malformed targets) and the Content-Type (right or wrong), the second byte
// how far the clock moves, the rest is the body. Each goes through aws_json::check_content_type
// and basic_service::handle_target exactly as secretstage-server calls them. After each:
//   - the status is 200 or 400 (never 5xx: nothing in it can fail but the allocator);
//   - the body is JSON (empty for TagResource/UntagResource), and an error is an error body;
//   - the service's store satisfies every invariant, and a failed request left it as it was, or
//     as the background transitions alone leave it at that time (a request that parses lets the
//     due background work run whether or not it then succeeds: collection, purge, and scheduled
//     rotations of secrets with a built-in function);
//   - the commit sequence grows by one exactly on a successful mutating request.
// Any violation aborts.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <secretstage/aws_json.hpp>
#include <secretstage/background.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/service.hpp>

namespace ss = secretstage;
namespace aj = secretstage::aws_json;

namespace {

[[noreturn]] void violation(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "service_fuzz: %s %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

const std::vector<std::string>& targets() {
  static const std::vector<std::string> out = [] {
    std::vector<std::string> t;
    for (std::string_view op : aj::operation_names) t.push_back("secretsmanager." + std::string(op));
    t.insert(t.end(), {"", "secretsmanager.", "secretsmanager.Nope", "kms.Decrypt", "secretsmanager.getsecretvalue"});
    return t;
  }();
  return out;
}

/// Whether `after` is `expected` (the store collection and purge leave at that time) but for
/// scheduled rotations the service ran before the request: the same secrets, each equal to its
/// expected state unless its rotation had fallen due in `before` and it now has a later
/// LastRotatedDate. The service runs those with tokens and values from its own streams, so the
/// oracle checks where they happened and that they happened, not their bytes.
bool explained_by_scheduled_rotations(const ss::store& before, const ss::store& expected,
                                      const ss::store& after, ss::timestamp now,
                                      const ss::rotation_functions& builtins) {
  if (after.size() != expected.size()) return false;
  for (const auto* s : after.secrets()) {
    const auto* e = expected.find(s->name().view());
    if (e == nullptr) return false;
    if (*s == *e) continue;
    const auto* b = before.find(s->name().view());
    if (b == nullptr) return false;
    const auto due = ss::next_scheduled_rotation(*b, builtins);
    if (!due || now < *due || !s->last_rotated_date()) return false;
    if (b->last_rotated_date() && !(*b->last_rotated_date() < *s->last_rotated_date())) return false;
  }
  return true;
}

const std::vector<std::string> content_types = {"application/x-amz-json-1.1", "application/json", ""};
const std::vector<std::int64_t> clock_steps = {0, 1'000, 3'600'000, 86'400'000, 86'400'000LL * 31};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ss::service_options options;
  options.seed = 7;
  options.rotation_functions["arn:aws:lambda:us-east-1:123456789012:function:keep"] = {
      ss::finish_variant::keep_pending, std::string("kept")};
  options.rotation_functions["arn:aws:lambda:us-east-1:123456789012:function:remove"] = {
      ss::finish_variant::remove_pending, std::nullopt};
  ss::service service(options);
  std::vector<std::string> builtin_arns;
  for (const auto& entry : options.rotation_functions) builtin_arns.push_back(entry.first);
  const ss::rotation_functions builtins(std::move(builtin_arns));
  ss::timestamp now{1'700'000'000'000};

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t at = 0;
  int requests = 0;
  while (at < input.size() && requests++ < 32) {
    std::size_t end = input.find('\n', at);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view request = input.substr(at, end - at);
    at = end + 1;
    if (request.size() < 2) continue;
    const auto head = static_cast<unsigned char>(request[0]);
    const std::string& target = targets()[head % targets().size()];
    const std::string& content_type = content_types[(head / targets().size()) % content_types.size()];
    now.epoch_ms += clock_steps[static_cast<unsigned char>(request[1]) % clock_steps.size()];
    const std::string_view body = request.substr(2);

    const auto before = service.store();
    const auto commits_before = service.commits();
    const auto content = aj::check_content_type(content_type);
    const ss::service_reply reply =
        content ? service.handle_target(target, body, now) : service.reject(content.error());
    const auto after = service.store();

    if (reply.status == 200) {
      const bool empty_ok = target == "secretsmanager.TagResource" || target == "secretsmanager.UntagResource";
      if (!(reply.body.empty() && empty_ok)) {
        if (!nlohmann::json::accept(reply.body)) violation("200 body is not JSON:", reply.body.substr(0, 200));
      }
    } else if (reply.status == 400) {
      if (!nlohmann::json::accept(reply.body)) violation("error body is not JSON:", reply.body);
      const auto parsed = nlohmann::json::parse(reply.body);
      if (!parsed.is_object() || !parsed.contains("__type")) violation("not an error body:", reply.body);
      const auto collected = ss::collect_deprecated_versions(before, now);
      const auto purged = ss::purge_deleted_secrets(collected.state, now);
      // A body that does not parse touches nothing; a request that fails later still lets the
      // background transitions that were due run: collection, purge, scheduled rotations.
      if (!(after == before) && !(after == purged.state) &&
          !explained_by_scheduled_rotations(before, purged.state, after, now, builtins))
        violation("a failed request changed the store:", reply.body);
      if (reply.sequence != 0 || service.commits() != commits_before) violation("a failure was committed");
    } else {
      violation("status other than 200/400:", reply.body);
    }
    for (const auto& v : ss::check_store_invariants(after)) violation("invariant violated:", v);
    const bool committed = reply.sequence != 0;
    if (committed != (service.commits() == commits_before + 1)) violation("commit count and sequence disagree");
    if (committed && reply.sequence != service.commits()) violation("sequence is not the commit count");
  }
  return 0;
}
