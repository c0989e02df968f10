#ifndef SECRETSTAGE_TESTS_MODEL_STORE_MODEL_HPP
#define SECRETSTAGE_TESTS_MODEL_STORE_MODEL_HPP

// A deliberately naive reference model of a whole Secrets Manager store (one account, one Region),
// written from docs/semantics.md (its operation sections and #invariants) and the rulings that the
// doc comments of include/secretstage/operations/*.hpp, rotation.hpp and background.hpp state — not
// from the library's code. Plain std types only; it reuses the per-secret model's messages, shape
// helpers and value type (tests/model/reference_model.hpp) and, like it, keeps the labels on the
// versions (each version owns its label set), the opposite of the library's label table.
//
// What the model does not predict: the six random characters of a new ARN (the caller passes the
// ones the library drew; the property test checks their form), the spelling of NextTokens (the
// model names the item the next page starts at; the test follows the library's token), and the
// characters of a GetRandomPassword (the model predicts success or the error, and the test checks
// the password's properties).

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/reference_model.hpp"

namespace storemodel {

using refmodel::awscurrent;
using refmodel::awspending;
using refmodel::awsprevious;
using refmodel::error;
using refmodel::value;
namespace msg0 = refmodel::msg;

constexpr std::int64_t day_ms = 86'400'000;

// ---- state ------------------------------------------------------------------------------------

struct version {
  std::optional<value> val;  // nullopt: RotateSecret's value-less placeholder
  std::set<std::string> labels;
  std::int64_t created_ms = 0;
  std::uint64_t order = 0;
  std::optional<std::int64_t> accessed_ms;  // midnight UTC of the last read of this version
  friend bool operator==(const version&, const version&) = default;
};

struct rules {
  std::optional<std::int64_t> days;
  std::optional<std::string> schedule;
  friend bool operator==(const rules&, const rules&) = default;
};

struct secret {
  std::string name, arn, description;
  std::optional<std::string> kms_key_id;
  std::int64_t created_ms = 0;
  std::optional<std::int64_t> last_changed_ms, deleted_ms, last_accessed_ms, last_rotated_ms;
  std::vector<std::pair<std::string, std::string>> tags;  // in the order first added
  bool ever_tagged = false;  // a tag was attached once: Tags is listed from then on, maybe []
  bool rotation_enabled = false;
  std::optional<std::string> lambda;
  std::optional<rules> rotation;
  std::map<std::string, version> versions;
  std::uint64_t next_order = 0;
  std::optional<std::string> resource_policy;  // as put

  friend bool operator==(const secret&, const secret&) = default;

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

struct store {
  std::map<std::string, secret> secrets;  // by name
  std::uint64_t creations = 0;
  friend bool operator==(const store&, const store&) = default;
};

struct env {
  std::int64_t now_ms = 0;
  std::optional<std::string> generated_token;
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  std::vector<std::string> functions;  // invocable rotation functions
};

inline std::int64_t start_of_day(std::int64_t ms) { return ms - (((ms % day_ms) + day_ms) % day_ms); }

// ---- messages not in the per-secret model (docs/semantics.md, doc comments) -------------------

namespace msg {
using namespace refmodel::msg;
inline error marked_for_deletion() {
  return {"InvalidRequestException",
          "You can't perform this operation on the secret because it was marked for deletion."};
}
inline error already_exists(const std::string& name) {
  return {"ResourceExistsException", "The operation failed because the secret " + name + " already exists."};
}
inline error name_scheduled() {
  return {"InvalidRequestException",
          "You can't create this secret because a secret with this name is already scheduled for deletion."};
}
inline error missing_token_rotate() {
  return {"InvalidParameterException",
          "You must provide a ClientRequestToken value. We recommend a UUID-type value."};
}
inline error no_function() {
  return {"InvalidRequestException", "No Lambda rotation function ARN is associated with this secret."};
}
inline error rotation_in_progress() {
  return {"InvalidRequestException", "A previous rotation isn't complete. That rotation will be reattempted."};
}
inline error cannot_invoke() {
  return {"AccessDeniedException",
          "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy "
          "grants access to the principal secretsmanager.amazonaws.com."};
}
inline error frequency_and_schedule() {
  return {"InvalidParameterException", "You cannot specify both rotation frequency and schedule expression together."};
}
inline error value_below(std::string_view member, std::int64_t v, std::int64_t min) {
  return {"ValidationException", "1 validation error detected: Value '" + std::to_string(v) + "' at '" +
                                     std::string(member) +
                                     "' failed to satisfy constraint: Member must have value greater than or equal to " +
                                     std::to_string(min)};
}
inline error value_above(std::string_view member, std::int64_t v, std::int64_t max) {
  return {"ValidationException", "1 validation error detected: Value '" + std::to_string(v) + "' at '" +
                                     std::string(member) +
                                     "' failed to satisfy constraint: Member must have value less than or equal to " +
                                     std::to_string(max)};
}
inline error window_range() {
  return {"InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."};
}
inline error force_with_window() {
  return {"InvalidParameterException",
          "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."};
}
inline error no_value_for_stage(const std::string& label) {
  return {"ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: " + label};
}
inline error no_value_for_version(const std::string& id) {
  return {"ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: " + id};
}
inline error stage_not_on_version() {
  return {"InvalidRequestException", "You provided a VersionStage that is not associated to the provided VersionId."};
}
// [unverified] texts, as the doc comments rule them.
inline error invalid_next_token() { return {"InvalidNextTokenException", "The NextToken value is invalid."}; }
inline error batch_ids_or_filters() {
  return {"InvalidParameterException", "Either 'SecretIdList' or 'Filters' must be provided, but not both."};
}
inline error batch_max_results() {
  return {"InvalidParameterException",
          "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided."};
}
inline error password_no_characters() {
  return {"InvalidParameterException", "The password cannot be generated because every character type was excluded."};
}
inline error password_too_short() {
  return {"InvalidParameterException",
          "The password length is too short to include a character of each required type."};
}
}  // namespace msg

using opt_error = std::optional<error>;
using refmodel::check_length;
using refmodel::is_arn;

// ---- resolution -------------------------------------------------------------------------------

inline bool names(const secret& s, const std::string& id) {
  if (id == s.name || (is_arn(id) && id == s.arn)) return true;
  return is_arn(id) && !refmodel::looks_complete_arn(id) && id == s.arn.substr(0, s.arn.size() - 7);
}
/// The unique secret `id` names, or nullptr.
inline const secret* resolve(const store& st, const std::string& id) {
  const secret* found = nullptr;
  for (const auto& [n, s] : st.secrets)
    if (names(s, id)) {
      if (found != nullptr) return nullptr;  // not unique (cannot happen: a partial ARN fixes the name)
      found = &s;
    }
  return found;
}

inline opt_error id_length(const std::string& id) { return check_length(id, "secretId", 1, 2048); }
inline opt_error id_chars(const std::string& id) {
  if (!is_arn(id) && !refmodel::valid_name_chars(id)) return msg::invalid_name();
  return std::nullopt;
}
/// The secret an operation's SecretId names, checked as AWS checks it: its length, its characters,
/// then that it exists and, for `live`, that it is not marked for deletion. Sets `out`.
inline opt_error find_secret(const store& st, const std::string& id, bool live, const secret*& out) {
  if (auto x = id_length(id)) return x;
  if (auto x = id_chars(id)) return x;
  out = resolve(st, id);
  if (out == nullptr) return msg::not_found();
  if (live && out->deleted_ms) return msg::marked_for_deletion();
  return std::nullopt;
}

// ---- outcomes ---------------------------------------------------------------------------------

template <class Response>
struct outcome {
  opt_error err;
  store next;
  Response resp{};
  bool changed = false;  // the store differs from the input
};

template <class R>
outcome<R> failed(const store& st, error e) {
  outcome<R> o;
  o.err = std::move(e);
  o.next = st;
  return o;
}

struct id_resp {  // ARN, Name and an optional VersionId (Create/Update/Cancel/Rotate/steps)
  std::string arn, name;
  std::optional<std::string> version_id;
};
struct put_resp {
  std::string arn, name, version_id;
  std::set<std::string> version_stages;
};
struct delete_resp {
  std::string arn, name;
  std::int64_t deletion_ms = 0;
};
struct get_resp {
  std::string arn, name, version_id;
  value val;
  std::set<std::string> version_stages;
  std::int64_t created_ms = 0;
};
struct api_error {
  std::string secret_id, type, message;
};
struct batch_resp {
  std::vector<get_resp> values;
  std::vector<api_error> errors;
  std::optional<std::string> next_key;  // the item the next page starts at (its ARN)
};
struct version_entry {
  std::string version_id;
  std::set<std::string> version_stages;
  std::optional<std::int64_t> accessed_ms;
  std::int64_t created_ms = 0;
  std::string kms;
};
struct versions_resp {
  std::vector<version_entry> versions;
  std::optional<std::string> next_key;  // version id
  std::string arn, name;
};
struct description {
  std::string arn, name;
  std::optional<std::string> description, kms_key_id;
  std::optional<bool> rotation_enabled;
  std::optional<std::string> lambda;
  std::optional<rules> rotation;
  std::optional<std::int64_t> last_rotated_ms, last_changed_ms, last_accessed_ms, deleted_ms, next_rotation_ms;
  std::optional<std::vector<std::pair<std::string, std::string>>> tags;  // absent: never tagged
  std::vector<std::pair<std::string, std::set<std::string>>> stages;  // labelled versions, oldest first
  std::int64_t created_ms = 0;
};
struct list_resp {
  std::vector<description> secrets;
  std::optional<std::string> next_key;  // ARN
};
struct none_resp {};

// ---- version creation (PutSecretValue, UpdateSecret, rotation createSecret) ----------------------

/// Version `id` gets `val` (filling the placeholder of that id, which keeps its creation date, place
/// and labels; else a new version created now) and the labels `stages` move onto it. AWSCURRENT
/// moving off A: A gains AWSPREVIOUS unless listed, loses AWSPENDING unless listed. No AWSCURRENT
/// afterwards: the version gets it.
inline void add_version(secret& s, const std::string& id, const value& val, const std::set<std::string>& stages,
                        std::int64_t now) {
  const auto old_current = s.holder(awscurrent);
  if (auto it = s.versions.find(id); it != s.versions.end()) {
    it->second.val = val;
  } else {
    version v;
    v.val = val;
    v.created_ms = now;
    v.order = s.next_order++;
    s.versions[id] = v;
  }
  for (const auto& l : stages) {
    s.detach(l);
    s.versions[id].labels.insert(l);
  }
  if (stages.count(awscurrent) != 0 && old_current && *old_current != id) {
    if (stages.count(awsprevious) == 0) {
      s.detach(awsprevious);
      s.versions[*old_current].labels.insert(awsprevious);
    }
    if (stages.count(awspending) == 0) s.versions[*old_current].labels.erase(awspending);
  }
  if (!s.holder(awscurrent)) s.versions[id].labels.insert(awscurrent);
  s.last_changed_ms = now;
}

// ---- CreateSecret ------------------------------------------------------------------------------

struct create_req {
  std::string name;
  std::optional<std::string> token, description, kms_key_id, secret_string, secret_binary;
  std::optional<std::vector<std::pair<std::string, std::string>>> tags;
};

inline opt_error check_tags(const std::vector<std::pair<std::string, std::string>>& tags) {
  if (tags.size() > 50) return msg::too_long("tags", 50);
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const std::string m = "tags." + std::to_string(i + 1) + ".member.";
    if (auto x = check_length(tags[i].first, m + "key", 1, 128)) return x;
    if (auto x = check_length(tags[i].second, m + "value", 0, 256)) return x;
  }
  return std::nullopt;
}
inline void merge_tags(std::vector<std::pair<std::string, std::string>>& into,
                       const std::vector<std::pair<std::string, std::string>>& added) {
  for (const auto& t : added) {
    auto at = std::find_if(into.begin(), into.end(), [&](const auto& e) { return e.first == t.first; });
    if (at != into.end())
      at->second = t.second;
    else
      into.push_back(t);
  }
}

/// `arn_suffix`: the six characters the library drew for a new secret.
inline outcome<id_resp> create_secret(const store& st, const create_req& r, const env& e,
                                      const std::string& arn_suffix) {
  using R = id_resp;
  if (auto x = check_length(r.name, "name", 1, 512)) return failed<R>(st, *x);
  if (auto x = check_length(r.token, "clientRequestToken", 32, 64)) return failed<R>(st, *x);
  if (auto x = check_length(r.description, "description", 0, 2048)) return failed<R>(st, *x);
  if (auto x = check_length(r.kms_key_id, "kmsKeyId", 0, 2048)) return failed<R>(st, *x);
  if (auto x = check_length(r.secret_string, "secretString", 1, refmodel::max_value)) return failed<R>(st, *x);
  if (auto x = check_length(r.secret_binary, "secretBinary", 1, refmodel::max_value)) return failed<R>(st, *x);
  if (r.tags)
    if (auto x = check_tags(*r.tags)) return failed<R>(st, *x);
  if (!refmodel::valid_name_chars(r.name)) return failed<R>(st, msg::invalid_name());
  if (r.secret_string && r.secret_binary) return failed<R>(st, msg::both_values());
  const bool has_value = r.secret_string || r.secret_binary;
  if (has_value && !r.token && !e.generated_token) return failed<R>(st, msg::missing_token());

  outcome<R> o;
  o.next = st;
  if (auto it = st.secrets.find(r.name); it != st.secrets.end()) {
    const secret& s = it->second;
    if (s.deleted_ms) return failed<R>(st, msg::name_scheduled());
    if (has_value) {
      const std::string token = r.token ? *r.token : *e.generated_token;
      if (auto v = s.versions.find(token); v != s.versions.end() && v->second.val) {
        if (*v->second.val != *refmodel::value_of(r.secret_string, r.secret_binary))
          return failed<R>(st, msg::token_in_use(token, s.arn));
        o.resp = {s.arn, s.name, token};
        return o;
      }
    }
    return failed<R>(st, msg::already_exists(r.name));
  }
  secret s;
  s.name = r.name;
  s.arn = "arn:aws:secretsmanager:" + e.region + ":" + e.account_id + ":secret:" + r.name + "-" + arn_suffix;
  s.description = r.description.value_or("");
  s.kms_key_id = r.kms_key_id;
  s.created_ms = e.now_ms;
  s.last_changed_ms = e.now_ms;
  if (r.tags) merge_tags(s.tags, *r.tags);
  s.ever_tagged = !s.tags.empty();
  o.resp.arn = s.arn;
  o.resp.name = s.name;
  if (has_value) {
    const std::string token = r.token ? *r.token : *e.generated_token;
    add_version(s, token, *refmodel::value_of(r.secret_string, r.secret_binary), {awscurrent}, e.now_ms);
    o.resp.version_id = token;
  }
  o.next.secrets[s.name] = s;
  ++o.next.creations;
  o.changed = true;
  return o;
}

// ---- PutSecretValue -----------------------------------------------------------------------------

struct put_req {
  std::string secret_id;
  std::optional<std::string> token, secret_string, secret_binary;
  std::optional<std::vector<std::string>> version_stages;
};

inline outcome<put_resp> put_secret_value(const store& st, const put_req& r, const env& e) {
  using R = put_resp;
  if (auto x = id_length(r.secret_id)) return failed<R>(st, *x);
  if (auto x = check_length(r.token, "clientRequestToken", 32, 64)) return failed<R>(st, *x);
  if (auto x = check_length(r.secret_string, "secretString", 1, refmodel::max_value)) return failed<R>(st, *x);
  if (auto x = check_length(r.secret_binary, "secretBinary", 1, refmodel::max_value)) return failed<R>(st, *x);
  if (r.version_stages) {
    const auto& l = *r.version_stages;
    if (l.empty()) return failed<R>(st, msg::too_short("versionStages", 1));
    if (l.size() > 20) return failed<R>(st, msg::too_long("versionStages", 20));
    for (const auto& label : l)  // a list item is reported under the list's name (regression 0005)
      if (auto x = check_length(label, "versionStages", 1, 256)) return failed<R>(st, *x);
  }
  if (auto x = id_chars(r.secret_id)) return failed<R>(st, *x);
  if (r.secret_string && r.secret_binary) return failed<R>(st, msg::both_values());
  if (!r.secret_string && !r.secret_binary) return failed<R>(st, msg::neither_value());
  if (!r.token && !e.generated_token) return failed<R>(st, msg::missing_token());
  const secret* s = resolve(st, r.secret_id);
  if (s == nullptr) return failed<R>(st, msg::not_found());
  if (s->deleted_ms) return failed<R>(st, msg::marked_for_deletion());

  const std::string token = r.token ? *r.token : *e.generated_token;
  const value val = *refmodel::value_of(r.secret_string, r.secret_binary);
  outcome<R> o;
  o.next = st;
  o.resp.arn = s->arn;
  o.resp.name = s->name;
  o.resp.version_id = token;
  if (auto it = s->versions.find(token); it != s->versions.end() && it->second.val) {
    if (*it->second.val != val) return failed<R>(st, msg::token_in_use(token, s->arn));
    o.resp.version_stages = it->second.labels;
    return o;
  }
  std::set<std::string> stages;
  if (r.version_stages)
    stages.insert(r.version_stages->begin(), r.version_stages->end());
  else
    stages.insert(awscurrent);
  secret& n = o.next.secrets[s->name];
  add_version(n, token, val, stages, e.now_ms);
  if (n.label_count() > refmodel::label_quota) return failed<R>(st, msg::quota());
  o.resp.version_stages = n.versions[token].labels;
  o.changed = true;
  return o;
}

// ---- UpdateSecret ------------------------------------------------------------------------------

struct update_req {
  std::string secret_id;
  std::optional<std::string> token, description, kms_key_id, secret_string, secret_binary;
};

inline outcome<id_resp> update_secret(const store& st, const update_req& r, const env& e) {
  using R = id_resp;
  if (auto x = id_length(r.secret_id)) return failed<R>(st, *x);
  if (auto x = check_length(r.token, "clientRequestToken", 32, 64)) return failed<R>(st, *x);
  if (auto x = check_length(r.description, "description", 0, 2048)) return failed<R>(st, *x);
  if (auto x = check_length(r.kms_key_id, "kmsKeyId", 0, 2048)) return failed<R>(st, *x);
  if (auto x = check_length(r.secret_string, "secretString", 1, refmodel::max_value)) return failed<R>(st, *x);
  if (auto x = check_length(r.secret_binary, "secretBinary", 1, refmodel::max_value)) return failed<R>(st, *x);
  if (auto x = id_chars(r.secret_id)) return failed<R>(st, *x);
  if (r.secret_string && r.secret_binary) return failed<R>(st, msg::both_values());
  const bool has_value = r.secret_string || r.secret_binary;
  if (has_value && !r.token && !e.generated_token) return failed<R>(st, msg::missing_token());
  const secret* s = resolve(st, r.secret_id);
  if (s == nullptr) return failed<R>(st, msg::not_found());
  if (s->deleted_ms) return failed<R>(st, msg::marked_for_deletion());

  outcome<R> o;
  o.next = st;
  o.resp.arn = s->arn;
  o.resp.name = s->name;
  secret& n = o.next.secrets[s->name];
  if (has_value) {
    const std::string token = r.token ? *r.token : *e.generated_token;
    const value val = *refmodel::value_of(r.secret_string, r.secret_binary);
    o.resp.version_id = token;
    if (auto it = s->versions.find(token); it != s->versions.end() && it->second.val) {
      if (*it->second.val != val) return failed<R>(st, msg::token_in_use(token, s->arn));
      return o;  // an idempotent retry changes nothing at all
    }
    add_version(n, token, val, {awscurrent}, e.now_ms);
    if (n.label_count() > refmodel::label_quota) return failed<R>(st, msg::quota());
  }
  if (r.description) n.description = *r.description;
  if (r.kms_key_id) n.kms_key_id = *r.kms_key_id;
  n.last_changed_ms = e.now_ms;
  o.changed = true;
  return o;
}

// ---- UpdateSecretVersionStage ------------------------------------------------------------------

struct stage_req {
  std::string secret_id, version_stage;
  std::optional<std::string> remove_from, move_to;
};

inline outcome<id_resp> update_secret_version_stage(const store& st, const stage_req& r, const env& e) {
  using R = id_resp;
  if (auto x = id_length(r.secret_id)) return failed<R>(st, *x);
  if (auto x = check_length(r.version_stage, "versionStage", 1, 256)) return failed<R>(st, *x);
  if (auto x = check_length(r.remove_from, "removeFromVersionId", 32, 64)) return failed<R>(st, *x);
  if (auto x = check_length(r.move_to, "moveToVersionId", 32, 64)) return failed<R>(st, *x);
  if (auto x = id_chars(r.secret_id)) return failed<R>(st, *x);
  const secret* s = resolve(st, r.secret_id);
  if (s == nullptr) return failed<R>(st, msg::not_found());
  if (s->deleted_ms) return failed<R>(st, msg::marked_for_deletion());

  const std::string& label = r.version_stage;
  const auto& a = r.remove_from;
  const auto& b = r.move_to;
  const auto c = s->holder(label);
  if (!a && !b) return failed<R>(st, msg::no_version_ids());
  if (a && s->versions.count(*a) == 0) return failed<R>(st, msg::no_such_version(*a, s->name));
  if (b && s->versions.count(*b) == 0) return failed<R>(st, msg::no_such_version(*b, s->name));
  if (!a && b && c && *c != *b) return failed<R>(st, msg::remove_from_empty(label, *c));
  if (a && (!c || *c != *a)) return failed<R>(st, msg::remove_from_mismatch(label));
  if (label == awscurrent && a && !b) return failed<R>(st, msg::current_not_removable());

  outcome<R> o;
  o.next = st;
  o.resp.arn = s->arn;
  o.resp.name = s->name;
  if (b && c && *c == *b) return o;
  secret& n = o.next.secrets[s->name];
  if (a) n.versions[*a].labels.erase(label);
  if (b) n.versions[*b].labels.insert(label);
  if (label == awscurrent && a && b) {
    n.detach(awsprevious);
    n.versions[*a].labels.insert(awsprevious);
  }
  if (n.label_count() > refmodel::label_quota) return failed<R>(st, msg::quota());
  n.last_changed_ms = e.now_ms;
  o.changed = true;
  return o;
}

// ---- RotateSecret ------------------------------------------------------------------------------

struct rotate_req {
  std::string secret_id;
  std::optional<std::string> token, lambda;
  std::optional<rules> rotation;
  std::optional<bool> rotate_immediately;
};

inline outcome<id_resp> rotate_secret(const store& st, const rotate_req& r, const env& e) {
  using R = id_resp;
  if (auto x = id_length(r.secret_id)) return failed<R>(st, *x);
  if (auto x = check_length(r.token, "clientRequestToken", 32, 64)) return failed<R>(st, *x);
  if (auto x = check_length(r.lambda, "rotationLambdaARN", 0, 2048)) return failed<R>(st, *x);
  if (r.rotation && r.rotation->days) {
    const std::int64_t d = *r.rotation->days;
    if (d < 1) return failed<R>(st, msg::value_below("rotationRules.automaticallyAfterDays", d, 1));
    if (d > 1000) return failed<R>(st, msg::value_above("rotationRules.automaticallyAfterDays", d, 1000));
  }
  if (r.rotation && r.rotation->schedule)  // the generator only uses schedules that fit the pattern
    if (auto x = check_length(*r.rotation->schedule, "rotationRules.scheduleExpression", 1, 256)) return failed<R>(st, *x);
  if (auto x = id_chars(r.secret_id)) return failed<R>(st, *x);
  if (r.rotation && r.rotation->days && r.rotation->schedule) return failed<R>(st, msg::frequency_and_schedule());
  if (!r.token && !e.generated_token) return failed<R>(st, msg::missing_token_rotate());
  const secret* s = resolve(st, r.secret_id);
  if (s == nullptr) return failed<R>(st, msg::not_found());
  if (s->deleted_ms) return failed<R>(st, msg::marked_for_deletion());

  std::optional<std::string> f;
  if (r.lambda && !r.lambda->empty())
    f = r.lambda;
  else if (s->lambda && !s->lambda->empty())
    f = s->lambda;
  if (!f) return failed<R>(st, msg::no_function());
  const std::string token = r.token ? *r.token : *e.generated_token;
  const auto current = s->holder(awscurrent);
  const auto pending = s->holder(awspending);
  const bool exists = s->versions.count(token) != 0;
  const bool retry = exists && (pending == token || current == token);
  if (pending && pending != current && *pending != token) return failed<R>(st, msg::rotation_in_progress());
  if (exists && !retry) return failed<R>(st, msg::token_in_use(token, s->arn));
  if (std::find(e.functions.begin(), e.functions.end(), *f) == e.functions.end())
    return failed<R>(st, msg::cannot_invoke());

  outcome<R> o;
  o.next = st;
  o.resp = {s->arn, s->name, token};
  secret& n = o.next.secrets[s->name];
  n.rotation_enabled = true;
  n.lambda = f;
  if (r.rotation) n.rotation = r.rotation;
  const bool starts = !retry && r.rotate_immediately.value_or(true);
  if (starts) {
    version v;
    v.created_ms = e.now_ms;
    v.order = n.next_order++;
    n.detach(awspending);
    v.labels.insert(awspending);
    n.versions[token] = v;
    if (n.label_count() > refmodel::label_quota) return failed<R>(st, msg::quota());
  }
  if (!starts && n.rotation_enabled == s->rotation_enabled && n.lambda == s->lambda && n.rotation == s->rotation)
    return o;  // nothing changed at all
  n.last_changed_ms = e.now_ms;
  o.changed = true;
  return o;
}

// ---- CancelRotateSecret, RestoreSecret, DeleteSecret ---------------------------------------------

inline outcome<id_resp> cancel_rotate_secret(const store& st, const std::string& id, const env& e) {
  using R = id_resp;
  const secret* s = nullptr;
  if (auto x = find_secret(st, id, true, s)) return failed<R>(st, *x);
  outcome<R> o;
  o.next = st;
  o.resp = {s->arn, s->name, s->holder(awspending)};
  if (!s->rotation_enabled) return o;
  secret& n = o.next.secrets[s->name];
  n.rotation_enabled = false;
  n.last_changed_ms = e.now_ms;
  o.changed = true;
  return o;
}

inline outcome<id_resp> restore_secret(const store& st, const std::string& id) {
  using R = id_resp;
  const secret* s = nullptr;
  if (auto x = find_secret(st, id, false, s)) return failed<R>(st, *x);
  outcome<R> o;
  o.next = st;
  o.resp = {s->arn, s->name, std::nullopt};
  if (!s->deleted_ms) return o;
  o.next.secrets[s->name].deleted_ms.reset();
  o.changed = true;
  return o;
}

struct delete_req {
  std::string secret_id;
  std::optional<std::int64_t> window;
  bool force = false;
};

inline outcome<delete_resp> delete_secret(const store& st, const delete_req& r, const env& e) {
  using R = delete_resp;
  if (auto x = id_length(r.secret_id)) return failed<R>(st, *x);
  if (auto x = id_chars(r.secret_id)) return failed<R>(st, *x);
  if (r.window && (*r.window < 7 || *r.window > 30)) return failed<R>(st, msg::window_range());
  if (r.window && r.force) return failed<R>(st, msg::force_with_window());
  outcome<R> o;
  o.next = st;
  const secret* s = resolve(st, r.secret_id);
  if (s == nullptr) {
    if (!r.force) return failed<R>(st, msg::not_found());
    o.resp.arn = is_arn(r.secret_id) ? r.secret_id
                                     : "arn:aws:secretsmanager:" + e.region + ":" + e.account_id + ":secret:" + r.secret_id;
    o.resp.name = r.secret_id;
    o.resp.deletion_ms = e.now_ms;
    return o;
  }
  if (r.force) {
    o.resp = {s->arn, s->name, e.now_ms};
    o.next.secrets.erase(s->name);
    o.changed = true;
    return o;
  }
  if (s->deleted_ms) return failed<R>(st, msg::marked_for_deletion());
  const std::int64_t when = e.now_ms + r.window.value_or(30) * day_ms;
  o.resp = {s->arn, s->name, when};
  o.next.secrets[s->name].deleted_ms = when;
  o.changed = true;
  return o;
}

// ---- reads ---------------------------------------------------------------------------------------

/// A successful read of version `id` of secret `name` at `now`.
inline bool record_access(store& st, const std::string& name, const std::string& id, std::int64_t now) {
  secret& s = st.secrets[name];
  const std::int64_t d = start_of_day(now);
  const bool changed = s.last_accessed_ms != d || s.versions[id].accessed_ms != d;
  s.last_accessed_ms = d;
  s.versions[id].accessed_ms = d;
  return changed;
}

struct get_req {
  std::string secret_id;
  std::optional<std::string> version_id, version_stage;
};

/// The version a read selects, or its error (secret resolved, not scheduled for deletion).
inline std::pair<opt_error, std::string> select_version(const secret& s, const std::optional<std::string>& vid,
                                                        const std::optional<std::string>& stage) {
  if (vid) {
    auto it = s.versions.find(*vid);
    if (it == s.versions.end()) return {msg::no_value_for_version(*vid), ""};
    if (stage && it->second.labels.count(*stage) == 0) return {msg::stage_not_on_version(), ""};
    if (!it->second.val) return {msg::no_value_for_version(*vid), ""};
    return {std::nullopt, *vid};
  }
  const std::string label = stage.value_or(awscurrent);
  const auto h = s.holder(label);
  if (!h || !s.versions.at(*h).val) return {msg::no_value_for_stage(label), ""};
  return {std::nullopt, *h};
}

inline get_resp value_response(const secret& s, const std::string& id) {
  const version& v = s.versions.at(id);
  return {s.arn, s.name, id, *v.val, v.labels, v.created_ms};
}

inline outcome<get_resp> get_secret_value(const store& st, const get_req& r, const env& e) {
  using R = get_resp;
  if (auto x = id_length(r.secret_id)) return failed<R>(st, *x);
  if (auto x = check_length(r.version_id, "versionId", 32, 64)) return failed<R>(st, *x);
  if (auto x = check_length(r.version_stage, "versionStage", 1, 256)) return failed<R>(st, *x);
  if (auto x = id_chars(r.secret_id)) return failed<R>(st, *x);
  const secret* s = resolve(st, r.secret_id);
  if (s == nullptr) return failed<R>(st, msg::not_found());
  if (s->deleted_ms) return failed<R>(st, msg::marked_for_deletion());
  auto [err, id] = select_version(*s, r.version_id, r.version_stage);
  if (err) return failed<R>(st, *err);
  outcome<R> o;
  o.next = st;
  o.resp = value_response(*s, id);
  o.changed = record_access(o.next, s->name, id, e.now_ms);
  return o;
}

// ---- listings ------------------------------------------------------------------------------------

/// A NextToken as the model sees it: absent, one the library issued (the model knows the item it
/// names), one it never issued, or the empty string.
struct page_token {
  enum kind_t { none, issued, garbage, empty } kind = none;
  std::string key;  // for `issued`: the key of the item the page starts at
};

inline opt_error check_token_length(const page_token& t) {
  if (t.kind == page_token::empty) return msg::too_short("nextToken", 1);
  return std::nullopt;
}
inline opt_error check_max(const std::optional<int>& n, int max) {
  if (n && *n < 1) return msg::value_below("maxResults", *n, 1);
  if (n && *n > max) return msg::value_above("maxResults", *n, max);
  return std::nullopt;
}

/// [begin, end) of `keys` for a page, and the key of the next page's first item.
struct page {
  std::size_t begin = 0, end = 0;
  std::optional<std::string> next_key;
};
inline std::pair<opt_error, page> page_of(const std::vector<std::string>& keys, const page_token& t,
                                          std::optional<int> max) {
  page p;
  if (t.kind == page_token::garbage) return {msg::invalid_next_token(), p};
  if (t.kind == page_token::issued) {
    auto it = std::find(keys.begin(), keys.end(), t.key);
    if (it == keys.end()) return {msg::invalid_next_token(), p};
    p.begin = static_cast<std::size_t>(it - keys.begin());
  }
  const std::size_t left = keys.size() - p.begin;
  p.end = p.begin + (max ? std::min(left, static_cast<std::size_t>(*max)) : left);
  if (p.end < keys.size()) p.next_key = keys[p.end];
  return {std::nullopt, p};
}

struct filter {
  std::string key;  // "name", "description", "tag-key", "tag-value"
  std::vector<std::string> values;
};

inline bool prefix(std::string_view text, std::string_view p, bool case_sensitive) {
  if (p.size() > text.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    char a = text[i], b = p[i];
    if (!case_sensitive) {
      if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
      if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    }
    if (a != b) return false;
  }
  return true;
}
inline bool value_matches(const std::string& key, const std::string& v, const secret& s) {
  if (key == "name") return prefix(s.name, v, true);
  if (key == "description") {
    // Every word of the value begins some word of the description (words: runs of ASCII letters
    // and digits, compared lower-cased).
    auto words = [](const std::string& text) {
      std::vector<std::string> out(1);
      for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 128)
          out.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else if (!out.back().empty())
          out.emplace_back();
      }
      if (out.back().empty()) out.pop_back();
      return out;
    };
    const auto have = words(s.description);
    for (const auto& w : words(v))
      if (std::none_of(have.begin(), have.end(), [&](const std::string& h) { return h.rfind(w, 0) == 0; }))
        return false;
    return true;
  }
  for (const auto& [k, val] : s.tags)
    if (prefix(key == "tag-key" ? k : val, v, true)) return true;
  return false;
}
inline bool matches(const std::vector<filter>& fs, const secret& s) {
  for (const auto& f : fs) {
    bool any_plain = false, hit = false;
    for (const auto& v : f.values) {
      if (!v.empty() && v[0] == '!') {
        if (value_matches(f.key, v.substr(1), s)) return false;
      } else {
        any_plain = true;
        hit = hit || value_matches(f.key, v, s);
      }
    }
    if (any_plain && !hit) return false;
  }
  return true;
}
inline opt_error check_filters(const std::vector<filter>& fs) {
  if (fs.size() > 10) return msg::too_long("filters", 10);
  for (std::size_t i = 0; i < fs.size(); ++i) {
    const std::string m = "filters." + std::to_string(i + 1) + ".member.values";
    if (auto x = check_length(std::string(fs[i].values.size(), 'x'), m, 1, 10)) return x;
  }
  return std::nullopt;
}

/// Secrets passing the filters, by CreatedDate then Name (ascending), reversed for descending.
inline std::vector<const secret*> listed_secrets(const store& st, const std::vector<filter>& fs, bool include_deleted,
                                                 bool descending) {
  std::vector<const secret*> out;
  for (const auto& [n, s] : st.secrets)
    if ((include_deleted || !s.deleted_ms) && matches(fs, s)) out.push_back(&s);
  std::stable_sort(out.begin(), out.end(), [](const secret* a, const secret* b) { return a->created_ms < b->created_ms; });
  if (descending) std::reverse(out.begin(), out.end());
  return out;
}

/// `for_describe`: DescribeSecret hides LastRotatedDate while rotation is disabled (API
/// reference); a ListSecrets entry shows it whenever the secret has rotated.
/// The schedule's last rotation: the latest of the creation, the last rotation and the creation of
/// the newest version when it has a value (a PutSecretValue or UpdateSecret counts as a rotation).
inline std::int64_t last_rotation_ms(const secret& s) {
  std::int64_t last = std::max(s.created_ms, s.last_rotated_ms.value_or(s.created_ms));
  const version* newest = nullptr;
  for (const auto& entry : s.versions)
    if (newest == nullptr || entry.second.order > newest->order) newest = &entry.second;
  if (newest != nullptr && newest->val) last = std::max(last, newest->created_ms);
  return last;
}

/// NextRotationDate for the two schedules the test generates, by walking the windows one by one:
/// AutomaticallyAfterDays N — the whole UTC day N days after the last rotation's day, every N days
/// on until one has not ended at `now`; rate(4 hours) — an hour from the last rotation's hour + 4 h,
/// cut at midnight, every 4 hours on. The date is the window's last second.
inline std::optional<std::int64_t> next_rotation_ms(const secret& s, std::int64_t now_ms) {
  constexpr std::int64_t hour_ms = 3'600'000;
  if (!s.rotation_enabled || !s.rotation) return std::nullopt;
  const std::int64_t last = last_rotation_ms(s);
  if (s.rotation->days) {
    std::int64_t start = last / day_ms * day_ms + *s.rotation->days * day_ms;
    while (start + day_ms <= now_ms) start += *s.rotation->days * day_ms;
    return start + day_ms - 1000;
  }
  if (s.rotation->schedule == std::optional<std::string>("rate(4 hours)")) {
    for (std::int64_t start = last / hour_ms * hour_ms + 4 * hour_ms;; start += 4 * hour_ms) {
      const std::int64_t end = std::min(start + hour_ms, start / day_ms * day_ms + day_ms);
      if (end > now_ms) return end - 1000;
    }
  }
  return std::nullopt;
}

inline description describe(const secret& s, std::int64_t now_ms, bool for_describe = false) {
  description d;
  d.arn = s.arn;
  d.name = s.name;
  if (!s.description.empty()) d.description = s.description;
  d.kms_key_id = s.kms_key_id;
  if (s.rotation_enabled || s.lambda) d.rotation_enabled = s.rotation_enabled;
  d.lambda = s.lambda;
  d.rotation = s.rotation;
  if (!for_describe || s.rotation_enabled) d.last_rotated_ms = s.last_rotated_ms;
  d.last_changed_ms = s.last_changed_ms;
  d.last_accessed_ms = s.last_accessed_ms;
  d.deleted_ms = s.deleted_ms;
  d.next_rotation_ms = next_rotation_ms(s, now_ms);
  if (s.ever_tagged) d.tags = s.tags;
  std::vector<std::pair<std::uint64_t, std::string>> labelled;
  for (const auto& [id, v] : s.versions)
    if (!v.labels.empty()) labelled.emplace_back(v.order, id);
  std::sort(labelled.begin(), labelled.end());
  for (const auto& [o, id] : labelled) d.stages.emplace_back(id, s.versions.at(id).labels);
  d.created_ms = s.created_ms;
  return d;
}

inline outcome<description> describe_secret(const store& st, const std::string& id,
                                            std::int64_t now_ms) {
  using R = description;
  const secret* s = nullptr;
  if (auto x = find_secret(st, id, false, s)) return failed<R>(st, *x);
  outcome<R> o;
  o.next = st;
  o.resp = describe(*s, now_ms, true);
  return o;
}

struct list_req {
  std::optional<bool> include_planned_deletion;
  std::optional<int> max_results;
  page_token token;
  std::optional<std::vector<filter>> filters;
  bool descending = false;
};

inline outcome<list_resp> list_secrets(const store& st, const list_req& r, std::int64_t now_ms) {
  using R = list_resp;
  if (auto x = check_max(r.max_results, 100)) return failed<R>(st, *x);
  if (auto x = check_token_length(r.token)) return failed<R>(st, *x);
  if (r.filters)
    if (auto x = check_filters(*r.filters)) return failed<R>(st, *x);
  const auto listed = listed_secrets(st, r.filters.value_or(std::vector<filter>{}),
                                     r.include_planned_deletion.value_or(false), r.descending);
  std::vector<std::string> keys;
  for (const auto* s : listed) keys.push_back(s->arn);
  auto [err, p] = page_of(keys, r.token, r.max_results);
  if (err) return failed<R>(st, *err);
  outcome<R> o;
  o.next = st;
  for (std::size_t i = p.begin; i < p.end; ++i) o.resp.secrets.push_back(describe(*listed[i], now_ms));
  o.resp.next_key = p.next_key;
  return o;
}

struct versions_req {
  std::string secret_id;
  std::optional<int> max_results;
  page_token token;
  std::optional<bool> include_deprecated;
};

inline outcome<versions_resp> list_secret_version_ids(const store& st, const versions_req& r) {
  using R = versions_resp;
  if (auto x = id_length(r.secret_id)) return failed<R>(st, *x);
  if (auto x = check_max(r.max_results, 100)) return failed<R>(st, *x);
  if (auto x = check_token_length(r.token)) return failed<R>(st, *x);
  if (auto x = id_chars(r.secret_id)) return failed<R>(st, *x);
  const secret* s = resolve(st, r.secret_id);
  if (s == nullptr) return failed<R>(st, msg::not_found());
  std::vector<std::pair<std::uint64_t, std::string>> listed;  // newest first
  for (const auto& [id, v] : s->versions)
    if (r.include_deprecated.value_or(false) || !v.labels.empty()) listed.emplace_back(v.order, id);
  std::sort(listed.rbegin(), listed.rend());
  std::vector<std::string> keys;
  for (const auto& [o, id] : listed) keys.push_back(id);
  auto [err, p] = page_of(keys, r.token, r.max_results);
  if (err) return failed<R>(st, *err);
  outcome<R> o;
  o.next = st;
  o.resp.arn = s->arn;
  o.resp.name = s->name;
  for (std::size_t i = p.begin; i < p.end; ++i) {
    const version& v = s->versions.at(keys[i]);
    o.resp.versions.push_back({keys[i], v.labels, v.accessed_ms, v.created_ms, s->kms_key_id.value_or("DefaultEncryptionKey")});
  }
  o.resp.next_key = p.next_key;
  return o;
}

struct batch_req {
  std::optional<std::vector<std::string>> ids;
  std::optional<std::vector<filter>> filters;
  std::optional<int> max_results;
  page_token token;
};

inline outcome<batch_resp> batch_get_secret_value(const store& st, const batch_req& r, const env& e) {
  using R = batch_resp;
  if (r.ids) {
    const auto& ids = *r.ids;
    if (ids.empty()) return failed<R>(st, msg::too_short("secretIdList", 1));
    if (ids.size() > 20) return failed<R>(st, msg::too_long("secretIdList", 20));
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (auto x = check_length(ids[i], "secretIdList." + std::to_string(i + 1) + ".member", 1, 2048))
        return failed<R>(st, *x);
    for (const auto& id : ids)
      if (auto x = id_chars(id)) return failed<R>(st, *x);
  }
  if (r.filters)
    if (auto x = check_filters(*r.filters)) return failed<R>(st, *x);
  if (auto x = check_max(r.max_results, 20)) return failed<R>(st, *x);
  if (auto x = check_token_length(r.token)) return failed<R>(st, *x);
  if (r.ids.has_value() == r.filters.has_value()) return failed<R>(st, msg::batch_ids_or_filters());
  if (r.max_results && !r.filters) return failed<R>(st, msg::batch_max_results());

  outcome<R> o;
  o.next = st;
  auto read = [&](const secret& s, const std::string& shown_id) {
    if (s.deleted_ms) {
      const auto x = msg::marked_for_deletion();
      o.resp.errors.push_back({shown_id, x.type, x.message});
      return;
    }
    auto [err, id] = select_version(s, std::nullopt, awscurrent);
    if (err) {
      o.resp.errors.push_back({shown_id, err->type, err->message});
      return;
    }
    o.resp.values.push_back(value_response(s, id));
    o.changed = record_access(o.next, s.name, id, e.now_ms) || o.changed;
  };
  if (r.ids) {
    if (r.token.kind != page_token::none) return failed<R>(st, msg::invalid_next_token());
    for (const auto& id : *r.ids) {
      const secret* s = resolve(st, id);
      if (s == nullptr) {
        const auto x = msg::not_found();
        o.resp.errors.push_back({id, x.type, x.message});
        continue;
      }
      read(*s, id);
    }
    return o;
  }
  const auto listed = listed_secrets(st, *r.filters, false, false);
  std::vector<std::string> keys;
  for (const auto* s : listed) keys.push_back(s->arn);
  auto [err, p] = page_of(keys, r.token, r.max_results.value_or(20));
  if (err) return failed<R>(st, *err);
  for (std::size_t i = p.begin; i < p.end; ++i) read(*listed[i], listed[i]->arn);
  o.resp.next_key = p.next_key;
  return o;
}

// ---- tags ----------------------------------------------------------------------------------------

inline outcome<none_resp> tag_resource(const store& st, const std::string& id,
                                       const std::vector<std::pair<std::string, std::string>>& tags, const env& e) {
  using R = none_resp;
  if (auto x = id_length(id)) return failed<R>(st, *x);
  if (auto x = check_tags(tags)) return failed<R>(st, *x);
  if (auto x = id_chars(id)) return failed<R>(st, *x);
  const secret* s = resolve(st, id);
  if (s == nullptr) return failed<R>(st, msg::not_found());
  if (s->deleted_ms) return failed<R>(st, msg::marked_for_deletion());
  outcome<R> o;
  o.next = st;
  secret& n = o.next.secrets[s->name];
  merge_tags(n.tags, tags);
  if (n.tags == s->tags) return o;
  n.ever_tagged = true;
  n.last_changed_ms = e.now_ms;
  o.changed = true;
  return o;
}

inline outcome<none_resp> untag_resource(const store& st, const std::string& id, const std::vector<std::string>& keys,
                                         const env& e) {
  using R = none_resp;
  if (auto x = id_length(id)) return failed<R>(st, *x);
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (auto x = check_length(keys[i], "tagKeys." + std::to_string(i + 1) + ".member", 1, 128)) return failed<R>(st, *x);
  if (auto x = id_chars(id)) return failed<R>(st, *x);
  const secret* s = resolve(st, id);
  if (s == nullptr) return failed<R>(st, msg::not_found());
  if (s->deleted_ms) return failed<R>(st, msg::marked_for_deletion());
  outcome<R> o;
  o.next = st;
  secret& n = o.next.secrets[s->name];
  std::vector<std::pair<std::string, std::string>> kept;
  for (const auto& t : s->tags)
    if (std::find(keys.begin(), keys.end(), t.first) == keys.end()) kept.push_back(t);
  if (kept.size() == s->tags.size()) return o;
  n.tags = kept;
  n.last_changed_ms = e.now_ms;
  o.changed = true;
  return o;
}

// ---- resource policies --------------------------------------------------------------------------------

/// A policy document as the test sends it, with what docs/resource-policies.md says of it (the
/// model does not analyse policies: the generator's table, typed by hand, does).
struct policy_doc {
  std::string text;
  bool malformed = false;
  bool is_public = false;
  bool locks_out = false;
};
struct policy_resp {
  std::string arn, name;
  std::optional<std::string> policy;
};
struct validation_resp {
  bool passed = true;
  std::vector<std::pair<std::string, std::string>> errors;  // CheckName, ErrorMessage
};

namespace msg {
inline error malformed_policy() { return {"MalformedPolicyDocumentException", "This policy has invalid syntax."}; }
inline error public_policy() {
  return {"PublicPolicyException", "You can't attach a resource-based policy that allows broad access to the secret."};
}
}  // namespace msg

/// The request shape of the policy operations: SecretId's length, the policy's, SecretId's characters.
inline opt_error policy_shape(const std::optional<std::string>& id, const policy_doc& doc) {
  if (id)
    if (auto x = id_length(*id)) return x;
  if (auto x = check_length(doc.text, "resourcePolicy", 1, 20480)) return x;  // ASCII documents
  if (id)
    if (auto x = id_chars(*id)) return x;
  return std::nullopt;
}

inline outcome<id_resp> put_resource_policy(const store& st, const std::string& id, const policy_doc& doc,
                                            bool block, const env& e) {
  using R = id_resp;
  if (auto x = policy_shape(id, doc)) return failed<R>(st, *x);
  const secret* s = resolve(st, id);
  if (s == nullptr) return failed<R>(st, msg::not_found());
  if (s->deleted_ms) return failed<R>(st, msg::marked_for_deletion());
  if (doc.malformed) return failed<R>(st, msg::malformed_policy());
  if (block && doc.is_public) return failed<R>(st, msg::public_policy());
  outcome<R> o;
  o.next = st;
  o.resp = {s->arn, s->name, std::nullopt};
  if (s->resource_policy == doc.text) return o;
  secret& n = o.next.secrets[s->name];
  n.resource_policy = doc.text;
  n.last_changed_ms = e.now_ms;
  o.changed = true;
  return o;
}

inline outcome<policy_resp> get_resource_policy(const store& st, const std::string& id) {
  using R = policy_resp;
  const secret* s = nullptr;
  if (auto x = find_secret(st, id, true, s)) return failed<R>(st, *x);
  outcome<R> o;
  o.next = st;
  o.resp = {s->arn, s->name, s->resource_policy};
  return o;
}

inline outcome<id_resp> delete_resource_policy(const store& st, const std::string& id, const env& e) {
  using R = id_resp;
  const secret* s = nullptr;
  if (auto x = find_secret(st, id, true, s)) return failed<R>(st, *x);
  outcome<R> o;
  o.next = st;
  o.resp = {s->arn, s->name, std::nullopt};
  if (!s->resource_policy) return o;  // idempotent
  secret& n = o.next.secrets[s->name];
  n.resource_policy.reset();
  n.last_changed_ms = e.now_ms;
  o.changed = true;
  return o;
}

inline outcome<validation_resp> validate_resource_policy(const store& st, const std::optional<std::string>& id,
                                                         const policy_doc& doc) {
  using R = validation_resp;
  if (auto x = policy_shape(id, doc)) return failed<R>(st, *x);
  if (id) {
    const secret* s = resolve(st, *id);
    if (s == nullptr) return failed<R>(st, msg::not_found());
    if (s->deleted_ms) return failed<R>(st, msg::marked_for_deletion());
  }
  if (doc.malformed) return failed<R>(st, msg::malformed_policy());
  outcome<R> o;
  o.next = st;
  if (doc.is_public)
    o.resp.errors.emplace_back("BROAD_ACCESS",
                               "This resource policy grants broad access to your secret. Secrets Manager does not "
                               "allow creating and applying such policies in the console.");
  if (doc.locks_out)
    o.resp.errors.emplace_back("LOCKOUT", "Your requested changes will not allow you to manage this secret in the future.");
  o.resp.passed = o.resp.errors.empty();
  return o;
}

// ---- GetRandomPassword (no state) -------------------------------------------------------------------

struct password_req {
  std::optional<std::int64_t> length;
  std::optional<std::string> exclude;
  bool no_numbers = false, no_punctuation = false, no_upper = false, no_lower = false, space = false, each = true;
};

inline const std::string& punctuation() {
  static const std::string p = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  return p;
}

/// The character types the password draws from (each less ExcludeCharacters; empty types dropped).
inline std::vector<std::string> password_types(const password_req& r) {
  std::vector<std::string> types;
  const std::string ex = r.exclude.value_or("");
  auto add = [&](bool off, std::string set) {
    if (off) return;
    std::string kept;
    for (char c : set)
      if (ex.find(c) == std::string::npos) kept.push_back(c);
    if (!kept.empty()) types.push_back(kept);
  };
  add(r.no_upper, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  add(r.no_lower, "abcdefghijklmnopqrstuvwxyz");
  add(r.no_numbers, "0123456789");
  add(r.no_punctuation, punctuation());
  return types;
}
inline bool space_allowed(const password_req& r) {
  return r.space && r.exclude.value_or("").find(' ') == std::string::npos;
}

inline opt_error get_random_password(const password_req& r) {
  if (r.length && *r.length < 1) return msg::value_below("passwordLength", *r.length, 1);
  if (r.length && *r.length > 4096) return msg::value_above("passwordLength", *r.length, 4096);
  if (r.exclude)
    if (auto x = check_length(*r.exclude, "excludeCharacters", 0, 4096)) return x;
  const auto types = password_types(r);
  if (types.empty() && !space_allowed(r)) return msg::password_no_characters();
  if (r.each && static_cast<std::size_t>(r.length.value_or(32)) < types.size()) return msg::password_too_short();
  return std::nullopt;
}

// ---- rotation steps (rotation.hpp's rulings) --------------------------------------------------------

enum class step { create, set, test, finish };

/// One step of the rotation function for (secret_id, token T). `new_value` is createSecret's value;
/// `keep_pending` selects finishSecret's older variant.
inline outcome<id_resp> rotation_step(const store& st, step which, const std::string& secret_id,
                                      const std::string& token, const value& new_value, bool keep_pending,
                                      const env& e) {
  using R = id_resp;
  const secret* s = resolve(st, secret_id);
  if (s == nullptr) return failed<R>(st, msg::not_found());
  if (s->deleted_ms) return failed<R>(st, msg::marked_for_deletion());
  auto it = s->versions.find(token);
  if (it == s->versions.end()) return failed<R>(st, msg::no_value_for_version(token));
  outcome<R> o;
  o.next = st;
  o.resp = {s->arn, s->name, token};
  if (it->second.labels.count(awscurrent) != 0) return o;  // a finished rotation: nothing to do
  if (it->second.labels.count(awspending) == 0) return failed<R>(st, msg::stage_not_on_version());
  const bool placeholder = !it->second.val;
  switch (which) {
    case step::create: {
      if (!placeholder) return o;
      put_req put;
      put.secret_id = s->arn;
      put.token = token;
      (new_value.binary ? put.secret_binary : put.secret_string) = new_value.bytes;
      put.version_stages = std::vector<std::string>{awspending};
      auto p = put_secret_value(st, put, e);
      if (p.err) return failed<R>(st, *p.err);
      o.next = std::move(p.next);
      o.changed = p.changed;
      return o;
    }
    case step::set:
    case step::test:
      if (placeholder) return failed<R>(st, msg::no_value_for_version(token));
      return o;
    case step::finish: {
      if (placeholder) return failed<R>(st, msg::no_value_for_version(token));
      auto moved = update_secret_version_stage(st, {s->arn, awscurrent, s->holder(awscurrent), token}, e);
      if (moved.err) return failed<R>(st, *moved.err);
      store next = std::move(moved.next);
      if (!keep_pending) {
        auto removed = update_secret_version_stage(next, {s->arn, awspending, token, std::nullopt}, e);
        if (removed.err) return failed<R>(st, *removed.err);
        next = std::move(removed.next);
      }
      next.secrets[s->name].last_rotated_ms = e.now_ms;
      o.next = std::move(next);
      o.changed = true;
      return o;
    }
  }
  return o;
}

/// rotate_synchronously: RotateSecret, then (RotateImmediately) createSecret(new_value), setSecret,
/// testSecret, finishSecret with its VersionId T, all or nothing; or (RotateImmediately = false)
/// RotateSecret, then testSecret against a transient copy — T carrying AWSPENDING and the current
/// value (none without AWSCURRENT), unless T already names a version, which is tested as it is —
/// whose store is dropped: the result is RotateSecret's.
inline outcome<id_resp> rotate_synchronously(const store& st, const rotate_req& r, const value& new_value,
                                             bool keep_pending, const env& e) {
  using R = id_resp;
  auto started = rotate_secret(st, r, e);
  if (started.err) return started;
  const std::string arn = started.resp.arn, token = *started.resp.version_id;
  if (!r.rotate_immediately.value_or(true)) {
    store trial = started.next;
    secret& s = trial.secrets[started.resp.name];
    if (s.versions.count(token) == 0) {
      version v;
      if (auto c = s.holder(awscurrent)) v.val = s.versions.at(*c).val;
      v.created_ms = e.now_ms;
      v.order = s.next_order++;
      s.detach(awspending);
      v.labels.insert(awspending);
      s.versions[token] = v;
      if (s.label_count() > refmodel::label_quota) return failed<R>(st, msg::quota());
    }
    auto tested = rotation_step(trial, step::test, arn, token, new_value, keep_pending, e);
    if (tested.err) return failed<R>(st, *tested.err);
    return started;
  }
  store next = started.next;
  for (step which : {step::create, step::set, step::test, step::finish}) {
    auto o = rotation_step(next, which, arn, token, new_value, keep_pending, e);
    if (o.err) return failed<R>(st, *o.err);
    next = std::move(o.next);
  }
  started.next = std::move(next);
  started.changed = !(started.next == st);
  return started;
}

// ---- background transitions ------------------------------------------------------------------------

/// Deprecated-version collection, then nothing else: while a secret not scheduled for deletion has
/// more than 100 versions, its oldest deprecated version at least 24 h old goes.
inline store collect(const store& st, std::int64_t now) {
  store out = st;
  for (auto& [n, s] : out.secrets) {
    if (s.deleted_ms) continue;
    std::vector<std::pair<std::uint64_t, std::string>> by_age;
    for (const auto& [id, v] : s.versions) by_age.emplace_back(v.order, id);
    std::sort(by_age.begin(), by_age.end());
    for (const auto& [o, id] : by_age) {
      if (s.versions.size() <= 100) break;
      const version& v = s.versions.at(id);
      if (v.labels.empty() && now - v.created_ms >= day_ms) s.versions.erase(id);
    }
  }
  return out;
}
/// Purge: every secret whose DeletedDate ≤ now leaves the store.
inline store purge(const store& st, std::int64_t now) {
  store out = st;
  for (const auto& [n, s] : st.secrets)
    if (s.deleted_ms && *s.deleted_ms <= now) out.secrets.erase(n);
  return out;
}

}  // namespace storemodel

#endif  // SECRETSTAGE_TESTS_MODEL_STORE_MODEL_HPP
