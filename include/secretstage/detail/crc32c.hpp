#ifndef SECRETSTAGE_DETAIL_CRC32C_HPP
#define SECRETSTAGE_DETAIL_CRC32C_HPP

// CRC-32C (Castagnoli): the checksum of the snapshot format (docs/snapshot-format.md) and of the
// journal's records. Castagnoli rather than the zlib CRC-32 because it detects more error
// patterns at the lengths stored here, and is what iSCSI, ext4 and LevelDB-style logs use, so
// other tools can check a file. Reflected polynomial 0x82F63B78, initial value and final XOR
// 0xFFFFFFFF; crc32c("123456789") == 0xE3069283.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace secretstage::detail {

/// One 256-entry table per byte position of an 8-byte word (slicing-by-8).
inline constexpr std::array<std::array<std::uint32_t, 256>, 8> crc32c_tables = [] {
  std::array<std::array<std::uint32_t, 256>, 8> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) != 0 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    t[0][i] = c;
  }
  for (std::size_t j = 1; j < 8; ++j)
    for (std::size_t i = 0; i < 256; ++i) t[j][i] = (t[j - 1][i] >> 8) ^ t[0][t[j - 1][i] & 0xffu];
  return t;
}();

/// The running CRC-32C `crc` (of the bytes before) extended over `bytes`; start from 0.
/// crc32c_extend(crc32c_extend(0, a), b) == crc32c(a + b).
[[nodiscard]] inline std::uint32_t crc32c_extend(std::uint32_t crc,
                                                 std::string_view bytes) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  std::uint32_t c = ~crc;
  const auto& t = crc32c_tables;
  while (n >= 8) {
    // Assembled byte by byte: the same on any endianness, and compilers fuse it into one load.
    const std::uint32_t lo = c ^ (std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 |
                                  std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24);
    c = t[7][lo & 0xffu] ^ t[6][(lo >> 8) & 0xffu] ^ t[5][(lo >> 16) & 0xffu] ^ t[4][lo >> 24] ^
        t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n-- != 0) c = (c >> 8) ^ t[0][(c ^ *p++) & 0xffu];
  return ~c;
}

/// The CRC-32C of `bytes`.
[[nodiscard]] inline std::uint32_t crc32c(std::string_view bytes) noexcept {
  return crc32c_extend(0, bytes);
}

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_CRC32C_HPP
