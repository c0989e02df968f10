#ifndef SECRETSTAGE_VERSION_HPP
#define SECRETSTAGE_VERSION_HPP

#include <cstdint>
#include <optional>
#include <utility>

#include "detail/ref.hpp"
#include "traits.hpp"
#include "value.hpp"

namespace secretstage {

/// One version of a secret: its id, its value (absent for the placeholder that RotateSecret
/// creates before the rotation function writes the new value) and its creation date. Immutable:
/// states share versions through counted references (`detail::ref<const basic_version>`), so
/// moving labels or adding a version never copies a value. Its labels are not stored here but in
/// the secret's label table (a label can then never sit on two versions): ask the secret,
/// `labels_of(id)`.
template <secret_traits Traits = aws_traits>
class basic_version : public detail::counted {
 public:
  using traits_type = Traits;
  using version_id_type = typename Traits::version_id_type;

  basic_version(version_id_type id, value_ref value, timestamp created,
                std::uint64_t sequence, std::optional<timestamp> last_accessed = std::nullopt)
      : id_(std::move(id)),
        value_(std::move(value)),
        created_(created),
        sequence_(sequence),
        last_accessed_(last_accessed) {}

  [[nodiscard]] const version_id_type& id() const noexcept { return id_; }
  /// The value, or nullptr for a value-less rotation placeholder.
  [[nodiscard]] const secret_value* value() const noexcept { return value_.get(); }
  [[nodiscard]] const value_ref& shared_value() const noexcept {
    return value_;
  }
  [[nodiscard]] bool is_placeholder() const noexcept { return value_ == nullptr; }
  [[nodiscard]] timestamp created_date() const noexcept { return created_; }
  /// Position in the secret's creation order (0 for the first version ever created).
  [[nodiscard]] std::uint64_t sequence() const noexcept { return sequence_; }
  /// The day of the last GetSecretValue of this version (midnight UTC), if any.
  [[nodiscard]] const std::optional<timestamp>& last_accessed_date() const noexcept {
    return last_accessed_;
  }

  /// Same id, same value content, same dates, same place in the creation order.
  friend bool operator==(const basic_version& a, const basic_version& b) {
    const bool same_value = a.value_ == b.value_ ||
                            (a.value_ && b.value_ && *a.value_ == *b.value_);
    return a.id_ == b.id_ && same_value && a.created_ == b.created_ &&
           a.sequence_ == b.sequence_ && a.last_accessed_ == b.last_accessed_;
  }

 private:
  version_id_type id_;
  value_ref value_;
  timestamp created_;
  std::uint64_t sequence_;
  std::optional<timestamp> last_accessed_;
};

using version = basic_version<>;

}  // namespace secretstage

#endif  // SECRETSTAGE_VERSION_HPP
