#ifndef SECRETSTAGE_JOURNAL_HPP
#define SECRETSTAGE_JOURNAL_HPP

// A journal of the requests that changed a store, and recovery: a snapshot (snapshot.hpp) plus
// the journal written after it give back the store exactly. Opt-in (not in the umbrella header;
// it brings in aws_json.hpp). Byte by byte in docs/durability.md.
//
//   file    = header record*
//   header  = magic(8) version(u16) flags(u16) length(u32) payload crc32c(u32 of all before)
//   record  = length(u32) crc32c(u32 of the length bytes) crc32c(u32 of the payload) payload
//
// A record holds what the service's exclusive path saw (service.hpp): the operation name and
// the request body as received, the context (time, entropy, generated ClientRequestToken), the
// value and finish variant of a built-in rotation, whether the background transitions ran before
// and after the request, and whether the request succeeded (a failed one is journaled only when
// the background work it found due changed the store). The header holds what every record of
// the file shares: Region, account and the invocable rotation functions. Redo is
// aws_json::parse_request and the very transition the service ran, so a journal is as exact as
// the model is pure.
//
// Reading a journal tells a torn tail (a crash in the middle of the last write: cut it off) from
// a damaged record before the end (stop, name the offset): the last record is torn when its head
// or payload runs past the end of the file, when its payload's checksum fails and it ends exactly
// at the end of the file, or when everything from its head on is zero bytes (a file system that
// grew the file before the data reached it). Anything else that fails a check is corrupt.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "aws_json.hpp"
#include "background.hpp"
#include "context.hpp"
#include "detail/crc32c.hpp"
#include "messages.hpp"
#include "result.hpp"
#include "rotation.hpp"
#include "rotation_functions.hpp"
#include "rotation_progress.hpp"
#include "snapshot.hpp"
#include "store.hpp"
#include "store_operation.hpp"
#include "value.hpp"

namespace secretstage {

/// Why a journal could not be read back.
enum class journal_errc : std::uint8_t {
  not_a_journal = 1,    // the first 8 bytes are not the journal magic
  unsupported_version,  // a newer writer's format
  corrupt,              // a checksum or the format fails before the end: bytes changed on disk
  replay_diverged,      // a record redone does not do what it did when it was written
  bad_snapshot,         // the snapshot the journal starts from could not be decoded
};

/// A journal that cannot be recovered: what, where (the offset of the record at fault in the
/// journal, or of the byte at fault in the snapshot), and a sentence that names both.
struct journal_error {
  journal_errc code;
  std::uint64_t offset = 0;
  std::string message;

  friend bool operator==(const journal_error&, const journal_error&) = default;
};

namespace detail {
class journal_category_impl final : public std::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "secretstage.journal"; }
  [[nodiscard]] std::string message(int value) const override {
    switch (static_cast<journal_errc>(value)) {
      case journal_errc::not_a_journal:
        return "not_a_journal";
      case journal_errc::unsupported_version:
        return "unsupported_version";
      case journal_errc::corrupt:
        return "corrupt";
      case journal_errc::replay_diverged:
        return "replay_diverged";
      case journal_errc::bad_snapshot:
        return "bad_snapshot";
    }
    return "unknown";
  }
};
}  // namespace detail

[[nodiscard]] inline const std::error_category& journal_category() noexcept {
  static const detail::journal_category_impl category;
  return category;
}
[[nodiscard]] inline std::error_code make_error_code(journal_errc code) noexcept {
  return {static_cast<int>(code), journal_category()};
}
/// Outcome's ADL hooks, as for `error` (result.hpp).
[[nodiscard]] inline std::error_code make_error_code(const journal_error& e) noexcept {
  return make_error_code(e.code);
}
[[noreturn]] inline void outcome_throw_as_system_error_with_payload(const journal_error& e) {
  throw std::system_error(make_error_code(e), e.message);
}

template <class T>
using journal_result = outcome::std_result<T, journal_error>;

/// What every record of one journal file shares: the context a service builds from its options.
struct journal_header {
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  /// The invocable rotation functions (sorted, as rotation_functions keeps them).
  std::vector<std::string> functions{};

  friend bool operator==(const journal_header&, const journal_header&) = default;
};

/// One request as the service's exclusive path ran it. Views: into the service's locals while a
/// journal hook runs, into the journal's bytes after decode_record.
struct journal_entry {
  std::string_view op_name;
  std::string_view body;
  timestamp now{};
  std::uint64_t entropy = 0;
  std::optional<std::string_view> generated_token{};
  /// A RotateSecret run by a built-in function: the value its createSecret step wrote.
  std::optional<std::string_view> rotation_value{};
  finish_variant finish = finish_variant::remove_pending;
  /// The background transitions (collection, then purge) at `now` before the request.
  bool background_before = false;
  /// Whether the request succeeded (a failed one leaves only the background's effect).
  bool succeeded = true;
  /// The background transitions at `now` after the request.
  bool background_after = false;

  friend bool operator==(const journal_entry&, const journal_entry&) = default;
};

namespace journal {

/// The operation names of the records replication writes (no AWS operation has a colon in its
/// name): a secret put as it is (the body is its snapshot, snapshot::encode), and a secret erased
/// (the body is its name).
inline constexpr std::string_view put_secret_record = "secretstage:PutSecret";
inline constexpr std::string_view erase_secret_record = "secretstage:EraseSecret";

/// Not text (0x89), "SSJL", CR LF and Ctrl-Z, as the snapshot's magic.
inline constexpr std::string_view magic{"\x89SSJL\r\n\x1a", 8};
inline constexpr std::uint16_t format_version = 1;
/// The header's flags: bit 0, every record's payload is sealed (encrypted by the embedder; see
/// recover's `open`).
inline constexpr std::uint16_t flag_sealed = 1;
/// The head of a record: payload length, its CRC-32C, the payload's CRC-32C.
inline constexpr std::size_t record_head_size = 12;
/// No record is larger (a request body is at most a few hundred KiB): a length past this in an
/// intact head is corruption, and nothing larger is ever allocated.
inline constexpr std::uint32_t max_record_size = 64u << 20;

namespace detail_codec = secretstage::detail::snapshot_codec;

/// The file header.
[[nodiscard]] inline std::string encode_header(const journal_header& h, std::uint16_t flags = 0) {
  std::string payload;
  detail_codec::appender w{payload};
  detail_codec::put_bytes(w, h.region);
  detail_codec::put_bytes(w, h.account_id);
  detail_codec::put_varint(w, h.functions.size());
  for (const auto& arn : h.functions) detail_codec::put_bytes(w, arn);
  std::string out(magic);
  detail_codec::appender o{out};
  detail_codec::put_fixed(o, format_version, 2);
  detail_codec::put_fixed(o, flags, 2);
  detail_codec::put_fixed(o, payload.size(), 4);
  out += payload;
  detail_codec::put_fixed(o, secretstage::detail::crc32c(out), 4);
  return out;
}

/// The payload of one record (what `frame` wraps, after the embedder seals it if it does).
[[nodiscard]] inline std::string encode_entry(const journal_entry& e) {
  std::string out;
  detail_codec::appender w{out};
  const auto flags = static_cast<std::uint8_t>(
      (e.background_before ? 1u : 0u) | (e.succeeded ? 2u : 0u) | (e.background_after ? 4u : 0u) |
      (e.generated_token ? 8u : 0u) | (e.rotation_value ? 16u : 0u) |
      (e.finish == finish_variant::keep_pending ? 32u : 0u));
  detail_codec::put_u8(w, flags);
  detail_codec::put_time(w, e.now);
  detail_codec::put_fixed(w, e.entropy, 8);
  detail_codec::put_bytes(w, e.op_name);
  detail_codec::put_bytes(w, e.body);
  if (e.generated_token) detail_codec::put_bytes(w, *e.generated_token);
  if (e.rotation_value) detail_codec::put_bytes(w, *e.rotation_value);
  return out;
}

/// A record: the head, then `payload`.
[[nodiscard]] inline std::string frame(std::string_view payload) {
  std::string out;
  out.reserve(record_head_size + payload.size());
  detail_codec::appender w{out};
  detail_codec::put_fixed(w, payload.size(), 4);
  detail_codec::put_fixed(w, secretstage::detail::crc32c(out), 4);
  detail_codec::put_fixed(w, secretstage::detail::crc32c(payload), 4);
  out += payload;
  return out;
}

/// A record of `e`, unsealed: frame(encode_entry(e)).
[[nodiscard]] inline std::string encode_record(const journal_entry& e) {
  return frame(encode_entry(e));
}

namespace message {
inline journal_error corrupt(std::uint64_t offset, std::string_view what) {
  return {journal_errc::corrupt, offset,
          messages::detail::concat(
              {"corrupt journal record at byte ", std::to_string(offset), ": ", what})};
}
inline journal_error diverged(std::uint64_t offset, std::string_view what) {
  return {journal_errc::replay_diverged, offset,
          messages::detail::concat({"journal record at byte ", std::to_string(offset),
                                    " does not redo as it was done: ", what})};
}
}  // namespace message

/// A record's payload read back; views into `payload`.
[[nodiscard]] inline journal_result<journal_entry> decode_entry(std::string_view payload,
                                                                std::uint64_t offset) {
  detail_codec::reader r(payload, 0, payload.size());
  journal_entry e;
  const std::uint8_t flags = r.u8();
  e.background_before = (flags & 1u) != 0;
  e.succeeded = (flags & 2u) != 0;
  e.background_after = (flags & 4u) != 0;
  e.finish = (flags & 32u) != 0 ? finish_variant::keep_pending : finish_variant::remove_pending;
  e.now = r.time();
  e.entropy = r.fixed(8);
  e.op_name = r.bytes();
  e.body = r.bytes();
  if ((flags & 8u) != 0) e.generated_token = r.bytes();
  if ((flags & 16u) != 0) e.rotation_value = r.bytes();
  if (!r.ok() || (flags & 0xc0u) != 0 || r.remaining() != 0)
    return message::corrupt(offset, "its payload does not follow the record format");
  return e;
}

/// A journal file's header read back, and where its first record starts.
struct opened_journal {
  journal_header header;
  std::uint16_t flags = 0;
  std::size_t records_at = 0;
};

/// The header, or why not. A file shorter than its header is a torn header (std::nullopt: the
/// crash came while the file was being started, so it holds no record).
[[nodiscard]] inline journal_result<std::optional<opened_journal>> open(std::string_view in) {
  const std::size_t fixed = magic.size() + 8;
  if (in.substr(0, magic.size()) != magic.substr(0, std::min(in.size(), magic.size())))
    return journal_error{journal_errc::not_a_journal, 0,
                         "not a secretstage journal: the first 8 bytes are not its magic"};
  if (in.size() < fixed) return std::optional<opened_journal>{};
  const auto version = static_cast<std::uint16_t>(detail_codec::get_fixed(in, 8, 2));
  if (version == 0 || version > format_version)
    return journal_error{
        journal_errc::unsupported_version, 8,
        messages::detail::concat(
            {"journal format version ", std::to_string(version), " is not known to this reader"})};
  const auto flags = static_cast<std::uint16_t>(detail_codec::get_fixed(in, 10, 2));
  const std::uint64_t length = detail_codec::get_fixed(in, 12, 4);
  if (in.size() - fixed < 4 || length > in.size() - fixed - 4)
    return std::optional<opened_journal>{};
  const std::size_t end = fixed + static_cast<std::size_t>(length);
  if (detail_codec::get_fixed(in, end, 4) != secretstage::detail::crc32c(in.substr(0, end)))
    return message::corrupt(0, "the file header's checksum does not match");
  if ((flags & ~flag_sealed) != 0) return message::corrupt(10, "unknown header flags");
  detail_codec::reader r(in, fixed, end);
  opened_journal out;
  out.flags = flags;
  out.header.region = std::string(r.bytes());
  out.header.account_id = std::string(r.bytes());
  const std::uint64_t n = r.varint();
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) out.header.functions.emplace_back(r.bytes());
  if (!r.ok() || r.remaining() != 0)
    return message::corrupt(0, "the file header does not follow the format");
  out.records_at = end + 4;
  return std::optional<opened_journal>(std::move(out));
}

/// Where one record is, in a journal's bytes.
struct record_span {
  std::size_t offset = 0;  // of its head
  std::string_view payload;
};

/// The next record at `at`: a span, std::nullopt at a torn tail (cut the file at `at`), or an
/// error for a damaged record before the end. `at` == in.size() is the clean end (nullopt too).
[[nodiscard]] inline journal_result<std::optional<record_span>> next_record(std::string_view in,
                                                                            std::size_t at) {
  const std::size_t left = in.size() - at;
  if (left < record_head_size) return std::optional<record_span>{};
  const std::string_view head = in.substr(at, record_head_size);
  const auto length = static_cast<std::uint32_t>(detail_codec::get_fixed(head, 0, 4));
  const auto length_crc = static_cast<std::uint32_t>(detail_codec::get_fixed(head, 4, 4));
  if (length_crc != secretstage::detail::crc32c(head.substr(0, 4))) {
    if (in.substr(at).find_first_not_of('\0') == std::string_view::npos)
      return std::optional<record_span>{};
    return message::corrupt(at, "the checksum of its length does not match");
  }
  if (length > max_record_size) return message::corrupt(at, "its length is past the limit");
  if (length > left - record_head_size) return std::optional<record_span>{};
  const std::string_view payload = in.substr(at + record_head_size, length);
  if (detail_codec::get_fixed(head, 8, 4) != secretstage::detail::crc32c(payload)) {
    if (at + record_head_size + length == in.size()) return std::optional<record_span>{};
    return message::corrupt(at, "the checksum of its payload does not match");
  }
  return std::optional<record_span>(record_span{at, payload});
}

/// Opens a sealed payload (the embedder's decryption): the plain payload, or std::nullopt when it
/// does not authenticate.
using payload_opener = std::function<std::optional<std::string>(std::string_view sealed)>;

/// What recovery gives back.
struct recovery {
  basic_store<aws_traits> store;
  journal_header header;
  /// Records redone.
  std::uint64_t records = 0;
  /// The length of the journal's intact part: a file longer than this had a torn tail, to be cut
  /// off here before anything is appended.
  std::uint64_t valid_bytes = 0;
  [[nodiscard]] bool torn(std::uint64_t file_size) const noexcept {
    return file_size != valid_bytes;
  }
};

/// The context a record's request ran with.
[[nodiscard]] inline context context_of(const journal_header& h, const journal_entry& e,
                                        const rotation_functions& functions) {
  context ctx;
  ctx.now = e.now;
  ctx.entropy = e.entropy;
  if (e.generated_token) ctx.generated_token = std::string(*e.generated_token);
  ctx.region = h.region;
  ctx.account_id = h.account_id;
  ctx.functions = functions;
  return ctx;
}

/// Deprecated-version collection, then purge, at `now`: the service's background step.
[[nodiscard]] inline basic_store<aws_traits> background_at(const basic_store<aws_traits>& st,
                                                           timestamp now) {
  auto collected = collect_deprecated_versions(st, now);
  return std::move(purge_deleted_secrets(collected.state, now).state);
}

/// Redoes one record on `st` (moved on in place); an error when the request does not succeed or
/// fail as the record says it did.
[[nodiscard]] inline journal_result<void> redo(basic_store<aws_traits>& st, const journal_header& h,
                                               const rotation_functions& functions,
                                               const journal_entry& e, std::uint64_t offset) {
  if (e.background_before) st = background_at(st, e.now);
  if (!e.succeeded) return outcome::success();
  // Replication's records (replication.hpp, docs/durability.md): a secret's state as another
  // Region's change made it, or a replica deleted.
  if (e.op_name == journal::put_secret_record) {
    auto s = snapshot::decode_secret(e.body);
    if (!s) return message::diverged(offset, "its secret no longer decodes");
    st.put_in_place(std::move(s.value()));
    return outcome::success();
  }
  if (e.op_name == journal::erase_secret_record) {
    st = st.erase(e.body);
    return outcome::success();
  }
  auto op = aws_json::parse_request<aws_traits>(e.op_name, e.body);
  if (!op) return message::diverged(offset, "its request no longer parses");
  const context ctx = context_of(h, e, functions);
  bool ok = false;
  if (e.rotation_value) {
    const auto* rotate = std::get_if<rotate_secret>(
        &static_cast<const secretstage::detail::store_request_variant<aws_traits>&>(op.value()));
    if (rotate == nullptr) return message::diverged(offset, "a rotation value on no RotateSecret");
    const secret_value value(secret_value::string_tag{}, std::string(*e.rotation_value));
    auto rotated = rotate_synchronously(st, *rotate, ctx, ctx.functions, value, e.finish);
    if (rotated) st = std::move(rotated.value().state);
    ok = static_cast<bool>(rotated);
  } else {
    auto done = apply_in_place(st, op.value(), ctx);
    ok = static_cast<bool>(done);
    // A RotateSecret with a function the service invokes began its progress (service.hpp).
    if (done) {
      begin_invoked_rotation(st, done.value(), ctx.now);
      note_rotated_in(st, done.value(), ctx.now);
    }
  }
  if (!ok) return message::diverged(offset, "the request fails where it succeeded");
  if (e.background_after) st = background_at(st, e.now);
  return outcome::success();
}

/// The store `base` becomes through the journal `in`: every intact record redone in order, a
/// torn tail left out (see `recovery::valid_bytes`), an error for anything else. A sealed
/// journal needs `open`. Cost: one parse and one transition per record.
[[nodiscard]] inline journal_result<recovery> recover(basic_store<aws_traits> base,
                                                      std::string_view in,
                                                      const payload_opener& open_payload = {}) {
  recovery out;
  out.store = std::move(base);
  auto opened = open(in);
  if (!opened) return opened.error();
  if (!opened.value()) return out;  // torn while it was being started: no record
  out.header = std::move(opened.value()->header);
  const bool sealed = (opened.value()->flags & flag_sealed) != 0;
  if (sealed && !open_payload)
    return journal_error{journal_errc::corrupt, 10, "the journal is sealed and no key was given"};
  const rotation_functions functions(out.header.functions);
  std::size_t at = opened.value()->records_at;
  out.valid_bytes = at;
  for (;;) {
    auto next = next_record(in, at);
    if (!next) return next.error();
    if (!next.value()) break;
    const record_span span = *next.value();
    std::optional<std::string> plain;
    if (sealed) {
      plain = open_payload(span.payload);
      if (!plain) return message::corrupt(span.offset, "its payload does not authenticate");
    }
    auto entry = decode_entry(plain ? std::string_view(*plain) : span.payload, span.offset);
    if (!entry) return entry.error();
    auto done = redo(out.store, out.header, functions, entry.value(), span.offset);
    if (!done) return done.error();
    at = span.offset + record_head_size + span.payload.size();
    out.valid_bytes = at;
    ++out.records;
  }
  return out;
}

/// recover() from a snapshot's bytes (snapshot.hpp; empty: the empty store).
[[nodiscard]] inline journal_result<recovery> recover(std::string_view snapshot_bytes,
                                                      std::string_view in,
                                                      const payload_opener& open_payload = {}) {
  basic_store<aws_traits> base;
  if (!snapshot_bytes.empty()) {
    auto decoded = snapshot::decode_store(snapshot_bytes);
    if (!decoded)
      return journal_error{journal_errc::bad_snapshot, decoded.error().offset,
                           decoded.error().message};
    base = std::move(decoded.value());
  }
  return recover(std::move(base), in, open_payload);
}

}  // namespace journal

}  // namespace secretstage

#endif  // SECRETSTAGE_JOURNAL_HPP
