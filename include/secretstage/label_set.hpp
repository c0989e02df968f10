#ifndef SECRETSTAGE_LABEL_SET_HPP
#define SECRETSTAGE_LABEL_SET_HPP

#include <cstddef>
#include <initializer_list>
#include <utility>
#include <vector>

#include "detail/algorithm.hpp"
#include "messages.hpp"
#include "result.hpp"
#include "traits.hpp"

namespace secretstage {

/// A set of staging labels: sorted, unique, at most `Capacity` elements. The value AWS writes as
/// a list (VersionStages): order is not significant and duplicates collapse.
template <class Label, std::size_t Capacity>
class basic_label_set {
 public:
  using value_type = Label;
  using const_iterator = typename std::vector<Label>::const_iterator;
  static constexpr std::size_t capacity = Capacity;

  basic_label_set() = default;

  /// The set of the given labels (duplicates collapse). LimitExceededException past capacity.
  template <class Range>
  [[nodiscard]] static result<basic_label_set> from(const Range& labels) {
    basic_label_set s;
    for (const auto& l : labels) s.items_.push_back(l);
    detail::stable_sort(s.items_.begin(), s.items_.end());
    s.items_.erase(detail::unique(s.items_.begin(), s.items_.end()), s.items_.end());
    if (s.items_.size() > Capacity) return messages::label_quota_exceeded(Capacity);
    return s;
  }
  [[nodiscard]] static result<basic_label_set> from(std::initializer_list<Label> labels) {
    return from<std::initializer_list<Label>>(labels);
  }

  [[nodiscard]] bool contains(const Label& l) const noexcept {
    const auto at = detail::lower_bound(items_.begin(), items_.end(), l);
    return at != items_.end() && !(l < *at);
  }
  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
  [[nodiscard]] const_iterator begin() const noexcept { return items_.begin(); }
  [[nodiscard]] const_iterator end() const noexcept { return items_.end(); }

  /// The set with `l` added; LimitExceededException when that would exceed the capacity.
  [[nodiscard]] result<basic_label_set> insert(Label l) const& {
    return basic_label_set(*this).insert(std::move(l));
  }
  [[nodiscard]] result<basic_label_set> insert(Label l) && {
    auto at = detail::lower_bound(items_.begin(), items_.end(), l);
    if (at != items_.end() && *at == l) return std::move(*this);
    if (items_.size() == Capacity) return messages::label_quota_exceeded(Capacity);
    items_.insert(at, std::move(l));
    return std::move(*this);
  }
  /// The set without `l` (unchanged when absent).
  [[nodiscard]] basic_label_set erase(const Label& l) const& { return basic_label_set(*this).erase(l); }
  [[nodiscard]] basic_label_set erase(const Label& l) && {
    auto at = detail::lower_bound(items_.begin(), items_.end(), l);
    if (at != items_.end() && *at == l) items_.erase(at);
    return std::move(*this);
  }

  friend bool operator==(const basic_label_set&, const basic_label_set&) = default;

 private:
  template <secret_traits>
  friend class basic_secret;
  // Trusted construction from an already sorted, unique, capped sequence.
  struct sorted_tag {};
  basic_label_set(sorted_tag, std::vector<Label> items) : items_(std::move(items)) {}

  std::vector<Label> items_;
};

template <class Traits>
using label_set_for = basic_label_set<typename Traits::label_type, Traits::label_quota>;

}  // namespace secretstage

#endif  // SECRETSTAGE_LABEL_SET_HPP
