#ifndef SECRETSTAGE_OPERATIONS_UPDATE_SECRET_VERSION_STAGE_HPP
#define SECRETSTAGE_OPERATIONS_UPDATE_SECRET_VERSION_STAGE_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/secret_builder.hpp"
#include "../detail/validate.hpp"
#include "../messages.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// UpdateSecretVersionStage request: move label `version_stage` from `remove_from_version_id` to
/// `move_to_version_id` (either may be absent).
template <secret_traits Traits = aws_traits>
struct basic_update_secret_version_stage {
  std::string secret_id;
  typename Traits::label_type version_stage{};
  std::optional<typename Traits::version_id_type> remove_from_version_id{};
  std::optional<typename Traits::version_id_type> move_to_version_id{};

  friend bool operator==(const basic_update_secret_version_stage&,
                         const basic_update_secret_version_stage&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_update_secret_version_stage_response {
  shared_text arn;
  shared_text name;

  friend bool operator==(const basic_update_secret_version_stage_response&,
                         const basic_update_secret_version_stage_response&) = default;
};

using update_secret_version_stage = basic_update_secret_version_stage<>;
using update_secret_version_stage_response = basic_update_secret_version_stage_response<>;

/// What UpdateSecretVersionStage is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_update_secret_version_stage<Traits>>
    : request_description<changes_store | on_one_secret,
                          basic_update_secret_version_stage_response<Traits>> {
  static constexpr char operation[] = "UpdateSecretVersionStage";
  using type = basic_update_secret_version_stage<Traits>;
  static constexpr char names[] = "SecretId VersionStage RemoveFromVersionId MoveToVersionId";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>,
                            member<&type::version_stage, wire_shape::string, required>,
                            member<&type::remove_from_version_id, wire_shape::string>,
                            member<&type::move_to_version_id, wire_shape::string>>;
};

/// UpdateSecretVersionStage's response members (describe.hpp).
template <class Traits>
struct description_of<basic_update_secret_version_stage_response<Traits>> {
  using type = basic_update_secret_version_stage_response<Traits>;
  static constexpr char names[] = "ARN Name";
  using members = secret_reference<type>;
};

/// The checks of UpdateSecretVersionStage that precede secret resolution (shape).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_update_secret_version_stage<Traits>& r, const basic_context<Traits>&) {
  SECRETSTAGE_TRYV(detail::check_secret_id_length(r.secret_id));
  SECRETSTAGE_TRYV(Traits::check_label(r.version_stage, "versionStage"));
  if (r.remove_from_version_id) {
    SECRETSTAGE_TRYV(Traits::check_version_id(*r.remove_from_version_id, "removeFromVersionId"));
  }
  if (r.move_to_version_id) {
    SECRETSTAGE_TRYV(Traits::check_version_id(*r.move_to_version_id, "moveToVersionId"));
  }
  return detail::check_secret_id_characters(r.secret_id);
}

/// UpdateSecretVersionStage, label L, RemoveFromVersionId A, MoveToVersionId B; C is the version
/// carrying L now. Checks, in order (docs/semantics.md#updatesecretversionstage):
///   SecretId 1–2048; VersionStage 1–256; A, B 32–64                 ValidationException
///   SecretId not an ARN and not a valid name                         ValidationException "Invalid name. …"
///   SecretId names another secret                                    ResourceNotFoundException
///   secret scheduled for deletion                                    InvalidRequestException
///   neither A nor B                                                  InvalidParameterException [unverified]
///   A, then B, names no version                                      InvalidParameterException "The version <id> doesn't exist in secret <name>." [unverified]
///   L on C ≠ B, A absent, B given                                    InvalidParameterException "The parameter RemoveFromVersionId can't be empty. …"
///   A given, L on C ≠ A or nowhere                                   InvalidParameterException "When you move staging label <L>, …" [unverified]
///   L = AWSCURRENT, A given, B absent                                InvalidParameterException "You can only move staging label AWSCURRENT …"
///   more than 20 labels across the secret afterwards                 LimitExceededException [unverified]
/// Effect (every other label on every version stays):
///   B already holds L (A absent or A = B):  nothing changes
///   A holds L, B given:                      L A -> B
///   A holds L, B absent:                     L off A (A is deprecated if it has no label left)
///   L nowhere, B given:                      L -> B
///   L = AWSCURRENT moved A -> B:             also AWSPREVIOUS * -> A
/// Cost: O(labels) and one version lookup; no version or value is copied.
template <class Traits>
[[nodiscard]] result<
    transition<basic_secret<Traits>, basic_update_secret_version_stage_response<Traits>>>
apply(const basic_secret<Traits>& s, const basic_update_secret_version_stage<Traits>& r,
      const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_update_secret_version_stage_response<Traits>>;
  using version_type = basic_version<Traits>;
  const auto& label = r.version_stage;
  const auto& from = r.remove_from_version_id;
  const auto& to = r.move_to_version_id;

  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_deleted(s));

  if (!from && !to) return messages::move_or_remove_required();
  const version_type* source = from ? s.find_version(*from) : nullptr;
  if (from && source == nullptr) return messages::version_not_in_secret(Traits::text(*from), s.name());
  const version_type* target = to ? s.find_version(*to) : nullptr;
  if (to && target == nullptr) return messages::version_not_in_secret(Traits::text(*to), s.name());
  // The holder is compared with A and B by place in the creation order, which identifies a
  // version; it is looked up only to name it in an error.
  using builder = detail::secret_builder<Traits>;
  const std::size_t labels = s.label_count();
  const std::size_t entry = builder::entry_of(s, label);
  const bool held = entry < labels;  // L is attached somewhere
  const std::uint64_t holder = held ? builder::sequence_of(s, entry) : 0;
  if (!from && held && (target == nullptr || holder != target->sequence()))
    return messages::remove_from_version_id_required(Traits::text(label), Traits::text(s.holder(label)->id()));
  if (from && (!held || holder != source->sequence()))
    return messages::remove_from_version_id_mismatch(Traits::text(label));
  bool is_current = false;
  if constexpr (Traits::has_reserved_labels) is_current = Traits::is_current(label);
  if (is_current && from && !to) return messages::awscurrent_cannot_be_removed();
  if (target != nullptr && held && holder == target->sequence()) return out{s, {s.arn(), s.name()}};

  // The common case: L (and AWSPREVIOUS) move between versions and stay attached, so the label
  // table keeps its shape and only the versions of one or two entries change.
  if (target != nullptr && held) {
    typename detail::secret_head<Traits>::patch_type moves[2] = {{entry, target->sequence()}, {0, 0}};
    std::size_t n = 1;
    bool in_place = true;
    if constexpr (Traits::has_reserved_labels) {
      if (is_current) {
        const std::size_t previous = builder::entry_of(s, Traits::previous());
        in_place = previous < labels;
        moves[n++] = {previous, holder};
      }
    }
    if (in_place) {
      if (auto next = builder::with_moves(s, moves, n, ctx.now))
        return out{std::move(*next), {s.arn(), s.name()}};
    }
  }

  detail::secret_builder<Traits> b(s);
  if (target != nullptr) {
    b.attach(label, target);
    if constexpr (Traits::has_reserved_labels) {
      if (is_current && held) b.attach_sequence(Traits::previous(), holder);
    }
  } else {
    b.detach(label);
  }
  b.set_last_changed(ctx.now);
  SECRETSTAGE_TRY(next, std::move(b).finish());
  basic_update_secret_version_stage_response<Traits> response{s.arn(), s.name()};
  return out{std::move(next), std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_UPDATE_SECRET_VERSION_STAGE_HPP
