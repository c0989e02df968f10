#ifndef SECRETSTAGE_DETAIL_SECRET_BUILDER_HPP
#define SECRETSTAGE_DETAIL_SECRET_BUILDER_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "../messages.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "hash.hpp"
#include "ref.hpp"

namespace secretstage::detail {

/// The one place where a secret is assembled. A transition validates its request first, then
/// describes the effect on a builder seeded with the input state (which it never modifies), then
/// calls `finish()`, which checks the label quota. There are no other error paths after
/// validation. The input's body is shared as it is unless the transition changes something in
/// it (metadata, versions, rare dates, a label never attached before); a label move only builds a
/// new head.
template <class Traits>
class secret_builder {
 public:
  using secret_type = basic_secret<Traits>;
  using label_type = typename Traits::label_type;
  using version_id_type = typename Traits::version_id_type;
  using version_type = basic_version<Traits>;

  explicit secret_builder(const secret_type& base)
      : body_(base.head_->body), last_changed_(base.head_->last_changed), count_(base.head_->count) {
    const auto& h = *base.head_;
    if (count_ != 0) std::memcpy(labels_, h.labels(), count_);
    if (h.wide) {
      is_wide_ = true;
      for (std::size_t i = 0; i < count_; ++i) wide_[i] = h.sequence(i);
    } else if (count_ != 0) {
      std::memcpy(narrow_, h.narrow_sequences(), count_ * 4);
    }
    refresh_pool();
  }
  /// A builder for a secret that does not exist yet.
  explicit secret_builder(ref<const secret_meta> meta) { draft().meta = std::move(meta); }

  [[nodiscard]] const secret_meta& meta() const noexcept { return *current().meta; }
  void set_meta(ref<const secret_meta> meta) { draft().meta = std::move(meta); }
  void set_last_changed(timestamp t) noexcept { last_changed_ = t; }
  void set_deleted(std::optional<timestamp> t) {
    if (current().deleted != t) draft().deleted = t;
  }
  void set_last_accessed(std::optional<timestamp> t) {
    if (current().last_accessed != t) draft().last_accessed = t;
  }
  void set_last_rotated(std::optional<timestamp> t) {
    if (current().last_rotated != t) draft().last_rotated = t;
  }

  [[nodiscard]] const version_type* find_version(const version_id_type& id) const noexcept {
    const auto* p = current().versions.find(id);
    return p ? p->get() : nullptr;
  }

  /// The version carrying `l` now, or nullptr.
  [[nodiscard]] const version_type* holder(const label_type& l) const noexcept {
    const std::size_t i = find_entry(l);
    return i < count_ ? at_sequence(sequence(i)) : nullptr;
  }
  /// The place in the creation order of the version carrying `l` now, or nullopt: what a
  /// transition compares with the versions its request names, without looking the holder up.
  [[nodiscard]] deferred_t<std::optional<std::uint64_t>, Traits> holder_sequence(
      const label_type& l) const noexcept {
    const std::size_t i = find_entry(l);
    return i < count_ ? deferred_t<std::optional<std::uint64_t>, Traits>(sequence(i))
                      : std::nullopt;
  }

  /// Puts `l` on `v` (a version of this builder), taking it from wherever it was.
  void attach(const label_type& l, const version_type* v) { attach_sequence(l, v->sequence()); }
  /// The same, with the version given by its place in the creation order.
  void attach_sequence(const label_type& l, std::uint64_t s) {
    const std::size_t i = find_entry(l);
    if (i < count_) {
      set_sequence(i, s);
      return;
    }
    if (count_ == max_entries) {
      overflow_ = true;  // unreachable for validated requests; reported as the quota error
      return;
    }
    labels_[count_] = label_index(l);
    ++count_;
    set_sequence(count_ - 1, s);
  }

  /// Takes `l` off whatever version carries it.
  void detach(const label_type& l) noexcept {
    const std::size_t i = find_entry(l);
    if (i < count_) {
      --count_;
      labels_[i] = labels_[count_];
      set_sequence(i, sequence(count_));
    }
  }

  /// Adds `v`, or replaces the version with the same id (its labels follow to the new object).
  const version_type* put_version(ref<const version_type> v) {
    body_type& b = draft();
    const version_type* fresh = v.get();
    if (const auto* old = b.versions.find(v->id()); old != nullptr && (*old)->sequence() != fresh->sequence()) {
      const std::uint64_t was = (*old)->sequence();
      b.by_sequence = b.by_sequence.set(was, nullptr);
      for (std::size_t i = 0; i < count_; ++i)
        if (sequence(i) == was) set_sequence(i, fresh->sequence());
    }
    b.by_sequence = b.by_sequence.set(fresh->sequence(), fresh);
    b.versions = b.versions.insert(std::move(v));
    return fresh;
  }

  /// Removes a version that carries no label.
  void erase_version(const version_id_type& id) {
    const version_type* v = find_version(id);
    if (v == nullptr) return;
    body_type& b = draft();
    if (b.by_sequence.get(v->sequence()) == v) b.by_sequence = b.by_sequence.set(v->sequence(), nullptr);
    b.versions = b.versions.erase(id);
  }

  /// The next position in the secret's creation order.
  [[nodiscard]] std::uint64_t take_sequence() { return draft().next_sequence++; }
  /// Sets the next position in the creation order, for a secret rebuilt from its snapshot
  /// (snapshot.hpp), whose newest versions may have been collected.
  void set_next_sequence(std::uint64_t s) {
    if (current().next_sequence != s) draft().next_sequence = s;
  }
  /// The next position in the creation order of `s`: part of its state (the next version's place),
  /// though not of what it shows.
  [[nodiscard]] static std::uint64_t next_sequence_of(const secret_type& s) noexcept {
    return s.body().next_sequence;
  }

  // ---- label moves without a builder ----------------------------------------------------------
  // A transition that only moves attached labels to other versions (the commonest change of
  // all) needs neither a new body nor a rebuilt label table: the input's table, patched.

  /// The entry of `l` in the label table of `s`, or `s.label_count()`.
  [[nodiscard]] static std::size_t entry_of(const secret_type& s, const label_type& l) noexcept {
    return s.label_entry(l);
  }
  /// The place in the creation order of the version carrying entry `i` of `s`.
  [[nodiscard]] static std::uint64_t sequence_of(const secret_type& s, std::size_t i) noexcept {
    return s.head_->sequence(i);
  }
  /// `s` with entry patches[k].entry on the version at place patches[k].sequence and
  /// LastChangedDate `now`; nullopt when a place does not fit the table's width (the caller
  /// then builds the state in full).
  [[nodiscard]] static std::optional<secret_type> with_moves(
      const secret_type& s, const typename secret_head<Traits>::patch_type* patches, std::size_t n,
      timestamp now) {
    const auto& h = *s.head_;
    for (std::size_t k = 0; k < n; ++k)
      if (!h.wide && patches[k].sequence > 0xffffffffull) return std::nullopt;
    return secret_type(ref<const secret_head<Traits>>::adopt(secret_head<Traits>::patch(h, h.body, now, patches, n)));
  }

  /// The new state; LimitExceededException when more labels are attached than the quota allows.
  [[nodiscard]] result<secret_type> finish() && {
    if (overflow_ || count_ > Traits::label_quota) return messages::label_quota_exceeded(Traits::label_quota);
    if (!new_labels_.empty() || !current().pool) compact_pool();
    ref<const body_type> body = draft_ ? ref<const body_type>(std::move(draft_)) : std::move(body_);
    return secret_type(ref<const secret_head<Traits>>::adopt(secret_head<Traits>::create(
        count_, std::move(body), last_changed_, labels_, is_wide_ ? nullptr : narrow_, wide_)));
  }

 private:
  using body_type = secret_body<Traits>;
  using pool_type = label_pool<label_type>;

  // A request adds at most its own list plus AWSCURRENT (first-version rule) and AWSPREVIOUS
  // before the quota is checked.
  static constexpr std::size_t max_entries = Traits::label_quota + Traits::max_labels_per_request + 2;
  static_assert(max_entries <= 255, "a head stores label indices in one byte");

  [[nodiscard]] const body_type& current() const noexcept { return draft_ ? *draft_ : *body_; }
  /// The body being changed: a copy of the input's, made on the first change.
  body_type& draft() {
    if (!draft_) draft_ = body_ ? make_ref<body_type>(*body_) : make_ref<body_type>();
    return *draft_;
  }

  [[nodiscard]] const version_type* at_sequence(std::uint64_t s) const noexcept {
    return current().by_sequence.get(s);
  }

  // Sequences are kept in 32 bits, as a head stores them, until one does not fit.
  [[nodiscard]] std::uint64_t sequence(std::size_t i) const noexcept {
    return is_wide_ ? wide_[i] : narrow_[i];
  }
  void set_sequence(std::size_t i, std::uint64_t s) noexcept {
    if (!is_wide_ && s > 0xffffffffull) widen();
    if (is_wide_) {
      wide_[i] = s;
    } else {
      narrow_[i] = static_cast<std::uint32_t>(s);
    }
  }
  void widen() noexcept {
    if (is_wide_) return;
    for (std::size_t i = 0; i < count_; ++i) wide_[i] = narrow_[i];
    is_wide_ = true;
  }

  // The pool's labels, then the labels this transition attaches for the first time; an entry's
  // label is an index into that sequence.
  void refresh_pool() noexcept {
    const auto* pool = current().pool.get();
    pool_labels_ = pool ? pool->labels.data() : nullptr;
    pool_size_ = pool ? pool->labels.size() : 0;
  }
  [[nodiscard]] const label_type& label_at(std::size_t i) const noexcept {
    return i < pool_size_ ? pool_labels_[i] : new_labels_[i - pool_size_];
  }
  /// The entry of `l`, or count_. The entry last found is tried first: a transition usually
  /// asks where a label is, then moves it.
  [[nodiscard]] std::size_t find_entry(const label_type& l) const noexcept {
    if (cached_entry_ < count_ && key_equal{}(label_at(labels_[cached_entry_]), l)) return cached_entry_;
    std::size_t i = 0;
    while (i < count_ && !key_equal{}(label_at(labels_[i]), l)) ++i;
    if (i < count_) cached_entry_ = i;
    return i;
  }
  std::uint8_t label_index(const label_type& l) {
    for (std::size_t i = 0; i < pool_size_; ++i)
      if (key_equal{}(pool_labels_[i], l)) return static_cast<std::uint8_t>(i);
    for (std::size_t i = 0; i < new_labels_.size(); ++i)
      if (key_equal{}(new_labels_[i], l)) return static_cast<std::uint8_t>(pool_size_ + i);
    new_labels_.push_back(l);
    return static_cast<std::uint8_t>(pool_size_ + new_labels_.size() - 1);
  }
  // A new pool holds exactly the labels attached now, so it never grows past the quota. The
  // entries are reordered so that the reserved labels come first: most lookups are for them.
  void compact_pool() {
    if constexpr (Traits::has_reserved_labels) {
      std::size_t front = 0;
      for (int pass = 0; pass < 3; ++pass) {
        for (std::size_t i = front; i < count_; ++i) {
          const label_type& l = label_at(labels_[i]);
          if (pass == 0 ? Traits::is_current(l) : pass == 1 ? Traits::is_previous(l) : Traits::is_pending(l)) {
            swap_entries(front++, i);
            break;
          }
        }
      }
    }
    auto pool = make_ref<pool_type>();
    pool->labels.reserve(count_);
    for (std::size_t i = 0; i < count_; ++i) {
      pool->labels.push_back(label_at(labels_[i]));
      labels_[i] = static_cast<std::uint8_t>(i);
    }
    new_labels_.clear();
    draft().pool = std::move(pool);
    refresh_pool();
    cached_entry_ = max_entries;
  }
  void swap_entries(std::size_t a, std::size_t b) noexcept {
    if (a == b) return;
    const std::uint8_t l = labels_[a];
    labels_[a] = labels_[b];
    labels_[b] = l;
    const std::uint64_t s = sequence(a);
    set_sequence(a, sequence(b));
    set_sequence(b, s);
  }

  ref<const body_type> body_;  // the input's body (null for a new secret)
  ref<body_type> draft_;       // the changed body, once something in it changed
  std::optional<timestamp> last_changed_;
  // The label table being built: the first count_ entries are set.
  std::size_t count_ = 0;
  bool is_wide_ = false;
  bool overflow_ = false;
  std::uint8_t labels_[max_entries];
  std::uint32_t narrow_[max_entries];
  std::uint64_t wide_[max_entries];
  const label_type* pool_labels_ = nullptr;
  std::size_t pool_size_ = 0;
  mutable std::size_t cached_entry_ = max_entries;
  std::vector<label_type> new_labels_;
};

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_SECRET_BUILDER_HPP
