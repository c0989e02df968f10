#ifndef SECRETSTAGE_OPERATIONS_CANCEL_ROTATE_SECRET_HPP
#define SECRETSTAGE_OPERATIONS_CANCEL_ROTATE_SECRET_HPP

#include <optional>
#include <string>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/rotation_test.hpp"
#include "../detail/secret_builder.hpp"
#include "../detail/validate.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// CancelRotateSecret request.
template <secret_traits Traits = aws_traits>
struct basic_cancel_rotate_secret {
  std::string secret_id;

  friend bool operator==(const basic_cancel_rotate_secret&,
                         const basic_cancel_rotate_secret&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_cancel_rotate_secret_response {
  shared_text arn;
  shared_text name;
  /// The version carrying AWSPENDING, when one does (ruling): the version a cancelled rotation
  /// leaves behind, which AWS recommends cleaning up. Present too when AWSPENDING sits on the
  /// AWSCURRENT version (a rotation finished without removing it).
  std::optional<typename Traits::version_id_type> version_id;

  friend bool operator==(const basic_cancel_rotate_secret_response&,
                         const basic_cancel_rotate_secret_response&) = default;
};

using cancel_rotate_secret = basic_cancel_rotate_secret<>;
using cancel_rotate_secret_response = basic_cancel_rotate_secret_response<>;

/// What CancelRotateSecret is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_cancel_rotate_secret<Traits>>
    : request_description<changes_store | on_one_secret,
                          basic_cancel_rotate_secret_response<Traits>> {
  static constexpr char operation[] = "CancelRotateSecret";
  using type = basic_cancel_rotate_secret<Traits>;
  static constexpr char names[] = "SecretId";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>>;
};

/// CancelRotateSecret's response members (describe.hpp).
template <class Traits>
struct description_of<basic_cancel_rotate_secret_response<Traits>> {
  using type = basic_cancel_rotate_secret_response<Traits>;
  static constexpr char names[] = "ARN Name VersionId";
  using members = secret_reference<type, member<&type::version_id, wire_shape::string>>;
};

/// The checks of CancelRotateSecret that precede secret resolution (shape).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_cancel_rotate_secret<Traits>& r, const basic_context<Traits>&) {
  return detail::check_secret_id(r.secret_id);
}

/// CancelRotateSecret: turns automatic rotation off. Checks, in order (a failed call changes
/// nothing):
///   SecretId 1–2048 / valid name                     ValidationException
///   SecretId names another secret                    ResourceNotFoundException "Secrets Manager can't find the specified secret."
///   secret scheduled for deletion                    InvalidRequestException "… it was marked for deletion."
/// Effect (response: ARN, Name, VersionId = the version carrying AWSPENDING, if any):
///   RotationEnabled = false; the function ARN and the rules stay stored (a later RotateSecret
///   without RotationLambdaARN uses them); LastChangedDate = now
///   no label and no version changes: a cancelled rotation leaves its AWSPENDING version, which
///   blocks the next RotateSecret until the caller removes the label (as the API reference says)
///   a rotation the service was running with an invoked function (rotation_progress.hpp) runs
///   no further step: its progress is cleared. A test of the configuration (RotateSecret with
///   RotateImmediately false) ends as it ends when its outcome is recorded: its version T leaves
///   again with AWSPENDING, so the response has no VersionId (ruling)
///   rotation already off (never configured, or cancelled before): success, nothing changes
///   at all (ruling, docs/semantics.md#cancelrotatesecret)
/// Cost: O(labels); nothing is copied when rotation is already off.
template <class Traits>
[[nodiscard]] result<
    transition<basic_secret<Traits>, basic_cancel_rotate_secret_response<Traits>>>
apply(const basic_secret<Traits>& s, const basic_cancel_rotate_secret<Traits>& r,
      const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_cancel_rotate_secret_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_deleted(s));

  if (!s.rotation_enabled() && !s.rotation_progress()) {
    basic_cancel_rotate_secret_response<Traits> response{s.arn(), s.name(), std::nullopt};
    if constexpr (Traits::has_reserved_labels) response.version_id = s.version_of(Traits::pending());
    return out{s, std::move(response)};
  }
  // A test of the configuration (RotateImmediately false) ends with its version T.
  const basic_secret<Traits> base = detail::without_rotation_test(s);
  basic_cancel_rotate_secret_response<Traits> response{s.arn(), s.name(), std::nullopt};
  if constexpr (Traits::has_reserved_labels)
    response.version_id = base.version_of(Traits::pending());

  auto meta = detail::make_ref<detail::secret_meta>(base.meta());
  meta->rotation_enabled = false;
  meta->extras.edit()->progress.reset();  // the service invokes no further step (rotation_progress.hpp)
  detail::secret_builder<Traits> b(base);
  b.set_meta(std::move(meta));
  b.set_last_changed(ctx.now);
  SECRETSTAGE_TRY(next, std::move(b).finish());
  return out{std::move(next), std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_CANCEL_ROTATE_SECRET_HPP
