#ifndef SECRETSTAGE_DETAIL_ALGORITHM_HPP
#define SECRETSTAGE_DETAIL_ALGORITHM_HPP

// The few algorithms the core needs, so that it does not include <algorithm>: in C++20 that
// header brings the whole of <ranges> algorithms and the parallel ones into every translation
// unit, a fifth of the parse time of the umbrella header. Random-access ranges only.

#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

namespace secretstage::detail {

struct less_than {
  template <class A, class B>
  [[nodiscard]] constexpr bool operator()(const A& a, const B& b) const {
    return a < b;
  }
};

/// Sorts [first, last) by `less`, equal elements keeping their order: insertion sort of runs of
/// 16, then bottom-up merges through one buffer. O(n log n) comparisons, n extra elements.
template <class It, class Less = less_than>
void stable_sort(It first, It last, Less less = {}) {
  using value_type = std::remove_cvref_t<decltype(*first)>;
  const std::ptrdiff_t n = last - first;
  constexpr std::ptrdiff_t run = 16;
  for (std::ptrdiff_t lo = 0; lo < n; lo += run) {
    const std::ptrdiff_t hi = lo + run < n ? lo + run : n;
    for (std::ptrdiff_t i = lo + 1; i < hi; ++i) {
      value_type v = std::move(first[i]);
      std::ptrdiff_t j = i;
      for (; j > lo && less(v, first[j - 1]); --j) first[j] = std::move(first[j - 1]);
      first[j] = std::move(v);
    }
  }
  if (n <= run) return;
  std::vector<value_type> from, to;
  from.reserve(static_cast<std::size_t>(n));
  to.reserve(static_cast<std::size_t>(n));
  for (std::ptrdiff_t i = 0; i < n; ++i) from.push_back(std::move(first[i]));
  for (std::size_t width = run, size = static_cast<std::size_t>(n); width < size; width *= 2) {
    to.clear();
    for (std::size_t lo = 0; lo < size; lo += 2 * width) {
      const std::size_t mid = lo + width < size ? lo + width : size;
      const std::size_t hi = lo + 2 * width < size ? lo + 2 * width : size;
      std::size_t i = lo, j = mid;
      while (i < mid && j < hi) to.push_back(std::move(less(from[j], from[i]) ? from[j++] : from[i++]));
      while (i < mid) to.push_back(std::move(from[i++]));
      while (j < hi) to.push_back(std::move(from[j++]));
    }
    from.swap(to);
  }
  for (std::ptrdiff_t i = 0; i < n; ++i) first[i] = std::move(from[static_cast<std::size_t>(i)]);
}

/// The first position in sorted [first, last) whose element is not less than `v`.
template <class It, class T, class Less = less_than>
[[nodiscard]] It lower_bound(It first, It last, const T& v, Less less = {}) {
  auto n = last - first;
  while (n > 0) {
    const auto half = n / 2;
    if (less(first[half], v)) {
      first += half + 1;
      n -= half + 1;
    } else {
      n = half;
    }
  }
  return first;
}

/// Removes consecutive duplicates of sorted [first, last); returns the new end.
template <class It>
[[nodiscard]] It unique(It first, It last) {
  if (first == last) return last;
  It out = first;
  for (It i = first + 1; i != last; ++i) {
    if (*i == *out) continue;
    if (++out != i) *out = std::move(*i);  // never a self-move: it would empty a string
  }
  return out + 1;
}

template <class It, class T>
[[nodiscard]] It find(It first, It last, const T& v) {
  for (; first != last; ++first)
    if (*first == v) return first;
  return last;
}

template <class It, class Pred>
[[nodiscard]] It find_if(It first, It last, Pred pred) {
  for (; first != last; ++first)
    if (pred(*first)) return first;
  return last;
}

template <class It, class Pred>
[[nodiscard]] bool any_of(It first, It last, Pred pred) {
  return detail::find_if(first, last, pred) != last;
}

template <class It, class Pred>
[[nodiscard]] bool all_of(It first, It last, Pred pred) {
  for (; first != last; ++first)
    if (!pred(*first)) return false;
  return true;
}

template <class It>
void reverse(It first, It last) {
  while (first != last && first != --last) {
    using std::swap;
    swap(*first, *last);
    ++first;
  }
}

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_ALGORITHM_HPP
