#ifndef SECRETSTAGE_DETAIL_SERVICE_RANDOM_HPP
#define SECRETSTAGE_DETAIL_SERVICE_RANDOM_HPP

// What a service draws at random, as pure functions of (seed, request number, stream): AWS draws
// ARN characters, request ids and the ClientRequestToken an SDK generates at random; a service of
// the model draws them from a counter-mode splitmix64 stream instead, so that a run is a function
// of its seed and its requests and can be replayed (service.hpp).

#include <cstdint>
#include <string>

#include "validate.hpp"

namespace secretstage::detail {

/// The streams a request's draws come from: each is splitmix64(seed, request number, stream), so
/// draws of different purposes or requests are unrelated however many each request makes.
enum class service_stream : std::uint64_t {
  entropy = 1,
  token_high,
  token_low,
  request_id_high,
  request_id_low,
  password,
  scheduled_token_high,  // a scheduled rotation's new version id
  scheduled_token_low,
  scheduled_password,  // a scheduled rotation's new value
};

/// The draw of request number `request` from `stream` of the service seeded with `seed`.
[[nodiscard]] constexpr std::uint64_t service_draw(std::uint64_t seed, std::uint64_t request,
                                                   service_stream stream) noexcept {
  return mix_entropy(mix_entropy(seed, request), static_cast<std::uint64_t>(stream));
}

/// A random (version 4, RFC 4122 variant) UUID from 128 bits, lower-case: 8-4-4-4-12. The form of
/// every AWS request id and of the ClientRequestToken the SDKs and the CLI generate.
[[nodiscard]] inline std::string uuid_v4(std::uint64_t high, std::uint64_t low) {
  high = (high & ~std::uint64_t{0xF000}) | std::uint64_t{0x4000};
  low = (low & ~(std::uint64_t{0xC} << 60)) | (std::uint64_t{0x8} << 60);
  constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  auto put = [&](std::uint64_t bits, int first_nibble, int count) {
    for (int i = first_nibble; i < first_nibble + count; ++i)
      out.push_back(hex[(bits >> (60 - 4 * i)) & 0xF]);
  };
  put(high, 0, 8);
  out.push_back('-');
  put(high, 8, 4);
  out.push_back('-');
  put(high, 12, 4);
  out.push_back('-');
  put(low, 0, 4);
  out.push_back('-');
  put(low, 4, 12);
  return out;
}

/// The UUIDv4 of request number `request` drawn from the streams `high` and `low`.
[[nodiscard]] inline std::string service_uuid(std::uint64_t seed, std::uint64_t request,
                                              service_stream high, service_stream low) {
  return uuid_v4(service_draw(seed, request, high), service_draw(seed, request, low));
}

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_SERVICE_RANDOM_HPP
