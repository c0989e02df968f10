#ifndef SECRETSTAGE_SECRET_HPP
#define SECRETSTAGE_SECRET_HPP

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "detail/persistent_set.hpp"
#include "label_set.hpp"
#include "traits.hpp"
#include "value.hpp"
#include "version.hpp"

namespace secretstage {

/// A tag of a secret (TagResource, CreateSecret Tags).
struct tag {
  std::string key;
  std::string value;
  friend bool operator==(const tag&, const tag&) = default;
};

/// RotationRules: at most one of AutomaticallyAfterDays and ScheduleExpression, plus Duration.
struct rotation_rules {
  std::optional<std::int64_t> automatically_after_days;
  std::optional<std::string> duration;
  std::optional<std::string> schedule_expression;
  friend bool operator==(const rotation_rules&, const rotation_rules&) = default;
};

namespace detail {

/// The metadata of a secret: everything but its versions, labels and frequently changing dates.
/// Shared between states until an operation changes it.
struct secret_meta {
  shared_text name;
  shared_text arn;
  std::string description;
  std::optional<std::string> kms_key_id;
  timestamp created_date;
  std::vector<tag> tags;  // in the order they were first added
  bool rotation_enabled = false;
  std::optional<std::string> rotation_lambda_arn;
  std::optional<rotation_rules> rotation;

  friend bool operator==(const secret_meta&, const secret_meta&) = default;
};

template <class Traits>
struct version_key {
  const typename Traits::version_id_type& operator()(const basic_version<Traits>& v) const noexcept {
    return v.id();
  }
};
template <class Traits>
struct version_hash {
  std::uint64_t operator()(const typename Traits::version_id_type& id) const noexcept {
    return Traits::hash(id);
  }
};

template <class Traits>
class secret_builder;

}  // namespace detail

/// A secret: metadata (name, ARN, description, dates), its versions, and its staging labels.
///
/// Labels are stored once, as label -> version, so a label can never be on two versions. Versions
/// live in a persistent hash set shared with the states this one was derived from; the label
/// table is a fixed array of (label index, version) pairs over a shared pool of label names.
/// Copying a secret therefore costs a few reference-count increments and a small memcpy,
/// independent of the number of versions and the size of their values.
///
/// A secret is a value: it has no mutating member. Transitions (operations/*.hpp) take a
/// `const basic_secret&` and return a new one.
template <class Traits = aws_traits>
class basic_secret {
 public:
  using traits_type = Traits;
  using label_type = typename Traits::label_type;
  using version_id_type = typename Traits::version_id_type;
  using version_type = basic_version<Traits>;
  using label_set_type = label_set_for<Traits>;

  // ---- metadata ------------------------------------------------------------------------------
  [[nodiscard]] const shared_text& name() const noexcept { return meta_->name; }
  [[nodiscard]] const shared_text& arn() const noexcept { return meta_->arn; }
  [[nodiscard]] const std::string& description() const noexcept { return meta_->description; }
  [[nodiscard]] const std::optional<std::string>& kms_key_id() const noexcept {
    return meta_->kms_key_id;
  }
  [[nodiscard]] timestamp created_date() const noexcept { return meta_->created_date; }
  [[nodiscard]] const std::optional<timestamp>& last_changed_date() const noexcept {
    return last_changed_;
  }
  /// Set while the secret is scheduled for deletion: the end of the recovery window.
  [[nodiscard]] const std::optional<timestamp>& deleted_date() const noexcept { return deleted_; }
  /// The day of the last GetSecretValue (midnight UTC), if any.
  [[nodiscard]] const std::optional<timestamp>& last_accessed_date() const noexcept {
    return last_accessed_;
  }
  /// When the last rotation finished, if any.
  [[nodiscard]] const std::optional<timestamp>& last_rotated_date() const noexcept {
    return last_rotated_;
  }
  [[nodiscard]] const std::vector<tag>& tags() const noexcept { return meta_->tags; }
  [[nodiscard]] bool rotation_enabled() const noexcept { return meta_->rotation_enabled; }
  [[nodiscard]] const std::optional<std::string>& rotation_lambda_arn() const noexcept {
    return meta_->rotation_lambda_arn;
  }
  [[nodiscard]] const std::optional<rotation_rules>& rotation() const noexcept {
    return meta_->rotation;
  }
  [[nodiscard]] const detail::secret_meta& meta() const noexcept { return *meta_; }

  // ---- versions ------------------------------------------------------------------------------
  [[nodiscard]] std::size_t version_count() const noexcept { return versions_.size(); }
  /// The version with this id, or nullptr. O(1) expected (hash trie, depth log32 n).
  [[nodiscard]] const version_type* find_version(const version_id_type& id) const noexcept {
    const auto* p = versions_.find(id);
    return p ? p->get() : nullptr;
  }
  /// Every version, deprecated ones included, oldest first. O(n log n).
  [[nodiscard]] std::vector<const version_type*> versions() const {
    std::vector<const version_type*> out;
    out.reserve(versions_.size());
    versions_.for_each([&](const auto& v) { out.push_back(v.get()); });
    std::sort(out.begin(), out.end(),
              [](const version_type* a, const version_type* b) { return a->sequence() < b->sequence(); });
    return out;
  }

  // ---- labels --------------------------------------------------------------------------------
  /// The version carrying `label`, or nullptr when it is attached nowhere.
  [[nodiscard]] const version_type* holder(const label_type& label) const noexcept {
    for (std::uint32_t i = 0; i < stage_count_; ++i)
      if ((*pool_)[stages_[i].label] == label) return stages_[i].version;
    return nullptr;
  }
  [[nodiscard]] std::optional<version_id_type> version_of(const label_type& label) const {
    const version_type* v = holder(label);
    return v ? std::optional<version_id_type>(v->id()) : std::nullopt;
  }
  /// The labels on version `id` (empty for a deprecated or unknown version).
  [[nodiscard]] label_set_type labels_of(const version_id_type& id) const {
    std::vector<label_type> out;
    for (std::uint32_t i = 0; i < stage_count_; ++i)
      if (stages_[i].version->id() == id) out.push_back((*pool_)[stages_[i].label]);
    std::sort(out.begin(), out.end());
    return label_set_type(typename label_set_type::sorted_tag{}, std::move(out));
  }
  /// A version with no label is deprecated: AWS may collect it.
  [[nodiscard]] bool is_deprecated(const version_id_type& id) const noexcept {
    for (std::uint32_t i = 0; i < stage_count_; ++i)
      if (stages_[i].version->id() == id) return false;
    return true;
  }
  /// How many labels are attached across all versions.
  [[nodiscard]] std::size_t label_count() const noexcept { return stage_count_; }
  /// Every attached label and its version, ordered by label.
  [[nodiscard]] std::vector<std::pair<label_type, version_id_type>> stages() const {
    std::vector<std::pair<label_type, version_id_type>> out;
    out.reserve(stage_count_);
    for (std::uint32_t i = 0; i < stage_count_; ++i)
      out.emplace_back((*pool_)[stages_[i].label], stages_[i].version->id());
    std::sort(out.begin(), out.end());
    return out;
  }

  /// Same metadata, same versions (ids, values, dates), same labels on the same versions.
  friend bool operator==(const basic_secret& a, const basic_secret& b) {
    if (!(a.meta_ == b.meta_ || *a.meta_ == *b.meta_)) return false;
    if (a.last_changed_ != b.last_changed_ || a.deleted_ != b.deleted_ ||
        a.last_accessed_ != b.last_accessed_ || a.last_rotated_ != b.last_rotated_)
      return false;
    if (!a.versions_.equal(b.versions_, [](const version_type& x, const version_type& y) { return x == y; }))
      return false;
    return a.stage_count_ == b.stage_count_ && a.stages() == b.stages();
  }

 private:
  friend class detail::secret_builder<Traits>;

  struct stage_entry {
    std::uint32_t label = 0;                // index into *pool_
    const version_type* version = nullptr;  // owned by versions_
  };
  using version_set = detail::persistent_set<version_type, version_id_type,
                                             detail::version_key<Traits>, detail::version_hash<Traits>>;

  basic_secret() = default;

  // Strings live in the shared metadata; dates that change often are kept inline so that
  // updating them copies nothing.
  std::shared_ptr<const detail::secret_meta> meta_;
  std::optional<timestamp> last_changed_;
  std::optional<timestamp> deleted_;
  std::optional<timestamp> last_accessed_;
  std::optional<timestamp> last_rotated_;
  version_set versions_;
  std::shared_ptr<const std::vector<label_type>> pool_;
  std::array<stage_entry, Traits::label_quota> stages_{};
  std::uint32_t stage_count_ = 0;
  std::uint64_t next_sequence_ = 0;
};

using secret = basic_secret<>;

}  // namespace secretstage

#endif  // SECRETSTAGE_SECRET_HPP
