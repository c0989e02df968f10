#ifndef SECRETSTAGE_OPERATIONS_LIST_SECRETS_HPP
#define SECRETSTAGE_OPERATIONS_LIST_SECRETS_HPP

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/algorithm.hpp"
#include "../detail/filters.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"
#include "describe_secret.hpp"

namespace secretstage {

/// ListSecrets request.
template <secret_traits Traits = aws_traits>
struct basic_list_secrets {
  /// Absent or false: secrets scheduled for deletion are left out.
  detail::deferred_t<std::optional<bool>, Traits> include_planned_deletion{};
  /// 1–100; absent: every remaining secret in one page.
  detail::deferred_t<std::optional<int>, Traits> max_results{};
  std::optional<std::string> next_token{};
  /// At most 10; all must match (see `detail::filter_matches` for one filter).
  detail::deferred_t<std::optional<std::vector<filter>>, Traits> filters{};
  /// By CreatedDate; absent: asc.
  detail::deferred_t<std::optional<::secretstage::sort_order>, Traits> sort_order{};

  friend bool operator==(const basic_list_secrets&, const basic_list_secrets&) = default;
};

/// SecretListEntry: DescribeSecret's members, with the versions-to-stages map named
/// SecretVersionsToStages.
template <secret_traits Traits = aws_traits>
struct basic_secret_list_entry {
  shared_text arn;
  shared_text name;
  std::optional<std::string> description;
  std::optional<std::string> kms_key_id;
  detail::deferred_t<std::optional<bool>, Traits> rotation_enabled;
  std::optional<std::string> rotation_lambda_arn;
  std::optional<::secretstage::rotation_rules> rotation_rules;
  std::optional<timestamp> last_rotated_date;
  std::optional<timestamp> last_changed_date;
  std::optional<timestamp> last_accessed_date;
  std::optional<timestamp> deleted_date;
  std::optional<timestamp> next_rotation_date;
  /// As DescribeSecret's: absent if never tagged, [] once the last tag was removed (a ruling for
  /// the entry: the recorded answers show it only for DescribeSecret).
  detail::deferred_t<std::optional<std::vector<tag>>, Traits> tags;
  /// Labelled versions only, oldest first. Empty: absent.
  std::vector<basic_version_stages_entry<Traits>> secret_versions_to_stages;
  timestamp created_date;
  /// A replica: the Region of its primary (replication.hpp).
  std::optional<std::string> primary_region;
  /// A primary: its replicas and their status. Empty: absent.
  std::vector<replication_status_type> replication_status;

  friend bool operator==(const basic_secret_list_entry&, const basic_secret_list_entry&) = default;
};

/// A SecretListEntry on the wire (describe.hpp).
template <class Traits>
struct description_of<basic_secret_list_entry<Traits>> {
  using type = basic_secret_list_entry<Traits>;
  static constexpr char names[] =
      "ARN Name Description KmsKeyId RotationEnabled RotationLambdaARN RotationRules "
      "LastRotatedDate LastChangedDate LastAccessedDate DeletedDate NextRotationDate Tags "
      "CreatedDate PrimaryRegion ReplicationStatus SecretVersionsToStages";
  using members =
      concat_t<secret_description_members<type>,
               type_list<member<&type::secret_versions_to_stages, wire_shape::stages_map>>>;
};

template <secret_traits Traits = aws_traits>
struct basic_list_secrets_response {
  std::vector<basic_secret_list_entry<Traits>> secret_list;
  /// Present when more secrets follow; pass it back (with the same filters, sort order and
  /// IncludePlannedDeletion) to get them.
  std::optional<std::string> next_token;

  friend bool operator==(const basic_list_secrets_response&, const basic_list_secrets_response&) = default;
};

using list_secrets = basic_list_secrets<>;
using secret_list_entry = basic_secret_list_entry<>;
using list_secrets_response = basic_list_secrets_response<>;

/// What ListSecrets is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_list_secrets<Traits>>
    : request_description<read_only, basic_list_secrets_response<Traits>> {
  static constexpr char operation[] = "ListSecrets";
  using type = basic_list_secrets<Traits>;
  static constexpr char names[] =
      "IncludePlannedDeletion MaxResults NextToken Filters SortOrder SortBy";
  using members = type_list<member<&type::include_planned_deletion, wire_shape::boolean>,
                            member<&type::max_results, wire_shape::integer>,
                            member<&type::next_token, wire_shape::string>,
                            member<&type::filters, wire_shape::filter_list>,
                            member<&type::sort_order, wire_shape::sort_order>,
                            member<nullptr, wire_shape::sort_by>>;
};

/// ListSecrets's response members (describe.hpp).
template <class Traits>
struct description_of<basic_list_secrets_response<Traits>> {
  using type = basic_list_secrets_response<Traits>;
  static constexpr char names[] = "SecretList NextToken";
  using members = type_list<member<&type::secret_list, wire_shape::structure_list, listing>,
                            member<&type::next_token, wire_shape::string>>;
};

namespace detail {

inline constexpr int max_secret_page = 100;

/// The secrets of `st` that pass `filters` (and, unless `include_deleted`, are not scheduled for
/// deletion), by CreatedDate then Name, ascending or descending.
template <class Traits>
[[nodiscard]] std::vector<const basic_secret<Traits>*> filtered_secrets(
    const basic_store<Traits>& st, const std::vector<filter>& filters, bool include_deleted,
    sort_order order) {
  std::vector<const basic_secret<Traits>*> out;
  for (const auto* s : st.secrets())
    if ((include_deleted || !s->deleted_date()) && matches_all(filters, *s)) out.push_back(s);
  detail::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return a->created_date() < b->created_date();
  });  // secrets() is ordered by name, so equal dates stay by name
  if (order == sort_order::desc) detail::reverse(out.begin(), out.end());
  return out;
}

/// The NextToken that resumes a secret listing at `s`: the listing's kind, the query's hash, and
/// the secret's creation date and ARN hash, in hexadecimal. Opaque to callers, deterministic.
template <class Traits>
[[nodiscard]] std::string secret_token(std::string_view kind, std::uint64_t query,
                                       const basic_secret<Traits>& s) {
  std::string out(kind);
  append_hex(out, query);
  append_hex(out, static_cast<std::uint64_t>(s.created_date().epoch_ms));
  append_hex(out, text_hash(s.arn()));
  return out;
}

}  // namespace detail

/// The checks of ListSecrets (there is no secret to resolve).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_list_secrets<Traits>& r, const basic_context<Traits>&) {
  SECRETSTAGE_TRYV(detail::check_max_results(r.max_results, detail::max_secret_page));
  SECRETSTAGE_TRYV(detail::check_next_token(r.next_token));
  if (r.filters) {
    SECRETSTAGE_TRYV(detail::check_filters(*r.filters));
  }
  return ok<Traits>();
}

/// ListSecrets: the secrets of the store, filtered, one page at a time.
///
/// Checks, in order:
///   MaxResults 1–100                                    ValidationException (member 'maxResults')
///   NextToken 1–4096                                    ValidationException
///   Filters ≤ 10; each 1–10 Values of ≤ 512 characters of [a-zA-Z0-9 :_@/+=.-!]
///                                                       ValidationException
///   NextToken not issued for this query, or its secret has left the listing since
///                                                       InvalidNextTokenException [unverified text]
/// Listing: secrets scheduled for deletion only with IncludePlannedDeletion (then with
/// DeletedDate); every filter must match. Filter rules, as the API reference's Filter page states
/// them where it does, the model's reading elsewhere:
///   name, tag-key, tag-value, primary-region   prefix, case-sensitive (tag-*: any tag)
///   description                                prefix, not case-sensitive (ASCII)
///   primary-region                             the Region in the secret's ARN (no replication modelled)
///   owning-service                             no secret of the model has one: never matches
///   all                                        the value's words (`detail::search_words`) against
///                                              the words of name, description, tag keys and values:
///                                              some word begins with some value word, not
///                                              case-sensitive; a value with no word matches all
///   several values in one filter               some plain value matches and no '!'-negated one
/// Order: CreatedDate ascending (SortOrder asc, the default) or descending, ties by Name.
/// Entries: DescribeSecret's members (same rules), SecretVersionsToStages for VersionIdsToStages.
/// Effect: none (a pure query); the store is returned as it is.
/// Cost: O(secrets · log secrets + filter work + page · labels).
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_list_secrets_response<Traits>>> apply(
    const basic_store<Traits>& st, const basic_list_secrets<Traits>& r, const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(check_request(r, ctx));
  const std::vector<filter> no_filters;
  const auto& filters = r.filters ? *r.filters : no_filters;
  const bool include_deleted = r.include_planned_deletion.value_or(false);
  const sort_order order = r.sort_order.value_or(sort_order::asc);
  const auto listed = detail::filtered_secrets(st, filters, include_deleted, order);

  const std::uint64_t query = detail::query_hash(
      filters, detail::deferred_t<std::string, Traits>(include_deleted ? "d1" : "d0") +
                   (order == sort_order::asc ? "a" : "d"));
  auto p = detail::page_of(listed, r.next_token, r.max_results, [&](const basic_secret<Traits>* s) {
    return detail::secret_token("LS", query, *s);
  });
  if (!p) return p.error();

  basic_list_secrets_response<Traits> response;
  response.secret_list.reserve(p.value().end - p.value().begin);
  for (std::size_t i = p.value().begin; i < p.value().end; ++i) {
    basic_secret_list_entry<Traits> entry;
    detail::describe_into(entry, *listed[i], ctx.now);
    entry.secret_versions_to_stages = detail::labelled_versions(*listed[i]);
    response.secret_list.push_back(std::move(entry));
  }
  response.next_token = std::move(p.value().next_token);
  return transition<basic_store<Traits>, basic_list_secrets_response<Traits>>{st, std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_LIST_SECRETS_HPP
