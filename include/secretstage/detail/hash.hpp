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

/// The four bytes at `p` as a little-endian number.
[[nodiscard]] inline std::uint64_t load_le32(const unsigned char* p) noexcept {
  return std::uint64_t{p[0]} | std::uint64_t{p[1]} << 8 | std::uint64_t{p[2]} << 16 |
         std::uint64_t{p[3]} << 24;
}

/// The high and low halves of a 64 × 64-bit product, folded: a strong mixer that costs one
/// multiplication (the core of wyhash).
[[nodiscard]] inline std::uint64_t fold_multiply(std::uint64_t a, std::uint64_t b) noexcept {
#if defined(__SIZEOF_INT128__)
  __extension__ using u128 = unsigned __int128;
  const u128 r = static_cast<u128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
#else
  const std::uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32, b_lo = b & 0xffffffffu, b_hi = b >> 32;
  const std::uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
  const std::uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffu) + lo_hi;
  const std::uint64_t high = hi_hi + (hi_lo >> 32) + (cross >> 32);
  const std::uint64_t low = (cross << 32) | (lo_lo & 0xffffffffu);
  return low ^ high;
#endif
}

/// A hash of a string in the manner of wyhash: sixteen bytes per multiplication, the last
/// sixteen overlapping when the length is not a multiple of sixteen.
[[nodiscard]] inline std::uint64_t hash_bytes(std::string_view s) noexcept {
  constexpr std::uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull,
                          k2 = 0x8ebc6af09c88c6e3ull;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size();
  const std::uint64_t length = n;
  std::uint64_t seed = k0 ^ fold_multiply(length ^ k1, k2);
  std::uint64_t a, b;
  if (n <= 16) {
    if (n >= 4) {
      const std::size_t step = (n >> 3) << 2;  // 4 for 8–16 bytes, 0 for 4–7: every byte is read
      a = load_le32(p) << 32 | load_le32(p + step);
      b = load_le32(p + n - 4) << 32 | load_le32(p + n - 4 - step);
    } else if (n > 0) {
      a = std::uint64_t{p[0]} << 16 | std::uint64_t{p[n >> 1]} << 8 | p[n - 1];
      b = 0;
    } else {
      a = b = 0;
    }
  } else {
    for (; n > 16; n -= 16, p += 16) seed = fold_multiply(load_le64(p) ^ k1, load_le64(p + 8) ^ seed);
    a = load_le64(p + n - 16);
    b = load_le64(p + n - 8);
  }
  return fold_multiply(k1 ^ length, fold_multiply(a ^ k1, b ^ seed));
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
  if (n >= 4) return load_le32(p) == load_le32(q) && load_le32(p + n - 4) == load_le32(q + n - 4);
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
