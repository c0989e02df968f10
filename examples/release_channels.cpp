// A domain that is not AWS, on the same transitions: the releases of a service, numbered 1, 2,
// 3, …, and the channels that serve them (stable, beta, canary). A traits type says what its
// version ids and labels are and which labels it accepts; everything else comes from the library.
// The policy here: no reserved labels, so nothing moves unless a request names it (no
// AWSCURRENT default, no AWSPREVIOUS following a move); a channel name is 1–12 lower-case
// letters; at most three channels at a time. Every answer is checked: a wrong one exits with 1.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <secretstage/io.hpp>
#include <secretstage/secretstage.hpp>

namespace ss = secretstage;

namespace {

struct release_traits {
  using label_type = std::string;         // a channel
  using version_id_type = std::uint32_t;  // a release number

  static constexpr std::size_t label_quota = 3;
  static constexpr std::size_t max_labels_per_request = 3;
  static constexpr bool has_reserved_labels = false;

  static ss::result<void> check_label(const label_type& channel, std::string_view member) {
    if (channel.empty()) return ss::messages::length_at_least(member, 1);
    if (channel.size() > 12) return ss::messages::length_at_most(member, 12);
    if (!std::all_of(channel.begin(), channel.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
      return ss::messages::pattern_mismatch(member, channel, "^[a-z]+$");
    return ss::ok();
  }
  static ss::result<void> check_version_id(version_id_type release, std::string_view member) {
    if (release == 0) return ss::messages::value_at_least(member, 0, 1);
    return ss::ok();
  }
  static std::string_view text(const label_type& channel) noexcept { return channel; }
  static std::string text(version_id_type release) { return std::to_string(release); }
  /// splitmix64's finalizer: deterministic, as the library requires of a version id's hash.
  static std::uint64_t hash(version_id_type release) noexcept {
    std::uint64_t z = release + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

using releases = ss::basic_secret<release_traits>;
using context = ss::basic_context<release_traits>;
using create = ss::basic_create_secret<release_traits>;
using put = ss::basic_put_secret_value<release_traits>;
using move_channel = ss::basic_update_secret_version_stage<release_traits>;

int failures = 0;

void expect(bool ok, std::string_view what) {
  std::cout << (ok ? "  ok: " : "  WRONG: ") << what << '\n';
  if (!ok) ++failures;
}

/// Applies a request, prints the answer and checks it: with `refusal` empty the request must
/// succeed (the releases × channels table after it is printed), otherwise it must fail with that
/// exception. Returns the releases afterwards.
template <class Request>
releases attempt(const releases& s, const Request& request, const context& ctx,
                 std::string_view what, std::string_view refusal = {}) {
  std::cout << "\n> " << what << '\n';
  auto r = ss::apply(s, request, ctx);
  if (!r) {
    std::cout << "  " << r.error() << '\n';
    expect(r.error().name() == refusal, refusal.empty() ? "success expected" : refusal);
    return s;
  }
  std::cout << ss::format_table(r.value().state);
  if (!refusal.empty()) expect(false, "accepted, but expected " + std::string(refusal));
  return std::move(r).value().state;
}

}  // namespace

int main() {
  context ctx;
  ctx.now = ss::timestamp::from_seconds(1'764'288'000);  // 2025-11-28T00:00:00Z

  auto created = ss::apply(
      create{.name = "checkout", .client_request_token = 1u, .secret_string = "build 1"}, ctx);
  if (!created) return 1;
  releases s = created.value().state;
  std::cout << "> release 1 created\n" << ss::format_table(s);
  expect(s.labels_of(1).empty(), "no reserved labels: release 1 serves no channel yet");

  s = attempt(
      s, move_channel{.secret_id = "checkout", .version_stage = "stable", .move_to_version_id = 1u},
      ctx, "release 1 goes to stable");
  const auto release = [](std::uint32_t number, std::vector<std::string> channels) {
    return put{.secret_id = "checkout",
               .client_request_token = number,
               .secret_string = "build " + std::to_string(number),
               .version_stages = std::move(channels)};
  };
  s = attempt(s, release(2, {"beta", "canary"}), ctx, "release 2 arrives on beta and canary");
  expect(s.version_of("stable") == 1u, "stable stays on release 1: only named channels move");

  attempt(
      s, move_channel{.secret_id = "checkout", .version_stage = "stable", .move_to_version_id = 2u},
      ctx, "promote release 2 without saying where stable comes from", "InvalidParameterException");
  s = attempt(s,
              move_channel{.secret_id = "checkout",
                           .version_stage = "stable",
                           .remove_from_version_id = 1u,
                           .move_to_version_id = 2u},
              ctx, "promote release 2 to stable");
  expect(s.labels_of(1).empty() && s.is_deprecated(1), "release 1 has no channel left: deprecated");
  expect(s.labels_of(2).size() == 3, "release 2 is on stable, beta and canary");

  attempt(s, release(3, {"Nightly"}), ctx, "a channel name with a capital letter",
          "ValidationException");
  attempt(s, release(3, {"nightly"}), ctx, "a fourth channel", "LimitExceededException");
  expect(s.find_version(3) == nullptr, "the refused requests created no release");

  const auto violated = ss::check_invariants(s);
  expect(violated.empty(), "every invariant holds");
  return failures == 0 ? 0 : 1;
}
