#ifndef SECRETSTAGE_ROTATION_HPP
#define SECRETSTAGE_ROTATION_HPP

// The four steps of AWS's rotation-function template (aws-samples/aws-secrets-manager-rotation-
// lambdas, SecretsManagerRotationTemplate/lambda_function.py) as pure transitions of a store,
// each made of the library's own operations, and `rotate_synchronously`, which runs RotateSecret
// and the steps in one call for a service that rotates without Lambda.
//
// Every step first does what the template's handler does with the event's token T: the secret
// must resolve and not be scheduled for deletion; then
//   T names no version                   ResourceNotFoundException "Secrets Manager can't find the specified secret value for VersionId: <T>"
//   T carries AWSCURRENT                 the step does nothing (a rotation already finished)
//   T does not carry AWSPENDING          InvalidRequestException "You provided a VersionStage that is not associated to the provided VersionId."
// and setSecret, testSecret and finishSecret need T's value:
//   T is a value-less placeholder        ResourceNotFoundException "… for VersionId: <T>" [unverified]
// These are the errors of the template's read GetSecretValue(VersionId=T, VersionStage=AWSPENDING)
// (docs/semantics.md#getsecretvalue, which also rules the placeholder case).
// Unlike the template, no step checks RotationEnabled: in the model the embedding service decides
// whether to run the steps, so a cancelled rotation is one whose remaining steps it does not run.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "context.hpp"
#include "detail/secret_builder.hpp"
#include "detail/validate.hpp"
#include "messages.hpp"
#include "operations/put_secret_value.hpp"
#include "operations/rotate_secret.hpp"
#include "operations/update_secret_version_stage.hpp"
#include "result.hpp"
#include "secret.hpp"
#include "store.hpp"
#include "transition.hpp"
#include "value.hpp"

namespace secretstage {

/// What finishSecret does with AWSPENDING once AWSCURRENT is on the new version.
enum class finish_variant : std::uint8_t {
  /// The current template: also UpdateSecretVersionStage(AWSPENDING, RemoveFromVersionId=T), so
  /// a successful rotation ends as {old:[AWSPREVIOUS], T:[AWSCURRENT]} (trace T10).
  remove_pending,
  /// Older templates and several database ones (aws-samples #168): AWSPENDING stays on T, next to
  /// AWSCURRENT, which does not block the next rotation.
  keep_pending,
};

/// What Secrets Manager passes the rotation function: the secret (its ARN) and the token of the
/// version being rotated in.
template <secret_traits Traits = aws_traits>
struct basic_rotation_event {
  std::string secret_id;
  typename Traits::version_id_type client_request_token{};

  friend bool operator==(const basic_rotation_event&, const basic_rotation_event&) = default;
};

/// The outcome of a step: the secret and the version it worked on.
template <secret_traits Traits = aws_traits>
struct basic_rotation_step_response {
  shared_text arn;
  shared_text name;
  typename Traits::version_id_type version_id{};

  friend bool operator==(const basic_rotation_step_response&,
                         const basic_rotation_step_response&) = default;
};

using rotation_event = basic_rotation_event<>;
using rotation_step_response = basic_rotation_step_response<>;

namespace detail {

/// The secret and version a step works on, or `nullptr` version when T already carries AWSCURRENT.
template <class Traits>
struct rotation_target {
  const basic_secret<Traits>* secret;
  const basic_version<Traits>* version;  // nullptr: nothing to do
};

template <class Traits>
result<rotation_target<Traits>> begin_rotation_step(const basic_store<Traits>& st,
                                                    const basic_rotation_event<Traits>& e) {
  static_assert(Traits::has_reserved_labels,
                "rotation is defined by AWSCURRENT and AWSPENDING: it needs reserved labels");
  SECRETSTAGE_TRY(found, st.resolve(e.secret_id));
  const basic_secret<Traits>* s = found;
  SECRETSTAGE_TRYV(require_not_deleted(*s));
  const auto& token = e.client_request_token;
  const basic_version<Traits>* v = s->find_version(token);
  if (v == nullptr) return messages::no_value_for_version(Traits::text(token));
  if (s->holder(Traits::current()) == v) return rotation_target<Traits>{s, nullptr};
  if (s->holder(Traits::pending()) != v) return messages::stage_not_on_version();
  return rotation_target<Traits>{s, v};
}

/// A pending version without a value cannot be set, tested or made current: the template's read
/// of it fails as GetSecretValue(VersionId=T, VersionStage=AWSPENDING) does on a placeholder.
template <class Traits>
detail::deferred_t<result<void>, Traits> require_pending_value(const basic_version<Traits>& v) {
  if (v.is_placeholder()) return messages::no_value_for_version(Traits::text(v.id()));
  return ok<Traits>();
}

template <class Traits>
basic_rotation_step_response<Traits> step_response(const basic_secret<Traits>& s,
                                                   const basic_rotation_event<Traits>& e) {
  return {s.arn(), s.name(), e.client_request_token};
}

/// The store during AWS's test of a rotation that does not start at once (RotateImmediately =
/// false): version T carries AWSPENDING and a copy of the current value
/// (docs/semantics.md#rotatesecret), or no value on a secret without AWSCURRENT. When T already
/// names a version it is tested as is.
template <class Traits>
result<basic_store<Traits>> with_test_version(const basic_store<Traits>& st,
                                              const basic_rotation_event<Traits>& e,
                                              const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRY(found, st.resolve(e.secret_id));
  const basic_secret<Traits>& s = *found;
  if (s.find_version(e.client_request_token) != nullptr) return st;
  const basic_version<Traits>* current = s.holder(Traits::current());
  secret_builder<Traits> b(s);
  const basic_version<Traits>* trial = b.put_version(detail::make_ref<const basic_version<Traits>>(
      e.client_request_token, current != nullptr ? current->shared_value() : nullptr, ctx.now,
      b.take_sequence()));
  b.attach(Traits::pending(), trial);
  SECRETSTAGE_TRY(next, std::move(b).finish());
  return st.put(std::move(next));
}

}  // namespace detail

namespace rotation {

/// createSecret: gives the pending version T its value.
///   T already has a value:  nothing changes (the template finds it and stops)
///   otherwise:              PutSecretValue(T, new_value, VersionStages=[AWSPENDING]), which fills
///                           the placeholder; on a secret without AWSCURRENT the first-version rule
///                           puts AWSCURRENT on T as well
/// Unlike the template this step does not require an AWSCURRENT version first (ruling,
/// docs/semantics.md#rotation-steps), so a secret that never had a value can be rotated into its
/// first one. `new_value` is drawn by the caller (GetRandomPassword in the template);
/// PutSecretValue validates it.
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_rotation_step_response<Traits>>>
create_secret(const basic_store<Traits>& st, const basic_rotation_event<Traits>& e,
              const secret_value& new_value, const basic_context<Traits>& ctx) {
  using out = transition<basic_store<Traits>, basic_rotation_step_response<Traits>>;
  SECRETSTAGE_TRY(target, detail::begin_rotation_step(st, e));
  const auto& [s, v] = target;
  auto response = detail::step_response(*s, e);
  if (v == nullptr || !v->is_placeholder()) return out{st, std::move(response)};

  basic_put_secret_value<Traits> put{.secret_id = s->arn().str(),
                                     .client_request_token = e.client_request_token,
                                     .secret_string = std::nullopt,
                                     .secret_binary = std::nullopt,
                                     .version_stages = std::vector{Traits::pending()}};
  if (const std::string* text = new_value.string()) put.secret_string = *text;
  if (const binary* bytes = new_value.bytes()) put.secret_binary = *bytes;
  SECRETSTAGE_TRY(next, apply(st, put, ctx));
  return out{std::move(next.state), std::move(response)};
}

/// setSecret: in AWS, the function sets the pending value in the service the secret belongs to.
/// The model has no such service: the step succeeds, changing nothing, when T carries AWSPENDING
/// and has a value (else ResourceNotFoundException "Secrets Manager can't find the specified
/// secret value for VersionId: <T>"), or when T already carries AWSCURRENT.
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_rotation_step_response<Traits>>>
set_secret(const basic_store<Traits>& st, const basic_rotation_event<Traits>& e,
           const basic_context<Traits>&) {
  using out = transition<basic_store<Traits>, basic_rotation_step_response<Traits>>;
  SECRETSTAGE_TRY(target, detail::begin_rotation_step(st, e));
  const auto& [s, v] = target;
  if (v != nullptr) {
    SECRETSTAGE_TRYV(detail::require_pending_value(*v));
  }
  return out{st, detail::step_response(*s, e)};
}

/// testSecret: in AWS, the function logs in with the pending value. The model checks what
/// setSecret checks, and changes nothing.
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_rotation_step_response<Traits>>>
test_secret(const basic_store<Traits>& st, const basic_rotation_event<Traits>& e,
            const basic_context<Traits>& ctx) {
  return set_secret(st, e, ctx);
}

/// finishSecret: makes T current.
///   T already carries AWSCURRENT:  nothing changes (the template returns early)
///   T has no value:                ResourceNotFoundException "… for VersionId: <T>" (ruling: a
///                                  value-less version never becomes current)
///   otherwise:                     UpdateSecretVersionStage(AWSCURRENT, MoveToVersionId=T,
///                                  RemoveFromVersionId=the current version, when there is one),
///                                  so AWSPREVIOUS moves to the old current version;
///                                  remove_pending: then UpdateSecretVersionStage(AWSPENDING,
///                                  RemoveFromVersionId=T); LastRotatedDate = now
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_rotation_step_response<Traits>>>
finish_secret(const basic_store<Traits>& st, const basic_rotation_event<Traits>& e,
              const basic_context<Traits>& ctx,
              finish_variant variant = finish_variant::remove_pending) {
  using out = transition<basic_store<Traits>, basic_rotation_step_response<Traits>>;
  SECRETSTAGE_TRY(target, detail::begin_rotation_step(st, e));
  const auto& [s, v] = target;
  auto response = detail::step_response(*s, e);
  if (v == nullptr) return out{st, std::move(response)};
  SECRETSTAGE_TRYV(detail::require_pending_value(*v));

  const std::string arn = s->arn().str();
  SECRETSTAGE_TRY(moved, apply(st,
                               basic_update_secret_version_stage<Traits>{
                                   .secret_id = arn,
                                   .version_stage = Traits::current(),
                                   .remove_from_version_id = s->version_of(Traits::current()),
                                   .move_to_version_id = e.client_request_token},
                               ctx));
  basic_store<Traits> next = std::move(moved.state);
  if (variant == finish_variant::remove_pending) {
    SECRETSTAGE_TRY(removed, apply(next,
                                   basic_update_secret_version_stage<Traits>{
                                       .secret_id = arn,
                                       .version_stage = Traits::pending(),
                                       .remove_from_version_id = e.client_request_token,
                                       .move_to_version_id = std::nullopt},
                                   ctx));
    next = std::move(removed.state);
  }

  const basic_secret<Traits>* finished = next.find(s->name());
  detail::secret_builder<Traits> b(*finished);
  b.set_last_rotated(ctx.now);
  SECRETSTAGE_TRY(stamped, std::move(b).finish());
  return out{next.put(std::move(stamped)), std::move(response)};
}

}  // namespace rotation

/// RotateSecret followed at once by the rotation function's steps, for a service that runs
/// rotation in-process: one call, one transition, all or nothing (a failure at any step returns
/// that step's error; the caller's store is the state to keep).
///   RotateImmediately (default):  RotateSecret, then createSecret(new_value), setSecret,
///                                 testSecret, finishSecret(variant), all with the response's
///                                 VersionId; the response is RotateSecret's
///   RotateImmediately = false:    RotateSecret, then testSecret against a transient AWSPENDING
///                                 copy of the current value (see detail::with_test_version); the
///                                 result is RotateSecret's state: the configuration, no new
///                                 version, no label moved (ruling,
///                                 docs/semantics.md#rotatesecret). A secret without
///                                 AWSCURRENT fails the test ("… for VersionId: <T>").
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_rotate_secret_response<Traits>>>
rotate_synchronously(const basic_store<Traits>& st, const basic_rotate_secret<Traits>& r,
                     const basic_context<Traits>& ctx, const rotation_functions& functions,
                     const secret_value& new_value,
                     finish_variant variant = finish_variant::remove_pending) {
  using out = transition<basic_store<Traits>, basic_rotate_secret_response<Traits>>;
  SECRETSTAGE_TRY(started, apply(st, r, ctx, functions));
  auto& [state, response] = started;
  const basic_rotation_event<Traits> e{response.arn.str(), response.version_id};

  if (!r.rotate_immediately.value_or(true)) {
    SECRETSTAGE_TRY(trial, detail::with_test_version(state, e, ctx));
    SECRETSTAGE_TRYV(rotation::test_secret(trial, e, ctx));
    return started;
  }

  SECRETSTAGE_TRY(created, rotation::create_secret(state, e, new_value, ctx));
  SECRETSTAGE_TRY(set, rotation::set_secret(created.state, e, ctx));
  SECRETSTAGE_TRY(tested, rotation::test_secret(set.state, e, ctx));
  SECRETSTAGE_TRY(finished, rotation::finish_secret(tested.state, e, ctx, variant));
  return out{std::move(finished.state), std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_ROTATION_HPP
