#ifndef SECRETSTAGE_DETAIL_REF_HPP
#define SECRETSTAGE_DETAIL_REF_HPP

// Intrusive reference counting for the immutable objects that states share (versions, values,
// names, trie nodes, secrets). Compared with std::shared_ptr: one allocation per object and no
// control block, an 8-byte handle, a 4-byte count, objects of variable size (a trie node and its
// arrays are one block), and no <memory> — which in C++20 drags <ostream> into every translation
// unit. Like libstdc++'s shared_ptr, the count is updated with plain instructions while the
// process has a single thread (glibc's __libc_single_threaded) and atomically once it has more, so
// states can be shared between threads.

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#if defined(__has_include)
#if __has_include(<sys/single_threaded.h>)
#include <sys/single_threaded.h>
#define SECRETSTAGE_DETAIL_SINGLE_THREADED() (__libc_single_threaded != 0)
#endif
#endif
#ifndef SECRETSTAGE_DETAIL_SINGLE_THREADED
#define SECRETSTAGE_DETAIL_SINGLE_THREADED() false
#endif

#if !defined(__GNUC__) && !defined(__clang__)
#include <atomic>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define SECRETSTAGE_DETAIL_NO_BLOCK_CACHE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SECRETSTAGE_DETAIL_NO_BLOCK_CACHE 1
#endif
#endif

namespace secretstage::detail {

// ---- small blocks -------------------------------------------------------------------------------
//
// Every state change allocates and frees a few small blocks (a secret's head, trie nodes). They
// come from per-thread free lists, one per 16-byte size class up to 256 bytes, each holding at
// most 64 blocks; the rest goes to operator new and delete. A block freed by another thread than
// the one that allocated it simply joins that thread's list. Under AddressSanitizer the lists are
// off, so that a use after free is still caught.

inline constexpr std::size_t block_granule = 16;
inline constexpr std::size_t block_classes = 16;
inline constexpr std::size_t blocks_kept = 64;

struct block_lists {
  void* first[block_classes] = {};
  std::uint32_t count[block_classes] = {};

  void release() noexcept {
    for (std::size_t c = 0; c < block_classes; ++c) {
      while (void* p = first[c]) {
        first[c] = *static_cast<void**>(p);
        ::operator delete(p);
      }
      count[c] = 0;
    }
  }
  ~block_lists() { release(); }
};

inline block_lists& thread_blocks() noexcept {
  thread_local block_lists lists;
  return lists;
}

/// At least `n` bytes (suitably aligned for any object of the library).
[[nodiscard]] inline void* allocate_block(std::size_t n) {
#if !defined(SECRETSTAGE_DETAIL_NO_BLOCK_CACHE)
  const std::size_t c = (n - 1) / block_granule;
  if (n != 0 && c < block_classes) {
    block_lists& lists = thread_blocks();
    if (void* p = lists.first[c]) {
      lists.first[c] = *static_cast<void**>(p);
      --lists.count[c];
      return p;
    }
    return ::operator new((c + 1) * block_granule);
  }
#endif
  return ::operator new(n);
}

/// Gives back a block of `allocate_block(n)`.
inline void free_block(void* p, [[maybe_unused]] std::size_t n) noexcept {
#if !defined(SECRETSTAGE_DETAIL_NO_BLOCK_CACHE)
  const std::size_t c = (n - 1) / block_granule;
  if (n != 0 && c < block_classes) {
    block_lists& lists = thread_blocks();
    if (lists.count[c] < blocks_kept) {
      *static_cast<void**>(p) = lists.first[c];
      lists.first[c] = p;
      ++lists.count[c];
      return;
    }
  }
#endif
  ::operator delete(p);
}

/// Returns this thread's cached free blocks to operator delete (for memory measurements).
inline void release_cached_blocks() noexcept { thread_blocks().release(); }

// ---- reference counting -----------------------------------------------------------------------------

template <class T>
class ref;

/// The base of every reference-counted object. A new object starts with one reference, the one
/// `make_ref` (or a node's `create`) hands out; a copy of an object is a new object.
class counted {
 public:
  counted() noexcept = default;
  counted(const counted&) noexcept {}
  counted& operator=(const counted&) noexcept { return *this; }

  /// The count is not part of an object's value: a defaulted operator== of a derived class
  /// compares the rest.
  friend constexpr bool operator==(const counted&, const counted&) noexcept { return true; }

  // Counted objects of fixed size come from the small-block lists too.
  static void* operator new(std::size_t n) { return allocate_block(n); }
  static void operator delete(void* p, std::size_t n) noexcept { free_block(p, n); }

 protected:
  ~counted() = default;

 private:
  template <class>
  friend class ref;

  void retain() const noexcept {
    if (SECRETSTAGE_DETAIL_SINGLE_THREADED()) {
      ++refs_;
    } else {
#if defined(__GNUC__) || defined(__clang__)
      __atomic_fetch_add(&refs_, 1u, __ATOMIC_RELAXED);
#else
      std::atomic_ref<std::uint32_t>(refs_).fetch_add(1u, std::memory_order_relaxed);
#endif
    }
  }
  /// True when this was the last reference.
  [[nodiscard]] bool release() const noexcept {
    if (SECRETSTAGE_DETAIL_SINGLE_THREADED()) return --refs_ == 0;
#if defined(__GNUC__) || defined(__clang__)
    return __atomic_sub_fetch(&refs_, 1u, __ATOMIC_ACQ_REL) == 0;
#else
    return std::atomic_ref<std::uint32_t>(refs_).fetch_sub(1u, std::memory_order_acq_rel) == 1;
#endif
  }

  /// True when this is the only reference, with acquire ordering: what other threads did with
  /// the object before they dropped their references happens before the caller changes it.
  [[nodiscard]] bool only() const noexcept {
    if (SECRETSTAGE_DETAIL_SINGLE_THREADED()) return refs_ == 1;
#if defined(__GNUC__) || defined(__clang__)
    return __atomic_load_n(&refs_, __ATOMIC_ACQUIRE) == 1;
#else
    return std::atomic_ref<std::uint32_t>(refs_).load(std::memory_order_acquire) == 1;
#endif
  }

  [[nodiscard]] std::uint32_t count() const noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return __atomic_load_n(&refs_, __ATOMIC_RELAXED);
#else
    return std::atomic_ref<std::uint32_t>(refs_).load(std::memory_order_relaxed);
#endif
  }

  mutable std::uint32_t refs_ = 1;
};

/// A counted reference to an immutable shared object `T` (usually `const X`), null by default.
/// An object is destroyed with its last reference: by `X::destroy(p)` when X has one (objects
/// of variable size), else by `delete`.
template <class T>
class ref {
 public:
  using element_type = T;

  constexpr ref() noexcept = default;
  constexpr ref(std::nullptr_t) noexcept {}
  ref(const ref& o) noexcept : p_(o.p_) {
    if (p_ != nullptr) base(p_)->retain();
  }
  ref(ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  template <class U>
    requires std::is_convertible_v<U*, T*>
  ref(const ref<U>& o) noexcept : p_(o.get()) {
    if (p_ != nullptr) base(p_)->retain();
  }
  template <class U>
    requires std::is_convertible_v<U*, T*>
  ref(ref<U>&& o) noexcept : p_(o.release_pointer()) {}
  ~ref() { reset(); }

  ref& operator=(const ref& o) noexcept {
    ref(o).swap(*this);
    return *this;
  }
  ref& operator=(ref&& o) noexcept {
    ref(std::move(o)).swap(*this);
    return *this;
  }
  ref& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }

  /// Takes over the reference a freshly created object starts with.
  [[nodiscard]] static ref adopt(T* p) noexcept {
    ref r;
    r.p_ = p;
    return r;
  }
  /// Gives up the reference without releasing it (the caller now owns it).
  [[nodiscard]] T* release_pointer() noexcept { return std::exchange(p_, nullptr); }

  void reset() noexcept {
    if (p_ != nullptr && base(p_)->release()) destroy(p_);
    p_ = nullptr;
  }
  void swap(ref& o) noexcept { std::swap(p_, o.p_); }

  [[nodiscard]] T* get() const noexcept { return p_; }
  /// How many references the object has (0 for null); a snapshot, as shared_ptr's.
  [[nodiscard]] std::uint32_t use_count() const noexcept { return p_ != nullptr ? base(p_)->count() : 0; }
  T& operator*() const noexcept { return *p_; }
  T* operator->() const noexcept { return p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }

  friend bool operator==(const ref& a, const ref& b) noexcept { return a.p_ == b.p_; }
  friend bool operator==(const ref& a, std::nullptr_t) noexcept { return a.p_ == nullptr; }

  /// Adds a reference to `p` (not null) without a handle: for containers that keep raw pointers.
  static void retain(T* p) noexcept { base(p)->retain(); }
  /// True when the caller's reference to `p` (not null) is the only one: nobody else can see a
  /// change the caller makes to it.
  [[nodiscard]] static bool unique(T* p) noexcept { return base(p)->only(); }
  /// Drops a reference taken with `retain` or `release_pointer`.
  static void release(T* p) noexcept {
    if (base(p)->release()) destroy(p);
  }

 private:
  // Through the base, so that a member of T named like one of counted's cannot hide it.
  static const counted* base(T* p) noexcept { return p; }
  static void destroy(T* p) noexcept {
    using object = std::remove_cv_t<T>;
    if constexpr (requires { object::destroy(p); }) {
      object::destroy(p);
    } else {
      delete p;
    }
  }

  T* p_ = nullptr;
};

/// A new `T` (possibly const) with one reference.
template <class T, class... Args>
[[nodiscard]] ref<T> make_ref(Args&&... args) {
  return ref<T>::adopt(new T(std::forward<Args>(args)...));
}

/// `n` rounded up to a multiple of `a` (a power of two).
[[nodiscard]] constexpr std::size_t round_up(std::size_t n, std::size_t a) noexcept {
  return (n + a - 1) & ~(a - 1);
}

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_REF_HPP
