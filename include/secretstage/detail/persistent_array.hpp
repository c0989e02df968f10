#ifndef SECRETSTAGE_DETAIL_PERSISTENT_ARRAY_HPP
#define SECRETSTAGE_DETAIL_PERSISTENT_ARRAY_HPP

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

#include "ref.hpp"

namespace secretstage::detail {

/// An immutable array of trivially copyable values (pointers, handles) indexed from 0; an entry
/// never set, or set back to T{}, reads as T{}. A 32-way radix tree of full leaves of 32 values,
/// plus the last, partial leaf (the tail) held apart, as in Clojure's persistent vector:
/// appending, or replacing an entry of the tail, copies the tail alone (at most 32 values, on
/// which no reference is taken); replacing an earlier entry copies one path of the tree. A read is
/// at most ceil(log32 n) dependent loads, with no hashing. A leaf whose entries are all T{} is
/// dropped from the tree, so an array used as an index of a sparse range (a secret's versions by
/// creation order, most of them long collected) costs little more than its live entries.
template <class T>
class persistent_array {
  static_assert(std::is_trivially_copyable_v<T> && std::is_nothrow_default_constructible_v<T>,
                "entries are copied as bytes, without references taken");

 public:
  static constexpr unsigned bits = 5;
  static constexpr std::size_t width = std::size_t{1} << bits;

  persistent_array() = default;

  /// One past the highest entry ever set.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  /// Entry i; T{} when it was never set or is past the end.
  [[nodiscard]] T get(std::size_t i) const noexcept {
    if (i >= size_) return T{};
    const std::size_t offset = tail_offset();
    if (i >= offset) return tail_->values()[i - offset];
    const node* n = root_.get();
    for (unsigned s = shift_; s > 0 && n != nullptr; s -= bits) {
      const std::size_t k = (i >> s) & mask;
      n = k < n->count ? n->children()[k] : nullptr;
    }
    return n != nullptr ? n->values()[i & mask] : T{};
  }

  /// The array with entry i set to v (grown to i + 1 entries when i is past the end).
  [[nodiscard]] persistent_array set(std::size_t i, T v) const {
    if (i >= size_) {
      persistent_array out = grown(i + 1);
      out.tail_->values()[i - out.tail_offset()] = v;
      return out;
    }
    persistent_array out;
    out.size_ = size_;
    out.shift_ = shift_;
    const std::size_t offset = tail_offset();
    if (i >= offset) {
      out.root_ = root_;
      out.tail_ = copy_values(*tail_, tail_->count);
      out.tail_->values()[i - offset] = v;
      return out;
    }
    out.tail_ = tail_;
    out.root_ = set_at(root_.get(), shift_, i, v);
    return out;
  }

  /// The array with v appended.
  [[nodiscard]] persistent_array push_back(T v) const {
    persistent_array out;
    out.size_ = size_ + 1;
    const std::size_t offset = tail_offset();
    const std::size_t in_tail = size_ - offset;
    if (size_ == 0 || in_tail < width) {
      out.root_ = root_;
      out.shift_ = shift_;
      out.tail_ = size_ == 0 ? make_leaf(1) : copy_values(*tail_, in_tail + 1);
      out.tail_->values()[in_tail] = v;
      return out;
    }
    // The tail is full: it becomes the tree's next leaf, as it is, and v starts a new tail.
    out.tail_ = make_leaf(1);
    out.tail_->values()[0] = v;
    if (offset == 0) {
      out.root_ = new_path(bits, tail_);
      out.shift_ = bits;
    } else if ((offset >> bits) == (std::size_t{1} << shift_)) {
      // The tree is full at this height: a new root over the old one (null if all of it was
      // pruned) and a path to the leaf.
      const_node_ref path = new_path(shift_, tail_);
      node_ref top = make_inner(2);
      top->children()[0] = share(root_.get());
      top->children()[1] = path.release_pointer();
      out.root_ = std::move(top);
      out.shift_ = shift_ + bits;
    } else {  // (into a pruned tree, root_ is null: push_leaf rebuilds the path)
      out.root_ = push_leaf(root_.get(), shift_, offset, tail_);
      out.shift_ = shift_;
    }
    return out;
  }

 private:
  static constexpr std::size_t mask = width - 1;

  // Header, then `count` slots: values (a leaf) or sub-nodes, each holding one reference or null
  // (an inner node).
  struct node : counted {
    std::uint32_t count = 0;
    bool inner = false;

    static constexpr std::size_t slots_offset() noexcept {
      return round_up(sizeof(node), alignof(T) > alignof(node*) ? alignof(T) : alignof(node*));
    }
    static constexpr std::size_t bytes(bool inner, std::size_t count) noexcept {
      return slots_offset() + count * (inner ? sizeof(node*) : sizeof(T));
    }
    [[nodiscard]] T* values() const noexcept {
      return reinterpret_cast<T*>(reinterpret_cast<char*>(const_cast<node*>(this)) + slots_offset());
    }
    [[nodiscard]] const node** children() const noexcept {
      return reinterpret_cast<const node**>(reinterpret_cast<char*>(const_cast<node*>(this)) +
                                            slots_offset());
    }
    static void destroy(const node* n) noexcept {
      if (n->inner) {
        for (std::size_t k = 0; k < n->count; ++k)
          if (const node* c = n->children()[k]) ref<const node>::release(c);
      }
      const std::size_t size = bytes(n->inner, n->count);
      n->~node();
      free_block(const_cast<node*>(n), size);
    }
  };
  // Built in place, then frozen: the handle is to a mutable node until it is stored.
  using node_ref = ref<node>;
  using const_node_ref = ref<const node>;

  static node_ref allocate(bool inner, std::size_t count) {
    void* raw = allocate_block(node::bytes(inner, count));
    node* n = ::new (raw) node;
    n->count = static_cast<std::uint32_t>(count);
    n->inner = inner;
    return node_ref::adopt(n);
  }
  static node_ref make_leaf(std::size_t count) {
    node_ref n = allocate(false, count);
    for (std::size_t k = 0; k < count; ++k) n->values()[k] = T{};
    return n;
  }
  static node_ref make_inner(std::size_t count) {
    node_ref n = allocate(true, count);
    for (std::size_t k = 0; k < count; ++k) n->children()[k] = nullptr;
    return n;
  }
  static const node* share(const node* n) noexcept {
    if (n != nullptr) const_node_ref::retain(n);
    return n;
  }
  /// A leaf with `count` values, the first of `from` copied (the rest T{}).
  static node_ref copy_values(const node& from, std::size_t count) {
    node_ref n = make_leaf(count);
    const std::size_t copied = from.count < count ? from.count : count;
    for (std::size_t k = 0; k < copied; ++k) n->values()[k] = from.values()[k];
    return n;
  }
  /// An inner node with `count` slots, `from`'s sub-nodes shared (null past its own).
  static node_ref copy_children(const node& from, std::size_t count) {
    node_ref n = make_inner(count);
    const std::size_t copied = from.count < count ? from.count : count;
    for (std::size_t k = 0; k < copied; ++k) n->children()[k] = share(from.children()[k]);
    return n;
  }
  static bool all_default(const node& leaf) noexcept {
    for (std::size_t k = 0; k < leaf.count; ++k)
      if (!(leaf.values()[k] == T{})) return false;
    return true;
  }

  /// `leaf` under `shift / bits` levels of single-child inner nodes (for a leaf whose index has
  /// zeros in all those levels' digits).
  static const_node_ref new_path(unsigned shift, const const_node_ref& leaf) {
    if (shift == 0) return leaf;
    const_node_ref below = new_path(shift - bits, leaf);
    node_ref n = make_inner(1);
    n->children()[0] = below.release_pointer();
    return n;
  }
  /// n (an inner node at `shift`, possibly null where a pruned range was) with the full leaf
  /// starting at `index` added as its next entry.
  static const_node_ref push_leaf(const node* n, unsigned shift, std::size_t index,
                                  const const_node_ref& leaf) {
    const std::size_t k = (index >> shift) & mask;
    const node* existing = n != nullptr && k < n->count ? n->children()[k] : nullptr;
    // (Below a null sub-node, the path is built anew, the leaf at its own slot of each level.)
    const_node_ref child = shift == bits ? leaf : push_leaf(existing, shift - bits, index, leaf);
    node_ref c = n != nullptr ? copy_children(*n, k + 1 > n->count ? k + 1 : n->count)
                              : make_inner(k + 1);
    if (const node* old = c->children()[k]) const_node_ref::release(old);
    c->children()[k] = child.release_pointer();
    return c;
  }
  /// n (at `shift`; null for a pruned range) with entry i set to v; null when that leaves a
  /// range whose entries are all T{}.
  static const_node_ref set_at(const node* n, unsigned shift, std::size_t i, T v) {
    if (shift == 0) {
      if (n == nullptr && v == T{}) return nullptr;
      node_ref leaf = n != nullptr ? copy_values(*n, width) : make_leaf(width);
      leaf->values()[i & mask] = v;
      if (all_default(*leaf)) return nullptr;
      return leaf;
    }
    const std::size_t k = (i >> shift) & mask;
    const node* existing = n != nullptr && k < n->count ? n->children()[k] : nullptr;
    const_node_ref child = set_at(existing, shift - bits, i, v);
    if (n == nullptr && !child) return nullptr;
    node_ref c = n != nullptr ? copy_children(*n, k + 1 > n->count ? k + 1 : n->count)
                              : make_inner(k + 1);
    if (const node* old = c->children()[k]) const_node_ref::release(old);
    c->children()[k] = child.release_pointer();
    for (std::size_t j = 0; j < c->count; ++j)
      if (c->children()[j] != nullptr) return c;
    return nullptr;
  }

  /// The array grown to n > size() entries, the new ones T{}, with a tail of its own. The
  /// leaves of the range skipped are not built (they read as a pruned range), so that setting an
  /// entry far past the end (a secret rebuilt from a snapshot, whose versions were created long
  /// after its first ones were collected) costs O(log n), not O(n).
  [[nodiscard]] persistent_array grown(std::size_t n) const {
    persistent_array out;
    out.size_ = n;
    const std::size_t offset = tail_offset();
    const std::size_t new_offset = ((n - 1) >> bits) << bits;
    if (size_ != 0 && new_offset == offset) {
      out.root_ = root_;
      out.shift_ = shift_;
      out.tail_ = copy_values(*tail_, n - offset);
      return out;
    }
    out.tail_ = make_leaf(n - new_offset);
    if (new_offset == 0) return out;
    // A root high enough for a leaf at every offset below new_offset.
    unsigned shift = shift_ < bits ? bits : shift_;
    const_node_ref root = root_;
    while ((new_offset >> bits) > (std::size_t{1} << shift)) {
      if (root) {
        node_ref top = make_inner(1);
        top->children()[0] = share(root.get());
        root = std::move(top);
      }
      shift += bits;
    }
    // The old tail becomes the leaf at its offset, unless all of it reads T{}.
    if (size_ != 0) {
      const_node_ref leaf = copy_values(*tail_, width);
      if (!all_default(*leaf)) root = push_leaf(root.get(), shift, offset, leaf);
    }
    out.root_ = std::move(root);
    out.shift_ = shift;
    return out;
  }

  [[nodiscard]] std::size_t tail_offset() const noexcept {
    return size_ == 0 ? 0 : ((size_ - 1) >> bits) << bits;
  }

  const_node_ref root_;  // the full leaves; null while there are none (or all were pruned)
  const_node_ref tail_;  // the last 1..32 entries; null when empty
  std::size_t size_ = 0;
  unsigned shift_ = 0;  // the root's level: its sub-nodes each cover 2^shift_ entries
};

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_PERSISTENT_ARRAY_HPP
