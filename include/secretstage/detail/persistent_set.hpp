#ifndef SECRETSTAGE_DETAIL_PERSISTENT_SET_HPP
#define SECRETSTAGE_DETAIL_PERSISTENT_SET_HPP

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "hash.hpp"
#include "ref.hpp"

namespace secretstage::detail {

/// An immutable hash set of elements keyed by `KeyOf(element)`: a hash array mapped trie in the
/// CHAMP layout (a node keeps its elements and its sub-nodes in two arrays indexed by bitmaps),
/// each node one block of memory (header, elements, sub-nodes). Every update copies only the path
/// from the root to the changed slot, O(log n) nodes of at most 2^Bits slots, and shares the rest
/// with the set it came from. Elements are stored by value, so they should be cheap to copy
/// (counted references, handles, pointers); a pointer to an element stays valid as long as a set
/// holding it lives. Iteration order depends only on the hashes, so it is deterministic for a
/// deterministic `Hash`.
template <class T, class Key, class KeyOf, class Hash, unsigned Bits = 5>
class persistent_set {
  static_assert(Bits >= 1 && Bits <= 5, "a node's bitmaps are 32 bits wide");

 public:
  persistent_set() = default;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

  /// The element with key `k`, or nullptr.
  [[nodiscard]] const T* find(const Key& k) const noexcept { return find(k, Hash{}(k)); }
  /// The same, with the key's hash already computed.
  [[nodiscard]] const T* find(const Key& k, std::uint64_t h) const noexcept {
    const node* n = root_.get();
    for (unsigned shift = 0; n != nullptr; shift += Bits) {
      if (shift >= hash_bits) {
        for (std::size_t i = 0; i < n->ndata; ++i)
          if (key_equal{}(KeyOf{}(n->data()[i]), k)) return &n->data()[i];
        return nullptr;
      }
      const std::uint32_t bit = bit_of(h, shift);
      if (n->datamap & bit) {
        const T& e = n->data()[index(n->datamap, bit)];
        return key_equal{}(KeyOf{}(e), k) ? &e : nullptr;
      }
      if (!(n->nodemap & bit)) return nullptr;
      n = n->children()[index(n->nodemap, bit)];
    }
    return nullptr;
  }

  /// The set with `e` added, replacing the element with the same key if there is one.
  [[nodiscard]] persistent_set insert(T e) const {
    const std::uint64_t h = Hash{}(KeyOf{}(e));
    bool added = false;
    persistent_set out;
    out.root_ = node_ref::adopt(insert_at(root_.get(), std::move(e), h, 0, added));
    out.size_ = size_ + (added ? 1 : 0);
    return out;
  }

  /// Adds `e` to this set, replacing the element with the same key if there is one: the same
  /// set as `insert(e)` gives, built by changing in place the nodes that no other set shares.
  /// Walking from the root, as long as each node on the path is held by this set alone, the new
  /// element or sub-node is written into it where it is; from the first node that another set
  /// also holds (or where the node changes shape), the rest of the path is copied as `insert`
  /// copies it. Other sets never see a change, so every older set sharing nodes with this one
  /// stays as it was. Strong guarantee: if an allocation fails, the set is unchanged. Pointers
  /// to the replaced element are no longer valid afterwards; pointers to the others stay valid.
  void insert_in_place(T e) {
    const std::uint64_t h = Hash{}(KeyOf{}(e));
    if (!root_ || !node_ref::unique(root_.get())) {
      *this = insert(std::move(e));
      return;
    }
    node* n = const_cast<node*>(root_.get());
    const node** slot = nullptr;  // where `n` hangs in its parent (nullptr: the root)
    for (unsigned shift = 0;; shift += Bits) {
      if (shift >= hash_bits) {
        for (std::size_t i = 0; i < n->ndata; ++i)
          if (key_equal{}(KeyOf{}(n->data()[i]), KeyOf{}(e))) {
            n->data()[i] = std::move(e);
            return;
          }
      } else {
        const std::uint32_t bit = bit_of(h, shift);
        if (n->datamap & bit) {
          T& existing = n->data()[index(n->datamap, bit)];
          if (key_equal{}(KeyOf{}(existing), KeyOf{}(e))) {
            existing = std::move(e);
            return;
          }
        } else if (n->nodemap & bit) {
          const node*& child = n->children()[index(n->nodemap, bit)];
          if (node_ref::unique(child)) {
            slot = &child;
            n = const_cast<node*>(child);
            continue;
          }
          // Shared below here: copy the rest of the path (which may throw: nothing changed yet),
          // then hang the copy where the shared node was.
          bool added = false;
          const node* copy = insert_at(child, std::move(e), h, shift + Bits, added);
          node_ref::release(std::exchange(child, copy));
          size_ += added ? 1 : 0;
          return;
        }
      }
      // `n` changes shape (a new element, or one pushed down into a new sub-node): rebuild it.
      bool added = false;
      const node* rebuilt = insert_at(n, std::move(e), h, shift, added);
      if (slot != nullptr) {
        node_ref::release(std::exchange(*slot, rebuilt));
      } else {
        root_ = node_ref::adopt(rebuilt);
      }
      size_ += added ? 1 : 0;
      return;
    }
  }

  /// The set without the element keyed `k` (the same set when there is none).
  [[nodiscard]] persistent_set erase(const Key& k) const {
    const std::uint64_t h = Hash{}(k);
    if (find(k, h) == nullptr) return *this;
    persistent_set out;
    out.root_ = node_ref::adopt(erase_at(*root_, k, h, 0));
    out.size_ = size_ - 1;
    return out;
  }

  /// Calls `f(const T&)` for every element.
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
    for_each([&](const T& e) {
      if (!same) return;
      const T* o = other.find(KeyOf{}(e));
      same = o != nullptr && eq(e, *o);
    });
    return same;
  }

 private:
  static constexpr unsigned hash_bits = 64;

  // Header, then ndata elements, then popcount(nodemap) sub-node pointers, each holding one
  // reference. Below the last level (shift ≥ 64) all hashes are equal: such a collision node
  // keeps a plain list of elements and no bitmap.
  struct node : counted {
    std::uint32_t datamap = 0;  // slots holding an element
    std::uint32_t nodemap = 0;  // slots holding a sub-node
    std::uint32_t ndata = 0;

    static constexpr std::size_t data_offset = round_up(sizeof(counted) + 12, alignof(T));

    [[nodiscard]] std::size_t nchildren() const noexcept {
      return static_cast<std::size_t>(popcount32(nodemap));
    }
    [[nodiscard]] T* data() const noexcept {
      return reinterpret_cast<T*>(reinterpret_cast<char*>(const_cast<node*>(this)) + data_offset);
    }
    [[nodiscard]] const node** children() const noexcept {
      return reinterpret_cast<const node**>(reinterpret_cast<char*>(const_cast<node*>(this)) +
                                            children_offset(ndata));
    }
    static constexpr std::size_t children_offset(std::size_t nd) noexcept {
      return round_up(data_offset + nd * sizeof(T), alignof(node*));
    }

    /// A node with room for `nd` elements and `nc` sub-nodes; the caller constructs them.
    static node* allocate(std::uint32_t datamap, std::uint32_t nodemap, std::size_t nd) {
      const std::size_t nc = static_cast<std::size_t>(popcount32(nodemap));
      void* raw = allocate_block(children_offset(nd) + nc * sizeof(node*));
      node* n = ::new (raw) node;
      n->datamap = datamap;
      n->nodemap = nodemap;
      n->ndata = static_cast<std::uint32_t>(nd);
      return n;
    }
    static void destroy(const node* n) noexcept {
      for (std::size_t i = 0; i < n->ndata; ++i) n->data()[i].~T();
      for (std::size_t i = 0; i < n->nchildren(); ++i) node_ref::release(n->children()[i]);
      const std::size_t size = children_offset(n->ndata) + n->nchildren() * sizeof(node*);
      n->~node();
      free_block(const_cast<node*>(n), size);
    }
  };
  static_assert(sizeof(node) <= node::data_offset);
  static_assert(std::is_nothrow_copy_constructible_v<T> && std::is_nothrow_move_constructible_v<T> &&
                    std::is_nothrow_move_assignable_v<T>,
                "a node is built in place after its allocation, and insert_in_place assigns into "
                "it; an element copy or move must not throw");
  using node_ref = ref<const node>;

  static std::uint32_t bit_of(std::uint64_t h, unsigned shift) noexcept {
    return std::uint32_t{1} << ((h >> shift) & ((1u << Bits) - 1u));
  }
  static std::size_t index(std::uint32_t map, std::uint32_t bit) noexcept {
    return popcount32(map & (bit - 1));
  }
  static std::uint64_t hash_of(const T& e) { return Hash{}(KeyOf{}(e)); }
  static const node* share(const node* c) noexcept {
    node_ref::retain(c);
    return c;
  }

  // A node that will take over the reference `child` holds: if the allocation fails, that
  // reference is dropped, so a failed update leaks nothing (the caller passed it on to us).
  static node* allocate_adopting(const node* child, std::uint32_t datamap, std::uint32_t nodemap,
                                 std::size_t nd) {
    try {
      return node::allocate(datamap, nodemap, nd);
    } catch (...) {
      node_ref::release(child);
      throw;
    }
  }

  // The copies of a node that the updates make, one function per shape. The only operation that
  // can fail is the allocation, made first: element copies cannot throw (asserted below).

  // n with element i replaced by e.
  static node* with_data_replaced(const node& n, std::size_t i, T e) {
    node* c = node::allocate(n.datamap, n.nodemap, n.ndata);
    for (std::size_t k = 0; k < n.ndata; ++k) {
      if (k == i) {
        ::new (c->data() + k) T(std::move(e));
      } else {
        ::new (c->data() + k) T(n.data()[k]);
      }
    }
    for (std::size_t k = 0; k < n.nchildren(); ++k) c->children()[k] = share(n.children()[k]);
    return c;
  }
  // n with e inserted as element i (datamap gains `bit`; for a collision node, bit = 0).
  static node* with_data_inserted(const node& n, std::uint32_t bit, std::size_t i, T e) {
    node* c = node::allocate(n.datamap | bit, n.nodemap, n.ndata + 1);
    for (std::size_t k = 0, from = 0; k < c->ndata; ++k) {
      if (k == i) {
        ::new (c->data() + k) T(std::move(e));
      } else {
        ::new (c->data() + k) T(n.data()[from++]);
      }
    }
    for (std::size_t k = 0; k < n.nchildren(); ++k) c->children()[k] = share(n.children()[k]);
    return c;
  }
  // n without element i (datamap loses `bit`).
  static node* with_data_erased(const node& n, std::uint32_t bit, std::size_t i) {
    node* c = node::allocate(n.datamap & ~bit, n.nodemap, n.ndata - 1);
    for (std::size_t k = 0, to = 0; k < n.ndata; ++k)
      if (k != i) ::new (c->data() + to++) T(n.data()[k]);
    for (std::size_t k = 0; k < n.nchildren(); ++k) c->children()[k] = share(n.children()[k]);
    return c;
  }
  // n with sub-node i replaced by `child` (whose reference it takes).
  static node* with_child_replaced(const node& n, std::size_t i, const node* child) {
    node* c = allocate_adopting(child, n.datamap, n.nodemap, n.ndata);
    for (std::size_t k = 0; k < n.ndata; ++k) ::new (c->data() + k) T(n.data()[k]);
    for (std::size_t k = 0; k < n.nchildren(); ++k)
      c->children()[k] = k == i ? child : share(n.children()[k]);
    return c;
  }
  // n with the element at slot `bit` (index di) moved down into the new sub-node `child`.
  static node* with_data_pushed_down(const node& n, std::uint32_t bit, std::size_t di, const node* child) {
    node* c = allocate_adopting(child, n.datamap & ~bit, n.nodemap | bit, n.ndata - 1);
    for (std::size_t k = 0, to = 0; k < n.ndata; ++k)
      if (k != di) ::new (c->data() + to++) T(n.data()[k]);
    const std::size_t ci = index(c->nodemap, bit);
    for (std::size_t k = 0, from = 0; k < c->nchildren(); ++k)
      c->children()[k] = k == ci ? child : share(n.children()[from++]);
    return c;
  }
  // n with the sub-node at slot `bit` replaced by its single element e (inlined).
  static node* with_child_pulled_up(const node& n, std::uint32_t bit, T e) {
    node* c = node::allocate(n.datamap | bit, n.nodemap & ~bit, n.ndata + 1);
    const std::size_t di = index(c->datamap, bit);
    for (std::size_t k = 0, from = 0; k < c->ndata; ++k) {
      if (k == di) {
        ::new (c->data() + k) T(std::move(e));
      } else {
        ::new (c->data() + k) T(n.data()[from++]);
      }
    }
    const std::size_t ci = index(n.nodemap, bit);
    for (std::size_t k = 0, to = 0; k < n.nchildren(); ++k)
      if (k != ci) c->children()[to++] = share(n.children()[k]);
    return c;
  }
  // n without the sub-node at slot `bit`.
  static node* with_child_erased(const node& n, std::uint32_t bit) {
    node* c = node::allocate(n.datamap, n.nodemap & ~bit, n.ndata);
    for (std::size_t k = 0; k < n.ndata; ++k) ::new (c->data() + k) T(n.data()[k]);
    const std::size_t ci = index(n.nodemap, bit);
    for (std::size_t k = 0, to = 0; k < n.nchildren(); ++k)
      if (k != ci) c->children()[to++] = share(n.children()[k]);
    return c;
  }

  static node* make_pair_node(T a, std::uint64_t ha, T b, std::uint64_t hb, unsigned shift) {
    if (shift >= hash_bits) {
      node* n = node::allocate(0, 0, 2);
      ::new (n->data()) T(std::move(a));
      ::new (n->data() + 1) T(std::move(b));
      return n;
    }
    const std::uint32_t ba = bit_of(ha, shift), bb = bit_of(hb, shift);
    if (ba == bb) {
      const node* child = make_pair_node(std::move(a), ha, std::move(b), hb, shift + Bits);
      node* n = allocate_adopting(child, 0, ba, 0);
      n->children()[0] = child;
      return n;
    }
    node* n = node::allocate(ba | bb, 0, 2);
    if (ba < bb) {
      ::new (n->data()) T(std::move(a));
      ::new (n->data() + 1) T(std::move(b));
    } else {
      ::new (n->data()) T(std::move(b));
      ::new (n->data() + 1) T(std::move(a));
    }
    return n;
  }

  static node* insert_at(const node* n, T e, std::uint64_t h, unsigned shift, bool& added) {
    if (n == nullptr) {
      node* fresh = node::allocate(shift < hash_bits ? bit_of(h, shift) : 0, 0, 1);
      ::new (fresh->data()) T(std::move(e));
      added = true;
      return fresh;
    }
    if (shift >= hash_bits) {
      for (std::size_t i = 0; i < n->ndata; ++i)
        if (key_equal{}(KeyOf{}(n->data()[i]), KeyOf{}(e))) return with_data_replaced(*n, i, std::move(e));
      added = true;
      return with_data_inserted(*n, 0, n->ndata, std::move(e));
    }
    const std::uint32_t bit = bit_of(h, shift);
    if (n->datamap & bit) {
      const std::size_t i = index(n->datamap, bit);
      const T& existing = n->data()[i];
      if (key_equal{}(KeyOf{}(existing), KeyOf{}(e))) return with_data_replaced(*n, i, std::move(e));
      const node* child = make_pair_node(existing, hash_of(existing), std::move(e), h, shift + Bits);
      added = true;
      return with_data_pushed_down(*n, bit, i, child);
    }
    if (n->nodemap & bit) {
      const std::size_t i = index(n->nodemap, bit);
      return with_child_replaced(*n, i, insert_at(n->children()[i], std::move(e), h, shift + Bits, added));
    }
    added = true;
    return with_data_inserted(*n, bit, index(n->datamap, bit), std::move(e));
  }

  // Precondition: `k` is present below `n`. Returns nullptr when the node becomes empty; a
  // sub-node left with a single element and no sub-node is folded into its parent, so the trie
  // stays minimal.
  static node* erase_at(const node& n, const Key& k, std::uint64_t h, unsigned shift) {
    if (shift >= hash_bits) {
      if (n.ndata == 1) return nullptr;
      for (std::size_t i = 0; i < n.ndata; ++i)
        if (key_equal{}(KeyOf{}(n.data()[i]), k)) return with_data_erased(n, 0, i);
      return nullptr;  // unreachable
    }
    const std::uint32_t bit = bit_of(h, shift);
    if (n.datamap & bit) {
      if (n.ndata == 1 && n.nodemap == 0) return nullptr;
      return with_data_erased(n, bit, index(n.datamap, bit));
    }
    const std::size_t i = index(n.nodemap, bit);
    node* child = erase_at(*n.children()[i], k, h, shift + Bits);
    if (child == nullptr) {
      if (n.ndata == 0 && n.nchildren() == 1) return nullptr;
      return with_child_erased(n, bit);
    }
    if (child->nodemap == 0 && child->ndata == 1) {
      T e = child->data()[0];
      node_ref::release(child);
      return with_child_pulled_up(n, bit, std::move(e));
    }
    return with_child_replaced(n, i, child);
  }

  template <class F>
  static void visit(const node& n, F& f) {
    for (std::size_t i = 0; i < n.ndata; ++i) f(n.data()[i]);
    for (std::size_t i = 0; i < n.nchildren(); ++i) visit(*n.children()[i], f);
  }

  node_ref root_;
  std::size_t size_ = 0;
};

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_PERSISTENT_SET_HPP
