#ifndef SECRETSTAGE_OPERATIONS_LIST_SECRET_VERSION_IDS_HPP
#define SECRETSTAGE_OPERATIONS_LIST_SECRET_VERSION_IDS_HPP

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/algorithm.hpp"
#include "../detail/filters.hpp"
#include "../detail/validate.hpp"
#include "../label_set.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// ListSecretVersionIds request.
template <secret_traits Traits = aws_traits>
struct basic_list_secret_version_ids {
  std::string secret_id;
  /// 1–100; absent: every remaining version in one page.
  detail::deferred_t<std::optional<int>, Traits> max_results{};
  std::optional<std::string> next_token{};
  /// Absent or false: deprecated (unlabelled) versions are left out.
  detail::deferred_t<std::optional<bool>, Traits> include_deprecated{};

  friend bool operator==(const basic_list_secret_version_ids&,
                         const basic_list_secret_version_ids&) = default;
};

/// SecretVersionsListEntry.
template <secret_traits Traits = aws_traits>
struct basic_secret_versions_list_entry {
  typename Traits::version_id_type version_id;
  /// Empty for a deprecated version, whose AWS entry has no VersionStages member.
  label_set_for<Traits> version_stages;
  /// Day resolution (midnight UTC of the last read of this version).
  std::optional<timestamp> last_accessed_date;
  timestamp created_date;
  /// The secret's KMS key, or "DefaultEncryptionKey" (as AWS reports it) for the AWS managed key.
  /// The model keeps no per-version key, so every version reports the secret's current one.
  std::vector<std::string> kms_key_ids;

  friend bool operator==(const basic_secret_versions_list_entry&,
                         const basic_secret_versions_list_entry&) = default;
};

/// A SecretVersionsListEntry on the wire (describe.hpp).
template <class Traits>
struct description_of<basic_secret_versions_list_entry<Traits>> {
  using type = basic_secret_versions_list_entry<Traits>;
  static constexpr char names[] = "VersionId VersionStages LastAccessedDate CreatedDate KmsKeyIds";
  static constexpr char printed[] =
      "{VersionId} {VersionStages} created {CreatedDate}[ accessed {LastAccessedDate}]";
  using members = type_list<member<&type::version_id, wire_shape::string>,
                            member<&type::version_stages, wire_shape::string_list>,
                            member<&type::last_accessed_date, wire_shape::date>,
                            member<&type::created_date, wire_shape::date>,
                            member<&type::kms_key_ids, wire_shape::string_list>>;
};

template <secret_traits Traits = aws_traits>
struct basic_list_secret_version_ids_response {
  std::vector<basic_secret_versions_list_entry<Traits>> versions;
  /// Present when more versions follow; pass it back to get them.
  std::optional<std::string> next_token;
  shared_text arn;
  shared_text name;

  friend bool operator==(const basic_list_secret_version_ids_response&,
                         const basic_list_secret_version_ids_response&) = default;
};

using list_secret_version_ids = basic_list_secret_version_ids<>;
using secret_versions_list_entry = basic_secret_versions_list_entry<>;
using list_secret_version_ids_response = basic_list_secret_version_ids_response<>;

/// What ListSecretVersionIds is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_list_secret_version_ids<Traits>>
    : request_description<read_only, basic_list_secret_version_ids_response<Traits>> {
  static constexpr char operation[] = "ListSecretVersionIds";
  using type = basic_list_secret_version_ids<Traits>;
  static constexpr char names[] = "SecretId MaxResults NextToken IncludeDeprecated";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>,
                            member<&type::max_results, wire_shape::integer>,
                            member<&type::next_token, wire_shape::string>,
                            member<&type::include_deprecated, wire_shape::boolean>>;
};

/// ListSecretVersionIds's response members (describe.hpp).
template <class Traits>
struct description_of<basic_list_secret_version_ids_response<Traits>> {
  using type = basic_list_secret_version_ids_response<Traits>;
  static constexpr char names[] = "ARN Name Versions NextToken";
  using members = type_list<member<&type::arn, wire_shape::string, printed_last>,
                            member<&type::name, wire_shape::string, printed_last>,
                            member<&type::versions, wire_shape::structure_list, listing>,
                            member<&type::next_token, wire_shape::string>>;
};

namespace detail {

inline constexpr int max_version_page = 100;

/// The NextToken that resumes a version listing of `s` at version `v`: the secret's ARN hash,
/// the version's place in the creation order and its VersionId hash, in hexadecimal. Opaque to
/// callers; deterministic, so the same listing always issues the same tokens.
template <class Traits>
[[nodiscard]] std::string version_token(const basic_secret<Traits>& s, const basic_version<Traits>& v) {
  std::string out = "SV";
  append_hex(out, text_hash(s.arn()));
  append_hex(out, v.sequence());
  append_hex(out, Traits::hash(v.id()));
  return out;
}

}  // namespace detail

/// The checks of ListSecretVersionIds that precede secret resolution.
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_list_secret_version_ids<Traits>& r, const basic_context<Traits>&) {
  SECRETSTAGE_TRYV(detail::check_secret_id_length(r.secret_id));
  SECRETSTAGE_TRYV(detail::check_max_results(r.max_results, detail::max_version_page));
  SECRETSTAGE_TRYV(detail::check_next_token(r.next_token));
  return detail::check_secret_id_characters(r.secret_id);
}

/// ListSecretVersionIds: the versions of a secret, one page at a time.
///
/// Checks, in order:
///   SecretId 1–2048 (its characters after every length)    ValidationException
///   MaxResults 1–100                                    ValidationException (member 'maxResults')
///   NextToken 1–4096                                    ValidationException
///   SecretId names no secret                            ResourceNotFoundException "Secrets Manager can't find the specified secret."
///   NextToken not issued by this listing, or its version has left it since
///                                                       InvalidNextTokenException [unverified text]
/// A secret scheduled for deletion is listed too (ruling, docs/semantics.md#listsecretversionids).
/// Order: newest first (descending creation order; AWS does not document one). A NextToken names
/// the version the next page starts at, so versions created between two pages do not shift it.
/// Without MaxResults the page runs to the end. Entries: VersionId, VersionStages (empty for a
/// deprecated version), LastAccessedDate, CreatedDate, KmsKeyIds.
/// Effect: none (a pure query); the state is returned as it is.
/// Cost: O(versions · (log versions + labels)).
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_list_secret_version_ids_response<Traits>>>
apply(const basic_secret<Traits>& s, const basic_list_secret_version_ids<Traits>& r,
      const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_list_secret_version_ids_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));

  const bool include_deprecated = r.include_deprecated.value_or(false);
  std::vector<const basic_version<Traits>*> listed;
  for (const auto* v : s.versions())
    if (include_deprecated || !s.is_deprecated(v->id())) listed.push_back(v);
  detail::reverse(listed.begin(), listed.end());

  auto p = detail::page_of(listed, r.next_token, r.max_results,
                           [&](const basic_version<Traits>* v) { return detail::version_token(s, *v); });
  if (!p) return p.error();

  const std::vector<std::string> kms{s.kms_key_id() ? *s.kms_key_id() : std::string("DefaultEncryptionKey")};
  basic_list_secret_version_ids_response<Traits> response;
  response.versions.reserve(p.value().end - p.value().begin);
  for (std::size_t i = p.value().begin; i < p.value().end; ++i) {
    const auto* v = listed[i];
    response.versions.push_back(
        {v->id(), s.labels_of(v->id()), v->last_accessed_date(), v->created_date(), kms});
  }
  response.next_token = std::move(p.value().next_token);
  response.arn = s.arn();
  response.name = s.name();
  return out{s, std::move(response)};
}

/// The same operation on a store; the store is returned unchanged.
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_list_secret_version_ids_response<Traits>>>
apply(const basic_store<Traits>& st, const basic_list_secret_version_ids<Traits>& r,
      const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRY(found, st.resolve(r.secret_id));
  SECRETSTAGE_TRY(listed, apply(*found, r, ctx));
  return transition<basic_store<Traits>, basic_list_secret_version_ids_response<Traits>>{
      st, std::move(listed.response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_LIST_SECRET_VERSION_IDS_HPP
