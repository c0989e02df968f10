#ifndef SECRETSTAGE_DETAIL_SECRET_BUILDER_HPP
#define SECRETSTAGE_DETAIL_SECRET_BUILDER_HPP

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "../messages.hpp"
#include "../result.hpp"
#include "../secret.hpp"

namespace secretstage::detail {

/// The one place where a secret is assembled. A transition validates its request first, then
/// describes the effect on a builder seeded with the input state (which it copies cheaply and
/// never modifies), then calls `finish()`, which checks the label quota. There are no other
/// error paths after validation.
template <class Traits>
class secret_builder {
 public:
  using secret_type = basic_secret<Traits>;
  using label_type = typename Traits::label_type;
  using version_id_type = typename Traits::version_id_type;
  using version_type = basic_version<Traits>;

  explicit secret_builder(const secret_type& base) : s_(base), count_(base.stage_count_) {
    for (std::uint32_t i = 0; i < count_; ++i) work_[i] = {base.stages_[i].label, base.stages_[i].version};
  }
  /// A builder for a secret that does not exist yet.
  explicit secret_builder(std::shared_ptr<const secret_meta> meta) { s_.meta_ = std::move(meta); }

  [[nodiscard]] const secret_meta& meta() const noexcept { return *s_.meta_; }
  void set_meta(std::shared_ptr<const secret_meta> meta) noexcept { s_.meta_ = std::move(meta); }
  void set_last_changed(timestamp t) noexcept { s_.last_changed_ = t; }
  void set_deleted(std::optional<timestamp> t) noexcept { s_.deleted_ = t; }
  void set_last_accessed(std::optional<timestamp> t) noexcept { s_.last_accessed_ = t; }
  void set_last_rotated(std::optional<timestamp> t) noexcept { s_.last_rotated_ = t; }

  [[nodiscard]] const version_type* find_version(const version_id_type& id) const noexcept {
    return s_.find_version(id);
  }

  [[nodiscard]] const version_type* holder(const label_type& l) const noexcept {
    if (auto i = find_entry(l)) return work_[*i].version;
    return nullptr;
  }

  /// Puts `l` on `v`, taking it from wherever it was.
  void attach(const label_type& l, const version_type* v) {
    if (auto i = find_entry(l)) {
      work_[*i].version = v;
      return;
    }
    if (count_ == max_entries) {
      overflow_ = true;  // unreachable for validated requests; reported as the quota error
      return;
    }
    work_[count_++] = {label_index(l), v};
  }

  /// Takes `l` off whatever version carries it.
  void detach(const label_type& l) noexcept {
    if (auto i = find_entry(l)) work_[*i] = work_[--count_];
  }

  /// Adds `v`, or replaces the version with the same id (labels follow to the new object).
  const version_type* put_version(std::shared_ptr<const version_type> v) {
    const version_type* old = s_.find_version(v->id());
    const version_type* fresh = v.get();
    s_.versions_ = s_.versions_.insert(std::move(v));
    if (old != nullptr)
      for (std::uint32_t i = 0; i < count_; ++i)
        if (work_[i].version == old) work_[i].version = fresh;
    return fresh;
  }

  /// Removes a version that carries no label.
  void erase_version(const version_id_type& id) { s_.versions_ = s_.versions_.erase(id); }

  /// The next position in the secret's creation order.
  [[nodiscard]] std::uint64_t take_sequence() noexcept { return s_.next_sequence_++; }

  /// The new state; LimitExceededException when more labels are attached than the quota allows.
  [[nodiscard]] result<secret_type> finish() && {
    if (overflow_ || count_ > Traits::label_quota) return messages::label_quota_exceeded(Traits::label_quota);
    if (!new_labels_.empty() || !s_.pool_) compact_pool();
    for (std::uint32_t i = 0; i < count_; ++i) s_.stages_[i] = {work_[i].label, work_[i].version};
    s_.stage_count_ = count_;
    return std::move(s_);
  }

 private:
  struct entry {
    std::uint32_t label = 0;  // < pool size: pool index; otherwise pool size + index in new_labels_
    const version_type* version = nullptr;
  };
  // A request adds at most its own list plus AWSCURRENT (first-version rule) and AWSPREVIOUS
  // before the quota is checked.
  static constexpr std::size_t max_entries = Traits::label_quota + Traits::max_labels_per_request + 2;

  [[nodiscard]] std::size_t pool_size() const noexcept { return s_.pool_ ? s_.pool_->size() : 0; }
  [[nodiscard]] const label_type& label_at(std::uint32_t i) const noexcept {
    return i < pool_size() ? (*s_.pool_)[i] : new_labels_[i - pool_size()];
  }
  [[nodiscard]] std::optional<std::uint32_t> find_entry(const label_type& l) const noexcept {
    for (std::uint32_t i = 0; i < count_; ++i)
      if (label_at(work_[i].label) == l) return i;
    return std::nullopt;
  }
  std::uint32_t label_index(const label_type& l) {
    for (std::size_t i = 0; i < pool_size(); ++i)
      if ((*s_.pool_)[i] == l) return static_cast<std::uint32_t>(i);
    for (std::size_t i = 0; i < new_labels_.size(); ++i)
      if (new_labels_[i] == l) return static_cast<std::uint32_t>(pool_size() + i);
    new_labels_.push_back(l);
    return static_cast<std::uint32_t>(pool_size() + new_labels_.size() - 1);
  }
  // A new pool holds exactly the labels attached now, so it never grows past the quota.
  void compact_pool() {
    auto pool = std::make_shared<std::vector<label_type>>();
    pool->reserve(count_);
    for (std::uint32_t i = 0; i < count_; ++i) {
      pool->push_back(label_at(work_[i].label));
      work_[i].label = i;
    }
    s_.pool_ = std::move(pool);
    new_labels_.clear();
  }

  secret_type s_;
  std::array<entry, max_entries> work_{};
  std::uint32_t count_ = 0;
  bool overflow_ = false;
  std::vector<label_type> new_labels_;
};

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_SECRET_BUILDER_HPP
