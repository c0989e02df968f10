#ifndef SECRETSTAGE_OPERATIONS_TAG_RESOURCE_HPP
#define SECRETSTAGE_OPERATIONS_TAG_RESOURCE_HPP

#include <string>
#include <vector>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/secret_builder.hpp"
#include "../detail/validate.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// TagResource request.
template <secret_traits Traits = aws_traits>
struct basic_tag_resource {
  std::string secret_id;
  std::vector<tag> tags{};

  friend bool operator==(const basic_tag_resource&, const basic_tag_resource&) = default;
};

/// TagResource answers with an empty body.
template <secret_traits Traits = aws_traits>
struct basic_tag_resource_response {
  friend bool operator==(const basic_tag_resource_response&,
                         const basic_tag_resource_response&) = default;
};

using tag_resource = basic_tag_resource<>;
using tag_resource_response = basic_tag_resource_response<>;

/// What TagResource is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_tag_resource<Traits>>
    : request_description<changes_store | on_one_secret, basic_tag_resource_response<Traits>> {
  static constexpr char operation[] = "TagResource";
  using type = basic_tag_resource<Traits>;
  static constexpr char names[] = "SecretId Tags";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>,
                            member<&type::tags, wire_shape::tag_list, required>>;
};

/// TagResource's response members (describe.hpp).
template <class Traits>
struct description_of<basic_tag_resource_response<Traits>> : no_output {};

/// The checks of TagResource that precede secret resolution (shape).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_tag_resource<Traits>& r, const basic_context<Traits>&) {
  SECRETSTAGE_TRYV(detail::check_secret_id_length(r.secret_id));
  SECRETSTAGE_TRYV(detail::check_tags(r.tags));
  return detail::check_secret_id_characters(r.secret_id);
}

/// TagResource: attaches tags to the secret's metadata (not to a version).
///
/// Checks, in order (the first failure decides; nothing changes on failure):
///   SecretId 1–2048 (its characters after every length)     ValidationException
///   Tags: at most 50; each Key 1–128, Value 0–256       ValidationException
///   SecretId names another secret                       ResourceNotFoundException "Secrets Manager can't find the specified secret."
///   secret scheduled for deletion                       InvalidRequestException "You can't perform this operation on the secret because it was marked for deletion." [OBS]
/// Effect:
///   each tag: a key already present takes the new value in place; a new key is appended (of
///   keys repeated in the request, the last wins)
///   when the tag list changed: LastChangedDate = now ("modified in any way" [API]); when it did
///   not (no tags, or the same values again): nothing changes
/// Versions and labels never change. Cost: O(tags²) on the metadata copy; no version is copied.
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_tag_resource_response<Traits>>> apply(
    const basic_secret<Traits>& s, const basic_tag_resource<Traits>& r,
    const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_tag_resource_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_deleted(s));

  auto tags = detail::merge_tags(s.tags(), r.tags);
  if (tags == s.tags()) return out{s, {}};
  auto meta = detail::make_ref<detail::secret_meta>(s.meta());
  meta->tags = std::move(tags);
  meta->tagged = true;
  detail::secret_builder<Traits> b(s);
  b.set_meta(std::move(meta));
  b.set_last_changed(ctx.now);
  SECRETSTAGE_TRY(next, std::move(b).finish());
  return out{std::move(next), {}};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_TAG_RESOURCE_HPP
