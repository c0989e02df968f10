#ifndef SECRETSTAGE_DETAIL_HASH_HPP
#define SECRETSTAGE_DETAIL_HASH_HPP

// The hashes of the persistent tries. They must be deterministic across platforms and runs (the
// order in which a trie visits its elements depends on them), and fast: a transition hashes
// every version id and secret name its request names.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace secretstage::detail {

/// A 64-bit finalizer (splitmix64's): every output bit depends on every input bit.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// The eight bytes at `p` as a little-endian number, on any platform (one load on
/// little-endian machines).
[[nodiscard]] inline std::uint64_t load_le64(const unsigned char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  if constexpr (std::endian::native == std::endian::big) {
    w = ((w & 0x00000000ffffffffull) << 32) | ((w & 0xffffffff00000000ull) >> 32);
    w = ((w & 0x0000ffff0000ffffull) << 16) | ((w & 0xffff0000ffff0000ull) >> 16);
    w = ((w & 0x00ff00ff00ff00ffull) << 8) | ((w & 0xff00ff00ff00ff00ull) >> 8);
  }
  return w;
}

/// A hash of a string, eight bytes at a time (the last eight overlapping the word before when
/// the length is not a multiple of eight).
[[nodiscard]] inline std::uint64_t hash_bytes(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ (static_cast<std::uint64_t>(n) * 0xff51afd7ed558ccdull);
  if (n >= 8) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      h = (h ^ load_le64(p + i)) * 0xbf58476d1ce4e5b9ull;
      h ^= h >> 29;
    }
    if (i < n) h = (h ^ load_le64(p + n - 8)) * 0xbf58476d1ce4e5b9ull;
  } else {
    std::uint64_t tail = 0;
    for (std::size_t i = 0; i < n; ++i) tail |= std::uint64_t{p[i]} << (8 * i);
    h = (h ^ tail) * 0xbf58476d1ce4e5b9ull;
  }
  return mix64(h);
}

/// Whether the `n` bytes at `a` and `b` are equal: word by word, inline (a call to memcmp costs
/// more than comparing a version id).
[[nodiscard]] inline bool equal_bytes(const char* a, const char* b, std::size_t n) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(a);
  const auto* q = reinterpret_cast<const unsigned char*>(b);
  if (n >= 8) {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
      if (((load_le64(p + i) ^ load_le64(q + i)) | (load_le64(p + i + 8) ^ load_le64(q + i + 8))) != 0)
        return false;
    if (i + 8 <= n) {
      if (load_le64(p + i) != load_le64(q + i)) return false;
      i += 8;
    }
    return i == n || load_le64(p + n - 8) == load_le64(q + n - 8);
  }
  for (std::size_t i = 0; i < n; ++i)
    if (p[i] != q[i]) return false;
  return true;
}

/// Key equality for the tries: strings through equal_bytes, anything else through ==.
struct key_equal {
  template <class A, class B>
  [[nodiscard]] bool operator()(const A& a, const B& b) const noexcept {
    if constexpr (requires { std::string_view(a); std::string_view(b); }) {
      const std::string_view x(a), y(b);
      return x.size() == y.size() && equal_bytes(x.data(), y.data(), x.size());
    } else {
      return a == b;
    }
  }
};

/// The number of bits set (the popcnt instruction where the target has it).
[[nodiscard]] constexpr unsigned popcount32(std::uint32_t x) noexcept {
#if defined(__POPCNT__)
  return static_cast<unsigned>(__builtin_popcount(x));
#else
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0f0f0f0fu;
  return (x * 0x01010101u) >> 24;
#endif
}

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_HASH_HPP
