#ifndef SECRETSTAGE_TESTS_MODEL_REFERENCE_MODEL_HPP
#define SECRETSTAGE_TESTS_MODEL_REFERENCE_MODEL_HPP

// A deliberately naive reference model of one Secrets Manager secret, written from
// docs/semantics.md (#version-creation, #updatesecretversionstage, #invariants), not from the
// library's code.
//
// It shares nothing with the library: plain std types only, no secretstage header. The
// representation is the opposite of the library's: every version owns the set of its labels
// (std::map<version id, version>), so "a label is on one version" is something the model must
// keep true by hand, and the property test checks that the two agree.
//
// Where docs/semantics.md is silent, the choice made here is marked "[not ruled]".

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace refmodel {

inline const std::string awscurrent = "AWSCURRENT";
inline const std::string awsprevious = "AWSPREVIOUS";
inline const std::string awspending = "AWSPENDING";

constexpr std::size_t label_quota = 20;            // labels attached across one secret
constexpr std::size_t max_stages_in_request = 20;  // items in PutSecretValue.VersionStages
constexpr std::size_t max_value = 65536;

// Check orders docs/semantics.md leaves open, as ruled: lengths; name characters; both/neither
// values; missing token; resolution. Lengths before characters is how AWS answers (its framework
// validates every member's length before the service reads the request); the value checks belong to
// the request's validation ("lengths, name characters, exactly one of SecretString/SecretBinary,
// the label quota"), and the token check only has to precede resolution.
namespace ruling {
/// true: the SecretId's characters are checked only after every member's length.
/// false: right after the SecretId's own length (before the token's length).
constexpr bool name_chars_after_all_lengths = true;
/// true: the missing-token check runs before the value checks (both values; for PutSecretValue
/// also neither), in CreateSecret, UpdateSecret and PutSecretValue. false: the value checks first
/// (the library's order; see tests/regressions/0001, 0002).
constexpr bool missing_token_before_both_values = false;
}  // namespace ruling

// ---- values, versions, secret -------------------------------------------------------------

struct value {
  bool binary = false;  // SecretBinary when true, SecretString otherwise
  std::string bytes;
  friend bool operator==(const value&, const value&) = default;
};

struct version {
  std::optional<value> val;  // nullopt: a rotation placeholder (cannot arise yet)
  std::set<std::string> labels;
  std::int64_t created_ms = 0;
  std::uint64_t order = 0;  // 0 for the first version ever created
  friend bool operator==(const version&, const version&) = default;
};

struct secret {
  std::string name;
  std::string arn;
  std::string description;
  std::optional<std::string> kms_key_id;
  std::int64_t created_ms = 0;
  std::optional<std::int64_t> last_changed_ms;
  std::map<std::string, version> versions;  // by VersionId
  std::uint64_t next_order = 0;

  friend bool operator==(const secret&, const secret&) = default;

  /// The id of the version carrying `label`, if any (a linear scan: naive on purpose).
  [[nodiscard]] std::optional<std::string> holder(const std::string& label) const {
    for (const auto& [id, v] : versions)
      if (v.labels.count(label) != 0) return id;
    return std::nullopt;
  }
  [[nodiscard]] std::size_t label_count() const {
    std::size_t n = 0;
    for (const auto& [id, v] : versions) n += v.labels.size();
    return n;
  }
  void detach(const std::string& label) {
    for (auto& [id, v] : versions) v.labels.erase(label);
  }
};

// ---- requests (AWS wire shapes) -----------------------------------------------------------

struct env {
  std::int64_t now_ms = 0;
  std::optional<std::string> generated_token;  // what an SDK would fill in; empty = raw request
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
};

struct create_req {
  std::string name;
  std::optional<std::string> token;
  std::optional<std::string> description;
  std::optional<std::string> kms_key_id;
  std::optional<std::string> secret_string;
  std::optional<std::string> secret_binary;  // bytes
};

struct put_req {
  std::string secret_id;
  std::optional<std::string> token;
  std::optional<std::string> secret_string;
  std::optional<std::string> secret_binary;
  std::optional<std::vector<std::string>> version_stages;
};

struct update_req {
  std::string secret_id;
  std::optional<std::string> token;
  std::optional<std::string> description;
  std::optional<std::string> kms_key_id;
  std::optional<std::string> secret_string;
  std::optional<std::string> secret_binary;
};

struct stage_req {
  std::string secret_id;
  std::string version_stage;
  std::optional<std::string> remove_from;
  std::optional<std::string> move_to;
};

// ---- responses and outcomes -----------------------------------------------------------------

struct error {
  std::string type;     // AWS exception name
  std::string message;  // exact text
  friend bool operator==(const error&, const error&) = default;
};

struct create_resp {
  std::string arn, name;
  std::optional<std::string> version_id;
};
struct put_resp {
  std::string arn, name, version_id;
  std::set<std::string> version_stages;
};
struct update_resp {
  std::string arn, name;
  std::optional<std::string> version_id;
};
struct stage_resp {
  std::string arn, name;
};

/// The model's prediction: an error, or the next state and the response. `changed` says whether
/// the call is a state change (false for an idempotent retry or a no-op label move).
template <class Response>
struct outcome {
  std::optional<error> err;
  secret next;
  Response resp{};
  bool changed = false;
};

// ---- messages (docs/semantics.md, written out here) ---------------------------------------

namespace msg {

inline error too_long(std::string_view member, std::size_t n) {
  return {"ValidationException", "1 validation error detected: Value at '" + std::string(member) +
                                     "' failed to satisfy constraint: Member must have length less "
                                     "than or equal to " +
                                     std::to_string(n)};
}
inline error too_short(std::string_view member, std::size_t n) {
  return {"ValidationException",
          "1 validation error detected: Value at '" + std::string(member) +
              "' failed to satisfy constraint: Member must have length greater "
              "than or equal to " +
              std::to_string(n)};
}
inline error invalid_name() {
  return {"ValidationException",
          "Invalid name. Must be a valid name containing alphanumeric characters, or any of the "
          "following: -/_+=.@!"};
}
inline error missing_token() {
  return {"InvalidRequestException",
          "You must provide a ClientRequestToken value. We recommend a UUID-type value."};
}
inline error both_values() {
  // U+2019 RIGHT SINGLE QUOTATION MARK, as AWS writes it.
  return {"InvalidParameterException",
          "You can\u2019t specify both a binary secret value and a string secret value in the same "
          "secret."};
}
inline error neither_value() {
  return {"InvalidRequestException", "You must provide either SecretString or SecretBinary."};
}
inline error not_found() {
  return {"ResourceNotFoundException", "Secrets Manager can't find the specified secret."};
}
inline error token_in_use(const std::string& token, const std::string& arn) {
  return {"ResourceExistsException", "You can't use ClientRequestToken " + token +
                                         " because that value is already in use for a version of "
                                         "secret " +
                                         arn + "."};
}
inline error quota() {
  return {"LimitExceededException",
          "You have exceeded the maximum number of staging labels (20) that you can attach to a "
          "secret."};
}
inline error no_version_ids() {
  return {"InvalidParameterException", "You must specify MoveToVersionId or RemoveFromVersionId."};
}
inline error no_such_version(const std::string& id, const std::string& name) {
  return {"InvalidParameterException",
          "The version " + id + " doesn't exist in secret " + name + "."};
}
inline error remove_from_empty(const std::string& label, const std::string& holder) {
  return {"InvalidParameterException",
          "The parameter RemoveFromVersionId can't be empty. Staging label " + label +
              " is currently attached to version " + holder +
              ", so you must explicitly reference that version in RemoveFromVersionId."};
}
inline error remove_from_mismatch(const std::string& label) {
  return {"InvalidParameterException",
          "When you move staging label " + label +
              ", if you specify RemoveFromVersionId, it must be set to the version that currently "
              "has the staging label " +
              label + "."};
}
inline error current_not_removable() {
  return {"InvalidParameterException",
          "You can only move staging label AWSCURRENT to a different secret version. It can\u2019t "
          "be completely removed."};
}

}  // namespace msg

// ---- shape checks ----------------------------------------------------------------------------

inline std::optional<error> check_length(const std::string& s, std::string_view member,
                                         std::size_t lo, std::size_t hi) {
  if (s.size() < lo) return msg::too_short(member, lo);
  if (s.size() > hi) return msg::too_long(member, hi);
  return std::nullopt;
}
inline std::optional<error> check_length(const std::optional<std::string>& s,
                                         std::string_view member, std::size_t lo, std::size_t hi) {
  return s ? check_length(*s, member, lo, hi) : std::nullopt;
}

inline bool is_arn(std::string_view id) { return id.substr(0, 4) == "arn:"; }

inline bool valid_name_chars(std::string_view name) {
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("/_+=.@-").find(c) != std::string_view::npos;
  });
}

/// An ARN whose last seven characters are "-" and six alphanumerics is taken as a complete ARN
/// (docs/semantics.md#secretid-resolution: a name ending in -XXXXXX defeats partial-ARN matching
/// [OBS]).
inline bool looks_complete_arn(std::string_view id) {
  if (id.size() < 7 || id[id.size() - 7] != '-') return false;
  return std::all_of(id.end() - 6, id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

/// Whether `id` names the secret: its name, its full ARN, or its partial ARN.
inline bool resolves(const secret& s, const std::string& id) {
  if (id == s.name) return true;
  if (!is_arn(id)) return false;
  if (id == s.arn) return true;
  return !looks_complete_arn(id) && s.arn.size() > 7 && id == s.arn.substr(0, s.arn.size() - 7);
}

inline std::optional<error> secret_id_chars(const std::string& id) {
  if (!is_arn(id) && !valid_name_chars(id)) return msg::invalid_name();
  return std::nullopt;
}
/// SecretId 1–2048, and (under the other ruling) its characters at once.
inline std::optional<error> secret_id_shape(const std::string& id) {
  if (auto x = check_length(id, "secretId", 1, 2048)) return x;
  return ruling::name_chars_after_all_lengths ? std::nullopt : secret_id_chars(id);
}
/// The SecretId's characters, after every length check.
inline std::optional<error> late_secret_id_chars(const std::string& id) {
  return ruling::name_chars_after_all_lengths ? secret_id_chars(id) : std::nullopt;
}
/// The missing-token check (`token_needed`: PutSecretValue always, CreateSecret and UpdateSecret
/// only with a value) and the value checks: both values, and (`neither_is_error`: PutSecretValue)
/// no value at all.
inline std::optional<error> token_and_values(const std::optional<std::string>& token, const env& e,
                                             bool token_needed, bool both, bool neither_is_error) {
  const bool missing = token_needed && !token && !e.generated_token;
  if (ruling::missing_token_before_both_values && missing) return msg::missing_token();
  if (both) return msg::both_values();
  if (neither_is_error) return msg::neither_value();
  if (missing) return msg::missing_token();
  return std::nullopt;
}

inline std::optional<value> value_of(const std::optional<std::string>& str,
                                     const std::optional<std::string>& bin) {
  if (str) return value{false, *str};
  if (bin) return value{true, *bin};
  return std::nullopt;
}

/// The ARN prefix the library must produce; the six random characters are its business.
inline std::string arn_prefix(const env& e, const std::string& name) {
  return "arn:aws:secretsmanager:" + e.region + ":" + e.account_id + ":secret:" + name + "-";
}
inline bool arn_well_formed(const std::string& arn, const env& e, const std::string& name) {
  const std::string p = arn_prefix(e, name);
  if (arn.size() != p.size() + 6 || arn.compare(0, p.size(), p) != 0) return false;
  return std::all_of(arn.end() - 6, arn.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

// ---- AWSCURRENT promotion shared by PutSecretValue and UpdateSecret -------------------------

/// `next` gets version `id` with `val`, carrying `stages` moved from wherever they were; when
/// AWSCURRENT moves off old current A: A gains AWSPREVIOUS (unless listed) and loses AWSPENDING.
/// If no version carries AWSCURRENT afterwards, the new version gets it.
inline void add_version(secret& next, const std::string& id, const value& val,
                        const std::set<std::string>& stages, std::int64_t now) {
  const auto old_current = next.holder(awscurrent);
  for (const auto& l : stages) next.detach(l);
  version v;
  v.val = val;
  v.labels = stages;
  v.created_ms = now;
  v.order = next.next_order++;
  next.versions[id] = v;
  if (stages.count(awscurrent) != 0 && old_current && *old_current != id) {
    auto& a = next.versions[*old_current];
    a.labels.erase(awspending);
    if (stages.count(awsprevious) == 0) {
      next.detach(awsprevious);
      next.versions[*old_current].labels.insert(awsprevious);
    }
  }
  if (!next.holder(awscurrent)) next.versions[id].labels.insert(awscurrent);
}

// ---- CreateSecret ------------------------------------------------------------------------------

/// `arn_suffix`: the six characters the library drew (checked for form by the caller).
inline outcome<create_resp> create_secret(const create_req& r, const env& e,
                                          const std::string& arn_suffix) {
  outcome<create_resp> o;
  auto fail = [&](error x) {
    o.err = std::move(x);
    return o;
  };
  if (auto x = check_length(r.name, "name", 1, 512)) return fail(*x);
  if (auto x = check_length(r.token, "clientRequestToken", 32, 64)) return fail(*x);
  if (auto x = check_length(r.description, "description", 0, 2048)) return fail(*x);
  if (auto x = check_length(r.kms_key_id, "kmsKeyId", 0, 2048)) return fail(*x);
  if (auto x = check_length(r.secret_string, "secretString", 1, max_value)) return fail(*x);
  if (auto x = check_length(r.secret_binary, "secretBinary", 1, max_value)) return fail(*x);
  if (!valid_name_chars(r.name)) return fail(msg::invalid_name());
  const bool has_value = r.secret_string || r.secret_binary;
  if (auto x = token_and_values(r.token, e, has_value, r.secret_string && r.secret_binary, false))
    return fail(*x);

  secret& s = o.next;
  s.name = r.name;
  s.arn = arn_prefix(e, r.name) + arn_suffix;
  s.description = r.description.value_or("");
  s.kms_key_id = r.kms_key_id;
  s.created_ms = e.now_ms;
  s.last_changed_ms = e.now_ms;
  o.resp.arn = s.arn;
  o.resp.name = s.name;
  if (has_value) {
    const std::string token = r.token ? *r.token : *e.generated_token;
    add_version(s, token, *value_of(r.secret_string, r.secret_binary), {awscurrent}, e.now_ms);
    o.resp.version_id = token;
  }
  o.changed = true;
  return o;
}

// ---- PutSecretValue ---------------------------------------------------------------------------

inline outcome<put_resp> put_secret_value(const secret& s, const put_req& r, const env& e) {
  outcome<put_resp> o;
  o.next = s;
  auto fail = [&](error x) {
    o.err = std::move(x);
    return o;
  };
  if (auto x = secret_id_shape(r.secret_id)) return fail(*x);
  if (auto x = check_length(r.token, "clientRequestToken", 32, 64)) return fail(*x);
  if (auto x = check_length(r.secret_string, "secretString", 1, max_value)) return fail(*x);
  if (auto x = check_length(r.secret_binary, "secretBinary", 1, max_value)) return fail(*x);
  if (r.version_stages) {
    const auto& st = *r.version_stages;
    if (st.empty()) return fail(msg::too_short("versionStages", 1));
    if (st.size() > max_stages_in_request)
      return fail(msg::too_long("versionStages", max_stages_in_request));
    // [not ruled] a list element is reported under the list's member name, 'versionStages'.
    for (const auto& label : st)
      if (auto x = check_length(label, "versionStages", 1, 256)) return fail(*x);
  }
  if (auto x = late_secret_id_chars(r.secret_id)) return fail(*x);
  if (auto x = token_and_values(r.token, e, true, r.secret_string && r.secret_binary,
                                !r.secret_string && !r.secret_binary))
    return fail(*x);
  if (!resolves(s, r.secret_id)) return fail(msg::not_found());

  const std::string token = r.token ? *r.token : *e.generated_token;
  const value val = *value_of(r.secret_string, r.secret_binary);
  o.resp.arn = s.arn;
  o.resp.name = s.name;
  o.resp.version_id = token;
  if (auto it = s.versions.find(token); it != s.versions.end() && it->second.val) {
    if (*it->second.val != val) return fail(msg::token_in_use(token, s.arn));
    o.resp.version_stages = it->second.labels;  // idempotent retry: nothing changes
    return o;
  }
  std::set<std::string> stages;
  if (r.version_stages)
    stages.insert(r.version_stages->begin(), r.version_stages->end());
  else
    stages.insert(awscurrent);
  add_version(o.next, token, val, stages, e.now_ms);
  if (o.next.label_count() > label_quota) {
    o.next = s;
    return fail(msg::quota());
  }
  o.next.last_changed_ms = e.now_ms;
  o.resp.version_stages = o.next.versions[token].labels;
  o.changed = true;
  return o;
}

// ---- UpdateSecret -------------------------------------------------------------------------------

inline outcome<update_resp> update_secret(const secret& s, const update_req& r, const env& e) {
  outcome<update_resp> o;
  o.next = s;
  auto fail = [&](error x) {
    o.err = std::move(x);
    return o;
  };
  if (auto x = secret_id_shape(r.secret_id)) return fail(*x);
  if (auto x = check_length(r.token, "clientRequestToken", 32, 64)) return fail(*x);
  if (auto x = check_length(r.description, "description", 0, 2048)) return fail(*x);
  if (auto x = check_length(r.kms_key_id, "kmsKeyId", 0, 2048)) return fail(*x);
  if (auto x = check_length(r.secret_string, "secretString", 1, max_value)) return fail(*x);
  if (auto x = check_length(r.secret_binary, "secretBinary", 1, max_value)) return fail(*x);
  if (auto x = late_secret_id_chars(r.secret_id)) return fail(*x);
  const bool has_value = r.secret_string || r.secret_binary;
  if (auto x = token_and_values(r.token, e, has_value, r.secret_string && r.secret_binary, false))
    return fail(*x);
  if (!resolves(s, r.secret_id)) return fail(msg::not_found());

  o.resp.arn = s.arn;
  o.resp.name = s.name;
  if (has_value) {
    const std::string token = r.token ? *r.token : *e.generated_token;
    const value val = *value_of(r.secret_string, r.secret_binary);
    o.resp.version_id = token;
    if (auto it = s.versions.find(token); it != s.versions.end() && it->second.val) {
      if (*it->second.val != val) return fail(msg::token_in_use(token, s.arn));
      return o;  // idempotent retry: nothing changes at all, Description included
    }
    add_version(o.next, token, val, {awscurrent}, e.now_ms);
    // [not ruled for UpdateSecret explicitly] the per-secret quota applies to every result.
    if (o.next.label_count() > label_quota) {
      o.next = s;
      return fail(msg::quota());
    }
  }
  if (r.description) o.next.description = *r.description;
  if (r.kms_key_id) o.next.kms_key_id = *r.kms_key_id;
  o.next.last_changed_ms = e.now_ms;
  o.changed = true;
  return o;
}

// ---- UpdateSecretVersionStage ------------------------------------------------------------------

inline outcome<stage_resp> update_secret_version_stage(const secret& s, const stage_req& r,
                                                       const env& e) {
  outcome<stage_resp> o;
  o.next = s;
  auto fail = [&](error x) {
    o.err = std::move(x);
    return o;
  };
  if (auto x = secret_id_shape(r.secret_id)) return fail(*x);
  if (auto x = check_length(r.version_stage, "versionStage", 1, 256)) return fail(*x);
  if (auto x = check_length(r.remove_from, "removeFromVersionId", 32, 64)) return fail(*x);
  if (auto x = check_length(r.move_to, "moveToVersionId", 32, 64)) return fail(*x);
  if (auto x = late_secret_id_chars(r.secret_id)) return fail(*x);
  if (!resolves(s, r.secret_id)) return fail(msg::not_found());

  const std::string& label = r.version_stage;
  const auto& a = r.remove_from;
  const auto& b = r.move_to;
  const auto c = s.holder(label);
  if (!a && !b) return fail(msg::no_version_ids());
  if (a && s.versions.count(*a) == 0) return fail(msg::no_such_version(*a, s.name));
  if (b && s.versions.count(*b) == 0) return fail(msg::no_such_version(*b, s.name));
  if (!a && b && c && *c != *b) return fail(msg::remove_from_empty(label, *c));
  if (a && (!c || *c != *a)) return fail(msg::remove_from_mismatch(label));
  if (label == awscurrent && a && !b) return fail(msg::current_not_removable());

  o.resp.arn = s.arn;
  o.resp.name = s.name;
  if (b && c && *c == *b) return o;  // B already holds L: nothing changes

  secret& n = o.next;
  if (a) n.versions[*a].labels.erase(label);
  if (b) n.versions[*b].labels.insert(label);
  if (label == awscurrent && a && b) {
    n.detach(awsprevious);
    n.versions[*a].labels.insert(awsprevious);
  }
  if (n.label_count() > label_quota) {
    o.next = s;
    return fail(msg::quota());
  }
  n.last_changed_ms = e.now_ms;
  o.changed = true;
  return o;
}

}  // namespace refmodel

#endif  // SECRETSTAGE_TESTS_MODEL_REFERENCE_MODEL_HPP
