#ifndef SECRETSTAGE_TOOLS_REQUEST_SCOPE_HPP
#define SECRETSTAGE_TOOLS_REQUEST_SCOPE_HPP

// secretstage-server's small pure checks on where a request goes and where the server listens:
// Region and account names, the Region of an unverified credential scope, loopback addresses.
// No library beyond the C++ and POSIX ones, so tests/tools can test them.

#include <arpa/inet.h>

#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace secretstage::tools {

/// A Region name as this server accepts one from a request: 1 to 32 of [a-z0-9-]. (sigv4.hpp
/// accepts any such name too; the bound keeps a directory name short.)
[[nodiscard]] inline bool valid_region_name(std::string_view region) noexcept {
  if (region.empty() || region.size() > 32) return false;
  for (char c : region)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return region != "." && region != "..";
}

/// An account id: twelve digits.
[[nodiscard]] inline bool valid_account_id(std::string_view account) noexcept {
  if (account.size() != 12) return false;
  for (char c : account)
    if (c < '0' || c > '9') return false;
  return true;
}

/// The Region of an `Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/
/// aws4_request, ...` header, when its credential has five elements and the Region is a valid
/// name; nothing otherwise (the request then gets the server's --region). Used for unsigned
/// servers, where the signature itself is not checked.
[[nodiscard]] inline std::optional<std::string> scope_region(std::string_view authorization) {
  constexpr std::string_view key = "Credential=";
  const std::size_t at = authorization.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view credential = authorization.substr(at + key.size());
  credential = credential.substr(0, credential.find_first_of(", \t"));
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (parts.size() < 6) {
    const std::size_t slash = credential.find('/', start);
    parts.push_back(credential.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() != 5 || !valid_region_name(parts[2])) return std::nullopt;
  return std::string(parts[2]);
}

/// Whether a --listen address is loopback only: 127.0.0.0/8, ::1, or localhost.
[[nodiscard]] inline bool is_loopback(const std::string& address) noexcept {
  if (address == "localhost") return true;
  unsigned char bytes[16] = {};
  if (::inet_pton(AF_INET, address.c_str(), bytes) == 1) return bytes[0] == 127;
  static constexpr unsigned char one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return ::inet_pton(AF_INET6, address.c_str(), bytes) == 1 && std::memcmp(bytes, one, 16) == 0;
}

}  // namespace secretstage::tools

#endif  // SECRETSTAGE_TOOLS_REQUEST_SCOPE_HPP
