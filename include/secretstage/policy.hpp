#ifndef SECRETSTAGE_POLICY_HPP
#define SECRETSTAGE_POLICY_HPP

// Resource policies as AWS Secrets Manager validates them, as pure functions over the document
// text: the checks behind PutResourcePolicy (with BlockPublicPolicy) and ValidateResourcePolicy.
// No state and no operation here: the operations that store a policy call these.
//
// The four policy operations (operations/put_resource_policy.hpp, get_resource_policy.hpp,
// delete_resource_policy.hpp, validate_resource_policy.hpp) call these, so the umbrella header
// brings it in. Its functions are templates over an unused D (detail/deferred.hpp), compiled
// only where they are called; a file that includes the umbrella pays for the types and the
// parse (about 90M instructions, and detail/json.hpp another 31M: benchmarks/README.md).
//
// What AWS checks and in which order (docs/resource-policies.md has each rule with its evidence;
// [API] the API model, [UG] the Secrets Manager User Guide, [OBS] a recorded AWS answer,
// [IAM] the IAM policy grammar, [ruling] ours where AWS's analysis is not public):
//   1. length 1..20480 of NonEmptyResourcePolicyType [API], counted in UTF-16 code units
//      [ruling] → ValidationException, AWS's constraint text for member 'resourcePolicy';
//   2. one JSON object, valid UTF-8, nesting at most detail::json::max_depth, no byte-order mark
//      [ruling] → MalformedPolicyDocumentException "This policy has invalid syntax." [OBS];
//   3. the IAM grammar (below) → the same exception and text [OBS for Version, ruling for the
//   rest];
//   4. PutResourcePolicy with BlockPublicPolicy: a policy is_public_policy() calls public →
//      PublicPolicyException [API], text [UG];
//   5. ValidateResourcePolicy: rules 1–3 as failures, then findings (broad access, lockout) as
//      ValidationErrors with PolicyValidationPassed false [API shape, UG texts, ruling names].
//
// Cost: linear in the document's length for the scan, plus one pass per statement; no recursion
// deeper than the grammar (document → statement → condition operator → key → values).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/json.hpp"
#include "messages.hpp"
#include "result.hpp"

namespace secretstage::policy {

/// [API] NonEmptyResourcePolicyType: min 1, max 20480.
inline constexpr std::size_t min_document_length = 1;
inline constexpr std::size_t max_document_length = 20480;

/// The request member whose constraint rule 1 reports, in AWS's lowerCamelCase.
inline constexpr std::string_view member_name = "resourcePolicy";

enum class effect : std::uint8_t { allow, deny };

/// A Principal or NotPrincipal element [IAM]: "*" (everyone), or an object mapping principal
/// types (AWS, Service, Federated, CanonicalUser) to one or more values.
struct principal_set {
  bool everyone = false;
  std::vector<std::pair<std::string, std::string>> entries;  // (type, value), in document order
  friend bool operator==(const principal_set&, const principal_set&) = default;
};

/// One condition key under one operator [IAM]: {"<op>": {"<key>": value or [values]}}. Numbers
/// and booleans are kept as their JSON text.
struct condition {
  std::string op;
  std::string key;
  std::vector<std::string> values;
  friend bool operator==(const condition&, const condition&) = default;
};

struct statement {
  std::optional<std::string> sid;
  policy::effect effect = effect::allow;
  bool not_principal = false;  // the element was NotPrincipal
  principal_set principal;
  bool not_action = false;  // NotAction
  std::vector<std::string> actions;
  bool not_resource = false;  // NotResource
  std::vector<std::string> resources;
  std::vector<condition> conditions;
  friend bool operator==(const statement&, const statement&) = default;
};

/// A policy document that passed rules 1–3.
struct document {
  std::optional<std::string> version;
  std::optional<std::string> id;
  std::vector<statement> statements;  // "Statement" as an object is one statement
  friend bool operator==(const document&, const document&) = default;
};

/// One entry of ValidateResourcePolicy's ValidationErrors.
struct validation_error {
  std::string check_name;
  std::string error_message;
  friend bool operator==(const validation_error&, const validation_error&) = default;
};

/// ValidateResourcePolicy's answer: PolicyValidationPassed and ValidationErrors.
struct validation {
  bool passed = true;
  std::vector<validation_error> errors;
  friend bool operator==(const validation&, const validation&) = default;
};

namespace detail {
namespace json = secretstage::detail::json;
using secretstage::detail::deferred_t;

// The functions below that compare strings or build containers are templates over an unused D
// (always void) with their types spelled deferred_t (detail/deferred.hpp), so that a translation
// unit that includes this header without calling them does not compile their bodies.
template <class D>
using value_t = detail::deferred_t<json::value, D>;
template <class T, class D>
using list_t = detail::deferred_t<std::optional<std::vector<T>>, D>;

/// The length of `text` in UTF-16 code units, as AWS's Java front end counts a string
/// (String.length()): a character above U+FFFF counts 2. An ill-formed UTF-8 part counts 1, as
/// the U+FFFD it would decode to.
[[nodiscard]] constexpr std::size_t utf16_length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    const json::utf8_step step = json::utf8_next(text, i);
    n += step.valid && step.length == 4 ? 2 : 1;
    i += step.length;
  }
  return n;
}

[[nodiscard]] constexpr char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

[[nodiscard]] constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

/// IAM's wildcard match, ASCII case-insensitive as action names are [IAM]: '*' any run, '?' one
/// character. Iterative (backtracking to the last '*'), so linear-ish and stack-free.
[[nodiscard]] constexpr bool glob_match(std::string_view pattern, std::string_view text) noexcept {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || ascii_lower(pattern[p]) == ascii_lower(text[t]))) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

/// A string, or a non-empty array of strings [IAM: <action_string_list>, <resource_string_list>,
/// principal values]; nullopt otherwise.
template <class D = void>
list_t<std::string, D> string_list(value_t<D> v) {
  std::vector<std::string> out;
  if (v.type() == json::kind::string) {
    out.push_back(v.string());
    return out;
  }
  if (v.type() != json::kind::array) return std::nullopt;
  bool ok = true;
  v.for_each_element([&](value_t<D> e) {
    if (e.type() != json::kind::string) {
      ok = false;
      return;
    }
    out.push_back(e.string());
  });
  if (!ok || out.empty()) return std::nullopt;
  return out;
}

/// A condition value list [IAM: <condition_value_list>]: strings, numbers or booleans, one or a
/// non-empty array.
template <class D = void>
list_t<std::string, D> condition_values(value_t<D> v) {
  const auto scalar = [](value_t<D> e) -> detail::deferred_t<std::optional<std::string>, D> {
    switch (e.type()) {
      case json::kind::string:
        return e.string();
      case json::kind::number:
      case json::kind::boolean:
        return std::string(e.raw());
      default:
        return std::nullopt;
    }
  };
  std::vector<std::string> out;
  if (v.type() != json::kind::array) {
    auto one = scalar(v);
    if (!one) return std::nullopt;
    out.push_back(std::move(*one));
    return out;
  }
  bool ok = true;
  v.for_each_element([&](value_t<D> e) {
    auto one = ok ? scalar(e) : std::nullopt;
    if (!one) {
      ok = false;
      return;
    }
    out.push_back(std::move(*one));
  });
  if (!ok || out.empty()) return std::nullopt;
  return out;
}

/// The members of an object, or nullopt when a key repeats ([ruling]: which of two values IAM
/// would take is not documented, so a repeated key is malformed).
template <class D = void>
list_t<std::pair<std::string, json::value>, D> members(value_t<D> v) {
  detail::deferred_t<std::vector<std::pair<std::string, json::value>>, D> out;
  bool unique = true;
  v.for_each_member([&](std::string key, value_t<D> value) {
    for (const auto& m : out)
      if (m.first == key) unique = false;
    out.emplace_back(std::move(key), value);
  });
  if (!unique) return std::nullopt;
  return out;
}

/// [IAM] the condition operators of the IAM reference (reference_policies_elements_condition_
/// operators), before the optional "IfExists" suffix and "ForAnyValue:"/"ForAllValues:" prefix.
template <class D = void>
[[nodiscard]] constexpr bool is_condition_operator(
    detail::deferred_t<std::string_view, D> op) noexcept {
  constexpr std::string_view known[] = {"StringEquals",
                                        "StringNotEquals",
                                        "StringEqualsIgnoreCase",
                                        "StringNotEqualsIgnoreCase",
                                        "StringLike",
                                        "StringNotLike",
                                        "NumericEquals",
                                        "NumericNotEquals",
                                        "NumericLessThan",
                                        "NumericLessThanEquals",
                                        "NumericGreaterThan",
                                        "NumericGreaterThanEquals",
                                        "DateEquals",
                                        "DateNotEquals",
                                        "DateLessThan",
                                        "DateLessThanEquals",
                                        "DateGreaterThan",
                                        "DateGreaterThanEquals",
                                        "Bool",
                                        "BinaryEquals",
                                        "IpAddress",
                                        "NotIpAddress",
                                        "ArnEquals",
                                        "ArnLike",
                                        "ArnNotEquals",
                                        "ArnNotLike",
                                        "Null"};
  for (auto k : known)
    if (k == op) return true;
  return false;
}

/// The parts of a condition operator: its set qualifier, base name and IfExists flag.
struct operator_parts {
  std::string_view qualifier;  // "", "ForAnyValue", "ForAllValues"
  std::string_view base;
  bool if_exists = false;
};

template <class D = void>
[[nodiscard]] constexpr detail::deferred_t<std::optional<operator_parts>, D> split_operator(
    detail::deferred_t<std::string_view, D> op) noexcept {
  operator_parts parts;
  for (std::string_view q : {std::string_view("ForAnyValue:"), std::string_view("ForAllValues:")}) {
    if (op.substr(0, q.size()) == q) {
      parts.qualifier = q.substr(0, q.size() - 1);
      op.remove_prefix(q.size());
      break;  // one qualifier at most
    }
  }
  constexpr std::string_view suffix = "IfExists";
  if (op.size() > suffix.size() && op.substr(op.size() - suffix.size()) == suffix) {
    parts.if_exists = true;
    op.remove_suffix(suffix.size());
  }
  if (!is_condition_operator<D>(op) || (op == "Null" && parts.if_exists)) return std::nullopt;
  parts.base = op;
  return parts;
}

/// [IAM] an action is "*" or "<service prefix>:<action name>", both non-empty.
template <class D = void>
[[nodiscard]] constexpr bool is_action(detail::deferred_t<std::string_view, D> a) noexcept {
  if (a == "*") return true;
  const std::size_t colon = a.find(':');
  return colon != std::string_view::npos && colon != 0 && colon + 1 < a.size() &&
         a.find(':', colon + 1) == std::string_view::npos;
}

/// [IAM] a resource is "*" or an ARN.
template <class D = void>
[[nodiscard]] constexpr bool is_resource(detail::deferred_t<std::string_view, D> r) noexcept {
  return r == "*" || r.substr(0, 4) == "arn:";
}

/// [IAM] the principal types of a Principal object.
template <class D = void>
[[nodiscard]] constexpr bool is_principal_type(detail::deferred_t<std::string_view, D> t) noexcept {
  return t == "AWS" || t == "Service" || t == "Federated" || t == "CanonicalUser";
}

template <class D = void>
detail::deferred_t<std::optional<principal_set>, D> parse_principal(value_t<D> v) {
  principal_set out;
  if (v.type() == json::kind::string) {
    if (v.string() != "*") return std::nullopt;
    out.everyone = true;
    return out;
  }
  if (v.type() != json::kind::object) return std::nullopt;
  auto ms = members<D>(v);
  if (!ms || ms->empty()) return std::nullopt;
  for (auto& [type, value] : *ms) {
    if (!is_principal_type<D>(type)) return std::nullopt;
    auto values = string_list<D>(value);
    if (!values) return std::nullopt;
    for (auto& one : *values) {
      if (one.empty()) return std::nullopt;
      out.entries.emplace_back(type, std::move(one));
    }
  }
  return out;
}

template <class D = void>
list_t<condition, D> parse_conditions(value_t<D> v) {
  if (v.type() != json::kind::object) return std::nullopt;
  auto ops = members<D>(v);
  if (!ops || ops->empty()) return std::nullopt;
  detail::deferred_t<std::vector<condition>, D> out;
  for (auto& [op, block] : *ops) {
    if (!split_operator<D>(op) || block.type() != json::kind::object) return std::nullopt;
    auto keys = members<D>(block);
    if (!keys || keys->empty()) return std::nullopt;
    for (auto& [key, value] : *keys) {
      auto values = condition_values<D>(value);
      if (key.empty() || !values) return std::nullopt;
      out.push_back(condition{op, std::move(key), std::move(*values)});
    }
  }
  return out;
}

/// Action/NotAction or Resource/NotResource: the first of the pair seen, a list whose every item
/// is `valid`, stored with which form it was.
template <class D = void>
bool take_list(value_t<D> v, bool negated_form, bool (*valid)(std::string_view), bool& seen,
               detail::deferred_t<std::vector<std::string>, D>& items, bool& negated) {
  if (seen) return false;
  auto list = string_list<D>(v);
  if (!list) return false;
  for (const auto& item : *list)
    if (!valid(item)) return false;
  items = std::move(*list);
  negated = negated_form;
  seen = true;
  return true;
}

/// [IAM] <statement> = { Sid?, Effect, (Principal | NotPrincipal), (Action | NotAction),
/// (Resource | NotResource), Condition? }: every element at most once, no other member. A
/// resource policy must name its principal [IAM: "You must use the Principal element in
/// resource-based policies"].
template <class D = void>
detail::deferred_t<std::optional<statement>, D> parse_statement(value_t<D> v) {
  if (v.type() != json::kind::object) return std::nullopt;
  auto ms = members<D>(v);
  if (!ms) return std::nullopt;
  detail::deferred_t<statement, D> out;
  bool has_effect = false, has_principal = false, has_action = false, has_resource = false;
  for (auto& [key, value] : *ms) {
    if (key == "Sid") {
      if (value.type() != json::kind::string) return std::nullopt;
      out.sid = value.string();
    } else if (key == "Effect") {
      if (value.type() != json::kind::string) return std::nullopt;
      const detail::deferred_t<std::string, D> e = value.string();
      if (e != "Allow" && e != "Deny") return std::nullopt;  // [UG] "AllowSomething" is refused
      out.effect = e == "Allow" ? effect::allow : effect::deny;
      has_effect = true;
    } else if (key == "Principal" || key == "NotPrincipal") {
      if (has_principal) return std::nullopt;
      auto p = parse_principal<D>(value);
      if (!p) return std::nullopt;
      out.principal = std::move(*p);
      out.not_principal = key == "NotPrincipal";
      has_principal = true;
    } else if (key == "Action" || key == "NotAction") {
      if (!take_list<D>(value, key == "NotAction", is_action<D>, has_action, out.actions,
                        out.not_action))
        return std::nullopt;
    } else if (key == "Resource" || key == "NotResource") {
      if (!take_list<D>(value, key == "NotResource", is_resource<D>, has_resource, out.resources,
                        out.not_resource))
        return std::nullopt;
    } else if (key == "Condition") {
      auto cs = parse_conditions<D>(value);
      if (!cs) return std::nullopt;
      out.conditions = std::move(*cs);
    } else {
      return std::nullopt;
    }
  }
  if (!has_effect || !has_principal || !has_action || !has_resource) return std::nullopt;
  return out;
}

}  // namespace detail

/// Rule 1 alone: the request constraint on ResourcePolicy, which AWS checks with the request's
/// other member constraints, before it looks at the secret (the operations' check_request).
template <class D = void>
detail::deferred_t<result<void>, D> check_length(std::string_view text) {
  const std::size_t length = detail::utf16_length(text);
  if (length < min_document_length)
    return messages::length_at_least(member_name, min_document_length);
  if (length > max_document_length)
    return messages::length_at_most(member_name, max_document_length);
  return ok<D>();
}

/// Rules 1–3: the document as AWS accepts it, or AWS's error. Rule 1 fails with
/// ValidationException ("1 validation error detected: Value at 'resourcePolicy' failed to satisfy
/// constraint: Member must have length less than or equal to 20480", or "greater than or equal
/// to 1"); rules 2 and 3 with MalformedPolicyDocumentException "This policy has invalid syntax.".
/// The grammar [IAM]:
///   policy    = { Version?, Id?, Statement }              no other member, no key twice
///   Version   = "2012-10-17" | "2008-10-17"               [OBS] "2019-10-19" is refused
///   Id        = string
///   Statement = statement | [ statement, ... ]            [ruling] an empty array is refused
///   statement: see detail::parse_statement; Effect exactly "Allow" or "Deny" [UG]
///   Principal = "*" | { AWS|Service|Federated|CanonicalUser: string | [string, ...] }
///   Action    = "*" or "prefix:name" patterns; Resource = "*" or "arn:..." patterns [ruling]
///   Condition = { operator: { key: scalar | [scalar, ...] } }, operators of the IAM reference
///               with optional ForAnyValue:/ForAllValues: and IfExists
/// Not checked [ruling]: whether a principal exists ("This resource policy contains an
/// unsupported principal.", which needs IAM), whether a service principal is a real service.
template <class D = void>
detail::deferred_t<result<document>, D> parse_document(std::string_view text) {
  namespace json = secretstage::detail::json;
  SECRETSTAGE_TRYV(check_length<D>(text));
  // [ruling] the text is a JSON string's contents, not a byte stream: a leading U+FEFF is a
  // character before the value, as Java's JSON parsers read a String.
  if (json::skip_bom<D>(text) != 0 || !json::is_valid<D>(text)) return messages::malformed_policy();
  const detail::value_t<D> root = json::root<D>(text);
  if (root.type() != json::kind::object) return messages::malformed_policy();
  auto ms = detail::members<D>(root);
  if (!ms) return messages::malformed_policy();
  detail::deferred_t<document, D> out;
  bool has_statement = false;
  for (auto& [key, value] : *ms) {
    if (key == "Version") {
      if (value.type() != json::kind::string) return messages::malformed_policy();
      detail::deferred_t<std::string, D> v = value.string();
      if (v != "2012-10-17" && v != "2008-10-17") return messages::malformed_policy();
      out.version = std::move(v);
    } else if (key == "Id") {
      if (value.type() != json::kind::string) return messages::malformed_policy();
      out.id = value.string();
    } else if (key == "Statement") {
      has_statement = true;
      if (value.type() == json::kind::object) {
        auto s = detail::parse_statement<D>(value);
        if (!s) return messages::malformed_policy();
        out.statements.push_back(std::move(*s));
      } else if (value.type() == json::kind::array) {
        bool ok = true;
        value.for_each_element([&](detail::value_t<D> e) {
          if (!ok) return;
          auto s = detail::parse_statement<D>(e);
          if (!s) {
            ok = false;
            return;
          }
          out.statements.push_back(std::move(*s));
        });
        if (!ok || out.statements.empty()) return messages::malformed_policy();
      } else {
        return messages::malformed_policy();
      }
    } else {
      return messages::malformed_policy();
    }
  }
  if (!has_statement) return messages::malformed_policy();
  return out;
}

/// Rules 1–3 without the parsed document.
template <class D = void>
detail::deferred_t<result<void>, D> validate_policy_document(std::string_view text) {
  auto parsed = parse_document<D>(text);
  if (!parsed) return parsed.error();
  return ok<D>();
}

namespace detail {

/// Condition keys that pin a request to a fixed origin when compared with fixed values. Matched
/// without regard to case, as IAM matches condition key names [IAM].
///   [UG]      aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceAccount — the list of the
///             Secrets Manager User Guide ("must only grant access to one or more of the
///             following fixed values"), which refers to S3's definition of public;
///   [S3]      aws:SourceOwner, aws:userid, aws:SourceIp (a set of CIDRs) — S3's definition;
///   [ruling]  aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:SourceOrgID — a
///             fixed account, principal or organization is no broader than a fixed principal,
///             as IAM Access Analyzer treats them.
[[nodiscard]] constexpr bool is_restricting_key(std::string_view key) noexcept {
  constexpr std::string_view keys[] = {
      "aws:SourceArn",    "aws:SourceVpc",      "aws:SourceVpce", "aws:SourceAccount",
      "aws:SourceOwner",  "aws:userid",         "aws:SourceIp",   "aws:PrincipalAccount",
      "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:SourceOrgID"};
  for (auto k : keys)
    if (iequals(k, key)) return true;
  return false;
}

/// A fixed value: no wildcard and no policy variable [S3: "a fixed value"].
[[nodiscard]] constexpr bool is_fixed(std::string_view v) noexcept {
  return !v.empty() && v.find_first_of("*?") == std::string_view::npos &&
         v.find("${") == std::string_view::npos;
}

/// A CIDR narrower than the whole address space [S3: "limits access to a set of CIDRs"].
[[nodiscard]] constexpr bool is_narrow_cidr(std::string_view v) noexcept {
  const std::size_t slash = v.rfind('/');
  if (slash == std::string_view::npos) return !v.empty();  // one address
  const std::string_view bits = v.substr(slash + 1);
  return !bits.empty() && bits.find_first_not_of('0') != std::string_view::npos;
}

/// Whether `c` alone admits only requests from a fixed origin ([ruling], statement-local):
/// a positive operator (StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals, ArnLike; for
/// aws:SourceIp IpAddress) on a restricting key with only fixed values. IfExists does not restrict
/// (a request without the key passes), nor does ForAllValues: (an empty set passes), nor a
/// negated operator.
template <class D = void>
[[nodiscard]] bool restricts(const detail::deferred_t<condition, D>& c, bool negated) {
  const auto parts = split_operator<D>(c.op);
  if (!parts || parts->if_exists || parts->qualifier == "ForAllValues") return false;
  if (!is_restricting_key(c.key) || c.values.empty()) return false;
  const detail::deferred_t<std::string_view, D> base = parts->base;
  if (iequals(c.key, "aws:SourceIp")) {
    if (base != (negated ? "NotIpAddress" : "IpAddress")) return false;
    for (const auto& v : c.values)
      if (!is_narrow_cidr(v)) return false;
    return true;
  }
  const bool positive = base == "StringEquals" || base == "StringEqualsIgnoreCase" ||
                        base == "StringLike" || base == "ArnEquals" || base == "ArnLike";
  const bool negative = base == "StringNotEquals" || base == "StringNotEqualsIgnoreCase" ||
                        base == "StringNotLike" || base == "ArnNotEquals" || base == "ArnNotLike";
  if (!(negated ? negative : positive)) return false;
  for (const auto& v : c.values)
    if (!is_fixed(v)) return false;
  return true;
}

/// Everyone: Principal "*" or a "*" among its values [IAM: {"AWS": "*"} is everyone]; an Allow
/// with NotPrincipal grants everyone but the listed principals.
template <class D = void>
[[nodiscard]] bool applies_to_everyone(const detail::deferred_t<statement, D>& s) {
  if (s.not_principal) return s.effect == effect::allow;
  if (s.principal.everyone) return true;
  for (const auto& [type, value] : s.principal.entries)
    if (value == "*") return true;
  return false;
}

/// Whether the statement's actions can include `action` ("secretsmanager:<Name>", or
/// "secretsmanager:*" for "some Secrets Manager action"). NotAction: anything it does not list.
template <class D = void>
[[nodiscard]] bool covers_action(const detail::deferred_t<statement, D>& s,
                                 detail::deferred_t<std::string_view, D> action) {
  bool listed = false;
  for (const auto& a : s.actions) {
    if (action.substr(action.size() - 1) == "*") {
      // some secretsmanager action: the pattern's service part matches "secretsmanager"
      const std::size_t colon = a.find(':');
      if (a == "*" || (colon != std::string::npos &&
                       glob_match(std::string_view(a).substr(0, colon), "secretsmanager")))
        listed = true;
    } else if (glob_match(a, action)) {
      listed = true;
    }
  }
  if (!s.not_action) return listed;
  // NotAction excludes what it lists; it still grants some action unless it lists everything.
  if (action.substr(action.size() - 1) == "*") {
    for (const auto& a : s.actions)
      if (a == "*" || glob_match(a, "secretsmanager:*")) return false;
    return true;
  }
  return !listed;
}

/// A Deny that every request from outside a fixed origin meets ([ruling], the one cross-statement
/// rule): Deny to everyone, on every Secrets Manager action, unconditional except for one negated
/// restricting condition (e.g. StringNotEquals aws:SourceAccount "111122223333"). It confines
/// every Allow of the policy to that origin.
template <class D = void>
[[nodiscard]] bool confines_everything(const detail::deferred_t<statement, D>& s) {
  if (s.effect != effect::deny || s.not_principal || !applies_to_everyone<D>(s)) return false;
  if (s.not_action || s.not_resource || s.conditions.size() != 1) return false;
  bool all_actions = false;
  for (const auto& a : s.actions)
    if (a == "*" || glob_match(a, "secretsmanager:*")) all_actions = true;
  bool all_resources = false;
  for (const auto& r : s.resources)
    if (r == "*") all_resources = true;
  return all_actions && all_resources && restricts<D>(s.conditions.front(), true);
}

}  // namespace detail

/// The BlockPublicPolicy rule: whether the policy grants broad access to the secret. AWS decides
/// this with Zelkova and does not publish the rule [API, UG]; this is its documented core:
///   public  ⇐ an Allow statement applies to everyone (Principal "*", {"AWS": "*"}, a "*" among
///             the principal's values, or NotPrincipal) [API: "for example those that use a
///             wildcard for the principal"; OBS: LocalStack test_resource_policy records AWS
///             accepting Principal "*" when BlockPublicPolicy is absent],
///             on some Secrets Manager action (Action "*", "secretsmanager:*", a pattern whose
///             service part matches secretsmanager, or NotAction) [ruling],
///             and none of its conditions restricts it to a fixed origin (detail::restricts:
///             a fixed aws:SourceAccount, aws:SourceArn, aws:SourceVpc, aws:SourceVpce [UG], ...);
///   not public ⇐ Deny statements never grant; a Deny that confines every request to a fixed
///             origin (detail::confines_everything) makes every Allow non-public [ruling].
template <class D = void>
[[nodiscard]] bool is_public_policy(const detail::deferred_t<document, D>& doc) {
  for (const auto& s : doc.statements)
    if (detail::confines_everything<D>(s)) return false;
  for (const auto& s : doc.statements) {
    if (s.effect != effect::allow || !detail::applies_to_everyone<D>(s)) continue;
    if (!detail::covers_action<D>(s, "secretsmanager:*")) continue;
    bool restricted = false;
    for (const auto& c : s.conditions)
      if (detail::restricts<D>(c, false)) restricted = true;
    if (!restricted) return true;
  }
  return false;
}

/// The lockout check of ValidateResourcePolicy [API: "Verifies the policy does not lock out a
/// caller"; UG: the example Deny/"*"/"secretsmanager:*"/"*"]: an unconditional Deny to everyone
/// of secretsmanager:PutResourcePolicy or secretsmanager:DeleteResourcePolicy on Resource "*"
/// leaves nobody able to change the policy again. [ruling] NotResource and resource patterns are
/// not analysed (the secret's ARN is not known here), and the check is ValidateResourcePolicy's
/// only: PutResourcePolicy stores such a policy.
template <class D = void>
[[nodiscard]] bool locks_out(const detail::deferred_t<document, D>& doc) {
  for (const auto& s : doc.statements) {
    if (s.effect != effect::deny || s.not_principal || s.not_resource ||
        !detail::applies_to_everyone<D>(s) || !s.conditions.empty())
      continue;
    if (!detail::covers_action<D>(s, "secretsmanager:PutResourcePolicy") &&
        !detail::covers_action<D>(s, "secretsmanager:DeleteResourcePolicy"))
      continue;
    for (const auto& r : s.resources)
      if (r == "*") return true;
  }
  return false;
}

/// PutResourcePolicy's checks of its document: rules 1–3, then, with BlockPublicPolicy (false
/// by default [API]), PublicPolicyException "You can't attach a resource-based policy that allows
/// broad access to the secret." [UG] when is_public_policy(). Without it, a public policy is stored
/// [OBS]. The document is stored as given, not normalized [OBS: GetResourcePolicy returns it].
template <class D = void>
detail::deferred_t<result<void>, D> check_put_resource_policy(std::string_view text,
                                                              bool block_public_policy) {
  auto parsed = parse_document<D>(text);
  if (!parsed) return parsed.error();
  if (block_public_policy && is_public_policy<D>(parsed.value()))
    return messages::public_policy_blocked();
  return ok<D>();
}

/// ValidateResourcePolicy's answer for a document: rules 1–3 fail the call as PutResourcePolicy's
/// do ([API] both list MalformedPolicyDocumentException; [ruling] the same texts); a document that
/// passes them gets PolicyValidationPassed and one ValidationErrors entry per finding, in this
/// order: broad access (is_public_policy) [UG text, ruling name], lockout (locks_out) [UG text,
/// ruling name]. No finding: {true, []} [API example: "ValidationErrors": []].
template <class D = void>
detail::deferred_t<result<validation>, D> validate_resource_policy(std::string_view text) {
  auto parsed = parse_document<D>(text);
  if (!parsed) return parsed.error();
  detail::deferred_t<validation, D> out;
  if (is_public_policy<D>(parsed.value()))
    out.errors.push_back(
        {std::string(messages::broad_access_check), messages::broad_access_text()});
  if (locks_out<D>(parsed.value()))
    out.errors.push_back({std::string(messages::lockout_check), messages::lockout_text()});
  out.passed = out.errors.empty();
  return out;
}

/// The document as canonical JSON: members in byte order, every list as an array, condition
/// values as strings. parse_document(to_json(d)) is d up to the order of principal types,
/// condition operators and keys, and to_json of it is to_json(d) again (when it still fits rule
/// 1). For tests and the fuzz target: the operations store the text as given.
template <class D = void>
[[nodiscard]] detail::deferred_t<std::string, D> to_json(
    const detail::deferred_t<document, D>& doc) {
  namespace json = secretstage::detail::json;
  using string = detail::deferred_t<std::string, D>;
  using strings = detail::deferred_t<std::vector<std::string>, D>;
  using writer = detail::deferred_t<json::object_writer, D>;
  const auto list = [](const strings& items) {
    string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i != 0) out.push_back(',');
      json::append_string(out, items[i]);
    }
    out.push_back(']');
    return out;
  };
  string statements = "[";
  for (std::size_t i = 0; i < doc.statements.size(); ++i) {
    const auto& s = doc.statements[i];
    writer w;
    if (s.sid) w.add("Sid", json::quoted(*s.sid));
    w.add("Effect", s.effect == effect::allow ? "\"Allow\"" : "\"Deny\"");
    if (s.principal.everyone) {
      w.add(s.not_principal ? "NotPrincipal" : "Principal", "\"*\"");
    } else {
      strings types;
      for (const auto& [type, value] : s.principal.entries) {
        bool seen = false;
        for (const auto& t : types) seen = seen || t == type;
        if (!seen) types.push_back(type);
      }
      writer p;
      for (const auto& t : types) {
        strings values;
        for (const auto& [type, value] : s.principal.entries)
          if (type == t) values.push_back(value);
        p.add(t, list(values));
      }
      w.add(s.not_principal ? "NotPrincipal" : "Principal", std::move(p).str());
    }
    w.add(s.not_action ? "NotAction" : "Action", list(s.actions));
    w.add(s.not_resource ? "NotResource" : "Resource", list(s.resources));
    if (!s.conditions.empty()) {
      strings ops;
      for (const auto& c : s.conditions) {
        bool seen = false;
        for (const auto& o : ops) seen = seen || o == c.op;
        if (!seen) ops.push_back(c.op);
      }
      writer cw;
      for (const auto& o : ops) {
        writer kw;
        for (const auto& c : s.conditions)
          if (c.op == o) kw.add(c.key, list(c.values));
        cw.add(o, std::move(kw).str());
      }
      w.add("Condition", std::move(cw).str());
    }
    if (i != 0) statements.push_back(',');
    statements.append(std::move(w).str());
  }
  statements.push_back(']');
  writer top;
  if (doc.version) top.add("Version", json::quoted(*doc.version));
  if (doc.id) top.add("Id", json::quoted(*doc.id));
  top.add("Statement", std::move(statements));
  return std::move(top).str();
}

}  // namespace secretstage::policy

#endif  // SECRETSTAGE_POLICY_HPP
