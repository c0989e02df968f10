#ifndef SECRETSTAGE_OPERATIONS_DELETE_SECRET_HPP
#define SECRETSTAGE_OPERATIONS_DELETE_SECRET_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/rotation_test.hpp"
#include "../detail/secret_builder.hpp"
#include "../detail/validate.hpp"
#include "../messages.hpp"
#include "../replica.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// DeleteSecret request (AWS field names in snake_case).
template <secret_traits Traits = aws_traits>
struct basic_delete_secret {
  std::string secret_id;
  /// 7–30; absent: 30 (unless ForceDeleteWithoutRecovery).
  std::optional<std::int64_t> recovery_window_in_days{};
  bool force_delete_without_recovery = false;

  friend bool operator==(const basic_delete_secret&, const basic_delete_secret&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_delete_secret_response {
  shared_text arn;
  shared_text name;
  /// The end of the recovery window (request time + RecoveryWindowInDays); the request time for a
  /// forced deletion.
  timestamp deletion_date;

  friend bool operator==(const basic_delete_secret_response&,
                         const basic_delete_secret_response&) = default;
};

using delete_secret = basic_delete_secret<>;
using delete_secret_response = basic_delete_secret_response<>;

/// What DeleteSecret is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_delete_secret<Traits>>
    : request_description<changes_store, basic_delete_secret_response<Traits>> {
  static constexpr char operation[] = "DeleteSecret";
  using type = basic_delete_secret<Traits>;
  static constexpr char names[] = "SecretId RecoveryWindowInDays ForceDeleteWithoutRecovery";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>,
                            member<&type::recovery_window_in_days, wire_shape::long_integer>,
                            member<&type::force_delete_without_recovery, wire_shape::boolean>>;
};

/// DeleteSecret's response members (describe.hpp).
template <class Traits>
struct description_of<basic_delete_secret_response<Traits>> {
  using type = basic_delete_secret_response<Traits>;
  static constexpr char names[] = "ARN Name DeletionDate";
  using members = secret_reference<type, member<&type::deletion_date, wire_shape::date>>;
};

namespace detail {
inline constexpr std::int64_t min_recovery_window_days = 7;
inline constexpr std::int64_t max_recovery_window_days = 30;
inline constexpr std::int64_t default_recovery_window_days = 30;

/// The ARN reported for a forced deletion of a SecretId that names no secret. AWS answers with
/// some non-null ARN [OBS]; what it contains is not recorded. An ARN SecretId is echoed; a name
/// gets the ARN prefix of the context's region and account and no random suffix (there is no
/// secret whose suffix could be reported).
template <class Traits>
[[nodiscard]] std::string arn_for_unknown_secret(const basic_context<Traits>& ctx,
                                                 std::string_view secret_id) {
  if (is_arn(secret_id)) return std::string(secret_id);
  std::string arn = "arn:aws:secretsmanager:";
  arn.append(ctx.region).append(":").append(ctx.account_id).append(":secret:").append(secret_id);
  return arn;
}
}  // namespace detail

/// The checks of DeleteSecret that precede secret resolution (shape, window, force/window).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_delete_secret<Traits>& r, const basic_context<Traits>&) {
  SECRETSTAGE_TRYV(detail::check_secret_id(r.secret_id));
  if (r.recovery_window_in_days && (*r.recovery_window_in_days < detail::min_recovery_window_days ||
                                    *r.recovery_window_in_days > detail::max_recovery_window_days))
    return messages::recovery_window_out_of_range();
  if (r.recovery_window_in_days && r.force_delete_without_recovery)
    return messages::force_delete_with_recovery_window();
  return ok<Traits>();
}

/// DeleteSecret, on a store (a forced deletion removes the secret, so there is no per-secret form).
///
/// Checks, in order (the first failure decides; nothing changes on failure):
///   SecretId 1–2048, and a valid name unless an ARN        ValidationException
///   RecoveryWindowInDays outside 7–30 (0 included, with or without ForceDeleteWithoutRecovery)
///                                                          InvalidParameterException "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."
///   RecoveryWindowInDays with ForceDeleteWithoutRecovery   InvalidParameterException "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays." [unverified]
///   (without force) SecretId names no secret               ResourceNotFoundException "Secrets Manager can't find the specified secret."
///   (without force) secret already scheduled for deletion  InvalidRequestException "You can't perform this operation on the secret because it was marked for deletion."
///                                                          (ruling: the rule for every mutating
///                                                          operation but a forced DeleteSecret
///                                                          and RestoreSecret; see
///                                                          docs/semantics.md#deletesecret)
/// Effect:
///   without force:  DeletedDate = now + window days (default 30); every version, label, tag and
///                   other date unchanged, but for a test of the rotation configuration that the
///                   service was running (rotation_progress.hpp): it ends, and its version T
///                   leaves. Response DeletionDate = that date.
///   with force:     the secret leaves the store at once (AWS: asynchronously), scheduled or not.
///                   Response: its ARN and Name, DeletionDate = now.
///   with force, SecretId names no secret: success, nothing changes; Name = SecretId, ARN = the
///                   SecretId if it is an ARN, else arn:aws:secretsmanager:<region>:<account>:secret:<SecretId>
///                   (no random suffix), DeletionDate = now.
/// Cost: one SecretId resolution and one store update, O(log32 secrets); no version is copied.
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_delete_secret_response<Traits>>> apply(
    const basic_store<Traits>& st, const basic_delete_secret<Traits>& r,
    const basic_context<Traits>& ctx) {
  using out = transition<basic_store<Traits>, basic_delete_secret_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  auto found = st.resolve(r.secret_id);
  if (!found) {
    if (!r.force_delete_without_recovery) return found.error();
    return out{st, {shared_text(detail::arn_for_unknown_secret(ctx, r.secret_id)),
                    shared_text(r.secret_id), ctx.now}};
  }
  const basic_secret<Traits>& s = *found.value();
  SECRETSTAGE_TRYV(detail::require_not_replica(s));
  if (!s.replicas().empty()) {
    detail::deferred_t<std::vector<std::string_view>, Traits> regions;
    for (const auto& e : s.replicas()) regions.push_back(e.region);
    detail::stable_sort(regions.begin(), regions.end());
    detail::deferred_t<std::string, Traits> list;
    for (std::string_view region : regions) list.append(list.empty() ? "" : ", ").append(region);
    return messages::delete_primary_with_replicas(s.arn().view(), list);
  }
  if (r.force_delete_without_recovery) {
    basic_delete_secret_response<Traits> response{s.arn(), s.name(), ctx.now};
    return out{st.erase(s.name()), std::move(response)};
  }
  SECRETSTAGE_TRYV(detail::require_not_deleted(s));

  const timestamp deletion =
      ctx.now.plus_days(r.recovery_window_in_days.value_or(detail::default_recovery_window_days));
  // A test of the rotation configuration (rotation_progress.hpp) ends with its version T: no
  // step runs while the secret is scheduled for deletion, and none is left behind (ruling).
  const basic_secret<Traits> base = detail::without_rotation_test(s);
  detail::secret_builder<Traits> b(base);
  b.set_deleted(deletion);
  SECRETSTAGE_TRY(next, std::move(b).finish());
  basic_delete_secret_response<Traits> response{s.arn(), s.name(), deletion};
  return out{st.put(std::move(next)), std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_DELETE_SECRET_HPP
