// snapshot.hpp and detail/crc32c.hpp: CRC-32C's standard check values; the golden files that
// freeze format v1 (tests/golden/snapshot/: one written by hand from docs/snapshot-format.md, one
// a store built here by explicit operations); and every error path of the decoder: truncation at
// every byte, a flipped bit anywhere, a foreign file, a newer format, the wrong kind, absurd
// lengths and counts, broken field order, and well-formed payloads describing impossible states.
// Payloads are framed here by the test's own code, from the document, with valid checksums, so
// that each reaches the check it is meant for.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/crc32c.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/rotation.hpp>
#include <secretstage/rotation_progress.hpp>
#include <secretstage/snapshot.hpp>
#include <secretstage/store_operation.hpp>

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace snapshot_test {

namespace ss = secretstage;
using ss::snapshot_errc;

namespace {

ss::rotation_rules rules(std::optional<std::int64_t> days, std::optional<std::string> duration,
                         std::optional<std::string> schedule) {
  ss::rotation_rules r;
  r.automatically_after_days = days;
  r.duration = std::move(duration);
  r.schedule_expression = std::move(schedule);
  return r;
}

// ---- reading the golden files
// ---------------------------------------------------------------------

std::string golden_path(std::string_view file) {
  return std::string(SECRETSTAGE_SOURCE_DIR) + "/tests/golden/snapshot/" + std::string(file);
}
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
/// The bytes of a golden hex text: hex pairs, "ASCII" in double quotes, # comments.
std::string parse_hex(std::string_view text) {
  std::string out;
  auto hex = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) out.push_back(text[i]);
    } else if (std::isxdigit(static_cast<unsigned char>(c)) != 0) {
      REQUIRE(i + 1 < text.size());
      out.push_back(static_cast<char>(hex(c) * 16 + hex(text[i + 1])));
      ++i;
    }
  }
  return out;
}

// ---- writing payloads by hand, from the document
// ---------------------------------------------------

std::string varint(std::uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
std::string fixed(std::uint64_t v, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return out;
}
std::string field(std::uint64_t tag, std::string_view content) {
  return varint(tag) + varint(content.size()) + std::string(content);
}
std::string bytes(std::string_view s) { return varint(s.size()) + std::string(s); }
/// Header (version, kind), payload, trailer, both CRCs right.
std::string frame(std::uint8_t kind, std::string_view payload, std::uint16_t version = 1) {
  std::string out("\x89SSTG\r\n\x1a", 8);
  out += fixed(version, 2);
  out.push_back(static_cast<char>(kind));
  out.push_back('\0');
  out += fixed(payload.size(), 8);
  out += fixed(ss::detail::crc32c(out), 4);
  out += payload;
  out += fixed(ss::detail::crc32c(out), 4);
  return out;
}
constexpr std::uint8_t store_kind = 1, secret_kind = 2;

const std::string token_a = "0123456789abcdef0123456789abcdef";
const std::string token_b = "fedcba9876543210fedcba9876543210";
const std::string arn_a = "arn:aws:secretsmanager:us-east-1:123456789012:secret:a-v6xaqp";

std::string version_record(std::string_view id, std::uint64_t sequence,
                           std::string_view value = "v") {
  return field(1, id) + field(2, varint(sequence)) + field(3, fixed(1000, 8)) + field(5, value);
}
/// A secret record like the hand-written golden one, its parts replaceable.
struct secret_parts {
  std::string name = "a";
  std::string arn = arn_a;
  std::uint64_t next_sequence = 1;
  std::vector<std::string> versions = {version_record(token_a, 0)};
  std::vector<std::pair<std::string, std::uint64_t>> labels = {{"AWSCURRENT", 0}};
  std::string extra;  // fields appended after the last

  [[nodiscard]] std::string record() const {
    std::string out = field(1, name) + field(2, arn) + field(5, fixed(1000, 8)) +
                      field(6, fixed(1000, 8)) + field(14, varint(next_sequence));
    if (!versions.empty()) {
      std::string list = varint(versions.size());
      for (const auto& v : versions) list += bytes(v);
      out += field(15, list);
    }
    if (!labels.empty()) {
      std::string list = varint(labels.size());
      for (const auto& [l, s] : labels) list += bytes(l) + varint(s);
      out += field(16, list);
    }
    return out + extra;
  }
};

ss::secret one_secret() {
  ss::context ctx;
  ctx.now = ss::timestamp{1000};
  auto r = ss::apply(
      ss::create_secret{
          .name = "a", .client_request_token = token_a, .secret_string = std::string("v")},
      ctx);
  REQUIRE(r);
  return r.value().state;
}

/// A store touched by every kind of change, through the library's own operations.
ss::store story_store() {
  ss::store st;
  ss::context ctx;
  ctx.now = ss::timestamp{1767225600000};  // 2026-01-01T00:00:00Z
  ctx.entropy = 42;
  const std::string fn = "arn:aws:lambda:us-east-1:123456789012:function:rotate";
  ctx.functions = ss::rotation_functions{fn};
  auto run = [&](const auto& request) {
    auto r = ss::apply(st, request, ctx);
    REQUIRE_MESSAGE(r, r.error().message);
    st = std::move(r.value().state);
    ctx.now = ss::timestamp{ctx.now.epoch_ms + 3'600'000};
  };
  auto token = [](char c) { return std::string(36, c); };
  run(ss::create_secret{.name = "prod/db",
                        .client_request_token = token('1'),
                        .description = std::string("The database"),
                        .kms_key_id = std::string("alias/db"),
                        .secret_string = std::string(R"({"user":"app","password":"hunter2"})"),
                        .tags = std::vector<ss::tag>{{"env", "prod"}, {"team", "data"}}});
  run(ss::put_secret_value{
      .secret_id = "prod/db",
      .client_request_token = token('2'),
      .secret_string = std::string(R"({"user":"app","password":"correct horse"})")});
  run(ss::update_secret_version_stage{
      .secret_id = "prod/db", .version_stage = "L1", .move_to_version_id = token('1')});
  run(ss::get_secret_value{.secret_id = "prod/db"});
  run(ss::rotate_secret{.secret_id = "prod/db",
                        .client_request_token = token('3'),
                        .rotation_lambda_arn = fn,
                        .rotation_rules = rules(30, "2h", std::nullopt),
                        .rotate_immediately = false});
  run(ss::create_secret{.name = "bin",
                        .client_request_token = token('4'),
                        .secret_binary = ss::binary{0, 1, 2, 0xfe, 0xff}});
  run(ss::create_secret{.name = "empty"});
  run(ss::create_secret{
      .name = "gone", .client_request_token = token('5'), .secret_string = std::string("bye")});
  run(ss::delete_secret{.secret_id = "gone", .recovery_window_in_days = 7});
  // RotateSecret and the four steps of the rotation function: LastRotatedDate, AWSPREVIOUS.
  auto rotated = ss::rotate_synchronously(
      st,
      ss::rotate_secret{.secret_id = "bin",
                        .client_request_token = token('6'),
                        .rotation_lambda_arn = fn,
                        .rotation_rules = rules(std::nullopt, std::nullopt, "rate(4 hours)")},
      ctx, ctx.functions, ss::secret_value(ss::secret_value::binary_tag{}, ss::binary{9, 9}));
  REQUIRE(rotated);
  st = rotated.value().state;
  run(ss::tag_resource{.secret_id = "bin", .tags = {{"k", ""}}});
  return st;
}

ss::snapshot_error decode_store_error(std::string_view bytes) {
  auto r = ss::snapshot::decode_store(bytes);
  REQUIRE_FALSE(r);
  return r.error();
}
ss::snapshot_error decode_secret_error(std::string_view bytes) {
  auto r = ss::snapshot::decode_secret(bytes);
  REQUIRE_FALSE(r);
  return r.error();
}

}  // namespace

// ---- CRC-32C
// ---------------------------------------------------------------------------------------

TEST_CASE("crc32c: the standard check values") {
  CHECK(ss::detail::crc32c("123456789") == 0xE3069283u);
  CHECK(ss::detail::crc32c("") == 0u);
  CHECK(ss::detail::crc32c(std::string(32, '\0')) == 0x8A9136AAu);    // RFC 3720 B.4
  CHECK(ss::detail::crc32c(std::string(32, '\xff')) == 0x62A8AB43u);  // RFC 3720 B.4
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  CHECK(ss::detail::crc32c(ascending) == 0x46DD794Eu);  // RFC 3720 B.4
}

TEST_CASE("crc32c: slicing-by-8 agrees with the bitwise definition at every length and split") {
  auto bitwise = [](std::string_view s) {
    std::uint32_t c = 0xffffffffu;
    for (const char ch : s) {
      c ^= static_cast<unsigned char>(ch);
      for (int k = 0; k < 8; ++k) c = (c & 1u) != 0 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    }
    return ~c;
  };
  std::string text;
  for (int i = 0; i < 100; ++i) text.push_back(static_cast<char>(i * 37 + 11));
  for (std::size_t n = 0; n <= text.size(); ++n) {
    const std::string_view s(text.data(), n);
    CHECK(ss::detail::crc32c(s) == bitwise(s));
    const std::size_t k = n / 3;
    CHECK(ss::detail::crc32c_extend(ss::detail::crc32c(s.substr(0, k)), s.substr(k)) == bitwise(s));
  }
}

// ---- golden files: format v1 frozen
// ----------------------------------------------------------------

TEST_CASE("snapshot golden: one secret, derived by hand from the format document") {
  const std::string golden = parse_hex(read_file(golden_path("one_secret_v1.hex")));
  REQUIRE(golden.size() == 186);
  const ss::secret s = one_secret();
  CHECK(ss::snapshot::encode(s) == golden);
  auto back = ss::snapshot::decode_secret(golden);
  REQUIRE_MESSAGE(back, back.error().message);
  CHECK(back.value() == s);
  CHECK(ss::check_invariants(back.value()).empty());
  CHECK(back.value().ever_tagged() == !s.tags().empty());
  // The same secret record, framed as a store by this test, is the store holding it.
  const std::string store_bytes =
      frame(store_kind, field(1, varint(1)) +
                            field(2, varint(1) + bytes(golden.substr(24, golden.size() - 28))));
  auto st = ss::snapshot::decode_store(store_bytes);
  REQUIRE_MESSAGE(st, st.error().message);
  CHECK(st.value() == ss::store().with_creations(1).put(s));
}

TEST_CASE("snapshot golden: a store built by explicit operations reads back, byte for byte") {
  const ss::store st = story_store();
  REQUIRE(ss::check_store_invariants(st).empty());
  const std::string path = golden_path("story_store_v1.bin");
  if (std::getenv("SECRETSTAGE_WRITE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << ss::snapshot::encode(st);
    MESSAGE("wrote " << path);
  }
  const std::string golden = read_file(path);
  auto back = ss::snapshot::decode_store(golden);
  REQUIRE_MESSAGE(back, back.error().message);
  CHECK(back.value() == st);
  CHECK(ss::snapshot::encode(st) == golden);
  CHECK(ss::snapshot::encode(back.value()) == golden);
  // What the story set is all there.
  const auto* db = back.value().find("prod/db");
  REQUIRE(db != nullptr);
  CHECK(db->tags().size() == 2);
  CHECK(db->ever_tagged());
  // Written before a secret could be "tagged, every tag removed": untagged secrets read as never
  // tagged, so their DescribeSecret still has no Tags member.
  CHECK_FALSE(back.value().find("empty")->ever_tagged());
  CHECK(db->kms_key_id() == std::optional<std::string>("alias/db"));
  CHECK(db->last_accessed_date().has_value());
  CHECK(db->rotation() == rules(30, "2h", std::nullopt));
  CHECK(back.value().find("gone")->deleted_date().has_value());
  CHECK(back.value().find("bin")->last_rotated_date().has_value());
  CHECK(back.value().find("empty")->version_count() == 0);
  CHECK(back.value().creations() == 4);
}

// ---- the frame: truncation, flipped bits, foreign input, versions, kinds
// ---------------------------

TEST_CASE("snapshot: a snapshot cut at any byte is reported truncated") {
  const std::string golden = parse_hex(read_file(golden_path("one_secret_v1.hex")));
  for (std::size_t n = 0; n < golden.size(); ++n) {
    CAPTURE(n);
    const auto e = decode_secret_error(std::string_view(golden).substr(0, n));
    CHECK(e.code == snapshot_errc::truncated);
    CHECK(e.offset == n);
  }
}

TEST_CASE("snapshot: a flipped bit anywhere is caught (a checksum error past the magic)") {
  const std::string golden = parse_hex(read_file(golden_path("one_secret_v1.hex")));
  for (std::size_t bit = 0; bit < golden.size() * 8; ++bit) {
    CAPTURE(bit);
    std::string damaged = golden;
    damaged[bit / 8] = static_cast<char>(damaged[bit / 8] ^ (1 << (bit % 8)));
    const auto e = decode_secret_error(damaged);
    CHECK(e.code == (bit < 64 ? snapshot_errc::not_a_snapshot : snapshot_errc::checksum_mismatch));
  }
  // Two bits in the payload, one byte apart: still caught.
  std::string damaged = golden;
  damaged[100] = static_cast<char>(damaged[100] ^ 1);
  damaged[101] = static_cast<char>(damaged[101] ^ 1);
  CHECK(decode_secret_error(damaged).code == snapshot_errc::checksum_mismatch);
}

TEST_CASE("snapshot: foreign input is not a snapshot") {
  CHECK(decode_store_error(R"({"SecretList": []})").code == snapshot_errc::not_a_snapshot);
  CHECK(decode_store_error("\x89PNG\r\n\x1a\n").code == snapshot_errc::not_a_snapshot);
  CHECK(decode_store_error(std::string(64, '\0')).code == snapshot_errc::not_a_snapshot);
  CHECK(decode_store_error("").code ==
        snapshot_errc::truncated);  // a file cut before its first byte
}

TEST_CASE("snapshot: a newer format version is refused with a clear error") {
  const std::string payload = field(1, varint(0));
  CHECK(ss::snapshot::decode_store(frame(store_kind, payload, 1)));
  const auto newer = decode_store_error(frame(store_kind, payload, 5));
  CHECK(newer.code == snapshot_errc::unsupported_version);
  CHECK(newer.message ==
        "snapshot format version 5 is newer than this reader, which reads versions 1 to 4");
  CHECK(decode_store_error(frame(store_kind, payload, 0)).code ==
        snapshot_errc::unsupported_version);
  CHECK(decode_store_error(frame(store_kind, payload, 0xffff)).code ==
        snapshot_errc::unsupported_version);
}

TEST_CASE("snapshot: the wrong kind, flags, or bytes after the end") {
  const std::string secret = ss::snapshot::encode(one_secret());
  const auto e = decode_store_error(secret);
  CHECK(e.code == snapshot_errc::wrong_kind);
  CHECK(e.message == "snapshot holds a secret (kind 2), not a store");
  CHECK(decode_secret_error(ss::snapshot::encode(ss::store())).code == snapshot_errc::wrong_kind);
  CHECK(decode_store_error(frame(7, "")).code == snapshot_errc::wrong_kind);

  std::string flagged = frame(store_kind, field(1, varint(0)));
  flagged[11] = 1;
  flagged.replace(20, 4, fixed(ss::detail::crc32c(flagged.substr(0, 20)), 4));
  CHECK(decode_store_error(flagged).code == snapshot_errc::malformed);
  CHECK(decode_store_error(frame(store_kind, field(1, varint(0))) + "x").code ==
        snapshot_errc::malformed);
}

// ---- absurd lengths and counts: refused before anything is allocated
// -------------------------------

TEST_CASE("snapshot: absurd lengths and counts") {
  // A header announcing 2^63 payload bytes: truncated, nothing allocated.
  std::string header("\x89SSTG\r\n\x1a", 8);
  header += fixed(1, 2) + std::string("\x01\x00", 2) + fixed(std::uint64_t{1} << 63, 8);
  header += fixed(ss::detail::crc32c(header), 4);
  CHECK(decode_store_error(header + std::string(100, 'x')).code == snapshot_errc::truncated);
  std::string all_ones = header.substr(0, 12) + fixed(~std::uint64_t{0}, 8);
  all_ones += fixed(ss::detail::crc32c(all_ones), 4);
  CHECK(decode_store_error(all_ones).code == snapshot_errc::truncated);

  const std::string creations = field(1, varint(0));
  // A field claiming 2^40 bytes.
  CHECK(decode_store_error(
            frame(store_kind, creations + varint(2) + varint(std::uint64_t{1} << 40) + "xx"))
            .code == snapshot_errc::malformed);
  // 2^40 secrets in a 10-byte field; 2^60 tags; a tag key of 2^50 bytes.
  CHECK(decode_store_error(
            frame(store_kind, creations + field(2, varint(std::uint64_t{1} << 40) + "abcdefgh")))
            .code == snapshot_errc::malformed);
  secret_parts p;
  p.extra = field(17, "");
  std::string tags = field(10, varint(std::uint64_t{1} << 60) + "kkvv");
  std::string record =
      field(1, "a") + field(2, arn_a) + field(5, fixed(1000, 8)) + tags + field(14, varint(0));
  const auto e = decode_secret_error(frame(secret_kind, record));
  CHECK(e.code == snapshot_errc::malformed);
  CHECK(e.message.find("the count of tags") != std::string::npos);
  record = field(1, "a") + field(2, arn_a) + field(5, fixed(1000, 8)) +
           field(10, varint(1) + varint(std::uint64_t{1} << 50) + "kv") + field(14, varint(0));
  CHECK(decode_secret_error(frame(secret_kind, record)).code == snapshot_errc::malformed);
  // An 11-byte varint; a varint in a longer form than needed.
  CHECK(decode_store_error(frame(store_kind, field(1, std::string(10, '\xff') + "\x01"))).code ==
        snapshot_errc::malformed);
  CHECK(decode_store_error(frame(store_kind, field(1, "\x80\x00"))).code ==
        snapshot_errc::malformed);
  CHECK(decode_store_error(frame(store_kind, "\x01\x80\x00\x00")).code == snapshot_errc::malformed);
}

// ---- the record rules
// ------------------------------------------------------------------------------

TEST_CASE("snapshot: field order, repetition, unknown tags, missing fields, canonical form") {
  secret_parts good;
  REQUIRE(ss::snapshot::decode_secret(frame(secret_kind, good.record())));

  secret_parts unknown;
  unknown.extra = field(17, "progress");
  auto e = decode_secret_error(frame(secret_kind, unknown.record()));
  CHECK(e.code == snapshot_errc::malformed);
  CHECK(e.message.find("no field 17 in format version 1") != std::string::npos);

  const std::string name = field(1, "a"), arn = field(2, arn_a), created = field(5, fixed(1000, 8)),
                    next = field(14, varint(0));
  CHECK(ss::snapshot::decode_secret(frame(secret_kind, name + arn + created + next)));
  CHECK(decode_secret_error(frame(secret_kind, arn + name + created + next)).code ==
        snapshot_errc::malformed);
  CHECK(decode_secret_error(frame(secret_kind, name + name + arn + created + next)).code ==
        snapshot_errc::malformed);
  CHECK(decode_secret_error(frame(secret_kind, name + created + next)).code ==
        snapshot_errc::malformed);  // no ARN
  CHECK(decode_secret_error(frame(secret_kind, name + arn + created)).code ==
        snapshot_errc::malformed);  // no next
  // A date field of 7 bytes; a date field of 9.
  CHECK(
      decode_secret_error(frame(secret_kind, name + arn + field(5, fixed(1000, 7)) + next)).code ==
      snapshot_errc::malformed);
  CHECK(decode_secret_error(frame(secret_kind, name + arn + field(5, fixed(1000, 8) + "x") + next))
            .code == snapshot_errc::malformed);
  // Defaults written out are refused: an empty description, RotationEnabled 0, an empty list
  // (but for Tags, where count 0 records that every tag was removed).
  CHECK(decode_secret_error(frame(secret_kind, name + arn + field(3, "") + created + next)).code ==
        snapshot_errc::malformed);
  CHECK(decode_secret_error(
            frame(secret_kind, name + arn + created + field(11, std::string(1, '\0')) + next))
            .code == snapshot_errc::malformed);
  CHECK(decode_secret_error(frame(secret_kind, name + arn + created + field(15, varint(0)) + next))
            .code == snapshot_errc::malformed);
  // A version with both a string and a binary value.
  secret_parts both;
  both.versions = {version_record(token_a, 0) + field(6, "b")};
  CHECK(decode_secret_error(frame(secret_kind, both.record())).code == snapshot_errc::malformed);
  // Versions out of creation order; labels out of order.
  secret_parts order;
  order.next_sequence = 5;
  order.versions = {version_record(token_a, 3), version_record(token_b, 2)};
  order.labels = {{"AWSCURRENT", 3}};
  CHECK(decode_secret_error(frame(secret_kind, order.record())).code == snapshot_errc::malformed);
  order.versions = {version_record(token_b, 2), version_record(token_a, 3)};
  order.labels = {{"L1", 2}, {"AWSCURRENT", 3}};
  CHECK(decode_secret_error(frame(secret_kind, order.record())).code == snapshot_errc::malformed);
  order.labels = {{"AWSCURRENT", 3}, {"L1", 2}};
  CHECK(ss::snapshot::decode_secret(frame(secret_kind, order.record())));
}

TEST_CASE("snapshot: Tags with count 0 (every tag removed) is kept apart from no Tags field") {
  const std::string name = field(1, "a"), arn = field(2, arn_a), created = field(5, fixed(1000, 8)),
                    next = field(14, varint(0));
  const std::string never = frame(secret_kind, name + arn + created + next);
  const std::string removed = frame(secret_kind, name + arn + created + field(10, varint(0)) + next);
  auto a = ss::snapshot::decode_secret(never);
  auto b = ss::snapshot::decode_secret(removed);
  REQUIRE_MESSAGE(a, a.error().message);
  REQUIRE_MESSAGE(b, b.error().message);
  CHECK_FALSE(a.value().ever_tagged());
  CHECK(b.value().ever_tagged());
  CHECK(b.value().tags().empty());
  CHECK(ss::check_invariants(b.value()).empty());
  CHECK(ss::snapshot::encode(a.value()) == never);
  CHECK(ss::snapshot::encode(b.value()) == removed);
  // Built by operations: tag, then untag the last key.
  ss::store st;
  ss::context ctx;
  ctx.now = ss::timestamp{1000};
  auto made = ss::apply(st, ss::create_secret{.name = "a"}, ctx);
  REQUIRE(made.has_value());
  auto tagged = ss::apply(made.value().state, ss::tag_resource{.secret_id = "a", .tags = {{"k", "v"}}}, ctx);
  REQUIRE(tagged.has_value());
  auto untagged = ss::apply(tagged.value().state, ss::untag_resource{.secret_id = "a", .tag_keys = {"k"}}, ctx);
  REQUIRE(untagged.has_value());
  const ss::store& bare = untagged.value().state;
  auto back = ss::snapshot::decode_store(ss::snapshot::encode(bare));
  REQUIRE_MESSAGE(back, back.error().message);
  CHECK(back.value() == bare);
  CHECK(back.value().find("a")->ever_tagged());
  CHECK(back.value().find("a")->tags().empty());
}

TEST_CASE("snapshot: well-formed payloads describing impossible states") {
  auto code = [](const secret_parts& p) {
    return decode_secret_error(frame(secret_kind, p.record())).code;
  };
  secret_parts twice;
  twice.next_sequence = 2;
  twice.versions = {version_record(token_a, 0), version_record(token_a, 1)};
  CHECK(code(twice) == snapshot_errc::invalid_state);

  secret_parts nowhere;
  nowhere.labels = {{"AWSCURRENT", 5}};
  CHECK(code(nowhere) == snapshot_errc::invalid_state);

  secret_parts ahead;
  ahead.next_sequence = 0;  // the version's place is not below it
  CHECK(code(ahead) == snapshot_errc::invalid_state);

  secret_parts wraps;
  wraps.next_sequence = std::uint64_t{1} << 62;
  CHECK(code(wraps) == snapshot_errc::invalid_state);

  secret_parts no_current;  // I3: a value and no AWSCURRENT
  no_current.labels = {{"L1", 0}};
  const auto e = decode_secret_error(frame(secret_kind, no_current.record()));
  CHECK(e.code == snapshot_errc::invalid_state);
  CHECK(e.message.find("I3 awscurrent_when_a_value_exists") != std::string::npos);

  secret_parts bad_name;
  bad_name.name = "a b";
  CHECK(code(bad_name) == snapshot_errc::invalid_state);

  secret_parts short_id;
  short_id.versions = {version_record("short", 0)};
  CHECK(code(short_id) == snapshot_errc::invalid_state);

  secret_parts empty_value;
  empty_value.versions = {version_record(token_a, 0, "")};
  CHECK(code(empty_value) == snapshot_errc::invalid_state);

  secret_parts many;  // 21 labels
  for (int i = 0; i < 21; ++i) many.labels.emplace_back("M" + std::to_string(100 + i), 0);
  CHECK(code(many) == snapshot_errc::invalid_state);

  // A second secret with the first one's ARN (no ARN can name two secrets); two secrets out of
  // order.
  secret_parts b;
  b.name = "b";
  const std::string both = varint(2) + bytes(secret_parts{}.record()) + bytes(b.record());
  CHECK(decode_store_error(frame(store_kind, field(1, varint(2)) + field(2, both))).code ==
        snapshot_errc::invalid_state);
  b.arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:b-v6xaqp";
  const std::string in_order = varint(2) + bytes(secret_parts{}.record()) + bytes(b.record());
  CHECK(ss::snapshot::decode_store(frame(store_kind, field(1, varint(2)) + field(2, in_order))));
  const std::string reversed = varint(2) + bytes(b.record()) + bytes(secret_parts{}.record());
  CHECK(decode_store_error(frame(store_kind, field(1, varint(2)) + field(2, reversed))).code ==
        snapshot_errc::malformed);
}

TEST_CASE("snapshot: a version at place 2^61 decodes at once and the next version follows it") {
  secret_parts far;
  far.next_sequence = (std::uint64_t{1} << 61) + 1;
  far.versions = {version_record(token_a, 3), version_record(token_b, std::uint64_t{1} << 61)};
  far.labels = {{"AWSCURRENT", std::uint64_t{1} << 61}, {"AWSPREVIOUS", 3}};
  const std::string bytes_in = frame(secret_kind, far.record());
  auto s = ss::snapshot::decode_secret(bytes_in);
  REQUIRE_MESSAGE(s, s.error().message);
  CHECK(ss::snapshot::encode(s.value()) == bytes_in);
  CHECK(s.value().holder("AWSCURRENT")->sequence() == std::uint64_t{1} << 61);
  ss::store st = ss::store().put(s.value());
  ss::context ctx;
  ctx.now = ss::timestamp{2000};
  auto put = ss::apply(st,
                       ss::put_secret_value{.secret_id = "a",
                                            .client_request_token = std::string(32, 'c'),
                                            .secret_string = std::string("next")},
                       ctx);
  REQUIRE(put);
  CHECK(put.value().state.find("a")->find_version(std::string(32, 'c'))->sequence() ==
        (std::uint64_t{1} << 61) + 1);
  CHECK(ss::check_store_invariants(put.value().state).empty());
}

TEST_CASE("snapshot: errors carry their kind through std::error_code") {
  const auto e = decode_store_error("nope");
  const std::error_code code = make_error_code(e);
  CHECK(code.category().name() == std::string("secretstage.snapshot"));
  CHECK(code.message() == "not_a_snapshot");
  CHECK(ss::as_service_error(e).name() == "InternalServiceError");
}

TEST_CASE("snapshot: bytes per secret") {
  // A typical secret: a 20-character name, two versions with UUID tokens (AWSCURRENT and
  // AWSPREVIOUS), a 40-byte JSON value each, a description and one tag.
  ss::store st;
  ss::context ctx;
  ctx.now = ss::timestamp{1767225600000};
  const std::size_t n = 1000;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string name = "service/" + std::to_string(100000 + i) + "/db-pass";
    auto token = [&](int k) {
      std::string t = "00000000-0000-4000-8000-000000000000";
      const std::string d = std::to_string(i * 10 + static_cast<std::size_t>(k));
      t.replace(t.size() - d.size(), d.size(), d);
      return t;
    };
    auto created =
        ss::apply(st,
                  ss::create_secret{
                      .name = name,
                      .client_request_token = token(1),
                      .description = std::string("credentials"),
                      .secret_string = std::string(R"({"username":"app","password":"0123456789"})"),
                      .tags = std::vector<ss::tag>{{"env", "prod"}}},
                  ctx);
    REQUIRE(created);
    st = created.value().state;
    auto put = ss::apply(st,
                         ss::put_secret_value{.secret_id = name,
                                              .client_request_token = token(2),
                                              .secret_string = std::string(
                                                  R"({"username":"app","password":"abcdefghij"})")},
                         ctx);
    REQUIRE(put);
    st = put.value().state;
  }
  const std::string bytes_out = ss::snapshot::encode(st);
  const double per_secret = static_cast<double>(bytes_out.size() - 28) / static_cast<double>(n);
  MESSAGE("snapshot bytes per typical secret (2 versions, 2 x 42-byte values): " << per_secret);
  CHECK(per_secret < 400);
  auto back = ss::snapshot::decode_store(bytes_out);
  REQUIRE(back);
  CHECK(back.value() == st);
}

// ---- format v2: the resource policy (docs/snapshot-format.md §4, §6)
// ----------------------------------------------------------------

namespace {
const std::string policy_text =
    R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",)"
    R"("Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:GetSecretValue",)"
    R"("Resource":"*"}})";
ss::secret with_policy(const ss::secret& s, const std::string& text) {
  ss::context ctx;
  ctx.now = ss::timestamp{1000};
  auto r = ss::apply(s, ss::put_resource_policy{.secret_id = "a", .resource_policy = text}, ctx);
  REQUIRE_MESSAGE(r, r.error().message);
  return r.value().state;
}
}  // namespace

TEST_CASE("snapshot v2: a resource policy is field 32, and only then is the file version 2") {
  const ss::secret plain = one_secret();
  CHECK(ss::snapshot::encode(plain).substr(8, 2) == fixed(1, 2));  // still v1 without a policy
  const ss::secret s = with_policy(plain, policy_text);
  const std::string bytes = ss::snapshot::encode(s);
  CHECK(bytes.substr(8, 2) == fixed(2, 2));
  // Written by hand from the document: the v1 record, then field 32 with the text as given.
  secret_parts parts;
  parts.extra = field(32, policy_text);
  CHECK(bytes == frame(secret_kind, parts.record(), 2));
  auto back = ss::snapshot::decode_secret(bytes);
  REQUIRE_MESSAGE(back, back.error().message);
  CHECK(back.value() == s);
  CHECK(back.value().resource_policy() == std::optional<std::string>(policy_text));
  SUBCASE("a store with one policy among several secrets is v2; removing it goes back to v1") {
    ss::store st = ss::store().with_creations(1).put(s);
    const std::string store_bytes = ss::snapshot::encode(st);
    CHECK(store_bytes.substr(8, 2) == fixed(2, 2));
    auto store_back = ss::snapshot::decode_store(store_bytes);
    REQUIRE_MESSAGE(store_back, store_back.error().message);
    CHECK(store_back.value() == st);
    ss::context ctx;
    ctx.now = ss::timestamp{2000};
    auto removed = ss::apply(st, ss::delete_resource_policy{.secret_id = "a"}, ctx);
    REQUIRE(removed);
    CHECK(ss::snapshot::encode(removed.value().state).substr(8, 2) == fixed(1, 2));
  }
}

TEST_CASE("snapshot v2: what a reader refuses") {
  secret_parts parts;
  parts.extra = field(32, policy_text);
  SUBCASE("field 32 in a version 1 file: an unknown field") {
    const auto e = decode_secret_error(frame(secret_kind, parts.record(), 1));
    CHECK(e.code == snapshot_errc::malformed);
    CHECK(e.message.find("secret record has no field 32 in format version 1") != std::string::npos);
  }
  SUBCASE("a version 2 file with nothing of version 2: not the state's one encoding") {
    secret_parts plain;
    const auto e = decode_secret_error(frame(secret_kind, plain.record(), 2));
    CHECK(e.code == snapshot_errc::malformed);
    CHECK(e.offset == 8);
    const auto st = decode_store_error(frame(store_kind, field(1, varint(0)), 2));
    CHECK(st.code == snapshot_errc::malformed);
  }
  SUBCASE("a policy that PutResourcePolicy would refuse: an impossible state") {
    secret_parts bad;
    bad.extra = field(32, R"({"Statement":[]})");
    const auto e = decode_secret_error(frame(secret_kind, bad.record(), 2));
    CHECK(e.code == snapshot_errc::invalid_state);
    secret_parts empty;
    empty.extra = field(32, "");
    CHECK(decode_secret_error(frame(secret_kind, empty.record(), 2)).code == snapshot_errc::invalid_state);
  }
  SUBCASE("the golden v1 files still decode, and encode to the same bytes") {
    const std::string golden = parse_hex(read_file(golden_path("one_secret_v1.hex")));
    auto back = ss::snapshot::decode_secret(golden);
    REQUIRE(back);
    CHECK_FALSE(back.value().resource_policy().has_value());
    CHECK(ss::snapshot::encode(back.value()) == golden);
  }
}

// ---- format v3: the rotation progress (docs/snapshot-format.md §4, §6)
// ----------------------------------------------------------------

namespace {
const std::string progress_fn = "arn:aws:lambda:us-east-1:123456789012:function:rotate";

/// one_secret() after RotateSecret with token B and progress_fn at 2000 (RotateImmediately as
/// given), before the service begins a rotation or a test.
ss::secret rotate_at_2000(std::optional<bool> rotate_immediately) {
  ss::context ctx;
  ctx.now = ss::timestamp{2000};
  ctx.functions = ss::rotation_functions{progress_fn};
  auto rotated = ss::apply(one_secret(),
                           ss::rotate_secret{.secret_id = "a", .client_request_token = token_b,
                                             .rotation_lambda_arn = progress_fn,
                                             .rotate_immediately = rotate_immediately},
                           ctx);
  REQUIRE(rotated);
  return rotated.value().state;
}
}  // namespace

TEST_CASE("snapshot v3: a rotation in progress is field 17, and only then is the file version 3") {
  // RotateSecret with the function (RotationEnabled, the ARN, the AWSPENDING placeholder), then
  // the progress the service begins: I25 holds.
  const ss::secret plain = rotate_at_2000(std::nullopt);
  CHECK(ss::snapshot::encode(plain).substr(8, 2) == fixed(1, 2));
  const ss::secret started = ss::begin_rotation(plain, token_b, progress_fn, ss::timestamp{2000});
  const std::string without = ss::snapshot::encode(plain);
  SUBCASE("fresh: no failure, due at 2000") {
    const std::string encoded = ss::snapshot::encode(started);
    CHECK(encoded.substr(8, 2) == fixed(3, 2));
    // version id, function, step 0 (createSecret), 0 attempts, presence 2 (next attempt), time;
    // the last field of this secret's record, the v1 record's bytes before it.
    const std::string f17 = field(17, bytes(token_b) + bytes(progress_fn) + std::string(1, '\0') +
                                          varint(0) + std::string(1, '\2') + fixed(2000, 8));
    const std::string payload = without.substr(24, without.size() - 28) + f17;
    CHECK(encoded == frame(secret_kind, payload, 3));
    auto back = ss::snapshot::decode_secret(encoded);
    REQUIRE_MESSAGE(back, back.error().message);
    CHECK(back.value() == started);
  }
  SUBCASE("failed and given up: the failure kept, no next attempt") {
    auto failed = ss::rotation_step_failed(started, token_b, ss::rotation_step::create_secret,
                                           "createSecret: exit status 1", ss::timestamp{3000},
                                           ss::rotation_retry_policy{1, 10});
    REQUIRE(failed);
    const std::string encoded = ss::snapshot::encode(*failed);
    const std::string f17 = field(17, bytes(token_b) + bytes(progress_fn) + std::string(1, '\0') +
                                          varint(1) + std::string(1, '\1') +
                                          bytes("createSecret: exit status 1"));
    CHECK(encoded == frame(secret_kind, without.substr(24, without.size() - 28) + f17, 3));
    auto back = ss::snapshot::decode_secret(encoded);
    REQUIRE_MESSAGE(back, back.error().message);
    CHECK(back.value() == *failed);
    CHECK(back.value().rotation_progress()->given_up());
  }
  SUBCASE("progress on a secret whose rotation is off: an impossible state (I25)") {
    const ss::secret off = ss::begin_rotation(one_secret(), token_b, progress_fn, ss::timestamp{1});
    CHECK(decode_secret_error(ss::snapshot::encode(off)).code == snapshot_errc::invalid_state);
  }
  SUBCASE("cleared: back to version 1") {
    CHECK(ss::snapshot::encode(ss::clear_rotation_progress(started)) == without);
  }
}

TEST_CASE("snapshot v3: what a reader refuses") {
  const std::string good = bytes(token_b) + bytes(progress_fn) + std::string(1, '\1') + varint(0) +
                           std::string(1, '\0');
  SUBCASE("field 17 in a version 2 file: an unknown field") {
    secret_parts parts;
    parts.extra = field(17, good);
    const auto e = decode_secret_error(frame(secret_kind, parts.record(), 2));
    CHECK(e.code == snapshot_errc::malformed);
    CHECK(e.message.find("secret record has no field 17 in format version 2") != std::string::npos);
  }
  SUBCASE("a version 3 file with nothing of version 3") {
    secret_parts plain;
    CHECK(decode_secret_error(frame(secret_kind, plain.record(), 3)).code == snapshot_errc::malformed);
  }
  SUBCASE("a step past finishSecret, unknown presence bits, no version id") {
    secret_parts step;
    step.extra = field(17, bytes(token_b) + bytes(progress_fn) + std::string(1, '\4') + varint(0) +
                               std::string(1, '\0'));
    CHECK(decode_secret_error(frame(secret_kind, step.record(), 3)).code == snapshot_errc::malformed);
    secret_parts bits;
    bits.extra = field(17, bytes(token_b) + bytes(progress_fn) + std::string(1, '\0') + varint(0) +
                               std::string(1, '\4'));
    CHECK(decode_secret_error(frame(secret_kind, bits.record(), 3)).code == snapshot_errc::malformed);
    secret_parts empty;
    empty.extra = field(17, bytes("") + bytes(progress_fn) + std::string(1, '\0') + varint(0) +
                                std::string(1, '\0'));
    CHECK(decode_secret_error(frame(secret_kind, empty.record(), 3)).code == snapshot_errc::malformed);
    secret_parts counted;  // an attempt failed, but no failure on record
    counted.extra = field(17, bytes(token_b) + bytes(progress_fn) + std::string(1, '\0') +
                                  varint(1) + std::string(1, '\0'));
    CHECK(decode_secret_error(frame(secret_kind, counted.record(), 3)).code == snapshot_errc::malformed);
  }
  SUBCASE("with field 32 after it: both versions' fields, version 3") {
    secret_parts parts;
    parts.extra = field(17, good) + field(32, "{}");
    // "{}" is no policy PutResourcePolicy accepts: the reader got past the order check to it.
    CHECK(decode_secret_error(frame(secret_kind, parts.record(), 3)).code == snapshot_errc::invalid_state);
  }
}

// ---- format v4: a test of the rotation configuration (field 18) -----------------------------

TEST_CASE("snapshot v4: a test of the configuration is field 18 after 17, and only then version 4") {
  // RotateSecret with RotateImmediately false, then the test the service begins: version B with
  // AWSCURRENT's value and AWSPENDING, a progress waiting for testSecret.
  const ss::secret plain = rotate_at_2000(false);
  const auto tested = ss::begin_rotation_test(plain, token_b, progress_fn, ss::timestamp{2000});
  REQUIRE(tested);
  const std::string encoded = ss::snapshot::encode(*tested);
  CHECK(encoded.substr(8, 2) == fixed(4, 2));
  // version id, function, step 2 (testSecret), 0 attempts, presence 2 (next attempt), the next
  // attempt; then field 18, empty: the last fields of this secret's record.
  const std::string f17 = field(17, bytes(token_b) + bytes(progress_fn) + std::string(1, '\2') +
                                        varint(0) + std::string(1, '\2') + fixed(2000, 8));
  const std::string tail = f17 + field(18, "");
  REQUIRE(encoded.size() > tail.size() + 4);
  CHECK(encoded.substr(encoded.size() - 4 - tail.size(), tail.size()) == tail);
  auto back = ss::snapshot::decode_secret(encoded);
  REQUIRE_MESSAGE(back, back.error().message);
  CHECK(back.value() == *tested);
  CHECK(back.value().rotation_progress()->test_only);
  // Once it ended: the plain secret's bytes again (version 1: no progress, no version B).
  auto ended = ss::rotation_step_succeeded(*tested, token_b, ss::rotation_step::test_secret,
                                           ss::timestamp{3000});
  REQUIRE(ended);
  const std::string plain_bytes = ss::snapshot::encode(plain);
  const std::string ended_bytes = ss::snapshot::encode(*ended);
  CHECK(ended_bytes.substr(8, 2) == fixed(1, 2));
  // Only the next version's place moved on (the test's version took one).
  CHECK(ended_bytes.size() == plain_bytes.size());
  CHECK(ended->version_count() == plain.version_count());
  CHECK(ended->stages() == plain.stages());
  CHECK_FALSE(ended->rotation_progress());
}

TEST_CASE("snapshot v4: what a reader refuses") {
  const std::string test17 = bytes(token_b) + bytes(progress_fn) + std::string(1, '\2') +
                             varint(0) + std::string(1, '\2') + fixed(2000, 8);
  SUBCASE("field 18 in a version 3 file: an unknown field") {
    secret_parts parts;
    parts.extra = field(17, test17) + field(18, "");
    const auto e = decode_secret_error(frame(secret_kind, parts.record(), 3));
    CHECK(e.code == snapshot_errc::malformed);
    CHECK(e.message.find("secret record has no field 18 in format version 3") != std::string::npos);
  }
  SUBCASE("field 18 without field 17, or not empty") {
    secret_parts alone;
    alone.extra = field(18, "");
    CHECK(decode_secret_error(frame(secret_kind, alone.record(), 4)).code == snapshot_errc::malformed);
    secret_parts full;
    full.extra = field(17, test17) + field(18, "x");
    CHECK(decode_secret_error(frame(secret_kind, full.record(), 4)).code == snapshot_errc::malformed);
  }
  SUBCASE("a version 4 file with nothing of version 4") {
    secret_parts plain;
    CHECK(decode_secret_error(frame(secret_kind, plain.record(), 4)).code == snapshot_errc::malformed);
  }
  SUBCASE("a test waiting for another step, or given up") {
    secret_parts step;
    step.extra = field(17, bytes(token_b) + bytes(progress_fn) + std::string(1, '\0') + varint(0) +
                               std::string(1, '\2') + fixed(2000, 8)) +
                 field(18, "");
    CHECK(decode_secret_error(frame(secret_kind, step.record(), 4)).code == snapshot_errc::malformed);
    secret_parts given_up;
    given_up.extra = field(17, bytes(token_b) + bytes(progress_fn) + std::string(1, '\2') +
                                   varint(0) + std::string(1, '\0')) +
                     field(18, "");
    CHECK(decode_secret_error(frame(secret_kind, given_up.record(), 4)).code ==
          snapshot_errc::malformed);
  }
}

// ---- replication (format version 3, fields 33 and 34) ---------------------------------------

TEST_CASE("snapshot: a replica's primary Region and a primary's replicas (format version 3)") {
  SUBCASE("field 34 read as written by hand from docs/snapshot-format.md") {
    secret_parts p;
    // One replica: Region "eu-west-1", flags 1|4 (KmsKeyId, LastAccessedDate), KmsKeyId "k",
    // status 2 (Failed), StatusMessage "m", LastAccessedDate 86,400,000 ms.
    p.extra = field(34, varint(1) + bytes("eu-west-1") + std::string("\x05", 1) + bytes("k") +
                            std::string("\x02", 1) + bytes("m") + fixed(86'400'000, 8));
    const auto s = ss::snapshot::decode_secret(frame(secret_kind, p.record(), 3));
    REQUIRE(s);
    REQUIRE(s.value().replicas().size() == 1);
    const ss::replica_entry& e = s.value().replicas()[0];
    CHECK(e.region == "eu-west-1");
    CHECK(e.kms_key_id == std::optional<std::string>("k"));
    CHECK(e.status == ss::replication_state::failed);
    CHECK(e.status_message == "m");
    CHECK_FALSE(e.force_overwrite);
    CHECK(e.last_accessed == std::optional<ss::timestamp>(ss::timestamp{86'400'000}));
    // And written back to the same bytes.
    CHECK(ss::snapshot::encode(s.value()) == frame(secret_kind, p.record(), 3));
  }
  SUBCASE("field 33 gives PrimaryRegion") {
    secret_parts p;
    p.extra = field(33, "us-east-1");
    const auto s = ss::snapshot::decode_secret(frame(secret_kind, p.record(), 3));
    REQUIRE(s);
    CHECK(s.value().primary_region() == std::optional<std::string>("us-east-1"));
    CHECK(ss::snapshot::encode(s.value()) == frame(secret_kind, p.record(), 3));
  }
  SUBCASE("in a version 2 file they are unknown fields") {
    secret_parts p;
    p.extra = field(33, "us-east-1");
    const auto e = decode_secret_error(frame(secret_kind, p.record(), 2));
    CHECK(e.code == snapshot_errc::malformed);
    CHECK(e.message.find("no field 33 in format version 2") != std::string::npos);
  }
  SUBCASE("an unknown status or flag is refused") {
    secret_parts p;
    p.extra = field(34, varint(1) + bytes("eu-west-1") + std::string("\x00", 1) +
                            std::string("\x03", 1) + bytes(""));
    CHECK(decode_secret_error(frame(secret_kind, p.record(), 3)).code == snapshot_errc::malformed);
    p.extra = field(34, varint(1) + bytes("eu-west-1") + std::string("\x08", 1) +
                            std::string("\x01", 1) + bytes(""));
    CHECK(decode_secret_error(frame(secret_kind, p.record(), 3)).code == snapshot_errc::malformed);
  }
}

}  // namespace snapshot_test
