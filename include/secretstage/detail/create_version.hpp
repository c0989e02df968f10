#ifndef SECRETSTAGE_DETAIL_CREATE_VERSION_HPP
#define SECRETSTAGE_DETAIL_CREATE_VERSION_HPP

#include <optional>
#include <string>
#include <vector>

#include "../messages.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "algorithm.hpp"
#include "secret_builder.hpp"
#include "validate.hpp"

namespace secretstage::detail {

enum class version_effect {
  created,    // a new version
  filled,     // the value-less rotation placeholder with this id received its value
  unchanged,  // an idempotent retry: same token, same value
};

template <class Traits>
struct created_version {
  basic_secret<Traits> state;
  version_effect effect;
};

/// The version-creating core of PutSecretValue and UpdateSecret (request already validated,
/// secret resolved and not scheduled for deletion).
///   token names a version with a value:  same value -> unchanged; else ResourceExistsException
///   token names the placeholder:         it is filled (keeps its creation date)
///   otherwise:                           a new version, created `now`
/// Labels: every label of `stages` (default [AWSCURRENT]) moves to the version. When AWSCURRENT
/// moves from A to it, A gains AWSPREVIOUS (unless the list names AWSPREVIOUS) and loses
/// AWSPENDING (unless the list names it). When no version carries AWSCURRENT afterwards, this one
/// gets it. LimitExceededException when more than the quota of labels would be attached.
template <class Traits>
result<created_version<Traits>> create_version(
    const basic_secret<Traits>& s, const typename Traits::version_id_type& token,
    const std::optional<std::string>& secret_string, const std::optional<binary>& secret_binary,
    const std::vector<typename Traits::label_type>* stages, timestamp now) {
  using version_type = basic_version<Traits>;
  using label_type = typename Traits::label_type;

  const version_type* existing = s.find_version(token);
  if (existing != nullptr && !existing->is_placeholder()) {
    if (same_value(*existing->value(), secret_string, secret_binary))
      return created_version<Traits>{s, version_effect::unchanged};
    return messages::client_request_token_in_use(Traits::text(token), s.arn());
  }

  secret_builder<Traits> b(s);
  auto value = make_value(secret_string, secret_binary);
  detail::ref<const version_type> v =
      existing != nullptr
          ? detail::make_ref<const version_type>(token, std::move(value), existing->created_date(),
                                                 existing->sequence(), existing->last_accessed_date())
          : detail::make_ref<const version_type>(token, std::move(value), now, b.take_sequence());
  const version_type* target = b.put_version(std::move(v));

  auto listed = [&](const label_type& l) {
    return stages != nullptr && detail::find(stages->begin(), stages->end(), l) != stages->end();
  };
  if constexpr (Traits::has_reserved_labels) {
    const label_type current = Traits::current();
    const version_type* old_current = b.holder(current);
    const bool moves_current = (stages == nullptr || listed(current)) && old_current != nullptr &&
                               old_current != target;
    if (stages == nullptr) {
      b.attach(current, target);
    } else {
      for (const auto& l : *stages) b.attach(l, target);
    }
    if (moves_current) {
      if (!listed(Traits::previous())) b.attach(Traits::previous(), old_current);
      const label_type pending = Traits::pending();
      if (!listed(pending) && b.holder(pending) == old_current) b.detach(pending);
    }
    if (b.holder(current) == nullptr) b.attach(current, target);
  } else {
    if (stages != nullptr)
      for (const auto& l : *stages) b.attach(l, target);
  }
  b.set_last_changed(now);

  SECRETSTAGE_TRY(next, std::move(b).finish());
  return created_version<Traits>{
      std::move(next), existing != nullptr ? version_effect::filled : version_effect::created};
}

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_CREATE_VERSION_HPP
