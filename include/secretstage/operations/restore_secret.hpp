#ifndef SECRETSTAGE_OPERATIONS_RESTORE_SECRET_HPP
#define SECRETSTAGE_OPERATIONS_RESTORE_SECRET_HPP

#include <optional>
#include <string>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/secret_builder.hpp"
#include "../detail/validate.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// RestoreSecret request.
template <secret_traits Traits = aws_traits>
struct basic_restore_secret {
  std::string secret_id;

  friend bool operator==(const basic_restore_secret&, const basic_restore_secret&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_restore_secret_response {
  shared_text arn;
  shared_text name;

  friend bool operator==(const basic_restore_secret_response&,
                         const basic_restore_secret_response&) = default;
};

using restore_secret = basic_restore_secret<>;
using restore_secret_response = basic_restore_secret_response<>;

/// What RestoreSecret is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_restore_secret<Traits>>
    : request_description<changes_store | on_one_secret, basic_restore_secret_response<Traits>> {
  static constexpr char operation[] = "RestoreSecret";
  using type = basic_restore_secret<Traits>;
  static constexpr char names[] = "SecretId";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>>;
};

/// RestoreSecret's response members (describe.hpp).
template <class Traits>
struct description_of<basic_restore_secret_response<Traits>> {
  using type = basic_restore_secret_response<Traits>;
  static constexpr char names[] = "ARN Name";
  using members = secret_reference<type>;
};

/// The checks of RestoreSecret that precede secret resolution (shape).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_restore_secret<Traits>& r, const basic_context<Traits>&) {
  return detail::check_secret_id(r.secret_id);
}

/// RestoreSecret: cancels a scheduled deletion.
///
/// Checks, in order (the first failure decides; nothing changes on failure):
///   SecretId 1–2048, and a valid name unless an ARN     ValidationException
///   SecretId names another secret (or a secret that a forced deletion or a purge removed)
///                                                       ResourceNotFoundException "Secrets Manager can't find the specified secret."
/// Effect:
///   scheduled for deletion:  DeletedDate cleared; nothing else changes (versions, labels, tags,
///                            LastChangedDate) [API; invariant I16]
///   not scheduled:           success, nothing changes (ruling, docs/semantics.md#restoresecret)
/// Response: ARN, Name. Cost: O(1) besides resolution; no version is copied.
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_restore_secret_response<Traits>>> apply(
    const basic_secret<Traits>& s, const basic_restore_secret<Traits>& r,
    const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_restore_secret_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  if (!s.deleted_date()) return out{s, {s.arn(), s.name()}};

  detail::secret_builder<Traits> b(s);
  b.set_deleted(std::nullopt);
  SECRETSTAGE_TRY(next, std::move(b).finish());
  return out{std::move(next), {s.arn(), s.name()}};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_RESTORE_SECRET_HPP
