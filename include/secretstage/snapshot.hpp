#ifndef SECRETSTAGE_SNAPSHOT_HPP
#define SECRETSTAGE_SNAPSHOT_HPP

// A durable form of a store and of a secret: snapshot format v2 (which reads v1), byte by byte in
// docs/snapshot-format.md. Opt-in (not in the umbrella header).
//
//   std::string bytes = snapshot::encode(store);          // every member, one canonical form
//   snapshot_result<store> back = snapshot::decode_store(bytes);
//   back.value() == store                                 // and encode(back.value()) == bytes
//
// The decoder trusts nothing: it checks the magic, the header's and the whole file's CRC-32C,
// the format version, every length against the bytes that remain (so no allocation is larger
// than the input), the format's canonical order, and then rebuilds each secret through
// detail::secret_builder, the library's own construction path, and runs check_invariants on it.
// Any failure is a snapshot_error with the offset of the offending byte; it never crashes.
//
// Why a dedicated error type rather than `error` with InternalServiceError: decoding a snapshot
// is not an AWS operation, and no AWS exception describes "your file is torn at byte 1,204". Its
// reader needs what AWS's errors do not carry: the kind (a torn tail the journal can cut off is
// not a flipped bit, which must stop a start-up) and the offset to name in the message. A service
// answering a request that failed for this reason answers `as_service_error(e)`: AWS's
// InternalServiceError, which says nothing of the service's files.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "detail/algorithm.hpp"
#include "detail/crc32c.hpp"
#include "detail/ref.hpp"
#include "detail/secret_builder.hpp"
#include "detail/validate.hpp"
#include "invariants.hpp"
#include "messages.hpp"
#include "policy.hpp"
#include "result.hpp"
#include "secret.hpp"
#include "store.hpp"
#include "traits.hpp"
#include "value.hpp"
#include "version.hpp"

namespace secretstage {

/// Why a snapshot could not be decoded.
enum class snapshot_errc : std::uint8_t {
  not_a_snapshot = 1,   // the first 8 bytes are not the snapshot magic
  truncated,            // the input ends before the snapshot its header announces
  checksum_mismatch,    // a CRC-32C does not match: bytes were changed after writing
  unsupported_version,  // a format version this reader does not know (a newer writer's)
  wrong_kind,           // a store's snapshot where a secret's was asked for, or the reverse
  malformed,            // intact bytes that break the format's rules (a writer's bug, or forged)
  invalid_state,        // well-formed, but the state it describes breaks the library's invariants
};

[[nodiscard]] constexpr std::string_view snapshot_errc_name(snapshot_errc code) noexcept {
  switch (code) {
    case snapshot_errc::not_a_snapshot:
      return "not_a_snapshot";
    case snapshot_errc::truncated:
      return "truncated";
    case snapshot_errc::checksum_mismatch:
      return "checksum_mismatch";
    case snapshot_errc::unsupported_version:
      return "unsupported_version";
    case snapshot_errc::wrong_kind:
      return "wrong_kind";
    case snapshot_errc::malformed:
      return "malformed";
    case snapshot_errc::invalid_state:
      return "invalid_state";
  }
  return "unknown";
}

/// A failed decode: what, where (the offset in the input of the byte at fault), and a sentence
/// that names both.
struct snapshot_error {
  snapshot_errc code;
  std::uint64_t offset = 0;
  std::string message;

  friend bool operator==(const snapshot_error&, const snapshot_error&) = default;
};

namespace detail {
class snapshot_category_impl final : public std::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "secretstage.snapshot"; }
  [[nodiscard]] std::string message(int value) const override {
    return std::string(snapshot_errc_name(static_cast<snapshot_errc>(value)));
  }
};
}  // namespace detail

[[nodiscard]] inline const std::error_category& snapshot_category() noexcept {
  static const detail::snapshot_category_impl category;
  return category;
}
[[nodiscard]] inline std::error_code make_error_code(snapshot_errc code) noexcept {
  return {static_cast<int>(code), snapshot_category()};
}
/// Outcome's ADL hooks, as for `error` (result.hpp): `.value()` on a failure throws
/// std::system_error with the message.
[[nodiscard]] inline std::error_code make_error_code(const snapshot_error& e) noexcept {
  return make_error_code(e.code);
}
[[noreturn]] inline void outcome_throw_as_system_error_with_payload(const snapshot_error& e) {
  throw std::system_error(make_error_code(e), e.message);
}

template <class T>
using snapshot_result = outcome::std_result<T, snapshot_error>;

/// What a service answers a request that failed because its state could not be read back: AWS's
/// InternalServiceError (the file and offset go to the service's log, not to the client).
[[nodiscard]] inline error as_service_error(const snapshot_error&) {
  return messages::internal_service_error();
}

namespace snapshot {

/// The bytes every snapshot starts with: not text (0x89), "SSTG", and CR LF and Ctrl-Z, which
/// a text-mode transfer would alter.
inline constexpr std::string_view magic{"\x89SSTG\r\n\x1a", 8};
/// The newest format version this library writes. It reads every version from 1 to this one,
/// and writes the lowest version that holds the state: 1 unless a secret has a field of
/// version 2 (a resource policy), 3 when a secret has a rotation in progress (field 17) or
/// replication fields (33, 34), 4 when that progress is a test of the rotation configuration
/// (field 18), so a state an older version can hold keeps its bytes.
inline constexpr std::uint16_t format_version = 4;
/// The header: magic, version (u16), kind (u8), flags (u8), payload length (u64), header CRC (u32).
inline constexpr std::size_t header_size = 24;
/// The trailer: the CRC-32C of everything before it.
inline constexpr std::size_t trailer_size = 4;

/// What a snapshot holds (the header's kind byte).
enum class kind : std::uint8_t { store = 1, secret = 2 };

/// Field tags of a store record (docs/snapshot-format.md §3).
namespace store_field {
inline constexpr std::uint64_t creations = 1;
inline constexpr std::uint64_t secrets = 2;
}  // namespace store_field
/// Field tags of a secret record (§4): 1–16 in format version 1; 32, the resource policy, is
/// format version 2; 17, the rotation progress, and 33 and 34, a replica's primary Region and a
/// primary's replicas, are format version 3; 18, a test of the rotation configuration, is format
/// version 4 (19–31 stay reserved).
namespace secret_field {
inline constexpr std::uint64_t name = 1;
inline constexpr std::uint64_t arn = 2;
inline constexpr std::uint64_t description = 3;
inline constexpr std::uint64_t kms_key_id = 4;
inline constexpr std::uint64_t created_date = 5;
inline constexpr std::uint64_t last_changed_date = 6;
inline constexpr std::uint64_t deleted_date = 7;
inline constexpr std::uint64_t last_accessed_date = 8;
inline constexpr std::uint64_t last_rotated_date = 9;
inline constexpr std::uint64_t tags = 10;
inline constexpr std::uint64_t rotation_enabled = 11;
inline constexpr std::uint64_t rotation_lambda_arn = 12;
inline constexpr std::uint64_t rotation_rules = 13;
inline constexpr std::uint64_t next_sequence = 14;
inline constexpr std::uint64_t versions = 15;
inline constexpr std::uint64_t labels = 16;
inline constexpr std::uint64_t rotation_progress = 17;
inline constexpr std::uint64_t rotation_test = 18;
inline constexpr std::uint64_t resource_policy = 32;
inline constexpr std::uint64_t primary_region = 33;
inline constexpr std::uint64_t replicas = 34;
}  // namespace secret_field
/// Field tags of a version record (§5).
namespace version_field {
inline constexpr std::uint64_t id = 1;
inline constexpr std::uint64_t sequence = 2;
inline constexpr std::uint64_t created_date = 3;
inline constexpr std::uint64_t last_accessed_date = 4;
inline constexpr std::uint64_t secret_string = 5;
inline constexpr std::uint64_t secret_binary = 6;
}  // namespace version_field

/// A creation-order place at or past this is refused: one place is taken per version created, so
/// no real secret comes near it, and the next place must not wrap around.
inline constexpr std::uint64_t max_next_sequence = std::uint64_t{1} << 62;

// ---- the messages of snapshot errors, all built here ---------------------------------------

namespace message {
inline snapshot_error not_a_snapshot() {
  return {snapshot_errc::not_a_snapshot, 0,
          "not a secretstage snapshot: the first 8 bytes are not its magic"};
}
inline snapshot_error truncated(std::uint64_t size, std::uint64_t wanted) {
  return {snapshot_errc::truncated, size,
          messages::detail::concat({"snapshot truncated: it ends at byte ", std::to_string(size),
                                    " but needs ", std::to_string(wanted), " bytes"})};
}
inline snapshot_error checksum(std::uint64_t offset, std::string_view what, std::uint32_t stored,
                               std::uint32_t computed) {
  return {snapshot_errc::checksum_mismatch, offset,
          messages::detail::concat({"snapshot ", what, " checksum mismatch at byte ",
                                    std::to_string(offset), ": stored ", std::to_string(stored),
                                    ", computed ", std::to_string(computed)})};
}
inline snapshot_error unsupported_version(std::uint16_t version) {
  return {snapshot_errc::unsupported_version, 8,
          messages::detail::concat(
              {"snapshot format version ", std::to_string(version),
               version > format_version ? " is newer than" : " is not known to",
               " this reader, which reads versions 1 to ", std::to_string(format_version)})};
}
inline snapshot_error wrong_kind(kind wanted, std::uint8_t found) {
  auto spell = [](unsigned k) -> std::string_view {
    return k == 1 ? "a store" : k == 2 ? "a secret" : "unknown";
  };
  return {
      snapshot_errc::wrong_kind, 10,
      messages::detail::concat({"snapshot holds ", spell(found), " (kind ", std::to_string(found),
                                "), not ", spell(static_cast<unsigned>(wanted))})};
}
inline snapshot_error malformed(std::uint64_t offset, std::string_view what) {
  return {snapshot_errc::malformed, offset,
          messages::detail::concat(
              {"malformed snapshot at byte ", std::to_string(offset), ": ", what})};
}
inline snapshot_error invalid_state(std::uint64_t offset, std::string_view secret,
                                    std::string_view what) {
  return {snapshot_errc::invalid_state, offset,
          messages::detail::concat({"snapshot describes an impossible state at byte ",
                                    std::to_string(offset), secret.empty() ? "" : " (secret ",
                                    secret, secret.empty() ? "" : ")", ": ", what})};
}
}  // namespace message

}  // namespace snapshot

namespace detail::snapshot_codec {

namespace fields = snapshot::secret_field;
namespace vfields = snapshot::version_field;
namespace sfields = snapshot::store_field;
using secret_type = basic_secret<aws_traits>;
using store_type = basic_store<aws_traits>;
using version_type = basic_version<aws_traits>;

// ---- writing ---------------------------------------------------------------------------------
// Every record is written twice over: once to a byte counter, for the length that precedes it,
// then to the output, whose final size is counted beforehand too: the output is allocated once,
// and no secret value is ever left behind in a buffer that grew or in a temporary.

struct counter {
  std::size_t size = 0;
  /// The lowest format version that holds what was counted: the header's version.
  std::uint16_t version = 1;
  void raw(std::string_view bytes) noexcept { size += bytes.size(); }
  void needs(std::uint16_t v) noexcept {
    if (v > version) version = v;
  }
};
struct appender {
  std::string& out;
  void raw(std::string_view bytes) { out.append(bytes); }
  void needs(std::uint16_t) noexcept {}
};

template <class Sink>
void put_u8(Sink& w, std::uint8_t v) {
  const char c = static_cast<char>(v);
  w.raw(std::string_view(&c, 1));
}
template <class Sink>
void put_fixed(Sink& w, std::uint64_t v, std::size_t bytes) {
  char b[8];
  for (std::size_t i = 0; i < bytes; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xffu);
  w.raw(std::string_view(b, bytes));
}
template <class Sink>
void put_varint(Sink& w, std::uint64_t v) {
  char b[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    b[n++] = static_cast<char>((v & 0x7fu) | 0x80u);
    v >>= 7;
  }
  b[n++] = static_cast<char>(v);
  w.raw(std::string_view(b, n));
}
template <class Sink>
void put_time(Sink& w, timestamp t) {
  put_fixed(w, static_cast<std::uint64_t>(t.epoch_ms), 8);
}
/// A length-prefixed byte string (inside lists, where fields have no length of their own).
template <class Sink>
void put_bytes(Sink& w, std::string_view s) {
  put_varint(w, s.size());
  w.raw(s);
}
inline std::string_view as_text(const binary& b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

/// A field: tag, length, then what `content` writes.
template <class Sink, class Content>
void put_field(Sink& w, std::uint64_t tag, const Content& content) {
  counter c;
  content(c);
  put_varint(w, tag);
  put_varint(w, c.size);
  content(w);
}
template <class Sink>
void put_text_field(Sink& w, std::uint64_t tag, std::string_view s) {
  put_field(w, tag, [&](auto& o) { o.raw(s); });
}
template <class Sink>
void put_time_field(Sink& w, std::uint64_t tag, const std::optional<timestamp>& t) {
  if (t) put_field(w, tag, [&](auto& o) { put_time(o, *t); });
}

template <class Sink>
void put_version(Sink& w, const version_type& v) {
  put_text_field(w, vfields::id, v.id());
  put_field(w, vfields::sequence, [&](auto& o) { put_varint(o, v.sequence()); });
  put_field(w, vfields::created_date, [&](auto& o) { put_time(o, v.created_date()); });
  put_time_field(w, vfields::last_accessed_date, v.last_accessed_date());
  if (const secret_value* value = v.value()) {
    if (const std::string* s = value->string()) put_text_field(w, vfields::secret_string, *s);
    if (const binary* b = value->bytes()) put_text_field(w, vfields::secret_binary, as_text(*b));
  }
}

template <class Sink>
void put_secret(Sink& w, const secret_type& s) {
  put_text_field(w, fields::name, s.name().view());
  put_text_field(w, fields::arn, s.arn().view());
  if (!s.description().empty()) put_text_field(w, fields::description, s.description());
  if (s.kms_key_id()) put_text_field(w, fields::kms_key_id, *s.kms_key_id());
  put_field(w, fields::created_date, [&](auto& o) { put_time(o, s.created_date()); });
  put_time_field(w, fields::last_changed_date, s.last_changed_date());
  put_time_field(w, fields::deleted_date, s.deleted_date());
  put_time_field(w, fields::last_accessed_date, s.last_accessed_date());
  put_time_field(w, fields::last_rotated_date, s.last_rotated_date());
  // Present, maybe with count 0, once the secret was tagged: AWS tells the two apart.
  if (s.ever_tagged()) {
    put_field(w, fields::tags, [&](auto& o) {
      put_varint(o, s.tags().size());
      for (const tag& t : s.tags()) {
        put_bytes(o, t.key);
        put_bytes(o, t.value);
      }
    });
  }
  if (s.rotation_enabled()) put_field(w, fields::rotation_enabled, [](auto& o) { put_u8(o, 1); });
  if (s.rotation_lambda_arn())
    put_text_field(w, fields::rotation_lambda_arn, *s.rotation_lambda_arn());
  if (const auto& rules = s.rotation()) {
    put_field(w, fields::rotation_rules, [&](auto& o) {
      put_u8(o, static_cast<std::uint8_t>((rules->automatically_after_days ? 1 : 0) |
                                          (rules->duration ? 2 : 0) |
                                          (rules->schedule_expression ? 4 : 0)));
      if (rules->automatically_after_days)
        put_fixed(o, static_cast<std::uint64_t>(*rules->automatically_after_days), 8);
      if (rules->duration) put_bytes(o, *rules->duration);
      if (rules->schedule_expression) put_bytes(o, *rules->schedule_expression);
    });
  }
  put_field(w, fields::next_sequence,
            [&](auto& o) { put_varint(o, secret_builder<aws_traits>::next_sequence_of(s)); });
  const auto versions = s.versions();
  if (!versions.empty()) {
    put_field(w, fields::versions, [&](auto& o) {
      put_varint(o, versions.size());
      for (const version_type* v : versions) {
        counter c;
        put_version(c, *v);
        put_varint(o, c.size);
        put_version(o, *v);
      }
    });
  }
  const auto stages = s.stages();  // ordered by label
  if (!stages.empty()) {
    put_field(w, fields::labels, [&](auto& o) {
      put_varint(o, stages.size());
      for (const auto& [label, id] : stages) {
        put_bytes(o, label);
        put_varint(o, s.find_version(id)->sequence());
      }
    });
  }
  if (const auto& p = s.rotation_progress()) {
    // version id, function ARN, next step (u8), failed attempts (varint), presence bits (u8: 1
    // last failure, 2 next attempt), the last failure, the next attempt.
    w.needs(3);
    put_field(w, fields::rotation_progress, [&](auto& o) {
      put_bytes(o, p->version_id);
      put_bytes(o, p->function_arn);
      put_u8(o, static_cast<std::uint8_t>(p->next_step));
      put_varint(o, p->attempts);
      put_u8(o, static_cast<std::uint8_t>((p->last_failure ? 1 : 0) | (p->next_attempt ? 2 : 0)));
      if (p->last_failure) put_bytes(o, *p->last_failure);
      if (p->next_attempt) put_time(o, *p->next_attempt);
    });
    if (p->test_only) {
      // The progress is a test of the rotation configuration: an empty field (format version 4).
      w.needs(4);
      put_field(w, fields::rotation_test, [](auto&) {});
    }
  }
  if (s.resource_policy()) {
    w.needs(2);
    put_text_field(w, fields::resource_policy, *s.resource_policy());
  }
  if (s.primary_region()) {
    w.needs(3);
    put_text_field(w, fields::primary_region, *s.primary_region());
  }
  if (!s.replicas().empty()) {
    w.needs(3);
    // count, then per replica: Region, flags (1 KmsKeyId, 2 ForceOverwriteReplicaSecret,
    // 4 LastAccessedDate), [KmsKeyId], status (0 InProgress, 1 InSync, 2 Failed),
    // StatusMessage, [LastAccessedDate].
    put_field(w, fields::replicas, [&](auto& o) {
      put_varint(o, s.replicas().size());
      for (const replica_entry& e : s.replicas()) {
        put_bytes(o, e.region);
        put_u8(o, static_cast<std::uint8_t>((e.kms_key_id ? 1 : 0) | (e.force_overwrite ? 2 : 0) |
                                            (e.last_accessed ? 4 : 0)));
        if (e.kms_key_id) put_bytes(o, *e.kms_key_id);
        put_u8(o, static_cast<std::uint8_t>(e.status));
        put_bytes(o, e.status_message);
        if (e.last_accessed) put_time(o, *e.last_accessed);
      }
    });
  }
}

template <class Sink>
void put_store(Sink& w, const store_type& st) {
  put_field(w, sfields::creations, [&](auto& o) { put_varint(o, st.creations()); });
  const auto secrets = st.secrets();  // ordered by name
  if (secrets.empty()) return;
  put_field(w, sfields::secrets, [&](auto& o) {
    put_varint(o, secrets.size());
    for (const secret_type* s : secrets) {
      counter c;
      put_secret(c, *s);
      put_varint(o, c.size);
      put_secret(o, *s);
    }
  });
}

/// Header, payload (what `payload` writes), trailer.
template <class Payload>
std::string frame(snapshot::kind k, const Payload& payload) {
  counter c;
  payload(c);
  std::string out;
  out.reserve(snapshot::header_size + c.size + snapshot::trailer_size);
  appender w{out};
  w.raw(snapshot::magic);
  put_fixed(w, c.version, 2);
  put_u8(w, static_cast<std::uint8_t>(k));
  put_u8(w, 0);
  put_fixed(w, c.size, 8);
  put_fixed(w, crc32c(out), 4);
  payload(w);
  put_fixed(w, crc32c(out), 4);
  return out;
}

// ---- reading ---------------------------------------------------------------------------------

inline std::uint64_t get_fixed(std::string_view in, std::size_t at, std::size_t bytes) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i)
    v |= std::uint64_t{static_cast<unsigned char>(in[at + i])} << (8 * i);
  return v;
}

/// Reads the payload within a current limit (the end of the field being read). The first failure
/// is kept; after it every read returns zero or empty and reads nothing, so a caller checks
/// `ok()` before it acts on what it read (loops stop at once).
class reader {
 public:
  explicit reader(std::string_view in, std::size_t begin, std::size_t end)
      : in_(in), pos_(begin), end_(end) {}

  [[nodiscard]] bool ok() const noexcept { return !error_; }
  /// The format version of the file being read (its header's), and the highest version of a
  /// field read so far: a file must be written in the lowest version that holds its content.
  [[nodiscard]] std::uint16_t version() const noexcept { return version_; }
  void set_version(std::uint16_t v) noexcept { version_ = v; }
  [[nodiscard]] std::uint16_t highest_used() const noexcept { return highest_; }
  void uses(std::uint16_t v) noexcept {
    if (v > highest_) highest_ = v;
  }
  [[nodiscard]] std::size_t pos() const noexcept { return pos_; }
  [[nodiscard]] std::size_t remaining() const noexcept { return end_ - pos_; }
  [[nodiscard]] snapshot_error take_error() && { return std::move(*error_); }

  void fail(snapshot_error e) {
    if (!error_) error_ = std::move(e);
    pos_ = end_;
  }
  void malformed(std::size_t at, std::string_view what) {
    fail(snapshot::message::malformed(at, what));
  }

  std::uint8_t u8() {
    if (!need(1, "a byte")) return 0;
    return static_cast<std::uint8_t>(in_[pos_++]);
  }
  std::uint64_t fixed(std::size_t bytes) {
    if (!need(bytes, "a fixed-width integer")) return 0;
    const std::uint64_t v = get_fixed(in_, pos_, bytes);
    pos_ += bytes;
    return v;
  }
  timestamp time() { return {static_cast<std::int64_t>(fixed(8))}; }
  /// LEB128, at most 10 bytes, in its shortest form (so that each value has one encoding).
  std::uint64_t varint() {
    const std::size_t at = pos_;
    std::uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (!need(1, "a varint")) return 0;
      const auto b = static_cast<std::uint8_t>(in_[pos_++]);
      if (shift == 63 && b > 1) {
        malformed(at, "a varint exceeds 64 bits");
        return 0;
      }
      v |= std::uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80u) == 0) {
        if (b == 0 && shift != 0) {
          malformed(at, "a varint is not in its shortest form");
          return 0;
        }
        return v;
      }
    }
  }
  /// `n` bytes, checked against what remains of the field before anything is done with `n`.
  std::string_view raw(std::uint64_t n) {
    if (!need(n, "a byte string")) return {};
    const std::string_view out = in_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return out;
  }
  std::string_view bytes() { return raw(varint()); }
  /// A count of items of at least `min_size` bytes each: no more than the field can hold, and
  /// not 0 (an empty list is left out) unless `empty_allowed`.
  std::uint64_t count(std::size_t min_size, std::string_view what, bool empty_allowed = false) {
    const std::size_t at = pos_;
    const std::uint64_t n = varint();
    if (ok() && ((n == 0 && !empty_allowed) || n > remaining() / min_size))
      malformed(at, messages::detail::concat(
                        {"the count of ", what, " is ", std::to_string(n),
                         n == 0 ? " (an empty list is left out)" : ", more than its bytes hold"}));
    return ok() ? n : 0;
  }

  /// Narrows the limit to the next `n` bytes; returns the limit to restore with `leave`.
  std::size_t enter(std::uint64_t n) {
    const std::size_t saved = end_;
    if (need(n, "a field")) end_ = pos_ + static_cast<std::size_t>(n);
    return saved;
  }
  /// Back to the enclosing limit; the field must have been read to its end.
  void leave(std::size_t saved, std::size_t field_at, std::string_view what) {
    if (ok() && pos_ != end_)
      malformed(field_at, messages::detail::concat(
                              {what, " has ", std::to_string(end_ - pos_), " bytes left unread"}));
    if (ok()) end_ = saved;
  }

 private:
  bool need(std::uint64_t n, std::string_view what) {
    if (!ok()) return false;
    if (n <= remaining()) return true;
    malformed(pos_, messages::detail::concat({what, " of ", std::to_string(n),
                                              " bytes runs past the end of its field (",
                                              std::to_string(remaining()), " left)"}));
    return false;
  }

  std::string_view in_;
  std::size_t pos_;
  std::size_t end_;
  std::optional<snapshot_error> error_;
  std::uint16_t version_ = 1;
  std::uint16_t highest_ = 1;
};

/// Reads the fields of a record up to the current limit: tags strictly increasing (each at most
/// once, in one order), each field read to exactly its length. `on_field(tag, at)` reads one
/// field and returns false for a tag it does not know, which a reader of this version refuses:
/// a later writer that adds fields writes a later version number.
template <class OnField>
void read_fields(reader& r, std::string_view record, OnField&& on_field) {
  std::uint64_t last = 0;
  while (r.ok() && r.remaining() != 0) {
    const std::size_t at = r.pos();
    const std::uint64_t tag = r.varint();
    const std::uint64_t length = r.varint();
    if (!r.ok()) return;
    if (tag <= last) {
      r.malformed(at, messages::detail::concat({record, " field ", std::to_string(tag),
                                                " is out of order or repeated (after field ",
                                                std::to_string(last), ")"}));
      return;
    }
    last = tag;
    const std::size_t saved = r.enter(length);
    if (!r.ok()) return;
    if (!on_field(tag, at)) {
      r.malformed(at, messages::detail::concat({record, " has no field ", std::to_string(tag),
                                                " in format version ",
                                                std::to_string(r.version())}));
      return;
    }
    r.leave(saved, at, messages::detail::concat({record, " field ", std::to_string(tag)}));
  }
}

inline void require(reader& r, bool present, std::size_t at, std::string_view what) {
  if (r.ok() && !present) r.malformed(at, messages::detail::concat({"missing ", what}));
}

/// The version record up to the current limit.
inline ref<const version_type> read_version(reader& r) {
  const std::size_t at = r.pos();
  std::optional<std::string_view> id, text, bytes;
  std::optional<std::uint64_t> sequence;
  std::optional<timestamp> created, last_accessed;
  read_fields(r, "version record", [&](std::uint64_t field, std::size_t) {
    switch (field) {
      case vfields::id:
        id = r.raw(r.remaining());
        return true;
      case vfields::sequence:
        sequence = r.varint();
        return true;
      case vfields::created_date:
        created = r.time();
        return true;
      case vfields::last_accessed_date:
        last_accessed = r.time();
        return true;
      case vfields::secret_string:
        text = r.raw(r.remaining());
        return true;
      case vfields::secret_binary:
        bytes = r.raw(r.remaining());
        return true;
      default:
        return false;
    }
  });
  require(r, id.has_value(), at, "the version's id (field 1)");
  require(r, sequence.has_value(), at, "the version's sequence (field 2)");
  require(r, created.has_value(), at, "the version's creation date (field 3)");
  if (r.ok() && text && bytes) r.malformed(at, "a version has both a string and a binary value");
  if (!r.ok()) return nullptr;
  value_ref value;
  if (text) value = make_ref<const secret_value>(secret_value::string_tag{}, std::string(*text));
  if (bytes)
    value = make_ref<const secret_value>(secret_value::binary_tag{},
                                         binary(bytes->begin(), bytes->end()));
  return make_ref<const version_type>(std::string(*id), std::move(value), *created, *sequence,
                                      last_accessed);
}

inline void check_metadata_bounds(reader& r, std::size_t at, const secret_meta& m) {
  auto fail = [&](std::string_view what) {
    r.fail(snapshot::message::invalid_state(at, m.name.view(), what));
  };
  if (m.description.size() > max_description)
    return fail("its description is longer than 2048 characters");
  if (m.kms_key_id && m.kms_key_id->size() > max_kms_key_id)
    return fail("its KmsKeyId is longer than 2048 characters");
  std::vector<std::string_view> keys;
  keys.reserve(m.tags.size());
  for (const tag& t : m.tags) {
    if (t.key.empty() || t.key.size() > 128 || t.value.size() > 256)
      return fail("a tag's key or value has a length AWS refuses");
    keys.push_back(t.key);
  }
  secretstage::detail::stable_sort(keys.begin(), keys.end());
  for (std::size_t i = 1; i < keys.size(); ++i)
    if (keys[i - 1] == keys[i]) return fail("two tags have the same key");
  if (m.extras.get().resource_policy &&
      !policy::validate_policy_document(*m.extras.get().resource_policy))
    return fail("its resource policy is not one PutResourcePolicy accepts");
}

/// The secret record up to the current limit, rebuilt through secret_builder and checked.
inline std::optional<secret_type> read_secret(reader& r) {
  const std::size_t at = r.pos();
  auto meta = make_ref<secret_meta>();
  bool has_name = false, has_arn = false, has_created = false, has_next = false;
  std::optional<timestamp> last_changed, deleted, last_accessed, last_rotated;
  std::uint64_t next_sequence = 0;
  std::vector<ref<const version_type>> versions;
  std::vector<std::pair<std::string_view, std::uint64_t>> labels;
  std::size_t versions_at = at, labels_at = at;

  read_fields(r, "secret record", [&](std::uint64_t field, std::size_t field_at) {
    switch (field) {
      case fields::name:
        meta->name = shared_text(r.raw(r.remaining()));
        has_name = true;
        return true;
      case fields::arn:
        meta->arn = shared_text(r.raw(r.remaining()));
        has_arn = true;
        return true;
      case fields::description:
        if (r.remaining() == 0) r.malformed(field_at, "an empty description is left out");
        meta->description = std::string(r.raw(r.remaining()));
        return true;
      case fields::kms_key_id:
        meta->kms_key_id = std::string(r.raw(r.remaining()));
        return true;
      case fields::created_date:
        meta->created_date = r.time();
        has_created = true;
        return true;
      case fields::last_changed_date:
        last_changed = r.time();
        return true;
      case fields::deleted_date:
        deleted = r.time();
        return true;
      case fields::last_accessed_date:
        last_accessed = r.time();
        return true;
      case fields::last_rotated_date:
        last_rotated = r.time();
        return true;
      case fields::tags: {
        // Count 0: every tag was removed, which AWS shows as "Tags": [] (no field: never tagged).
        const std::uint64_t n = r.count(2, "tags", true);
        meta->tagged = true;
        for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
          const std::string_view key = r.bytes();
          const std::string_view value = r.bytes();
          meta->tags.push_back(tag{std::string(key), std::string(value)});
        }
        return true;
      }
      case fields::rotation_enabled:
        if (r.u8() != 1 && r.ok())
          r.malformed(field_at, "RotationEnabled is written as 1, or left out when false");
        meta->rotation_enabled = true;
        return true;
      case fields::rotation_lambda_arn:
        meta->rotation_lambda_arn = std::string(r.raw(r.remaining()));
        return true;
      case fields::rotation_rules: {
        const std::uint8_t present = r.u8();
        if (r.ok() && present > 7) r.malformed(field_at, "RotationRules has unknown members");
        rotation_rules rules;
        if ((present & 1) != 0)
          rules.automatically_after_days = static_cast<std::int64_t>(r.fixed(8));
        if ((present & 2) != 0) rules.duration = std::string(r.bytes());
        if ((present & 4) != 0) rules.schedule_expression = std::string(r.bytes());
        meta->rotation = std::move(rules);
        return true;
      }
      case fields::next_sequence:
        next_sequence = r.varint();
        has_next = true;
        return true;
      case fields::versions: {
        versions_at = field_at;
        const std::uint64_t n = r.count(2, "versions");
        for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
          const std::size_t version_at = r.pos();
          const std::size_t saved = r.enter(r.varint());
          auto v = read_version(r);
          r.leave(saved, version_at, "a version record");
          if (r.ok() && !versions.empty() && v->sequence() <= versions.back()->sequence())
            r.malformed(version_at, "versions are not in strictly increasing creation order");
          if (r.ok()) versions.push_back(std::move(v));
        }
        return true;
      }
      case fields::rotation_progress: {
        if (r.version() < 3) return false;
        r.uses(3);
        rotation_progress p;
        p.version_id = std::string(r.bytes());
        p.function_arn = std::string(r.bytes());
        const std::uint8_t step = r.u8();
        if (r.ok() && step > static_cast<std::uint8_t>(rotation_step::finish_secret))
          r.malformed(field_at, "the rotation progress names no step");
        p.next_step = static_cast<rotation_step>(step);
        const std::uint64_t attempts = r.varint();
        if (r.ok() && attempts > 0xFFFFFFFFu)
          r.malformed(field_at, "the rotation progress counts 2^32 attempts or more");
        p.attempts = static_cast<std::uint32_t>(attempts);
        const std::uint8_t present = r.u8();
        if (r.ok() && present > 3) r.malformed(field_at, "the rotation progress has unknown members");
        if ((present & 1) != 0) p.last_failure = std::string(r.bytes());
        if ((present & 2) != 0) p.next_attempt = r.time();
        if (r.ok() && !rotation_progress_well_formed(p))
          r.malformed(field_at, "the rotation progress names no version or no function");
        meta->extras.edit()->progress = std::move(p);
        return true;
      }
      case fields::rotation_test: {
        if (r.version() < 4) return false;
        r.uses(4);
        if (r.ok() && r.remaining() != 0) r.malformed(field_at, "the rotation test field is not empty");
        if (r.ok() && !meta->extras.get().progress)
          r.malformed(field_at, "a rotation test without a rotation progress");
        if (!r.ok()) return true;
        meta->extras.edit()->progress->test_only = true;
        if (!rotation_progress_well_formed(*meta->extras.get().progress))
          r.malformed(field_at, "the rotation test does not wait for testSecret alone");
        return true;
      }
      case fields::resource_policy:
        if (r.version() < 2) return false;
        r.uses(2);
        meta->extras.edit()->resource_policy = std::string(r.raw(r.remaining()));
        return true;
      case fields::primary_region:
        if (r.version() < 3) return false;
        r.uses(3);
        if (r.remaining() == 0) r.malformed(field_at, "an empty primary Region");
        meta->extras.edit()->primary_region = std::string(r.raw(r.remaining()));
        return true;
      case fields::replicas: {
        if (r.version() < 3) return false;
        r.uses(3);
        const std::uint64_t n = r.count(3, "replicas");
        if (r.ok() && n == 0) r.malformed(field_at, "a primary without replicas has no replicas field");
        for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
          replica_entry e;
          e.region = std::string(r.bytes());
          const std::uint8_t flags = r.u8();
          if (r.ok() && flags > 7) r.malformed(field_at, "a replica has unknown flags");
          if ((flags & 1) != 0) e.kms_key_id = std::string(r.bytes());
          e.force_overwrite = (flags & 2) != 0;
          const std::uint8_t status = r.u8();
          if (r.ok() && status > 2) r.malformed(field_at, "a replica has an unknown status");
          e.status = static_cast<replication_state>(status);
          e.status_message = std::string(r.bytes());
          if ((flags & 4) != 0) e.last_accessed = r.time();
          meta->extras.edit()->replicas.push_back(std::move(e));
        }
        return true;
      }
      case fields::labels: {
        labels_at = field_at;
        const std::uint64_t n = r.count(3, "labels");
        for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
          const std::size_t label_at = r.pos();
          const std::string_view label = r.bytes();
          const std::uint64_t sequence = r.varint();
          if (r.ok() && !labels.empty() && !(labels.back().first < label))
            r.malformed(label_at, "labels are not in strictly increasing order");
          labels.emplace_back(label, sequence);
        }
        return true;
      }
      default:
        return false;
    }
  });
  require(r, has_name, at, "the secret's name (field 1)");
  require(r, has_arn, at, "the secret's ARN (field 2)");
  require(r, has_created, at, "the secret's creation date (field 5)");
  require(r, has_next, at, "the secret's next sequence (field 14)");
  if (!r.ok()) return std::nullopt;

  const std::string_view name = meta->name.view();
  auto invalid = [&](std::size_t where, std::string_view what) {
    r.fail(snapshot::message::invalid_state(where, name, what));
    return std::nullopt;
  };
  check_metadata_bounds(r, at, *meta);
  if (!r.ok()) return std::nullopt;
  if (next_sequence >= snapshot::max_next_sequence)
    return invalid(at, "its next sequence is 2^62 or more");
  if (labels.size() > aws_traits::label_quota)
    return invalid(labels_at, "more labels than the quota of 20");

  secret_builder<aws_traits> b(ref<const secret_meta>(std::move(meta)));
  if (last_changed) b.set_last_changed(*last_changed);
  b.set_deleted(deleted);
  b.set_last_accessed(last_accessed);
  b.set_last_rotated(last_rotated);
  for (const auto& v : versions) {
    if (v->sequence() >= next_sequence)
      return invalid(versions_at, "a version's sequence is not below the next sequence");
    if (b.find_version(v->id()) != nullptr)
      return invalid(versions_at, "two versions have the same id");
    b.put_version(v);
  }
  // The sequences are strictly increasing, so a label's version is found by binary search.
  std::vector<std::uint64_t> sequences;
  sequences.reserve(versions.size());
  for (const auto& v : versions) sequences.push_back(v->sequence());
  for (const auto& [label, sequence] : labels) {
    const auto found =
        secretstage::detail::lower_bound(sequences.begin(), sequences.end(), sequence);
    if (found == sequences.end() || *found != sequence)
      return invalid(labels_at, "a label is on a version the secret does not have");
    b.attach_sequence(std::string(label), sequence);
  }
  b.set_next_sequence(next_sequence);
  auto built = std::move(b).finish();
  if (!built) return invalid(labels_at, built.error().message);
  secret_type s = std::move(built).value();
  if (const auto violated = check_invariants(s); !violated.empty())
    return invalid(at,
                   messages::detail::concat({"invariant ", violated.front(), " does not hold"}));
  return s;
}

inline std::optional<store_type> read_store(reader& r) {
  const std::size_t at = r.pos();
  store_type st;
  std::optional<std::uint64_t> creations;
  std::size_t secrets_at = at;
  read_fields(r, "store record", [&](std::uint64_t field, std::size_t field_at) {
    switch (field) {
      case sfields::creations:
        creations = r.varint();
        return true;
      case sfields::secrets: {
        secrets_at = field_at;
        const std::uint64_t n = r.count(2, "secrets");
        std::string last_name;
        for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
          const std::size_t secret_at = r.pos();
          const std::size_t saved = r.enter(r.varint());
          auto s = read_secret(r);
          r.leave(saved, secret_at, "a secret record");
          if (!r.ok()) break;
          if (i != 0 && !(std::string_view(last_name) < s->name().view()))
            r.malformed(secret_at, "secrets are not in strictly increasing order of name");
          last_name = s->name().str();
          st.put_in_place(std::move(*s));
        }
        return true;
      }
      default:
        return false;
    }
  });
  require(r, creations.has_value(), at, "the store's creation count (field 1)");
  if (!r.ok()) return std::nullopt;
  st = st.with_creations(*creations);
  if (!arns_unique(st)) {
    r.fail(snapshot::message::invalid_state(secrets_at, "", "two secrets have the same ARN"));
    return std::nullopt;
  }
  return st;
}

/// Checks the header and trailer for a snapshot of kind `k`; the payload's bounds.
inline snapshot_result<std::pair<std::size_t, std::size_t>> open_frame(std::string_view in,
                                                                       snapshot::kind k) {
  namespace m = snapshot::message;
  const std::size_t n = in.size();
  const std::string_view magic = snapshot::magic;
  if (in.substr(0, magic.size()) != magic.substr(0, n < magic.size() ? n : magic.size()))
    return m::not_a_snapshot();
  if (n < snapshot::header_size) return m::truncated(n, snapshot::header_size);
  const auto stored_header = static_cast<std::uint32_t>(get_fixed(in, 20, 4));
  const std::uint32_t header_crc = crc32c(in.substr(0, 20));
  if (stored_header != header_crc) return m::checksum(20, "header", stored_header, header_crc);
  const auto version = static_cast<std::uint16_t>(get_fixed(in, 8, 2));
  if (version == 0 || version > snapshot::format_version) return m::unsupported_version(version);
  const auto found = static_cast<std::uint8_t>(in[10]);
  if (found != static_cast<std::uint8_t>(k)) return m::wrong_kind(k, found);
  if (in[11] != 0) return m::malformed(11, "the header's flags are not 0");
  const std::uint64_t length = get_fixed(in, 12, 8);
  const std::size_t available = n - snapshot::header_size;
  if (available < snapshot::trailer_size || length > available - snapshot::trailer_size) {
    const std::uint64_t wanted =
        length > UINT64_MAX - snapshot::header_size - snapshot::trailer_size
            ? UINT64_MAX
            : snapshot::header_size + length + snapshot::trailer_size;
    return m::truncated(n, wanted);
  }
  const std::size_t end = snapshot::header_size + static_cast<std::size_t>(length);
  if (end + snapshot::trailer_size != n)
    return m::malformed(end + snapshot::trailer_size, "bytes follow the end of the snapshot");
  const auto stored = static_cast<std::uint32_t>(get_fixed(in, end, 4));
  const std::uint32_t computed = crc32c(in.substr(0, end));
  if (stored != computed) return m::checksum(end, "file", stored, computed);
  return std::pair<std::size_t, std::size_t>{snapshot::header_size, end};
}

/// The format version of a snapshot whose frame open_frame accepted.
inline std::uint16_t file_version(std::string_view in) noexcept {
  return static_cast<std::uint16_t>(get_fixed(in, 8, 2));
}

/// Each state has one encoding: a file of version n > 1 must use a field of version n (a writer
/// writes the lowest version that holds the state).
inline void require_lowest_version(reader& r) {
  if (r.ok() && r.highest_used() != r.version())
    r.malformed(8, messages::detail::concat(
                       {"format version ", std::to_string(r.version()),
                        " is written only for a state that needs it, and this one has no field "
                        "newer than version ",
                        std::to_string(r.highest_used())}));
}

}  // namespace detail::snapshot_codec

namespace snapshot {

/// The snapshot of a store: every secret with every member, the creation count; format v1, or
/// v2 when a secret has a resource policy. The
/// same store always gives the same bytes (fields, secrets, versions and labels in a fixed order).
/// The result holds secret values in clear: encrypt it or keep it where the values may be.
[[nodiscard]] inline std::string encode(const basic_store<aws_traits>& st) {
  return detail::snapshot_codec::frame(kind::store,
                                       [&](auto& w) { detail::snapshot_codec::put_store(w, st); });
}
/// The snapshot of one secret (kind 2): the same secret record a store's snapshot holds.
[[nodiscard]] inline std::string encode(const basic_secret<aws_traits>& s) {
  return detail::snapshot_codec::frame(kind::secret,
                                       [&](auto& w) { detail::snapshot_codec::put_secret(w, s); });
}

/// The store a snapshot holds, or why not. Cost: O(n) in the input plus the store's own
/// construction; allocates nothing larger than the input.
[[nodiscard]] inline snapshot_result<basic_store<aws_traits>> decode_store(std::string_view bytes) {
  auto bounds = detail::snapshot_codec::open_frame(bytes, kind::store);
  if (!bounds) return bounds.error();
  detail::snapshot_codec::reader r(bytes, bounds.value().first, bounds.value().second);
  r.set_version(detail::snapshot_codec::file_version(bytes));
  auto st = detail::snapshot_codec::read_store(r);
  detail::snapshot_codec::require_lowest_version(r);
  if (!r.ok()) return std::move(r).take_error();
  return std::move(*st);
}
/// The secret a snapshot of kind 2 holds, or why not.
[[nodiscard]] inline snapshot_result<basic_secret<aws_traits>> decode_secret(
    std::string_view bytes) {
  auto bounds = detail::snapshot_codec::open_frame(bytes, kind::secret);
  if (!bounds) return bounds.error();
  detail::snapshot_codec::reader r(bytes, bounds.value().first, bounds.value().second);
  r.set_version(detail::snapshot_codec::file_version(bytes));
  auto s = detail::snapshot_codec::read_secret(r);
  detail::snapshot_codec::require_lowest_version(r);
  if (!r.ok()) return std::move(r).take_error();
  return std::move(*s);
}

}  // namespace snapshot

}  // namespace secretstage

#endif  // SECRETSTAGE_SNAPSHOT_HPP
