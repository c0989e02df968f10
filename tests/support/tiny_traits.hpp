#ifndef SECRETSTAGE_TESTS_TINY_TRAITS_HPP
#define SECRETSTAGE_TESTS_TINY_TRAITS_HPP

// A non-AWS "labels on versions" domain: integer version ids, one-letter labels, a quota of four
// labels, no reserved labels (so no AWSCURRENT default, no AWSPREVIOUS rule). The same
// transitions serve it unchanged.

#include <cstdint>
#include <string>
#include <string_view>

#include <secretstage/messages.hpp>
#include <secretstage/result.hpp>

namespace secretstage::testing {

struct tiny_traits {
  using label_type = char;
  using version_id_type = int;

  static constexpr std::size_t label_quota = 4;
  static constexpr std::size_t max_labels_per_request = 4;
  static constexpr bool has_reserved_labels = false;

  /// Labels are lower-case letters.
  static result<void> check_label(label_type l, std::string_view member) {
    if (l < 'a' || l > 'z') return messages::length_at_least(member, 1);
    return ok();
  }
  /// Version ids are positive.
  static result<void> check_version_id(version_id_type v, std::string_view member) {
    if (v <= 0) return messages::length_at_least(member, 1);
    return ok();
  }
  static std::string text(label_type l) { return std::string(1, l); }
  static std::string text(version_id_type v) { return std::to_string(v); }
  static std::uint64_t hash(version_id_type v) noexcept {
    auto z = static_cast<std::uint64_t>(v) + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

}  // namespace secretstage::testing

#endif  // SECRETSTAGE_TESTS_TINY_TRAITS_HPP
