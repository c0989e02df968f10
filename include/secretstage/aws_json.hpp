#ifndef SECRETSTAGE_AWS_JSON_HPP
#define SECRETSTAGE_AWS_JSON_HPP

// Opt-in (not included by secretstage.hpp): the AWS JSON 1.1 wire format of Secrets Manager.
// A request is `POST /` with `X-Amz-Target: secretsmanager.<Operation>` and a JSON body; the
// answer is 200 with the response body, or an error status with {"__type": …, "Message": …}.
//
//   auto op = aws_json::operation_from_target(target_header);   // "PutSecretValue"
//   if (op) { auto [next, answer] = aws_json::handle(store, op.value(), body, ctx); … }
//
// Reading a request (parse_request) goes in the order of AWS's front end; the first failing step
// decides, and nothing is thrown (only std::bad_alloc propagates):
//   1. the operation is one of the 20 of store_operation.hpp
//        else UnknownOperationException, no message
//   2. the body is one JSON value, valid UTF-8, nested at most 64 deep; an empty (or
//      all-whitespace) body or `null` reads as {}
//        else SerializationException, no message
//   3. the body is an object, and every member the operation knows has its model type (string,
//      boolean, integer, long, base64 blob, list, structure); the first mismatch in the model's
//      member order decides
//        else SerializationException with AWS's deserializer text
//   4. required members are present and enum values in their set; all violations together
//        else ValidationException "1 validation error detected: …" ("2 validation errors …; …")
// Then apply() runs the operation's own checks (lengths, ranges, patterns, state), which report
// their first failure (docs/semantics.md#validation).
//
// Rulings where AWS's behaviour is not recorded (docs/semantics.md#wire-adapter; see also
// messages.hpp):
//   - Unknown members are ignored, as AWS's JSON front end does (forward compatibility: an SDK
//     newer than the service may send members it does not know). Member names are
//     case-sensitive, so "secretId" is unknown and SecretId then missing.
//   - null is the same as absent, in the body and inside structures (Smithy's awsJson1_1 protocol
//     tests: servers don't deserialize null structure values).
//   - An empty body is accepted as {} (Smithy's awsJson1_1 protocol tests: services "must support
//     no payload"); for an operation with required members that then fails step 4.
//   - A repeated member counts once, with its last value.
//   - Integers and longs accept any JSON number: a fraction is truncated toward zero and a value
//     outside the Java type's range is clamped to it, then the model's range check applies.
//   - A null list element, and an absent Filter Key / Values or Tag Key, are violations
//     "Value null at 'tags.1.member.key' …" (the model cannot represent them); an absent Tag Value
//     reads as "".
//   - Real AWS members the model does not implement are type-checked like the others and then
//     ignored: CreateSecret AddReplicaRegions, ForceOverwriteReplicaSecret, Type; PutSecretValue
//     RotationToken; UpdateSecret Type; RotateSecret ExternalSecretRotationMetadata,
//     ExternalSecretRotationRoleArn; ListSecrets SortBy (its enum is checked; the model always
//     sorts by CreatedDate).
//   - ClientRequestToken is never generated here: a request without one uses ctx.generated_token
//     (what an SDK would have sent), or, left empty, is rejected as AWS rejects a raw request.
//   - An operation of the service that the model lacks (e.g. ReplicateSecretToRegions) is unknown here.
//
// Cost: time linear in the body (unknown members are skipped, never built); memory for the
// members read, so a server should cap the body size as AWS caps its requests.
//
// Writing a response (response_body): compact JSON, members in byte order of their names (the
// order of the API reference), dates as epoch seconds in AWS's notation (1.523477145713E9, ms
// precision; format_date), SecretBinary as base64. Optional members that are unset and nested
// lists or maps that are empty are omitted, as AWS omits them (a deprecated version has no
// VersionStages); the top-level lists of a listing (SecretList, Versions, SecretValues, Errors)
// are always written, as the AWS CLI examples show them ("Errors": []). TagResource and
// UntagResource have no output: their body is empty (Smithy: a service "is expected to return an
// empty payload"). Strings are escaped as nlohmann/json's dump does, with each ill-formed UTF-8
// part replaced by U+FFFD, so writing never fails.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "detail/json.hpp"
#include "error.hpp"
#include "messages.hpp"
#include "store_operation.hpp"

namespace secretstage::aws_json {

namespace wire {
template <class... Request>
constexpr std::array<std::string_view, sizeof...(Request)> names_of(type_list<Request...>) {
  return {description_of<Request>::operation...};
}
template <std::size_t N>
constexpr bool all_distinct(const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t k = i + 1; k < N; ++k)
      if (names[i] == names[k]) return false;
  return true;
}
}  // namespace wire

/// The operations of store_operation.hpp by AWS name, in the order of its variant.
inline constexpr auto operation_names =
    wire::names_of(::secretstage::detail::store_requests<aws_traits>{});
static_assert(wire::all_distinct(operation_names), "two operations share an AWS name");

// The functions below that are not templates of their own are templates over an unused D (always
// void) with their types spelled deferred_t (detail/deferred.hpp): a translation unit compiles
// them only where it calls them (benchmarks/README.md, header parse cost). Callers see the same
// signatures.

/// "secretsmanager.PutSecretValue" -> "PutSecretValue" (a view into the argument); any other
/// target, including another service's or a different case -> UnknownOperationException.
template <class D = void>
[[nodiscard]] detail::deferred_t<result<std::string_view>, D> operation_from_target(
    detail::deferred_t<std::string_view, D> x_amz_target) {
  constexpr std::string_view prefix = "secretsmanager.";
  if (x_amz_target.substr(0, prefix.size()) == prefix) {
    const detail::deferred_t<std::string_view, D> name = x_amz_target.substr(prefix.size());
    for (std::string_view known : operation_names)
      if (name == known) return name;
  }
  return messages::unknown_operation();
}

/// A date as AWS's JSON writes it: epoch seconds, Java's Double.toString of the millisecond
/// value ("1.523477145713E9", "1.5234048E9", "0.0"; plain notation below 10^7 seconds).
template <class D = void>
[[nodiscard]] detail::deferred_t<std::string, D> format_date(detail::deferred_t<timestamp, D> t) {
  const bool negative = t.epoch_ms < 0;
  const std::uint64_t ms = negative ? std::uint64_t{0} - static_cast<std::uint64_t>(t.epoch_ms)
                                    : static_cast<std::uint64_t>(t.epoch_ms);
  if (ms == 0) return "0.0";
  detail::deferred_t<std::string, D> out = negative ? "-" : "";
  const auto strip = [](detail::deferred_t<std::string, D> digits) {
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    return digits;
  };
  if (ms < 10'000'000'000ull) {  // below 10^7 seconds
    detail::deferred_t<std::string, D> fraction = std::to_string(ms % 1000);
    fraction.insert(0, 3 - fraction.size(), '0');
    out.append(std::to_string(ms / 1000)).append(".").append(strip(fraction));
    return out;
  }
  const detail::deferred_t<std::string, D> digits = std::to_string(ms);
  out.push_back(digits[0]);
  out.append(".").append(strip(digits.substr(1)));
  out.append("E").append(std::to_string(digits.size() - 4));  // 10^(digits-1) ms = 10^(digits-4) s
  return out;
}

/// {"__type":"<Code>","Message":"<text>"}; an exception without a message (SerializationException
/// for an unreadable body, UnknownOperationException) has no Message member, as AWS sends them.
template <class D = void>
[[nodiscard]] detail::deferred_t<std::string, D> error_body(const detail::deferred_t<error, D>& e) {
  detail::deferred_t<std::string, D> out = "{\"__type\":";
  detail::json::append_string<D>(out, e.name());
  if (!e.message.empty()) {
    out.append(",\"Message\":");
    detail::json::append_string<D>(out, e.message);
  }
  out.push_back('}');
  return out;
}

/// The Content-Type of an AWS JSON 1.1 request: `application/x-amz-json-1.1`, with optional
/// parameters after `;`, the media type compared case-insensitively. Anything else, or no header
/// (empty), is UnknownOperationException: AWS's JSON front end does not dispatch a request of
/// another content type (Kinesis answered `application/octet-stream` so, disneystreaming/smithy4s
/// #167) [unverified for Secrets Manager].
template <class D = void>
[[nodiscard]] detail::deferred_t<result<void>, D> check_content_type(
    detail::deferred_t<std::string_view, D> content_type) {
  const auto semicolon = content_type.find(';');
  std::string_view media = content_type.substr(0, semicolon);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  constexpr std::string_view expected = "application/x-amz-json-1.1";
  if (media.size() != expected.size()) return messages::unknown_operation();
  for (std::size_t i = 0; i < media.size(); ++i) {
    char c = media[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != expected[i]) return messages::unknown_operation();
  }
  return ok();
}

/// The HTTP status AWS uses for the error: 400 for every exception, except InternalServiceError,
/// which the service model marks as a server fault: 500 (AWS's error pages give both; ruling: the
/// model's fault flag, which is also what makes SDKs retry it; docs/semantics.md#errors).
[[nodiscard]] inline int http_status(const error& e) noexcept {
  return e.code == errc::internal_service_error ? 500 : 400;
}

namespace wire {

namespace json = ::secretstage::detail::json;

template <class Traits>
constexpr void require_string_domain() {
  static_assert(std::is_same_v<typename Traits::label_type, std::string> &&
                    std::is_same_v<typename Traits::version_id_type, std::string>,
                "the AWS wire format carries staging labels and version ids as strings");
}

// ---- reading ----------------------------------------------------------------------------------

using slot = std::optional<json::value>;

/// The members of `body` named in `names`, by position; the others are ignored. null counts as
/// absent; of a repeated member, the last one counts.
template <std::size_t N>
std::array<slot, N> members(const slot& body, const std::array<std::string_view, N>& names) {
  std::array<slot, N> out{};
  if (!body) return out;
  body->for_each_member([&](const std::string& key, json::value v) {
    for (std::size_t i = 0; i < N; ++i) {
      if (key == names[i]) {
        out[i] = v.is_null() ? slot() : slot(v);
        return;
      }
    }
  });
  return out;
}

/// The model types of request members, as the deserializer names them in its messages.
enum class shape : std::uint8_t { string, boolean, integer, long_integer, blob, list, structure };

/// The SerializationException for `v` where a `expected` is wanted (`structure`: the shape name
/// of the expected structure, e.g. "Tag").
template <class Value>
error mismatch(const Value& v, shape expected, std::string_view structure = {}) {
  const auto java_type = [](shape s) -> std::string_view {
    switch (s) {
      case shape::string:
        return "String";
      case shape::boolean:
        return "Boolean";
      case shape::integer:
        return "Integer";
      case shape::long_integer:
        return "Long";
      default:
        return "";
    }
  };
  const bool container = expected == shape::list || expected == shape::structure;
  switch (v.type()) {
    case json::kind::object:
      return messages::unexpected_structure();
    case json::kind::array:
      switch (expected) {
        case shape::blob:
          return messages::unrecognized_collection("java.nio.ByteBuffer");
        case shape::structure:
          return messages::unrecognized_collection(
              std::string("com.amazonaws.secretsmanager.").append(structure));
        default:
          return messages::unrecognized_collection(
              std::string("java.lang.").append(java_type(expected)));
      }
    case json::kind::string:
      if (container) return messages::unexpected_field_type();
      if (expected == shape::boolean) return messages::unexpected_token();
      return messages::cannot_convert("STRING_VALUE", java_type(expected));
    case json::kind::boolean:
    case json::kind::number: {
      if (container) return messages::unexpected_field_type();
      if (expected == shape::blob) return messages::not_base64();
      const std::string_view token = v.type() == json::kind::boolean
                                         ? (v.boolean() ? "TRUE_VALUE" : "FALSE_VALUE")
                                         : (v.is_integral() ? "NUMBER_VALUE" : "DECIMAL_VALUE");
      return messages::cannot_convert(token, java_type(expected));
    }
    case json::kind::null:
      break;
  }
  return messages::unexpected_field_type();  // null never reaches here: it reads as absent
}

/// FilterNameStringType's value set, in the service model's order.
inline constexpr std::string_view filter_keys =
    "description, name, tag-key, tag-value, primary-region, owning-service, all";

/// Reads typed members into a request. Records the first SerializationException (after which it
/// reads nothing more) and every constraint violation that the model's request structs cannot
/// express (a missing required member, an unknown enum value).
/// A template only so that it is compiled where a request is read, not in every file that
/// includes this header (issue 5's parse-time budget).
template <class Traits>
class decoder {
 public:
  [[nodiscard]] bool failed() const noexcept { return failure_.has_value(); }

  template <class T>
  [[nodiscard]] result<T> finish(T value) {
    if (failure_) return std::move(*failure_);
    if (!violations_.empty()) return messages::validation_failed(violations_);
    return value;
  }

  void violation(std::string text) {
    if (!failed()) violations_.push_back(std::move(text));
  }

  [[nodiscard]] static std::string element_path(std::string_view member, std::size_t index) {
    return std::string(member).append(".").append(std::to_string(index)).append(".member");
  }

  /// Whether `v` is present and of kind `k`; records the mismatch when it is present and not.
  bool expect(const slot& v, json::kind k, shape s, std::string_view structure = {}) {
    if (failed() || !v) return false;
    if (v->type() == k) return true;
    failure_ = mismatch(*v, s, structure);
    return false;
  }

  void string(const slot& v, std::optional<std::string>& out) {
    if (expect(v, json::kind::string, shape::string)) out = v->string();
  }
  void required_string(const slot& v, std::string& out, std::string_view member) {
    if (!v) return violation(messages::null_violation(member));
    if (expect(v, json::kind::string, shape::string)) out = v->string();
  }
  void boolean(const slot& v, std::optional<bool>& out) {
    if (expect(v, json::kind::boolean, shape::boolean)) out = v->boolean();
  }
  void boolean(const slot& v, bool& out) {
    if (expect(v, json::kind::boolean, shape::boolean)) out = v->boolean();
  }
  void integer(const slot& v, std::optional<int>& out) {
    if (expect(v, json::kind::number, shape::integer))
      out = static_cast<int>(
          v->to_integer(std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
  }
  void long_integer(const slot& v, std::optional<std::int64_t>& out) {
    if (expect(v, json::kind::number, shape::long_integer))
      out = v->to_integer(std::numeric_limits<std::int64_t>::min(),
                          std::numeric_limits<std::int64_t>::max());
  }
  void blob(const slot& v, std::optional<binary>& out) {
    if (!expect(v, json::kind::string, shape::blob)) return;
    const std::string text = v->string();
    json::base64_decoded decoded = json::base64_decode(text);
    switch (decoded.defect) {
      case json::base64_defect::none:
        out = std::move(decoded.bytes);
        return;
      case json::base64_defect::length:
        failure_ = messages::base64_length(decoded.length);
        return;
      case json::base64_defect::last_character:
        failure_ = messages::base64_last_character();
        return;
      case json::base64_defect::character: {
        const std::size_t at = decoded.position;
        const json::utf8_step step = json::utf8_next(text, at);
        failure_ = messages::base64_character(std::string_view(text).substr(at, step.length));
        return;
      }
    }
  }

  /// A list of strings; `member` names its elements in messages ("versionStages.2.member").
  void string_list(const slot& v, std::optional<std::vector<std::string>>& out,
                   std::string_view member) {
    if (!expect(v, json::kind::array, shape::list)) return;
    std::vector<std::string> items;
    std::size_t index = 0;
    v->for_each_element([&](json::value e) {
      ++index;
      if (failed()) return;
      if (e.is_null()) {
        violation(messages::null_violation(element_path(member, index)));
        items.emplace_back();
      } else if (expect(e, json::kind::string, shape::string)) {
        items.push_back(e.string());
      }
    });
    out = std::move(items);
  }

  /// A list of structures; read(path, element members) reads one element.
  template <std::size_t N, class Read>
  void structure_list(const slot& v, std::string_view member, std::string_view structure,
                      const std::array<std::string_view, N>& names, Read&& read) {
    if (!expect(v, json::kind::array, shape::list)) return;
    std::size_t index = 0;
    v->for_each_element([&](json::value e) {
      ++index;
      if (failed()) return;
      const std::string path = element_path(member, index);
      if (e.is_null()) return violation(messages::null_violation(path));
      if (expect(e, json::kind::object, shape::structure, structure)) read(path, members(e, names));
    });
  }

  /// Tags: [{"Key": …, "Value": …}]. A Tag without Key is a violation; without Value, "".
  void tags(const slot& v, std::optional<std::vector<tag>>& out, std::string_view member) {
    std::vector<tag> items;
    structure_list<2>(v, member, "Tag", {"Key", "Value"}, [&](const std::string& path, auto m) {
      tag t;
      required_string(m[0], t.key, path + ".key");
      std::optional<std::string> value;
      string(m[1], value);
      t.value = value.value_or(std::string());
      items.push_back(std::move(t));
    });
    if (v && !failed()) out = std::move(items);
  }

  /// Filters: [{"Key": "<filter key>", "Values": ["…"]}].
  void filters(const slot& v, std::optional<std::vector<filter>>& out) {
    std::vector<filter> items;
    structure_list<2>(
        v, "filters", "Filter", {"Key", "Values"}, [&](const std::string& path, auto m) {
          filter f;
          std::string key;
          required_string(m[0], key, path + ".key");
          if (m[0] && !failed()) {
            bool known = false;
            for (auto k : {filter_key::description, filter_key::name, filter_key::tag_key,
                           filter_key::tag_value, filter_key::primary_region,
                           filter_key::owning_service, filter_key::all}) {
              if (key == filter_key_name(k)) {
                f.key = k;
                known = true;
              }
            }
            if (!known) violation(messages::enum_violation(path + ".key", key, filter_keys));
          }
          if (!m[1]) violation(messages::null_violation(path + ".values"));
          std::optional<std::vector<std::string>> values;
          string_list(m[1], values, path + ".values");
          f.values = std::move(values).value_or(std::vector<std::string>());
          items.push_back(std::move(f));
        });
    if (v && !failed()) out = std::move(items);
  }

  /// AddReplicaRegions: [{"Region": …, "KmsKeyId": …}]; both members optional in the model, a
  /// Region left out reads as "" (which the operation's pattern check refuses).
  void replica_regions(const slot& v, std::optional<std::vector<replica_region>>& out,
                       std::string_view member) {
    std::vector<replica_region> items;
    structure_list<2>(v, member, "ReplicaRegionType", {"Region", "KmsKeyId"},
                      [&](const std::string&, auto m) {
                        replica_region r;
                        std::optional<std::string> region;
                        string(m[0], region);
                        r.region = region.value_or(std::string());
                        string(m[1], r.kms_key_id);
                        items.push_back(std::move(r));
                      });
    if (v && !failed()) out = std::move(items);
  }

  void rotation_rules(const slot& v, std::optional<::secretstage::rotation_rules>& out) {
    if (!expect(v, json::kind::object, shape::structure, "RotationRulesType")) return;
    const auto m = members<3>(v, {"AutomaticallyAfterDays", "Duration", "ScheduleExpression"});
    ::secretstage::rotation_rules rules;
    long_integer(m[0], rules.automatically_after_days);
    string(m[1], rules.duration);
    string(m[2], rules.schedule_expression);
    out = std::move(rules);
  }

  /// A string member restricted to `allowed`; returns its index there (or nothing).
  template <std::size_t N>
  std::optional<std::size_t> enumeration(const slot& v, std::string_view member,
                                         const std::array<std::string_view, N>& allowed) {
    std::optional<std::string> text;
    string(v, text);
    if (!text) return std::nullopt;
    for (std::size_t i = 0; i < N; ++i)
      if (*text == allowed[i]) return i;
    std::string set;
    for (std::size_t i = 0; i < N; ++i) set.append(i ? ", " : "").append(allowed[i]);
    violation(messages::enum_violation(member, *text, set));
    return std::nullopt;
  }

  /// A real AWS member the model does not implement: only its type is checked.
  void ignored_string(const slot& v) {
    std::optional<std::string> unused;
    string(v, unused);
  }
  void ignored_boolean(const slot& v) {
    std::optional<bool> unused;
    boolean(v, unused);
  }
  /// A list of structures whose members are all strings.
  template <std::size_t N>
  void ignored_structure_list(const slot& v, std::string_view member, std::string_view structure,
                              const std::array<std::string_view, N>& names) {
    structure_list<N>(v, member, structure, names, [&](const std::string&, auto m) {
      for (const auto& s : m) ignored_string(s);
    });
  }

 private:
  std::optional<error> failure_;
  std::vector<std::string> violations_;
};

/// How AWS's messages name a member: its AWS name in lowerCamelCase ("SecretId" -> "secretId").
template <class Member>
inline constexpr auto message_name_text = [] {
  std::array<char, Member::name.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = Member::name[i];
  if (out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}();
template <class Member>
constexpr std::string_view message_name() noexcept {
  return {message_name_text<Member>.data(), message_name_text<Member>.size()};
}

/// Reads a member of `shape` into `out` (a std::optional); records what decoder records.
template <class Member, class Traits, class Out>
void read_shape(decoder<Traits>& d, const slot& v, Out& out) {
  constexpr std::string_view name = message_name<Member>();
  if constexpr (Member::shape == wire_shape::string) {
    d.string(v, out);
  } else if constexpr (Member::shape == wire_shape::boolean) {
    d.boolean(v, out);
  } else if constexpr (Member::shape == wire_shape::integer) {
    d.integer(v, out);
  } else if constexpr (Member::shape == wire_shape::long_integer) {
    d.long_integer(v, out);
  } else if constexpr (Member::shape == wire_shape::blob) {
    d.blob(v, out);
  } else if constexpr (Member::shape == wire_shape::string_list) {
    d.string_list(v, out, name);
  } else if constexpr (Member::shape == wire_shape::tag_list) {
    d.tags(v, out, name);
  } else if constexpr (Member::shape == wire_shape::filter_list) {
    d.filters(v, out);
  } else if constexpr (Member::shape == wire_shape::rotation_rules) {
    d.rotation_rules(v, out);
  } else if constexpr (Member::shape == wire_shape::replica_regions) {
    d.replica_regions(v, out, name);
  } else if constexpr (Member::shape == wire_shape::sort_order) {
    constexpr std::array<std::string_view, 2> orders = {"asc", "desc"};
    if (auto i = d.enumeration(v, name, orders))
      out = *i == 0 ? ::secretstage::sort_order::asc : ::secretstage::sort_order::desc;
  } else {
    static_assert(Member::shape != Member::shape, "no reader for this shape");
  }
}

/// Type-checks a real AWS member that the model does not implement, and drops it.
template <class Member, class Traits>
void read_ignored(decoder<Traits>& d, const slot& v) {
  constexpr std::string_view name = message_name<Member>();
  if constexpr (Member::shape == wire_shape::string) {
    d.ignored_string(v);
  } else if constexpr (Member::shape == wire_shape::boolean) {
    d.ignored_boolean(v);
  } else if constexpr (Member::shape == wire_shape::sort_by) {
    constexpr std::array<std::string_view, 4> sort_by = {"created-date", "last-accessed-date",
                                                         "last-changed-date", "name"};
    (void)d.enumeration(v, name, sort_by);
  } else if constexpr (Member::shape == wire_shape::rotation_metadata) {
    d.template ignored_structure_list<2>(v, name, "ExternalSecretRotationMetadataItem",
                                         {"Key", "Value"});
  } else {
    static_assert(Member::shape != Member::shape, "no reader for this ignored shape");
  }
}

/// One described member of a request: a required member absent is a violation; a present one is
/// read by its shape.
template <class Member, class Traits, class Request>
void read_member(decoder<Traits>& d, const slot& v, Request& r) {
  if constexpr (Member::is_ignored) {
    read_ignored<Member>(d, v);
  } else {
    if (Member::is_required && !v) d.violation(messages::null_violation(message_name<Member>()));
    auto& field = r.*Member::pointer;
    using field_type = std::remove_cvref_t<decltype(field)>;
    if constexpr (::secretstage::detail::is_optional<field_type>) {
      read_shape<Member>(d, v, field);
    } else {
      std::optional<field_type> read;
      read_shape<Member>(d, v, read);
      if (read) field = std::move(*read);
    }
  }
}

/// A request read by its description: its members in the model's order, then every violation.
template <class Traits, class Request, class... Member>
result<Request> read_request(const slot& body, type_list<Member...>) {
  const auto m = members<sizeof...(Member)>(body, {Member::name...});
  Request r;
  decoder<Traits> d;
  std::size_t i = 0;
  (read_member<Member>(d, m[i++], r), ...);
  return d.finish(std::move(r));
}

template <class Traits, std::size_t I>
result<basic_store_operation<Traits>> read_alternative(const slot& body) {
  using request =
      std::variant_alternative_t<I, ::secretstage::detail::store_request_variant<Traits>>;
  SECRETSTAGE_TRY(r, read_request<Traits, request>(body, members_of<request>{}));
  return basic_store_operation<Traits>(std::move(r));
}

template <class Traits, std::size_t... I>
result<basic_store_operation<Traits>> read_operation(std::size_t index, const slot& body,
                                                     std::index_sequence<I...>) {
  result<basic_store_operation<Traits>> out = messages::unknown_operation();
  ((index == I ? (void)(out = read_alternative<Traits, I>(body)) : (void)0), ...);
  return out;
}

// ---- writing ----------------------------------------------------------------------------------

template <class D = void>
detail::deferred_t<std::string, D> date(detail::deferred_t<timestamp, D> t) {
  return format_date<D>(t);
}
inline std::string boolean(bool b) { return b ? "true" : "false"; }

/// A label, a version id or a string as wire text.
template <class Traits, class T>
std::string_view text(const T& v) {
  if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return v;
  } else {
    return Traits::text(v);
  }
}

template <class Traits, class Range>
std::string text_list(const Range& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out.push_back(',');
    json::append_string(out, text<Traits>(item));
  }
  out.push_back(']');
  return out;
}

template <class Traits>
std::string tag_list(const std::vector<tag>& tags) {
  std::string out = "[";
  for (const auto& t : tags) {
    if (out.size() > 1) out.push_back(',');
    json::object_writer o;
    o.add("Key", json::quoted(t.key));
    o.add("Value", json::quoted(t.value));
    out.append(std::move(o).str());
  }
  out.push_back(']');
  return out;
}

template <class Traits>
std::string rules_object(const ::secretstage::rotation_rules& rules) {
  json::object_writer o;
  if (rules.automatically_after_days)
    o.add("AutomaticallyAfterDays", std::to_string(*rules.automatically_after_days));
  if (rules.duration) o.add("Duration", json::quoted(*rules.duration));
  if (rules.schedule_expression)
    o.add("ScheduleExpression", json::quoted(*rules.schedule_expression));
  return std::move(o).str();
}

/// {"<VersionId>": ["<label>", …], …}, in the model's order (oldest version first).
template <class Traits>
std::string stages_map(const std::vector<basic_version_stages_entry<Traits>>& entries) {
  std::string out = "{";
  for (const auto& e : entries) {
    if (out.size() > 1) out.push_back(',');
    json::append_string(out, Traits::text(e.version_id));
    out.push_back(':');
    out.append(text_list<Traits>(e.version_stages));
  }
  out.push_back('}');
  return out;
}

template <class Traits, class Object>
std::string object(const Object& x);

/// A present member's value as JSON text, by its shape.
template <class Traits, class Member, class T>
std::string rendered(const T& v) {
  if constexpr (Member::shape == wire_shape::string) {
    return json::quoted(text<Traits>(v));
  } else if constexpr (Member::shape == wire_shape::boolean) {
    return boolean(v);
  } else if constexpr (Member::shape == wire_shape::date) {
    return date(v);
  } else if constexpr (Member::shape == wire_shape::string_list) {
    return text_list<Traits>(v);
  } else if constexpr (Member::shape == wire_shape::tag_list) {
    return tag_list<Traits>(v);
  } else if constexpr (Member::shape == wire_shape::rotation_rules) {
    return rules_object<Traits>(v);
  } else if constexpr (Member::shape == wire_shape::stages_map) {
    return stages_map<Traits>(v);
  } else if constexpr (Member::shape == wire_shape::exception_name) {
    return json::quoted(exception_name(v));
  } else if constexpr (Member::shape == wire_shape::structure_list) {
    std::string out = "[";
    for (const auto& e : v) {
      if (out.size() > 1) out.push_back(',');
      out.append(object<Traits>(e));
    }
    out.push_back(']');
    return out;
  } else {
    static_assert(Member::shape != Member::shape, "no writer for this shape");
  }
}

/// Adds a member to `o` unless AWS omits it: an unset optional, or an empty list or map that is
/// not a listing's top-level list.
template <class Traits, class Member, class Object>
void write_member(json::object_writer& o, const Object& x) {
  const auto& field = x.*Member::pointer;
  using field_type = std::remove_cvref_t<decltype(field)>;
  if constexpr (Member::shape == wire_shape::secret_value) {
    if (!field) return;
    if (const std::string* s = field->string()) o.add("SecretString", json::quoted(*s));
    if (const binary* b = field->bytes())
      o.add("SecretBinary", json::quoted(json::base64_encode(*b)));
  } else if constexpr (::secretstage::detail::is_optional<field_type>) {
    if (field) o.add(Member::name, rendered<Traits, Member>(*field));
  } else if constexpr (Member::shape == wire_shape::string_list ||
                       Member::shape == wire_shape::tag_list ||
                       Member::shape == wire_shape::stages_map ||
                       Member::shape == wire_shape::structure_list) {
    if (Member::is_listing || !field.empty()) o.add(Member::name, rendered<Traits, Member>(field));
  } else {
    o.add(Member::name, rendered<Traits, Member>(field));
  }
}

template <class Traits, class Object, class... Member>
std::string object_members(const Object& x, type_list<Member...>) {
  json::object_writer o;
  (write_member<Traits, Member>(o, x), ...);
  return std::move(o).str();
}

/// A described structure as a JSON object: compact, members in byte order of their names.
template <class Traits, class Object>
std::string object(const Object& x) {
  return object_members<Traits>(x, members_of<Object>{});
}

}  // namespace wire

// ---- responses ----------------------------------------------------------------------------------

/// The body of a response of store_operation.hpp, from its description; empty for TagResource
/// and UntagResource, which have no output.
template <template <class> class Response, class Traits>
requires described_members<Response<Traits>>
[[nodiscard]] std::string to_json(const Response<Traits>& r) {
  if constexpr (requires { requires !description_of<Response<Traits>>::has_output; }) {
    return {};
  } else {
    return wire::object<Traits>(r);
  }
}

// ---- the API ------------------------------------------------------------------------------------

/// The request of `operation` (its AWS name, without "secretsmanager.") read from `body`, or the
/// error AWS gives for the body (see the top of this file). The model's own checks are left to
/// apply(). Never throws, except std::bad_alloc.
template <secret_traits Traits = aws_traits>
[[nodiscard]] result<basic_store_operation<Traits>> parse_request(std::string_view operation,
                                                                  std::string_view body) {
  wire::require_string_domain<Traits>();
  namespace json = detail::json;
  std::size_t index = operation_names.size();
  for (std::size_t i = 0; i < operation_names.size(); ++i)
    if (operation == operation_names[i]) index = i;
  if (index == operation_names.size()) return messages::unknown_operation();

  wire::slot root;
  if (json::skip_space(body, json::skip_bom(body)) != body.size()) {
    if (!json::is_valid(body)) return messages::malformed_body();
    const json::value v = json::root(body);
    switch (v.type()) {
      case json::kind::object:
        root = v;
        break;
      case json::kind::null:
        break;
      case json::kind::array:
        return messages::unrecognized_collection(
            std::string("com.amazonaws.secretsmanager.").append(operation).append("Request"));
      default:
        return messages::unexpected_field_type();
    }
  }
  return wire::read_operation<Traits>(index, root,
                                      std::make_index_sequence<operation_names.size()>{});
}

/// The exact AWS response body (compact JSON) of a response; empty for TagResource and
/// UntagResource, which have no output.
template <secret_traits Traits = aws_traits>
[[nodiscard]] std::string response_body(const basic_store_operation_response<Traits>& response) {
  wire::require_string_domain<Traits>();
  return std::visit(
      [](const auto& r) { return to_json(r); },
      static_cast<const ::secretstage::detail::store_response_variant<Traits>&>(response));
}

/// An HTTP answer: status and body.
struct reply {
  int status = 200;
  std::string body;
};

/// The store after a request, and the answer to send.
template <secret_traits Traits = aws_traits>
struct exchange {
  basic_store<Traits> store;
  reply answer;
};

/// One request end to end: parse_request, apply(store, op, ctx), response_body. On any error the
/// store is `st` itself, unchanged, and the answer is error_body with http_status. The request's
/// ClientRequestToken, when absent, is ctx.generated_token (empty: AWS's raw-request error).
template <secret_traits Traits = aws_traits>
[[nodiscard]] exchange<Traits> handle(const basic_store<Traits>& st, std::string_view operation,
                                      std::string_view body, const basic_context<Traits>& ctx) {
  auto op = parse_request<Traits>(operation, body);
  if (!op) return {st, {http_status(op.error()), error_body(op.error())}};
  auto applied = ::secretstage::apply(st, op.value(), ctx);
  if (!applied) return {st, {http_status(applied.error()), error_body(applied.error())}};
  std::string answer = response_body(applied.value().response);
  return {std::move(applied.value().state), {200, std::move(answer)}};
}

}  // namespace secretstage::aws_json

#endif  // SECRETSTAGE_AWS_JSON_HPP
