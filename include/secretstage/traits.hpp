#ifndef SECRETSTAGE_TRAITS_HPP
#define SECRETSTAGE_TRAITS_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "detail/hash.hpp"
#include "messages.hpp"
#include "result.hpp"

namespace secretstage {

/// The AWS Secrets Manager domain: string labels and version ids with AWS's length limits, the
/// reserved labels AWSCURRENT / AWSPREVIOUS / AWSPENDING and their rules, and the quota of 20
/// labels per secret.
///
/// A traits type supplies:
///   label_type, version_id_type       regular, totally ordered
///   label_quota                       distinct labels attached across one secret
///   max_labels_per_request            items in one VersionStages list
///   has_reserved_labels               whether current/previous/pending and their rules exist
///   current(), previous(), pending()  the reserved labels (only used when has_reserved_labels)
///   check_label(l, member)            shape validation -> result<void>
///   check_version_id(v, member)       shape validation -> result<void>
///   text(l), text(v)                  how a label or id is spelled in a message
///   hash(v)                           a deterministic 64-bit hash of a version id
struct aws_traits {
  using label_type = std::string;
  using version_id_type = std::string;

  static constexpr std::size_t label_quota = 20;
  static constexpr std::size_t max_labels_per_request = 20;
  static constexpr bool has_reserved_labels = true;

  static const label_type& current() {
    static const label_type l = "AWSCURRENT";
    return l;
  }
  static const label_type& previous() {
    static const label_type l = "AWSPREVIOUS";
    return l;
  }
  static const label_type& pending() {
    static const label_type l = "AWSPENDING";
    return l;
  }
  static bool is_current(const label_type& l) noexcept {
    return detail::key_equal{}(l, std::string_view("AWSCURRENT"));
  }
  static bool is_previous(const label_type& l) noexcept {
    return detail::key_equal{}(l, std::string_view("AWSPREVIOUS"));
  }
  static bool is_pending(const label_type& l) noexcept {
    return detail::key_equal{}(l, std::string_view("AWSPENDING"));
  }

  /// SecretVersionStageType: length 1–256, no pattern.
  static result<void> check_label(const label_type& l, std::string_view member) {
    if (l.empty()) return messages::length_at_least(member, 1);
    if (l.size() > 256) return messages::length_at_most(member, 256);
    return ok();
  }
  /// SecretVersionIdType / ClientRequestToken: length 32–64, no pattern.
  static result<void> check_version_id(const version_id_type& v, std::string_view member) {
    if (v.size() < 32) return messages::length_at_least(member, 32);
    if (v.size() > 64) return messages::length_at_most(member, 64);
    return ok();
  }

  static std::string_view text(const std::string& s) noexcept { return s; }

  /// Eight bytes at a time with a final avalanche; stable across platforms and runs.
  static std::uint64_t hash(const version_id_type& v) noexcept { return detail::hash_bytes(v); }
};

}  // namespace secretstage

#endif  // SECRETSTAGE_TRAITS_HPP
