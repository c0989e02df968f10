#ifndef SECRETSTAGE_SIGV4_HPP
#define SECRETSTAGE_SIGV4_HPP

// AWS Signature Version 4 verification of a request to the AWS JSON endpoint, as AWS verifies it:
// who signed it (a credentials table parsed from a file's text), and the AWS error when the
// signature is missing, malformed, from an unknown key, stale, or wrong.
//
// Opt-in, like aws_json.hpp: not included by secretstage.hpp, and the only header that needs a
// library. Link libsodium (pkg-config `libsodium`; Debian `libsodium-dev`), which gives SHA-256,
// HMAC-SHA-256 and a constant-time comparison. It lives in include/ rather than tools/ because an
// embedder who puts the model behind their own HTTP server (issue 17) needs the same check; it is
// pure like the rest of the library: the clock comes in as `now`, nothing is logged, and a secret
// key never appears in any text this header builds.
//
// Every error text is built in `messages` below, each with its evidence:
//   [OBS <where>]  a real AWS response quoted in a public issue thread (docs/authentication.md
//                  gives the links); [DOC] AWS documentation; [ruling] our choice where no
//                  recording was found, to be corrected when one appears.

#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "result.hpp"

namespace secretstage::sigv4 {

// ---- errors ----------------------------------------------------------------------------------

/// The AWS exceptions of request authentication. Each is one `__type` on the wire.
enum class auth_errc : std::uint8_t {
  missing_authentication_token = 1,  // MissingAuthenticationTokenException
  incomplete_signature,              // IncompleteSignatureException
  unrecognized_client,               // UnrecognizedClientException
  invalid_signature,                 // InvalidSignatureException
};

[[nodiscard]] constexpr std::string_view exception_name(auth_errc code) noexcept {
  switch (code) {
    case auth_errc::missing_authentication_token:
      return "MissingAuthenticationTokenException";
    case auth_errc::incomplete_signature:
      return "IncompleteSignatureException";
    case auth_errc::unrecognized_client:
      return "UnrecognizedClientException";
    case auth_errc::invalid_signature:
      return "InvalidSignatureException";
  }
  return "UnknownError";
}

/// The HTTP status AWS's JSON services answer each with: 400 for all four. [OBS] for
/// UnrecognizedClient (Secrets Manager through the Java SDK), InvalidSignature and
/// IncompleteSignature (raw responses of JSON 1.1 services); MissingAuthenticationToken is [OBS]
/// 400 on DynamoDB, a JSON service of the same framework, where Secrets Manager's "Common Errors"
/// page lists 403 for `MissingAuthenticationToken` [DOC] -- the recording wins (ruling).
[[nodiscard]] constexpr int http_status(auth_errc) noexcept { return 400; }

/// A failed verification: the AWS exception, its exact message and HTTP status.
struct auth_error {
  auth_errc code;
  std::string message;

  [[nodiscard]] std::string_view name() const noexcept { return exception_name(code); }
  [[nodiscard]] int status() const noexcept { return http_status(code); }
  friend bool operator==(const auth_error&, const auth_error&) = default;
};

/// A credentials file that cannot be used. `message` names the line and never contains the
/// secret access key of that line.
struct credentials_error {
  std::size_t line;
  std::string message;
  friend bool operator==(const credentials_error&, const credentials_error&) = default;
};

namespace detail {
class auth_category_impl final : public std::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "sigv4"; }
  [[nodiscard]] std::string message(int value) const override {
    return value == 0 ? std::string("credentials file")
                      : std::string(exception_name(static_cast<auth_errc>(value)));
  }
};
}  // namespace detail

[[nodiscard]] inline const std::error_category& auth_category() noexcept {
  static const detail::auth_category_impl category;
  return category;
}
[[nodiscard]] inline std::error_code make_error_code(auth_errc code) noexcept {
  return {static_cast<int>(code), auth_category()};
}
/// Outcome's ADL hooks, as for secretstage::error.
[[nodiscard]] inline std::error_code make_error_code(const auth_error& e) noexcept {
  return make_error_code(e.code);
}
[[noreturn]] inline void outcome_throw_as_system_error_with_payload(const auth_error& e) {
  throw std::system_error(make_error_code(e), e.message);
}
[[nodiscard]] inline std::error_code make_error_code(const credentials_error&) noexcept {
  return {0, auth_category()};
}
[[noreturn]] inline void outcome_throw_as_system_error_with_payload(const credentials_error& e) {
  throw std::system_error(make_error_code(e), e.message);
}

template <class T>
using auth_result = outcome::std_result<T, auth_error>;

// ---- the request ------------------------------------------------------------------------------

/// One header as received; names compare case-insensitively, repeats are allowed.
struct header {
  std::string_view name;
  std::string_view value;
};

/// A request as it arrived, viewed (nothing is copied): `path` and `query` exactly as on the
/// request line, still percent-encoded (`query` without the '?'); `body` the bytes received.
struct request {
  std::string_view method;
  std::string_view path;
  std::string_view query;
  std::span<const header> headers;
  std::string_view body;
};

/// Who signed a verified request: the account of the key is the account of the request, and the
/// Region is the one of the credential scope (`<key>/<date>/<region>/<service>/aws4_request`).
struct identity {
  std::string access_key_id;
  std::string account_id;
  std::string region;
  friend bool operator==(const identity&, const identity&) = default;
};

/// What AWS fixes and a test may vary: the service of the credential scope, and the allowed
/// difference between the request time and `now` -- five minutes for Secrets Manager as for most
/// services ([OBS] the "- 5 min." of its expiry messages; [DOC] the SigV4 guide).
struct options {
  std::string_view service = "secretsmanager";
  std::chrono::seconds allowed_skew{300};
};

// ---- messages: every text verify() returns ------------------------------------------------------

namespace messages {

namespace detail {
/// `before` + `value` + `after`: most of AWS's texts quote one value.
inline auth_error quoting(auth_errc code, std::string_view before, std::string_view value,
                          std::string_view after) {
  std::string m(before);
  m.append(value).append(after);
  return {code, std::move(m)};
}
}  // namespace detail

/// [OBS DynamoDB, `com.amazon.coral.service#MissingAuthenticationTokenException`, 400]
/// github.com/awslabs/aws-sdk-ios-samples/issues/111,
/// github.com/amazon-archives/aws-dynamodb-session-tomcat/issues/42
inline auth_error missing_authentication_token() {
  return {auth_errc::missing_authentication_token, "Request is missing Authentication Token"};
}

/// [OBS Cloud9 400, CloudFormation] a parameter without '=' (e.g. a space inside `Credential=`);
/// the header is quoted back whole, as AWS does. github.com/iann0036/cloud9-sync/issues/10,
/// github.com/aws/aws-sdk-go/issues/289
inline auth_error missing_equal_sign(std::string_view token, std::string_view authorization) {
  std::string m = "'";
  m.append(token).append(
      "' not a valid key=value pair (missing equal-sign) in Authorization "
      "header: '");
  m.append(authorization).append("'.");
  return {auth_errc::incomplete_signature, std::move(m)};
}

/// [OBS SES 400, API Gateway] one sentence per missing part, in AWS's order, then the header.
/// github.com/brendanhay/amazonka/issues/316, github.com/aws/chalice/issues/828
/// `no_date`: no usable X-Amz-Date (ruling: a value that is not `YYYYMMDDTHHMMSSZ` counts as none,
/// and a `Date` header alone is not accepted although the sentence names it).
inline auth_error missing_parameters(bool no_credential, bool no_signature, bool no_signed_headers,
                                     bool no_date, std::string_view authorization) {
  std::string m;
  if (no_credential) m += "Authorization header requires 'Credential' parameter. ";
  if (no_signature) m += "Authorization header requires 'Signature' parameter. ";
  if (no_signed_headers) m += "Authorization header requires 'SignedHeaders' parameter. ";
  if (no_date) {
    m += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  m.append("Authorization=").append(authorization);
  return {auth_errc::incomplete_signature, std::move(m)};
}

/// [ruling] only AWS4-HMAC-SHA256 is verified (no SigV4a, no SigV2); no recording found.
inline auth_error unsupported_algorithm(std::string_view algorithm) {
  return detail::quoting(auth_errc::incomplete_signature, "Unsupported AWS 'algorithm': '",
                         algorithm, "'.");
}

/// [OBS IAM, STS, Resource Groups Tagging (a JSON 1.1 service), all 400]
/// github.com/aws/aws-sdk-go/issues/1042,
/// github.com/prometheus-community/yet-another-cloudwatch-exporter/issues/169
inline auth_error credential_not_five_elements(std::string_view credential) {
  return detail::quoting(auth_errc::incomplete_signature,
                         "Credential must have exactly 5 slash-delimited elements, e.g. "
                         "keyid/date/region/service/term, got '",
                         credential, "'");
}

/// [OBS text: github.com/aws/aws-sdk-php/issues/2469; the exception type is a ruling]
inline auth_error host_not_signed() {
  return {auth_errc::incomplete_signature,
          "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."};
}

/// [ruling, worded as host_not_signed] an unsigned request time could be replayed for ever.
inline auth_error date_not_signed() {
  return {auth_errc::incomplete_signature,
          "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."};
}

/// [OBS Secrets Manager through the Java SDK, 400; the body text with AWS's final period]
/// github.com/spring-attic/spring-cloud-aws/issues/492, github.com/aws/aws-sdk-php/issues/2444
inline auth_error unrecognized_client() {
  return {auth_errc::unrecognized_client, "The security token included in the request is invalid."};
}

/// [OBS SQS, API Gateway] -- note AWS's trailing space. github.com/aws/aws-sdk-ruby/issues/508,
/// github.com/aws/aws-sdk-js/issues/792
inline auth_error invalid_region(std::string_view region) {
  return detail::quoting(auth_errc::invalid_signature,
                         "Credential should be scoped to a valid region, not '", region, "'. ");
}

/// [OBS SageMaker, EMR, DynamoDB: InvalidSignatureException, 400] -- with the trailing space.
/// github.com/disneystreaming/smithy4s/issues/1568, github.com/aws/aws-sdk-ruby/issues/431
inline auth_error wrong_service(std::string_view service) {
  return detail::quoting(auth_errc::invalid_signature,
                         "Credential should be scoped to correct service: '", service, "'. ");
}

/// [ruling, worded as wrong_service] no recording found.
inline auth_error wrong_terminator(std::string_view terminator) {
  return detail::quoting(
      auth_errc::invalid_signature,
      "Credential should be scoped with a valid terminator: 'aws4_request', not '", terminator,
      "'. ");
}

/// [OBS Kinesis, a JSON 1.1 service: InvalidSignatureException] -- with the trailing space.
/// github.com/disneystreaming/smithy4s/issues/387
inline auth_error scope_date_mismatch() {
  return {auth_errc::invalid_signature,
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
          "HTTP. "};
}

namespace detail {
/// AWS's two skew texts: `<lead><request time><relation><bound> (<now><sign><N> min.)`.
inline auth_error skew_text(std::string_view lead, std::string_view request_time,
                            std::string_view relation, std::string_view bound, std::string_view now,
                            std::string_view sign, std::chrono::seconds skew) {
  std::string m(lead);
  m.append(request_time).append(relation).append(bound).append(" (").append(now).append(sign);
  m.append(std::to_string(std::chrono::duration_cast<std::chrono::minutes>(skew).count()));
  m.append(" min.)");
  return {auth_errc::invalid_signature, std::move(m)};
}
}  // namespace detail

/// [OBS Kinesis, Rekognition, Transcoder...: "Signature expired: 20151120T200815Z is now earlier
/// than 20151120T201846Z (20151120T202346Z - 5 min.)", 400]
/// github.com/remind101/logspout-kinesis/issues/21, github.com/aws/aws-sdk-php/issues/1780
inline auth_error signature_expired(std::string_view request_time, std::string_view earliest,
                                    std::string_view now, std::chrono::seconds skew) {
  return detail::skew_text("Signature expired: ", request_time, " is now earlier than ", earliest,
                           now, " - ", skew);
}

/// [OBS "Signature not yet current: 20181120T211543Z is still later than 20181120T211529Z
/// (20181120T211029Z + 5 min.)"] github.com/serverless/enterprise/issues/11
inline auth_error signature_not_yet_current(std::string_view request_time, std::string_view latest,
                                            std::string_view now, std::chrono::seconds skew) {
  return detail::skew_text("Signature not yet current: ", request_time, " is still later than ",
                           latest, now, " + ", skew);
}

/// [OBS Secrets Manager itself, github.com/aws/aws-sdk-net/issues/3978; framing as in the raw body
/// of github.com/aws/aws-sdk-cpp/issues/17] the JSON services append what they computed: the
/// canonical request and the string to sign (neither contains a secret).
inline auth_error signature_mismatch(std::string_view canonical_request,
                                     std::string_view string_to_sign) {
  std::string m =
      "The request signature we calculated does not match the signature you provided. Check your "
      "AWS Secret Access Key and signing method. Consult the service documentation for details."
      "\n\nThe Canonical String for this request should have been\n'";
  m.append(canonical_request).append("'\n\nThe String-to-Sign should have been\n'");
  m.append(string_to_sign).append("'\n");
  return {auth_errc::invalid_signature, std::move(m)};
}

}  // namespace messages

// ---- hashing (libsodium) ----------------------------------------------------------------------

using digest = std::array<unsigned char, 32>;

namespace detail {

inline void ensure_sodium() {
  // sodium_init() is idempotent and thread-safe; the static makes it once per process.
  [[maybe_unused]] static const int initialized = sodium_init();
}

inline const unsigned char* bytes(std::string_view s) noexcept {
  return reinterpret_cast<const unsigned char*>(s.data());
}

inline bool is_space(char c) noexcept { return c == ' ' || c == '\t'; }

inline char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

inline bool is_unreserved(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

inline int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The SigV4 UriEncode: every byte but the unreserved ones as %XY (upper-case hex), '/' kept
/// when `keep_slash`.
inline std::string uri_encode(std::string_view s, bool keep_slash) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += digits[b >> 4];
      out += digits[b & 0x0F];
    }
  }
  return out;
}

/// Percent-decoding of a query name or value. '+' stays '+' (it is not a space in SigV4), and a
/// '%' not followed by two hex digits stays a literal '%' (ruling).
inline std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

inline std::string to_hex(std::span<const unsigned char> data) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (unsigned char b : data) {
    out += digits[b >> 4];
    out += digits[b & 0x0F];
  }
  return out;
}

inline void put_digits(std::string& out, long long value, int width) {
  std::string digits(static_cast<std::size_t>(width), '0');
  for (int i = width - 1; i >= 0 && value > 0; --i, value /= 10) {
    digits[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
  }
  out += digits;
}

}  // namespace detail

[[nodiscard]] inline digest sha256(std::string_view data) {
  detail::ensure_sodium();
  digest out{};
  crypto_hash_sha256(out.data(), detail::bytes(data), data.size());
  return out;
}

[[nodiscard]] inline std::string hex_sha256(std::string_view data) {
  return detail::to_hex(sha256(data));
}

/// HMAC-SHA-256 with a key of any length (the first key of the chain, "AWS4" + secret, is not 32
/// bytes, so the init/update/final form, not crypto_auth_hmacsha256()).
[[nodiscard]] inline digest hmac_sha256(std::span<const unsigned char> key, std::string_view data) {
  detail::ensure_sodium();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  crypto_auth_hmacsha256_update(&state, detail::bytes(data), data.size());
  digest out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
  return out;
}

/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
[[nodiscard]] inline digest signing_key(std::string_view secret_access_key, std::string_view date,
                                        std::string_view region, std::string_view service) {
  std::string first = "AWS4";
  first.append(secret_access_key);
  digest key = hmac_sha256(std::span(detail::bytes(first), first.size()), date);
  sodium_memzero(first.data(), first.size());
  for (std::string_view part : {region, service, std::string_view("aws4_request")}) {
    const digest next = hmac_sha256(key, part);
    key = next;
  }
  return key;
}

// ---- canonicalization -------------------------------------------------------------------------

/// The canonical URI of a path as received: dot segments and empty segments removed (AWS removes
/// consecutive slashes for every service but S3, as botocore does), then UriEncode'd with '/'
/// kept. The path on the wire is already encoded once, so this is AWS's "encode twice" for
/// non-S3 services: a received "%20" becomes "%2520".
[[nodiscard]] inline std::string canonical_uri(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= raw_path.size()) {
    const std::size_t slash = std::min(raw_path.find('/', start), raw_path.size());
    const std::string_view segment = raw_path.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = slash + 1;
  }
  std::string path;
  if (raw_path.front() == '/') path += '/';
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) path += '/';
    path.append(segments[i]);
  }
  if (raw_path.back() == '/' && !segments.empty()) path += '/';
  if (path.empty()) path = "/";
  return detail::uri_encode(path, true);
}

/// The canonical query string: each `name=value` pair decoded then UriEncode'd strictly, sorted
/// by name then value, joined by '&'; a pair without '=' has an empty value and empty pairs are
/// dropped (ruling).
[[nodiscard]] inline std::string canonical_query(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start <= raw_query.size()) {
    const std::size_t amp = std::min(raw_query.find('&', start), raw_query.size());
    const std::string_view pair = raw_query.substr(start, amp - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      const std::string_view name = pair.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
      pairs.emplace_back(detail::uri_encode(detail::percent_decode(name), false),
                         detail::uri_encode(detail::percent_decode(value), false));
    }
    start = amp + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out.append(name).append("=").append(value);
  }
  return out;
}

/// A header value in canonical form: trimmed, and every run of spaces and tabs inside folded to
/// one space (AWS's Trimall, which also folds inside quotes).
[[nodiscard]] inline std::string canonical_header_value(std::string_view value) {
  value = detail::trim(value);
  std::string out;
  out.reserve(value.size());
  bool in_space = false;
  for (char c : value) {
    if (detail::is_space(c)) {
      in_space = true;
      continue;
    }
    if (in_space) out += ' ';
    in_space = false;
    out += c;
  }
  return out;
}

/// The signed header names in canonical form: lower-cased, sorted, without repeats.
[[nodiscard]] inline std::vector<std::string> canonical_signed_headers(std::string_view list) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t semi = std::min(list.find(';', start), list.size());
    std::string name(list.substr(start, semi - start));
    for (char& c : name) c = detail::lower(c);
    if (!name.empty()) names.push_back(std::move(name));
    start = semi + 1;
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

/// The canonical request. The payload hash is always SHA-256 of the body received: an
/// `x-amz-content-sha256` header is optional for this service and, when signed, only a header
/// (so `UNSIGNED-PAYLOAD` is not honoured -- ruling: a body is always covered).
[[nodiscard]] inline std::string canonical_request(const request& r,
                                                   const std::vector<std::string>& signed_names) {
  std::string out(r.method);
  out.append("\n").append(canonical_uri(r.path)).append("\n");
  out.append(canonical_query(r.query)).append("\n");
  for (const std::string& name : signed_names) {
    out.append(name).append(":");
    bool first = true;
    for (const header& h : r.headers) {
      if (!detail::iequals(h.name, name)) continue;
      if (!first) out += ',';
      first = false;
      out.append(canonical_header_value(h.value));
    }
    out += '\n';
  }
  out += '\n';
  for (std::size_t i = 0; i < signed_names.size(); ++i) {
    if (i > 0) out += ';';
    out.append(signed_names[i]);
  }
  out.append("\n").append(hex_sha256(r.body));
  return out;
}

[[nodiscard]] inline std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                                                std::string_view canonical) {
  std::string out = "AWS4-HMAC-SHA256\n";
  out.append(amz_date).append("\n").append(scope).append("\n").append(hex_sha256(canonical));
  return out;
}

/// The lower-case hex signature of a string to sign under a derived key.
[[nodiscard]] inline std::string signature(const digest& key, std::string_view to_sign) {
  return detail::to_hex(hmac_sha256(key, to_sign));
}

// ---- time -------------------------------------------------------------------------------------

/// Parses X-Amz-Date's `YYYYMMDDTHHMMSSZ`; nothing when it is not exactly that.
[[nodiscard]] inline std::optional<std::chrono::sys_seconds> parse_amz_date(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t count) -> int {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      value = value * 10 + (s[i] - '0');
    }
    return value;
  };
  const int year = number(0, 4), month = number(4, 2), day = number(6, 2);
  const int hour = number(9, 2), minute = number(11, 2), second = number(13, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second};
}

[[nodiscard]] inline std::string format_amz_date(std::chrono::sys_seconds t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss time{t - day};
  std::string out;
  detail::put_digits(out, static_cast<int>(date.year()), 4);
  detail::put_digits(out, static_cast<unsigned>(date.month()), 2);
  detail::put_digits(out, static_cast<unsigned>(date.day()), 2);
  out += 'T';
  detail::put_digits(out, time.hours().count(), 2);
  detail::put_digits(out, time.minutes().count(), 2);
  detail::put_digits(out, time.seconds().count(), 2);
  out += 'Z';
  return out;
}

// ---- credentials ------------------------------------------------------------------------------

/// One key of the table. This library never prints one. The table wipes the secret keys it holds
/// when destroyed (best effort: a secret short enough for the small-string buffer may leave a copy
/// where the vector grew; AWS's are 40 characters, held on the heap and moved by pointer).
struct credential {
  std::string access_key_id;
  std::string secret_access_key;
  std::string account_id;
};

/// The keys that may call, parsed from a file's text: one line per key,
/// `ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID` separated by spaces or tabs; `#` starts a comment
/// (a secret key never contains '#'); blank lines are skipped. An access key id is letters and
/// digits (it is the first element of a slash-delimited scope), an account id twelve digits, and an
/// access key id appears once.
class credentials {
 public:
  credentials() = default;
  credentials(const credentials&) = default;
  credentials(credentials&&) noexcept = default;
  credentials& operator=(const credentials&) = default;
  credentials& operator=(credentials&&) noexcept = default;
  ~credentials() { wipe(); }

  [[nodiscard]] static outcome::std_result<credentials, credentials_error> parse(
      std::string_view text) {
    credentials table;
    std::size_t line_number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
      ++line_number;
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      start = end + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      line = line.substr(0, line.find('#'));

      std::vector<std::string_view> fields;
      std::size_t i = 0;
      while (i < line.size()) {
        while (i < line.size() && detail::is_space(line[i])) ++i;
        const std::size_t from = i;
        while (i < line.size() && !detail::is_space(line[i])) ++i;
        if (i > from) fields.push_back(line.substr(from, i - from));
      }
      if (fields.empty()) continue;
      if (fields.size() != 3) {
        return error_at(line_number, "expected ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID, found " +
                                         std::to_string(fields.size()) + " fields");
      }
      const std::string_view key = fields[0], account = fields[2];
      const bool key_ok =
          key.size() <= 128 && std::all_of(key.begin(), key.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
          });
      if (!key_ok) {
        return error_at(line_number,
                        "the access key id must be 1 to 128 letters and digits, got '" +
                            std::string(key) + "'");
      }
      const bool account_ok =
          account.size() == 12 &&
          std::all_of(account.begin(), account.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!account_ok) {
        return error_at(line_number,
                        "the account id must be 12 digits, got '" + std::string(account) + "'");
      }
      // Kept sorted by insertion at its place, so find() can search it.
      const auto at = std::lower_bound(
          table.entries_.begin(), table.entries_.end(), key,
          [](const credential& c, std::string_view id) { return c.access_key_id < id; });
      if (at != table.entries_.end() && at->access_key_id == key) {
        return error_at(line_number, "the access key id '" + std::string(key) + "' appears twice");
      }
      table.entries_.insert(at, {std::string(key), std::string(fields[1]), std::string(account)});
    }
    return table;
  }

  /// The key with this id, or nullptr. Not constant-time in the id: an access key id is not
  /// secret (it travels in every request).
  [[nodiscard]] const credential* find(std::string_view access_key_id) const noexcept {
    const auto it = std::lower_bound(
        entries_.begin(), entries_.end(), access_key_id,
        [](const credential& c, std::string_view id) { return c.access_key_id < id; });
    return it != entries_.end() && it->access_key_id == access_key_id ? &*it : nullptr;
  }

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

 private:
  static credentials_error error_at(std::size_t line, std::string what) {
    return {line, "credentials line " + std::to_string(line) + ": " + std::move(what)};
  }

  void wipe() noexcept {
    for (credential& c : entries_)
      sodium_memzero(c.secret_access_key.data(), c.secret_access_key.size());
  }

  std::vector<credential> entries_;
};

// ---- verification -----------------------------------------------------------------------------

namespace detail {

inline std::optional<std::string_view> first_header(const request& r, std::string_view name) {
  for (const header& h : r.headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

inline std::vector<std::string_view> split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = s.find(separator, start);
    parts.push_back(
        s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

inline bool valid_region(std::string_view region) noexcept {
  return !region.empty() && std::all_of(region.begin(), region.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace detail

/// Verifies a request's `Authorization: AWS4-HMAC-SHA256 ...` header the way AWS does, checking
/// in this order (each failure with its message from `messages`):
///   1. an Authorization header                        else MissingAuthenticationToken
///      (query-string authentication, X-Amz-Signature in the URL, is not supported: ruling)
///   2. every parameter is key=value                   else IncompleteSignature
///   3. Credential, Signature, SignedHeaders, X-Amz-Date present, then the algorithm
///   4. a credential of five '/'-separated elements
///   5. `host` and `x-amz-date` among the signed headers
///   6. a known access key id                          else UnrecognizedClient
///   7. scope: a Region name, the service, `aws4_request`, the date of X-Amz-Date
///                                                     else InvalidSignature
///   8. X-Amz-Date within `allowed_skew` of `now`, on either side
///   9. the signature, compared in constant time
/// Cost: two SHA-256 passes over the body-sized canonical request plus six HMACs.
[[nodiscard]] inline auth_result<identity> verify(const request& r, const credentials& keys,
                                                  std::chrono::system_clock::time_point now,
                                                  const options& opts = {}) {
  const std::optional<std::string_view> authorization_header =
      detail::first_header(r, "authorization");
  const std::string_view authorization =
      authorization_header ? detail::trim(*authorization_header) : std::string_view{};
  if (authorization.empty()) return messages::missing_authentication_token();

  // The algorithm, then parameters separated by commas and whitespace.
  std::size_t i = 0;
  while (i < authorization.size() && !detail::is_space(authorization[i])) ++i;
  const std::string_view algorithm = authorization.substr(0, i);
  std::optional<std::string_view> credential_param, signed_headers_param, signature_param;
  while (i < authorization.size()) {
    while (i < authorization.size() &&
           (detail::is_space(authorization[i]) || authorization[i] == ','))
      ++i;
    const std::size_t from = i;
    while (i < authorization.size() && !detail::is_space(authorization[i]) &&
           authorization[i] != ',')
      ++i;
    if (i == from) continue;
    const std::string_view token = authorization.substr(from, i - from);
    const std::size_t eq = token.find('=');
    if (eq == std::string_view::npos) return messages::missing_equal_sign(token, authorization);
    const std::string_view key = token.substr(0, eq), value = token.substr(eq + 1);
    if (key == "Credential" && !credential_param) credential_param = value;
    if (key == "SignedHeaders" && !signed_headers_param) signed_headers_param = value;
    if (key == "Signature" && !signature_param) signature_param = value;
  }

  const std::optional<std::string_view> amz_date_header = detail::first_header(r, "x-amz-date");
  const std::string_view amz_date = amz_date_header ? detail::trim(*amz_date_header) : "";
  const std::optional<std::chrono::sys_seconds> parsed_time =
      amz_date_header ? parse_amz_date(amz_date) : std::nullopt;
  if (!credential_param || !signature_param || !signed_headers_param || !parsed_time) {
    return messages::missing_parameters(!credential_param, !signature_param, !signed_headers_param,
                                        !parsed_time, authorization);
  }
  // Read out once here: g++ 12 at -O3 cannot see that the return above guards a later `*` of the
  // optional and warns -Wmaybe-uninitialized; value_or initializes on both paths.
  const std::chrono::sys_seconds request_time = parsed_time.value_or(std::chrono::sys_seconds{});
  if (algorithm != "AWS4-HMAC-SHA256") return messages::unsupported_algorithm(algorithm);

  const std::vector<std::string_view> scope_parts = detail::split(*credential_param, '/');
  if (scope_parts.size() != 5) return messages::credential_not_five_elements(*credential_param);
  const std::string_view key_id = scope_parts[0], scope_date = scope_parts[1],
                         region = scope_parts[2], service = scope_parts[3],
                         terminator = scope_parts[4];

  const std::vector<std::string> signed_names = canonical_signed_headers(*signed_headers_param);
  const auto is_signed = [&](std::string_view name) {
    return std::binary_search(signed_names.begin(), signed_names.end(), name);
  };
  if (!is_signed("host")) return messages::host_not_signed();
  if (!is_signed("x-amz-date")) return messages::date_not_signed();

  const credential* key = keys.find(key_id);
  if (key == nullptr) return messages::unrecognized_client();

  if (!detail::valid_region(region)) return messages::invalid_region(region);
  if (service != opts.service) return messages::wrong_service(opts.service);
  if (terminator != "aws4_request") return messages::wrong_terminator(terminator);
  if (scope_date != amz_date.substr(0, 8)) return messages::scope_date_mismatch();

  const auto now_seconds = std::chrono::floor<std::chrono::seconds>(now);
  const std::chrono::sys_seconds now_s{now_seconds.time_since_epoch()};
  if (request_time < now_s - opts.allowed_skew) {
    return messages::signature_expired(amz_date, format_amz_date(now_s - opts.allowed_skew),
                                       format_amz_date(now_s), opts.allowed_skew);
  }
  if (request_time > now_s + opts.allowed_skew) {
    return messages::signature_not_yet_current(amz_date, format_amz_date(now_s + opts.allowed_skew),
                                               format_amz_date(now_s), opts.allowed_skew);
  }

  const std::string canonical = canonical_request(r, signed_names);
  std::string scope(scope_date);
  scope.append("/").append(region).append("/").append(service).append("/aws4_request");
  const std::string to_sign = string_to_sign(amz_date, scope, canonical);
  digest derived = signing_key(key->secret_access_key, scope_date, region, service);
  const std::string expected = signature(derived, to_sign);
  sodium_memzero(derived.data(), derived.size());

  const std::string_view provided = *signature_param;
  // Lengths are public (64 hex digits); the bytes are compared in constant time.
  if (provided.size() != expected.size() ||
      sodium_memcmp(expected.data(), provided.data(), expected.size()) != 0) {
    return messages::signature_mismatch(canonical, to_sign);
  }
  return identity{std::string(key_id), key->account_id, std::string(region)};
}

}  // namespace secretstage::sigv4

#endif  // SECRETSTAGE_SIGV4_HPP
