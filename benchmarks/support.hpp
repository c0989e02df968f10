#ifndef SECRETSTAGE_BENCHMARKS_SUPPORT_HPP
#define SECRETSTAGE_BENCHMARKS_SUPPORT_HPP

// The secrets the benchmarks work on, built through the library's own transitions so that they
// have the shape real use gives them (structure shared between successive states).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <secretstage/secretstage.hpp>

namespace bench {

namespace ss = secretstage;

/// A 36-character version id (the length of the UUIDs SDKs send as ClientRequestToken), distinct
/// for each n: "00000000-0000-4000-8000-<12 digits of n>".
inline std::string version_id(std::int64_t n) {
  std::string id = "00000000-0000-4000-8000-000000000000";
  for (std::size_t i = id.size(); n > 0 && i-- > 24;) {
    id[i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
  return id;
}

/// "secret-0000042": the names of the secrets of the store benchmarks.
inline std::string secret_name(std::int64_t i) {
  const std::string digits = std::to_string(i);
  std::string name = "secret-";
  name.append(digits.size() < 7 ? 7 - digits.size() : 0, '0');
  return name += digits;
}

/// "L0", "L1", …: the custom labels of the reference secret.
inline std::string custom_label(int i) {
  std::string l = "L";
  l += std::to_string(i);
  return l;
}

inline constexpr int custom_labels = 18;  // + AWSCURRENT + AWSPREVIOUS = the quota of 20

/// The reference secret of issue 5, named "bench": `versions` versions (ids version_id(0) …
/// version_id(versions - 1), oldest first) whose values are `value_size` bytes; AWSCURRENT on the
/// newest, AWSPREVIOUS on the one before, and 18 custom labels L0 … L17 spread over the older
/// versions (L<i> on version i·(versions-2)/18), so that 20 labels sit on up to 20 versions.
/// `labels` < 18 leaves out the last custom labels.
inline ss::secret reference_secret(std::int64_t versions, std::size_t value_size, int labels = custom_labels) {
  const ss::context ctx;
  ss::secret s = ss::apply(ss::create_secret{.name = "bench",
                                             .client_request_token = version_id(0),
                                             .secret_string = std::string(value_size, 'v')},
                           ctx)
                     .value()
                     .state;
  for (std::int64_t i = 1; i < versions; ++i) {
    s = ss::apply(s,
                  ss::put_secret_value{.secret_id = "bench",
                                       .client_request_token = version_id(i),
                                       .secret_string = std::string(value_size, 'v')},
                  ctx)
            .value()
            .state;
  }
  const std::int64_t older = versions > 2 ? versions - 2 : 1;
  for (int l = 0; l < labels; ++l) {
    s = ss::apply(s,
                  ss::update_secret_version_stage{
                      .secret_id = "bench",
                      .version_stage = custom_label(l),
                      .move_to_version_id = version_id(l * older / custom_labels)},
                  ctx)
            .value()
            .state;
  }
  return s;
}

/// Item 1's move on the reference secret: AWSCURRENT from the newest version to the one before
/// (which drags AWSPREVIOUS to the newest).
inline ss::update_secret_version_stage reference_move(std::int64_t versions) {
  return {.secret_id = "bench",
          .version_stage = "AWSCURRENT",
          .remove_from_version_id = version_id(versions - 1),
          .move_to_version_id = version_id(versions - 2)};
}

/// An integer from the environment, or `fallback`.
inline std::int64_t env_int(const char* name, std::int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoll(v, nullptr, 10) : fallback;
}

/// splitmix64: the benchmarks' only source of randomness, seeded, so every run draws the same.
struct splitmix {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n).
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

}  // namespace bench

#endif  // SECRETSTAGE_BENCHMARKS_SUPPORT_HPP
