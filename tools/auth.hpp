#ifndef SECRETSTAGE_TOOLS_AUTH_HPP
#define SECRETSTAGE_TOOLS_AUTH_HPP

// secretstage-server's authentication (--credentials, docs/authentication.md): who a request is
// from and which Region it is for, from cpp-httplib's request, before it reaches a store. With a
// credentials table every request is verified with sigv4.hpp; without one, the Region is read
// from the credential scope unchecked and the account is the server's.

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <httplib.h>

#include <secretstage/detail/json.hpp>
#include <secretstage/sigv4.hpp>

#include "request_scope.hpp"

namespace secretstage::tools {

/// The store a request goes to.
struct request_owner {
  std::string account_id;
  std::string region;
};

/// Reads and parses a credentials file; an error is a sentence naming the file and the line,
/// never quoting a secret key. The file's text is wiped once parsed.
[[nodiscard]] inline std::optional<std::string> read_credentials(const std::string& path,
                                                                 sigv4::credentials& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot read the credentials file " + path;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return "cannot read the credentials file " + path;
  auto parsed = sigv4::credentials::parse(text);
  sodium_memzero(text.data(), text.size());
  if (!parsed) return path + ": " + parsed.error().message;
  if (parsed.value().size() == 0) return path + ": holds no key";
  out = std::move(parsed).value();
  return std::nullopt;
}

/// AWS's body for an authentication failure: `{"__type": ..., "message": ...}` (the JSON
/// services' front end writes `message` in lower case for these, docs/authentication.md).
[[nodiscard]] inline std::string auth_error_body(const sigv4::auth_error& e) {
  std::string out = "{\"__type\":";
  secretstage::detail::json::append_string(out, e.name());
  out.append(",\"message\":");
  secretstage::detail::json::append_string(out, e.message);
  out.push_back('}');
  return out;
}

/// Who a request is from: with `keys`, its verified signature's account and Region (or AWS's
/// error); without, the Region of its credential scope (else `default_region`) and
/// `default_account`.
[[nodiscard]] inline std::variant<request_owner, sigv4::auth_error> authenticate(
    const httplib::Request& req, const sigv4::credentials* keys, const std::string& default_account,
    const std::string& default_region, std::chrono::system_clock::time_point now) {
  if (keys == nullptr) {
    auto region = scope_region(req.get_header_value("Authorization"));
    return request_owner{default_account, region ? *region : default_region};
  }
  std::vector<sigv4::header> headers;
  headers.reserve(req.headers.size());
  for (const auto& [name, value] : req.headers) headers.push_back({name, value});
  // The raw request target: req.path is already percent-decoded.
  const std::string_view target = req.target;
  const std::size_t question = target.find('?');
  const sigv4::request r{req.method, target.substr(0, question),
                         question == std::string_view::npos ? std::string_view{}
                                                            : target.substr(question + 1),
                         headers, req.body};
  auto who = sigv4::verify(r, *keys, now);
  if (!who) return who.error();
  return request_owner{who.value().account_id, who.value().region};
}

}  // namespace secretstage::tools

#endif  // SECRETSTAGE_TOOLS_AUTH_HPP
