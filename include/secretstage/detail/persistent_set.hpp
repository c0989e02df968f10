#ifndef SECRETSTAGE_DETAIL_PERSISTENT_SET_HPP
#define SECRETSTAGE_DETAIL_PERSISTENT_SET_HPP

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace secretstage::detail {

/// An immutable hash set of shared, immutable elements, keyed by `KeyOf(element)`: a hash array
/// mapped trie (CHAMP layout: a node keeps its elements and its sub-nodes in two arrays indexed
/// by bitmaps). Every update copies only the path from the root to the changed slot, O(log32 n)
/// nodes, and shares everything else with the set it came from; elements themselves are never
/// copied, only their `shared_ptr`. Iteration order depends only on the hashes, so it is
/// deterministic for a deterministic `Hash`.
template <class T, class Key, class KeyOf, class Hash>
class persistent_set {
 public:
  using element_ptr = std::shared_ptr<const T>;

  persistent_set() = default;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

  /// The element with key `k`, or nullptr.
  [[nodiscard]] const element_ptr* find(const Key& k) const noexcept {
    const std::uint64_t h = Hash{}(k);
    const node* n = root_.get();
    for (unsigned shift = 0; n != nullptr; shift += bits) {
      if (shift >= hash_bits) return find_in_collision(*n, k);
      const std::uint32_t bit = bit_of(h, shift);
      if (n->datamap & bit) {
        const element_ptr& e = n->data[index(n->datamap, bit)];
        return KeyOf{}(*e) == k ? &e : nullptr;
      }
      if (!(n->nodemap & bit)) return nullptr;
      n = n->children[index(n->nodemap, bit)].get();
    }
    return nullptr;
  }

  /// The set with `e` added, replacing the element with the same key if there is one.
  [[nodiscard]] persistent_set insert(element_ptr e) const {
    const std::uint64_t h = Hash{}(KeyOf{}(*e));
    bool added = false;
    persistent_set out;
    out.root_ = insert_at(root_.get(), std::move(e), h, 0, added);
    out.size_ = size_ + (added ? 1 : 0);
    return out;
  }

  /// The set without the element keyed `k` (the same set when there is none).
  [[nodiscard]] persistent_set erase(const Key& k) const {
    if (find(k) == nullptr) return *this;
    persistent_set out;
    out.root_ = erase_at(*root_, k, Hash{}(k), 0);
    out.size_ = size_ - 1;
    return out;
  }

  /// Calls `f(const element_ptr&)` for every element.
  template <class F>
  void for_each(F&& f) const {
    if (root_) visit(*root_, f);
  }

  /// True when both hold the same keys and `eq` holds for each pair of elements.
  template <class Eq>
  [[nodiscard]] bool equal(const persistent_set& other, Eq eq) const {
    if (size_ != other.size_) return false;
    if (root_ == other.root_) return true;
    bool same = true;
    for_each([&](const element_ptr& e) {
      if (!same) return;
      const element_ptr* o = other.find(KeyOf{}(*e));
      same = o != nullptr && (*o == e || eq(*e, **o));
    });
    return same;
  }

 private:
  static constexpr unsigned bits = 5;
  static constexpr unsigned hash_bits = 64;

  struct node {
    std::uint32_t datamap = 0;  // slots holding an element
    std::uint32_t nodemap = 0;  // slots holding a sub-node
    std::vector<element_ptr> data;
    std::vector<std::shared_ptr<const node>> children;
  };
  using node_ptr = std::shared_ptr<const node>;

  static std::uint32_t bit_of(std::uint64_t h, unsigned shift) noexcept {
    return std::uint32_t{1} << ((h >> shift) & 31u);
  }
  static std::size_t index(std::uint32_t map, std::uint32_t bit) noexcept {
    return static_cast<std::size_t>(std::popcount(map & (bit - 1)));
  }
  static std::uint64_t hash_of(const element_ptr& e) { return Hash{}(KeyOf{}(*e)); }

  // Below the last level all hashes are equal: a collision node keeps a plain list.
  static const element_ptr* find_in_collision(const node& n, const Key& k) noexcept {
    for (const auto& e : n.data)
      if (KeyOf{}(*e) == k) return &e;
    return nullptr;
  }

  static node_ptr make_pair_node(element_ptr a, std::uint64_t ha, element_ptr b, std::uint64_t hb,
                                 unsigned shift) {
    auto n = std::make_shared<node>();
    if (shift >= hash_bits) {
      n->data = {std::move(a), std::move(b)};
      return n;
    }
    const std::uint32_t ba = bit_of(ha, shift), bb = bit_of(hb, shift);
    if (ba == bb) {
      n->nodemap = ba;
      n->children.push_back(make_pair_node(std::move(a), ha, std::move(b), hb, shift + bits));
    } else {
      n->datamap = ba | bb;
      if (ba < bb) {
        n->data = {std::move(a), std::move(b)};
      } else {
        n->data = {std::move(b), std::move(a)};
      }
    }
    return n;
  }

  static node_ptr insert_at(const node* n, element_ptr e, std::uint64_t h, unsigned shift,
                            bool& added) {
    if (n == nullptr) {
      auto fresh = std::make_shared<node>();
      if (shift < hash_bits) fresh->datamap = bit_of(h, shift);
      fresh->data.push_back(std::move(e));
      added = true;
      return fresh;
    }
    auto copy = std::make_shared<node>(*n);
    if (shift >= hash_bits) {
      for (auto& d : copy->data) {
        if (KeyOf{}(*d) == KeyOf{}(*e)) {
          d = std::move(e);
          return copy;
        }
      }
      copy->data.push_back(std::move(e));
      added = true;
      return copy;
    }
    const std::uint32_t bit = bit_of(h, shift);
    if (n->datamap & bit) {
      const std::size_t i = index(n->datamap, bit);
      if (KeyOf{}(*n->data[i]) == KeyOf{}(*e)) {
        copy->data[i] = std::move(e);
        return copy;
      }
      element_ptr existing = std::move(copy->data[i]);
      const std::uint64_t he = hash_of(existing);
      copy->data.erase(copy->data.begin() + static_cast<std::ptrdiff_t>(i));
      copy->datamap ^= bit;
      copy->nodemap |= bit;
      copy->children.insert(
          copy->children.begin() + static_cast<std::ptrdiff_t>(index(copy->nodemap, bit)),
          make_pair_node(std::move(existing), he, std::move(e), h, shift + bits));
      added = true;
      return copy;
    }
    if (n->nodemap & bit) {
      const std::size_t i = index(n->nodemap, bit);
      copy->children[i] = insert_at(n->children[i].get(), std::move(e), h, shift + bits, added);
      return copy;
    }
    copy->data.insert(copy->data.begin() + static_cast<std::ptrdiff_t>(index(n->datamap, bit)),
                      std::move(e));
    copy->datamap |= bit;
    added = true;
    return copy;
  }

  // Precondition: `k` is present below `n`. Returns nullptr when the node becomes empty; a
  // sub-node left with a single element is folded into its parent, so the trie stays minimal.
  static node_ptr erase_at(const node& n, const Key& k, std::uint64_t h, unsigned shift) {
    auto copy = std::make_shared<node>(n);
    if (shift >= hash_bits) {
      for (std::size_t i = 0; i < copy->data.size(); ++i) {
        if (KeyOf{}(*copy->data[i]) == k) {
          copy->data.erase(copy->data.begin() + static_cast<std::ptrdiff_t>(i));
          break;
        }
      }
      return copy->data.empty() ? nullptr : node_ptr(copy);
    }
    const std::uint32_t bit = bit_of(h, shift);
    if (n.datamap & bit) {
      copy->data.erase(copy->data.begin() + static_cast<std::ptrdiff_t>(index(n.datamap, bit)));
      copy->datamap ^= bit;
    } else {
      const std::size_t i = index(n.nodemap, bit);
      node_ptr child = erase_at(*n.children[i], k, h, shift + bits);
      if (child == nullptr) {
        copy->children.erase(copy->children.begin() + static_cast<std::ptrdiff_t>(i));
        copy->nodemap ^= bit;
      } else if (child->children.empty() && child->data.size() == 1) {
        copy->children.erase(copy->children.begin() + static_cast<std::ptrdiff_t>(i));
        copy->nodemap ^= bit;
        copy->datamap |= bit;
        copy->data.insert(copy->data.begin() + static_cast<std::ptrdiff_t>(index(copy->datamap, bit)),
                          child->data.front());
      } else {
        copy->children[i] = std::move(child);
      }
    }
    if (copy->data.empty() && copy->children.empty()) return nullptr;
    return copy;
  }

  template <class F>
  static void visit(const node& n, F& f) {
    for (const auto& e : n.data) f(e);
    for (const auto& c : n.children) visit(*c, f);
  }

  node_ptr root_;
  std::size_t size_ = 0;
};

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_PERSISTENT_SET_HPP
