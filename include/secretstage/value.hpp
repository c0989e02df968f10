#ifndef SECRETSTAGE_VALUE_HPP
#define SECRETSTAGE_VALUE_HPP

#include <compare>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/deferred.hpp"
#include "detail/ref.hpp"

namespace secretstage {

/// A point in time: milliseconds since the Unix epoch, UTC. Transitions never read a clock; the
/// caller passes `now` in the context.
struct timestamp {
  std::int64_t epoch_ms = 0;

  static constexpr std::int64_t ms_per_day = 86'400'000;

  [[nodiscard]] static constexpr timestamp from_seconds(std::int64_t s) noexcept {
    return {s * 1000};
  }
  /// Midnight UTC of this instant's day (the resolution of LastAccessedDate).
  [[nodiscard]] constexpr timestamp start_of_day() const noexcept {
    const std::int64_t r = epoch_ms % ms_per_day;
    return {epoch_ms - (r < 0 ? r + ms_per_day : r)};
  }
  [[nodiscard]] constexpr timestamp plus_days(std::int64_t days) const noexcept {
    return {epoch_ms + days * ms_per_day};
  }
  friend constexpr auto operator<=>(const timestamp&, const timestamp&) = default;
};

/// The bytes of a SecretBinary.
using binary = std::vector<std::uint8_t>;

namespace detail {
/// The characters of a shared_text, in one block with their count.
struct text_block : counted {
  std::size_t size;

  [[nodiscard]] const char* data() const noexcept { return reinterpret_cast<const char*>(this + 1); }
  [[nodiscard]] static const text_block* create(std::string_view s) {
    void* raw = allocate_block(sizeof(text_block) + s.size());
    auto* b = ::new (raw) text_block;
    b->size = s.size();
    if (!s.empty()) std::memcpy(static_cast<void*>(b + 1), s.data(), s.size());
    return b;
  }
  static void destroy(const text_block* b) noexcept {
    const std::size_t size = sizeof(text_block) + b->size;
    b->~text_block();
    free_block(const_cast<text_block*>(b), size);
  }
};

/// Copies `n` bytes in 32-byte steps the compiler inlines as vector moves. A value is copied once
/// per version created; glibc 2.36's memcpy copies 4 KiB and more with `rep movsb`, which on AMD
/// EPYC runs several times slower for some relative alignments of source and destination (a
/// 4 KiB PutSecretValue took 1 µs or 4 µs depending on where malloc placed the copy). The empty
/// asm keeps the loop from being turned back into a call to memcpy.
inline void copy_value_bytes(void* to, const void* from, std::size_t n) noexcept {
  auto* d = static_cast<unsigned char*>(to);
  const auto* f = static_cast<const unsigned char*>(from);
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    std::memcpy(d + i, f + i, 32);
#if defined(__GNUC__) || defined(__clang__)
    __asm__ volatile("" : : "r"(d), "r"(f) : "memory");
#endif
  }
  if (i < n) std::memcpy(d + i, f + i, n - i);
}

/// Whether two byte sequences are equal: what == on std::string, std::string_view and `binary`
/// does, without resolving == against every comparison operator of the standard library in each
/// translation unit (these are the plain inline functions of a header every one includes).
[[nodiscard]] inline bool same_bytes(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}
[[nodiscard]] inline bool same_binary(const std::vector<std::uint8_t>& a,
                                      const std::vector<std::uint8_t>& b) noexcept {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

// The two copies are templates over an unused D (always void; detail/deferred.hpp): compiled only
// where a value is made.

/// A copy of `s` made with copy_value_bytes.
template <class D = void>
[[nodiscard]] deferred_t<std::string, D> copy_value_text(const std::string& s) {
  deferred_t<std::string, D> out(s.size(), '\0');
  copy_value_bytes(out.data(), s.data(), s.size());
  return out;
}
/// A copy of `b` made with copy_value_bytes.
template <class D = void>
[[nodiscard]] deferred_t<binary, D> copy_value_binary(const binary& b) {
  deferred_t<binary, D> out(b.size());
  if (!b.empty()) copy_value_bytes(out.data(), b.data(), b.size());
  return out;
}
}  // namespace detail

/// An immutable, reference-counted string: copying it never copies characters. Used for the
/// secret's name and ARN, which every response repeats.
class shared_text {
 public:
  shared_text() = default;
  explicit shared_text(std::string_view s) : text_(detail::ref<const detail::text_block>::adopt(detail::text_block::create(s))) {}
  explicit shared_text(const std::string& s) : shared_text(std::string_view(s)) {}
  explicit shared_text(const char* s) : shared_text(std::string_view(s)) {}

  [[nodiscard]] std::string_view view() const noexcept {
    return text_ ? std::string_view(text_->data(), text_->size) : std::string_view();
  }
  [[nodiscard]] std::string str() const { return std::string(view()); }
  operator std::string_view() const noexcept { return view(); }
  [[nodiscard]] bool empty() const noexcept { return view().empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return text_ ? text_->size : 0; }

  friend bool operator==(const shared_text& a, const shared_text& b) noexcept {
    return a.text_ == b.text_ || detail::same_bytes(a.view(), b.view());
  }
  friend bool operator==(const shared_text& a, std::string_view b) noexcept {
    return detail::same_bytes(a.view(), b);
  }

 private:
  detail::ref<const detail::text_block> text_;
};

/// The value of one version: exactly one of SecretString or SecretBinary. Stored once and shared
/// (through a `value_ref`) by every state that holds the version; its memory is wiped when the
/// last one lets go.
class secret_value : public detail::counted {
 public:
  struct string_tag {};
  struct binary_tag {};

  secret_value(string_tag, std::string s) : binary_(false) { ::new (&text_) std::string(std::move(s)); }
  secret_value(binary_tag, binary b) : binary_(true) { ::new (&bytes_) binary(std::move(b)); }
  secret_value(const secret_value& o) : counted(o), binary_(o.binary_) {
    if (binary_) {
      ::new (&bytes_) binary(o.bytes_);
    } else {
      ::new (&text_) std::string(o.text_);
    }
  }
  secret_value(secret_value&& o) noexcept : binary_(o.binary_) { take(o); }
  secret_value& operator=(const secret_value& o) {
    if (this != &o) {
      secret_value copy(o);
      destroy_content();
      binary_ = copy.binary_;
      take(copy);
    }
    return *this;
  }
  secret_value& operator=(secret_value&& o) noexcept {
    if (this != &o) {
      destroy_content();
      binary_ = o.binary_;
      take(o);
    }
    return *this;
  }
  ~secret_value() { destroy_content(); }

  [[nodiscard]] bool is_string() const noexcept { return !binary_; }
  [[nodiscard]] bool is_binary() const noexcept { return binary_; }
  /// The SecretString, or nullptr for a binary value.
  [[nodiscard]] const std::string* string() const noexcept { return binary_ ? nullptr : &text_; }
  /// The SecretBinary, or nullptr for a string value.
  [[nodiscard]] const binary* bytes() const noexcept { return binary_ ? &bytes_ : nullptr; }
  [[nodiscard]] std::size_t size() const noexcept { return binary_ ? bytes_.size() : text_.size(); }

  friend bool operator==(const secret_value& a, const secret_value& b) noexcept {
    if (a.binary_ != b.binary_) return false;
    return a.binary_ ? detail::same_binary(a.bytes_, b.bytes_)
                     : detail::same_bytes(a.text_, b.text_);
  }

 private:
  // Moves o's content (of the kind binary_ already says) into this one's empty storage.
  void take(secret_value& o) noexcept {
    if (binary_) {
      ::new (&bytes_) binary(std::move(o.bytes_));
    } else {
      ::new (&text_) std::string(std::move(o.text_));
    }
  }
  // Wipes and destroys the content. memset is called through a volatile function pointer, so the
  // compiler cannot drop the stores as dead, yet they run at memset's speed. A moved-from string
  // keeps its characters in its own small buffer, which is wiped too.
  void destroy_content() noexcept {
    static void* (*const volatile clear)(void*, int, std::size_t) = std::memset;
    if (binary_) {
      if (bytes_.capacity() != 0) clear(bytes_.data(), 0, bytes_.capacity());
      bytes_.~binary();
    } else {
      clear(text_.data(), 0, text_.capacity());
      text_.~basic_string();
    }
  }

  // A union rather than std::variant: the same layout, at a fraction of the parse time of a
  // header every translation unit includes.
  union {
    std::string text_;
    binary bytes_;
  };
  bool binary_;
};

/// A shared, immutable secret value (null for the value-less rotation placeholder).
using value_ref = detail::ref<const secret_value>;

}  // namespace secretstage

#endif  // SECRETSTAGE_VALUE_HPP
