// Fuzz target of issue 16, item 1: arbitrary bytes to the snapshot decoder. The first byte picks
// the kind (bit 1: a secret, else a store) and how the rest is taken (bit 0):
//   0  as a whole snapshot file, as it would be read from disk;
//   1  as the payload of one, framed here with a valid header and valid checksums, so that the
//      fuzzer explores the record parser instead of stopping at the CRC; bit 2 picks the format
//      version of that header (set: 2, the resource policy's; clear: 1).
// Decoding must return (never crash, never allocate more than the input warrants: libFuzzer's
// -rss_limit_mb and -malloc_limit_mb catch that). When it succeeds:
//   - the value passes check_store_invariants / check_invariants;
//   - encoding it gives back exactly the bytes decoded (the format has one encoding per state);
//   - decoding that again gives an equal value.
// Any violation aborts.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>

#include <secretstage/detail/crc32c.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/snapshot.hpp>

namespace ss = secretstage;

namespace {

[[noreturn]] void violation(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "snapshot_fuzz: %s %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

std::string framed(bool secret, std::uint16_t version, std::string_view payload) {
  std::string out(ss::snapshot::magic);
  auto put = [&](std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
  };
  put(version, 2);
  out.push_back(secret ? '\x02' : '\x01');
  out.push_back('\0');
  put(payload.size(), 8);
  put(ss::detail::crc32c(out), 4);
  out.append(payload);
  put(ss::detail::crc32c(out), 4);
  return out;
}

template <class Decode>
void round_trip(const std::string& bytes, Decode decode) {
  auto first = decode(bytes);
  if (!first) {
    if (first.error().message.empty()) violation("an error without a message");
    return;
  }
  const auto& value = first.value();
  if constexpr (std::is_same_v<std::decay_t<decltype(value)>, ss::store>) {
    if (const auto v = ss::check_store_invariants(value); !v.empty())
      violation("decoded store breaks", v.front());
  } else {
    if (const auto v = ss::check_invariants(value); !v.empty())
      violation("decoded secret breaks", v.front());
  }
  const std::string again = ss::snapshot::encode(value);
  if (again != bytes) violation("re-encoding a decoded snapshot gives other bytes");
  auto second = decode(again);
  if (!second) violation("a re-encoded snapshot does not decode:", second.error().message);
  if (!(second.value() == value)) violation("decode(encode(decoded)) != decoded");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool secret = (data[0] & 2u) != 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string bytes = (data[0] & 1u) != 0 ? framed(secret, (data[0] & 4u) != 0 ? 2 : 1, rest) : std::string(rest);
  if (secret) {
    round_trip(bytes, [](std::string_view b) { return ss::snapshot::decode_secret(b); });
  } else {
    round_trip(bytes, [](std::string_view b) { return ss::snapshot::decode_store(b); });
  }
  return 0;
}
