#ifndef SECRETSTAGE_OPERATIONS_ROTATE_SECRET_HPP
#define SECRETSTAGE_OPERATIONS_ROTATE_SECRET_HPP

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/algorithm.hpp"
#include "../detail/secret_builder.hpp"
#include "../detail/validate.hpp"
#include "../messages.hpp"
#include "../replica.hpp"
#include "../result.hpp"
#include "../rotation_functions.hpp"
#include "../schedule.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// RotateSecret request. ExternalSecretRotationMetadata and ExternalSecretRotationRoleArn (managed
/// external secrets) are out of scope.
template <secret_traits Traits = aws_traits>
struct basic_rotate_secret {
  std::string secret_id;
  std::optional<typename Traits::version_id_type> client_request_token{};
  /// Absent or empty: the function stored by an earlier call.
  std::optional<std::string> rotation_lambda_arn{};
  /// Absent: the stored rules stay. Given: they replace the stored rules as a whole.
  std::optional<secretstage::rotation_rules> rotation_rules{};
  /// Absent: true.
  detail::deferred_t<std::optional<bool>, Traits> rotate_immediately{};

  friend bool operator==(const basic_rotate_secret&, const basic_rotate_secret&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_rotate_secret_response {
  shared_text arn;
  shared_text name;
  /// The rotation's version: ClientRequestToken (or the generated token).
  typename Traits::version_id_type version_id;

  friend bool operator==(const basic_rotate_secret_response&,
                         const basic_rotate_secret_response&) = default;
};

using rotate_secret = basic_rotate_secret<>;
using rotate_secret_response = basic_rotate_secret_response<>;

/// What RotateSecret is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_rotate_secret<Traits>>
    : request_description<changes_store, basic_rotate_secret_response<Traits>> {
  static constexpr char operation[] = "RotateSecret";
  using type = basic_rotate_secret<Traits>;
  static constexpr char names[] =
      "SecretId ClientRequestToken RotationLambdaARN RotationRules ExternalSecretRotationMetadata "
      "ExternalSecretRotationRoleArn RotateImmediately";
  using members =
      type_list<member<&type::secret_id, wire_shape::string, required>,
                member<&type::client_request_token, wire_shape::string>,
                member<&type::rotation_lambda_arn, wire_shape::string>,
                member<&type::rotation_rules, wire_shape::rotation_rules>,
                member<nullptr, wire_shape::rotation_metadata>, member<nullptr, wire_shape::string>,
                member<&type::rotate_immediately, wire_shape::boolean>>;
};

/// RotateSecret's response members (describe.hpp).
template <class Traits>
struct description_of<basic_rotate_secret_response<Traits>> {
  using type = basic_rotate_secret_response<Traits>;
  static constexpr char names[] = "ARN Name VersionId";
  using members = secret_reference<type, member<&type::version_id, wire_shape::string>>;
};

namespace detail {

inline constexpr std::size_t max_rotation_lambda_arn = 2048;
inline constexpr std::int64_t min_rotation_days = 1;
inline constexpr std::int64_t max_rotation_days = 1000;
inline constexpr std::string_view duration_pattern = "[0-9]+h";
inline constexpr std::string_view schedule_expression_pattern = "[0-9A-Za-z\\(\\)#\\?\\*\\-\\/, ]+";

[[nodiscard]] constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// DurationType: [0-9]+h.
[[nodiscard]] constexpr bool is_duration(std::string_view d) noexcept {
  if (d.size() < 2 || d.back() != 'h') return false;
  return detail::all_of(d.begin(), d.end() - 1, is_digit);
}

/// ScheduleExpressionType: [0-9A-Za-z\(\)#\?\*\-\/, ]+.
[[nodiscard]] constexpr bool is_schedule_expression(std::string_view e) noexcept {
  if (e.empty()) return false;
  return detail::all_of(e.begin(), e.end(), [](char c) {
    return is_suffix_char(c) || c == '(' || c == ')' || c == '#' || c == '?' || c == '*' ||
           c == '-' || c == '/' || c == ',' || c == ' ';
  });
}

/// RotationRulesType: AutomaticallyAfterDays 1–1000; Duration 2–3 characters of [0-9]+h;
/// ScheduleExpression 1–256 characters of the pattern above.
/// A template over an unused D (always void) with its types deferred_t (detail/deferred.hpp):
/// compiled only where it is called.
template <class D = void>
detail::deferred_t<result<void>, D> check_rotation_rules(const detail::deferred_t<rotation_rules, D>& rules) {
  if (const auto& days = rules.automatically_after_days) {
    constexpr std::string_view member = "rotationRules.automaticallyAfterDays";
    if (*days < min_rotation_days)
      return messages::value_at_least(member, *days, min_rotation_days);
    if (*days > max_rotation_days)
      return messages::value_at_most(member, *days, max_rotation_days);
  }
  if (const auto& duration = rules.duration) {
    constexpr std::string_view member = "rotationRules.duration";
    SECRETSTAGE_TRYV(check_length<D>(member, duration->size(), 2, 3));
    if (!is_duration(*duration))
      return messages::pattern_mismatch(member, *duration, duration_pattern);
  }
  if (const auto& schedule = rules.schedule_expression) {
    constexpr std::string_view member = "rotationRules.scheduleExpression";
    SECRETSTAGE_TRYV(check_length<D>(member, schedule->size(), 1, 256));
    if (!is_schedule_expression(*schedule))
      return messages::pattern_mismatch(member, *schedule, schedule_expression_pattern);
  }
  return ok<D>();
}

}  // namespace detail

/// The checks of RotateSecret that precede secret resolution (shape, rules, token).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_rotate_secret<Traits>& r, const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(detail::check_secret_id_length(r.secret_id));
  SECRETSTAGE_TRYV(detail::check_token<Traits>(r.client_request_token));
  if (r.rotation_lambda_arn) {
    SECRETSTAGE_TRYV(detail::check_length("rotationLambdaARN", r.rotation_lambda_arn->size(), 0,
                                          detail::max_rotation_lambda_arn));
  }
  if (r.rotation_rules) {
    SECRETSTAGE_TRYV(detail::check_rotation_rules(*r.rotation_rules));
  }
  SECRETSTAGE_TRYV(detail::check_secret_id_characters(r.secret_id));
  if (r.rotation_rules) {
    SECRETSTAGE_TRYV(parse_rotation_rules(*r.rotation_rules));
  }
  if (!r.client_request_token && !ctx.generated_token)
    return messages::missing_client_request_token_rotate();
  return ok<Traits>();
}

/// RotateSecret: stores the rotation configuration and starts a rotation, whose steps an
/// embedding service runs with rotation.hpp (`rotate_synchronously` runs them all). The rules and
/// their evidence: docs/semantics.md#rotatesecret.
///
/// T = ClientRequestToken (else the context's generated token); F = RotationLambdaARN when given
/// and not empty, else the stored function. Checks, in order (the first failure decides; a failed
/// call changes nothing):
///   SecretId 1–2048; ClientRequestToken 32–64; RotationLambdaARN ≤ 2048;
///   AutomaticallyAfterDays 1–1000; Duration 2–3, [0-9]+h;
///   ScheduleExpression 1–256, its pattern                          ValidationException (pattern text [unverified])
///   SecretId not an ARN and not a valid name                      ValidationException "Invalid name. …"
///   both AutomaticallyAfterDays and ScheduleExpression            InvalidParameterException "You cannot specify both rotation frequency and schedule expression together."
///   neither; a bad rate()/cron(); windows under four hours apart; a rate over 999 days; Duration
///   not 1h–24h; a window past midnight UTC or into the next one  InvalidParameterException, schedule.hpp's
///                                                                 parse_rotation_rules texts (docs/rotation-schedules.md)
///   no token and none generated (raw request)                     InvalidParameterException "You must provide a ClientRequestToken value. …"
///   SecretId names another secret                                 ResourceNotFoundException "Secrets Manager can't find the specified secret."
///   secret scheduled for deletion                                 InvalidRequestException "… it was marked for deletion."
///   no F                                                          InvalidRequestException "No Lambda rotation function ARN is associated with this secret."
///   AWSPENDING on a version other than AWSCURRENT's and T's       InvalidRequestException "A previous rotation isn't complete. That rotation will be reattempted."
///   T names a version carrying neither AWSPENDING nor AWSCURRENT  ResourceExistsException "You can't use ClientRequestToken <T> …" (ruling)
///   F cannot be invoked                                           AccessDeniedException "Secrets Manager cannot invoke the specified Lambda function. …"
///   more than 20 labels across the secret afterwards              LimitExceededException [unverified]
/// Effect (response: ARN, Name, VersionId = T):
///   configuration:  RotationEnabled = true, RotationLambdaARN = F, RotationRules = the request's
///                   (when given; else the stored ones stay)
///   RotateImmediately (default):  a value-less version T, created now; AWSPENDING * -> T
///   RotateImmediately = false:    no version, no label here (ruling: AWS only runs testSecret
///                   on a transient AWSPENDING copy of the current value and removes it again).
///                   Who runs the test adds that copy: `rotate_synchronously` (a built-in function)
///                   within the request, never stored; a service invoking the function creates
///                   version T with the current value and AWSPENDING after this transition
///                   (begin_invoked_test, rotation_progress.hpp), and removes it once
///                   testSecret's outcome is recorded
///   T names the version carrying AWSPENDING or AWSCURRENT:  a retry of the rotation that created
///                   it (ruling): no version, no label; the configuration is stored
///   LastChangedDate = now when anything changed; a call that changes nothing (e.g. an identical
///   retry) returns its input state exactly.
/// Cost: O(labels) and one insertion into the version trie; no value is copied.
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_rotate_secret_response<Traits>>> apply(
    const basic_secret<Traits>& s, const basic_rotate_secret<Traits>& r,
    const basic_context<Traits>& ctx, const rotation_functions& functions) {
  static_assert(Traits::has_reserved_labels,
                "rotation is defined by AWSCURRENT and AWSPENDING: it needs reserved labels");
  using out = transition<basic_secret<Traits>, basic_rotate_secret_response<Traits>>;
  using version_type = basic_version<Traits>;

  SECRETSTAGE_TRYV(check_request(r, ctx));
  const auto& token = r.client_request_token ? *r.client_request_token : *ctx.generated_token;
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_deleted(s));

  const std::string* function = nullptr;
  if (r.rotation_lambda_arn && !r.rotation_lambda_arn->empty()) {
    function = &*r.rotation_lambda_arn;
  } else if (s.rotation_lambda_arn() && !s.rotation_lambda_arn()->empty()) {
    function = &*s.rotation_lambda_arn();
  }
  if (function == nullptr) return messages::no_rotation_function();

  const version_type* current = s.holder(Traits::current());
  const version_type* pending = s.holder(Traits::pending());
  const version_type* existing = s.find_version(token);
  const bool retry = existing != nullptr && (existing == pending || existing == current);
  if (pending != nullptr && pending != current && pending != existing)
    return messages::rotation_in_progress();
  if (existing != nullptr && !retry)
    return messages::client_request_token_in_use(Traits::text(token), s.arn());
  if (!functions.can_invoke(*function)) return messages::cannot_invoke_rotation_function();

  auto meta = detail::make_ref<detail::secret_meta>(s.meta());
  meta->rotation_enabled = true;
  meta->rotation_lambda_arn = *function;
  if (r.rotation_rules) meta->rotation = *r.rotation_rules;
  const bool starts = !retry && r.rotate_immediately.value_or(true);
  basic_rotate_secret_response<Traits> response{s.arn(), s.name(), token};
  if (!starts && *meta == s.meta()) return out{s, std::move(response)};

  detail::secret_builder<Traits> b(s);
  b.set_meta(std::move(meta));
  if (starts) {
    const version_type* placeholder = b.put_version(
        detail::make_ref<const version_type>(token, nullptr, ctx.now, b.take_sequence()));
    b.attach(Traits::pending(), placeholder);
  }
  b.set_last_changed(ctx.now);
  SECRETSTAGE_TRY(next, std::move(b).finish());
  return out{std::move(next), std::move(response)};
}

/// The same operation on a store: SecretId resolves among its secrets (name, ARN, partial ARN).
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_rotate_secret_response<Traits>>> apply(
    const basic_store<Traits>& st, const basic_rotate_secret<Traits>& r,
    const basic_context<Traits>& ctx, const rotation_functions& functions) {
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRY(found, st.resolve(r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_replica(*found));
  SECRETSTAGE_TRY(next, apply(*found, r, ctx, functions));
  return transition<basic_store<Traits>, basic_rotate_secret_response<Traits>>{
      st.put(std::move(next.state)), std::move(next.response)};
}

/// RotateSecret with the rotation functions the context says the service can invoke
/// (`ctx.functions`): the form the operation set and the wire adapter use.
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_rotate_secret_response<Traits>>> apply(
    const basic_secret<Traits>& s, const basic_rotate_secret<Traits>& r,
    const basic_context<Traits>& ctx) {
  return apply(s, r, ctx, ctx.functions);
}

template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_rotate_secret_response<Traits>>> apply(
    const basic_store<Traits>& st, const basic_rotate_secret<Traits>& r,
    const basic_context<Traits>& ctx) {
  return apply(st, r, ctx, ctx.functions);
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_ROTATE_SECRET_HPP
