#ifndef SECRETSTAGE_OPERATIONS_UNTAG_RESOURCE_HPP
#define SECRETSTAGE_OPERATIONS_UNTAG_RESOURCE_HPP

#include <string>
#include <vector>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/algorithm.hpp"
#include "../detail/secret_builder.hpp"
#include "../detail/validate.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// UntagResource request.
template <secret_traits Traits = aws_traits>
struct basic_untag_resource {
  std::string secret_id;
  std::vector<std::string> tag_keys{};

  friend bool operator==(const basic_untag_resource&, const basic_untag_resource&) = default;
};

/// UntagResource answers with an empty body.
template <secret_traits Traits = aws_traits>
struct basic_untag_resource_response {
  friend bool operator==(const basic_untag_resource_response&,
                         const basic_untag_resource_response&) = default;
};

using untag_resource = basic_untag_resource<>;
using untag_resource_response = basic_untag_resource_response<>;

/// What UntagResource is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_untag_resource<Traits>>
    : request_description<changes_store | on_one_secret, basic_untag_resource_response<Traits>> {
  static constexpr char operation[] = "UntagResource";
  using type = basic_untag_resource<Traits>;
  static constexpr char names[] = "SecretId TagKeys";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>,
                            member<&type::tag_keys, wire_shape::string_list, required>>;
};

/// UntagResource's response members (describe.hpp).
template <class Traits>
struct description_of<basic_untag_resource_response<Traits>> : no_output {};

namespace detail {
/// TagKeys: each key 1–128 (TagKeyType); the list itself has no bound in the API model.
/// (A template over an unused D, always void, with its types deferred_t: detail/deferred.hpp.)
template <class D = void>
detail::deferred_t<result<void>, D> check_tag_keys(const detail::deferred_t<std::vector<std::string>, D>& keys) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    SECRETSTAGE_TRYV(
        check_length<D>("tagKeys." + std::to_string(i + 1) + ".member", keys[i].size(), 1, 128));
  }
  return ok<D>();
}
}  // namespace detail

/// The checks of UntagResource that precede secret resolution (shape).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_untag_resource<Traits>& r, const basic_context<Traits>&) {
  SECRETSTAGE_TRYV(detail::check_secret_id_length(r.secret_id));
  SECRETSTAGE_TRYV(detail::check_tag_keys(r.tag_keys));
  return detail::check_secret_id_characters(r.secret_id);
}

/// UntagResource: removes tags, by key, from the secret's metadata.
///
/// Checks, in order (the first failure decides; nothing changes on failure):
///   SecretId 1–2048 (its characters after every length)     ValidationException
///   TagKeys: each key 1–128                             ValidationException
///   SecretId names another secret                       ResourceNotFoundException "Secrets Manager can't find the specified secret."
///   secret scheduled for deletion                       InvalidRequestException "You can't perform this operation on the secret because it was marked for deletion." [OBS]
/// Effect:
///   every tag whose key is listed is removed; the others keep their order
///   a listed key that is not attached: ignored ("no error is returned and the secret metadata is
///   unchanged" [API]); when no tag was removed nothing changes at all
///   when a tag was removed: LastChangedDate = now ("modified in any way" [API])
/// Versions and labels never change. Cost: O(tags × keys) on the metadata copy.
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_untag_resource_response<Traits>>> apply(
    const basic_secret<Traits>& s, const basic_untag_resource<Traits>& r,
    const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_untag_resource_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_deleted(s));

  std::vector<tag> tags;
  for (const auto& t : s.tags())
    if (detail::find(r.tag_keys.begin(), r.tag_keys.end(), t.key) == r.tag_keys.end()) tags.push_back(t);
  if (tags.size() == s.tags().size()) return out{s, {}};
  auto meta = detail::make_ref<detail::secret_meta>(s.meta());
  meta->tags = std::move(tags);
  detail::secret_builder<Traits> b(s);
  b.set_meta(std::move(meta));
  b.set_last_changed(ctx.now);
  SECRETSTAGE_TRY(next, std::move(b).finish());
  return out{std::move(next), {}};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_UNTAG_RESOURCE_HPP
