#ifndef SECRETSTAGE_OPERATIONS_GET_SECRET_VALUE_HPP
#define SECRETSTAGE_OPERATIONS_GET_SECRET_VALUE_HPP

#include <optional>
#include <string>
#include <utility>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/secret_builder.hpp"
#include "../detail/validate.hpp"
#include "../label_set.hpp"
#include "../messages.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// GetSecretValue request (AWS field names in snake_case).
template <secret_traits Traits = aws_traits>
struct basic_get_secret_value {
  std::string secret_id;
  std::optional<typename Traits::version_id_type> version_id{};
  /// With neither selector: AWSCURRENT.
  std::optional<typename Traits::label_type> version_stage{};

  friend bool operator==(const basic_get_secret_value&, const basic_get_secret_value&) = default;
};

/// GetSecretValue response; also BatchGetSecretValue's SecretValueEntry, which has the same
/// members.
template <secret_traits Traits = aws_traits>
struct basic_get_secret_value_response {
  shared_text arn;
  shared_text name;
  typename Traits::version_id_type version_id;
  /// The version's value, shared with the state rather than copied: SecretString or SecretBinary
  /// (see the accessors).
  value_ref value;
  /// The labels on the version. Empty for a deprecated version read by VersionId, whose AWS
  /// response has no VersionStages member.
  label_set_for<Traits> version_stages;
  /// The version's creation date.
  timestamp created_date;

  /// SecretString, or nullptr when the value is binary.
  [[nodiscard]] const std::string* secret_string() const noexcept {
    return value ? value->string() : nullptr;
  }
  /// SecretBinary, or nullptr when the value is a string.
  [[nodiscard]] const binary* secret_binary() const noexcept {
    return value ? value->bytes() : nullptr;
  }

  /// Same members; values compared by content.
  friend bool operator==(const basic_get_secret_value_response& a,
                         const basic_get_secret_value_response& b) {
    const bool same_value = a.value == b.value || (a.value && b.value && *a.value == *b.value);
    return a.arn == b.arn && a.name == b.name && a.version_id == b.version_id && same_value &&
           a.version_stages == b.version_stages && a.created_date == b.created_date;
  }
};

/// BatchGetSecretValue's SecretValueEntry.
template <secret_traits Traits = aws_traits>
using basic_secret_value_entry = basic_get_secret_value_response<Traits>;

using get_secret_value = basic_get_secret_value<>;
using get_secret_value_response = basic_get_secret_value_response<>;

/// What GetSecretValue is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_get_secret_value<Traits>>
    : request_description<on_one_secret, basic_get_secret_value_response<Traits>> {
  static constexpr char operation[] = "GetSecretValue";
  using type = basic_get_secret_value<Traits>;
  static constexpr char names[] = "SecretId VersionId VersionStage";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>,
                            member<&type::version_id, wire_shape::string>,
                            member<&type::version_stage, wire_shape::string>>;
};

/// GetSecretValue's response members (describe.hpp).
template <class Traits>
struct description_of<basic_get_secret_value_response<Traits>> {
  using type = basic_get_secret_value_response<Traits>;
  static constexpr char names[] =
      "ARN Name VersionId SecretString/SecretBinary VersionStages CreatedDate";
  using members = secret_reference<type, member<&type::version_id, wire_shape::string>,
                                   member<&type::value, wire_shape::secret_value, redacted>,
                                   member<&type::version_stages, wire_shape::string_list>,
                                   member<&type::created_date, wire_shape::date>>;
};
using secret_value_entry = basic_secret_value_entry<>;

namespace detail {

/// The secret after a successful read of its version `v` at `now`: LastAccessedDate becomes the
/// day of the read (midnight UTC) on the secret and on the version. The version object is replaced,
/// its value shared. When both already carry that day, the secret is returned as it is.
template <class Traits>
[[nodiscard]] basic_secret<Traits> record_access(const basic_secret<Traits>& s,
                                                 const basic_version<Traits>& v, timestamp now) {
  const timestamp day = now.start_of_day();
  if (s.last_accessed_date() == day && v.last_accessed_date() == day) return s;
  secret_builder<Traits> b(s);
  b.set_last_accessed(day);
  if (v.last_accessed_date() != day)
    b.put_version(detail::make_ref<const basic_version<Traits>>(v.id(), v.shared_value(),
                                                                v.created_date(), v.sequence(), day));
  // No label changes, so the label quota cannot fail.
  return std::move(b).finish().value();
}

/// The response for version `v` of `s`.
template <class Traits>
[[nodiscard]] basic_get_secret_value_response<Traits> value_response(const basic_secret<Traits>& s,
                                                                     const basic_version<Traits>& v) {
  return {s.arn(), s.name(), v.id(), v.shared_value(), s.labels_of(v.id()), v.created_date()};
}

/// The version a GetSecretValue reads (secret resolved, not scheduled for deletion).
template <class Traits>
[[nodiscard]] result<const basic_version<Traits>*> select_version(
    const basic_secret<Traits>& s, const std::optional<typename Traits::version_id_type>& version_id,
    const std::optional<typename Traits::label_type>& version_stage) {
  if (version_id) {
    const auto* v = s.find_version(*version_id);
    if (v == nullptr) return messages::no_value_for_version(Traits::text(*version_id));
    if (version_stage && s.holder(*version_stage) != v) return messages::stage_not_on_version();
    if (v->is_placeholder()) return messages::no_value_for_version(Traits::text(*version_id));
    return v;
  }
  if constexpr (!Traits::has_reserved_labels) {
    if (!version_stage) return messages::version_selector_required();
  }
  typename Traits::label_type stage;
  if (version_stage) {
    stage = *version_stage;
  } else if constexpr (Traits::has_reserved_labels) {
    stage = Traits::current();
  }
  const auto* v = s.holder(stage);
  if (v == nullptr || v->is_placeholder()) return messages::no_value_for_stage(Traits::text(stage));
  return v;
}

}  // namespace detail

/// The checks of GetSecretValue that precede secret resolution.
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_get_secret_value<Traits>& r, const basic_context<Traits>&) {
  SECRETSTAGE_TRYV(detail::check_secret_id_length(r.secret_id));
  if (r.version_id) {
    SECRETSTAGE_TRYV(Traits::check_version_id(*r.version_id, "versionId"));
  }
  if (r.version_stage) {
    SECRETSTAGE_TRYV(Traits::check_label(*r.version_stage, "versionStage"));
  }
  return detail::check_secret_id_characters(r.secret_id);
}

/// GetSecretValue: the value of one version, AWSCURRENT's by default.
///
/// Checks, in order (the first failure decides; a failed read changes nothing):
///   SecretId 1–2048 (its characters after every length)    ValidationException
///   VersionId 32–64; VersionStage 1–256                 ValidationException
///   SecretId names no secret                            ResourceNotFoundException "Secrets Manager can't find the specified secret."
///   secret scheduled for deletion                       InvalidRequestException "You can't perform this operation on the secret because it was marked for deletion."
///   VersionId given:
///     no such version                                   ResourceNotFoundException "Secrets Manager can't find the specified secret value for VersionId: <id>"
///     VersionStage given and not on that version        InvalidRequestException "You provided a VersionStage that is not associated to the provided VersionId."
///     the version is a value-less rotation placeholder  ResourceNotFoundException "… for VersionId: <id>" [unverified]
///   otherwise, by VersionStage (default AWSCURRENT):
///     no version carries it, or its version is a placeholder
///                                                       ResourceNotFoundException "Secrets Manager can't find the specified secret value for staging label: <label>"
///   (a domain without reserved labels, neither selector: InvalidParameterException, not an AWS case)
/// Effect: LastAccessedDate := day of ctx.now (midnight UTC), on the secret and on the version read;
/// no label or value changes. A deprecated version stays readable by VersionId (empty VersionStages).
/// Response: ARN, Name, VersionId, the value, VersionStages, CreatedDate (of the version).
/// Cost: O(labels) plus, on the first read of a day, one version re-insertion (O(log32 versions)).
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_get_secret_value_response<Traits>>> apply(
    const basic_secret<Traits>& s, const basic_get_secret_value<Traits>& r,
    const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_get_secret_value_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_deleted(s));
  SECRETSTAGE_TRY(selected, detail::select_version(s, r.version_id, r.version_stage));
  const basic_version<Traits>& v = *selected;
  auto response = detail::value_response(s, v);
  return out{detail::record_access(s, v, ctx.now), std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_GET_SECRET_VALUE_HPP
