#ifndef SECRETSTAGE_OPERATIONS_BATCH_GET_SECRET_VALUE_HPP
#define SECRETSTAGE_OPERATIONS_BATCH_GET_SECRET_VALUE_HPP

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/filters.hpp"
#include "../detail/validate.hpp"
#include "../error.hpp"
#include "../messages.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"
#include "get_secret_value.hpp"
#include "list_secrets.hpp"

namespace secretstage {

/// BatchGetSecretValue request: exactly one of SecretIdList and Filters.
template <secret_traits Traits = aws_traits>
struct basic_batch_get_secret_value {
  /// 1–20 SecretIds (names, ARNs or partial ARNs).
  detail::deferred_t<std::optional<std::vector<std::string>>, Traits> secret_id_list{};
  /// At most 10, as for ListSecrets.
  detail::deferred_t<std::optional<std::vector<filter>>, Traits> filters{};
  /// 1–20, only with Filters; absent: 20.
  detail::deferred_t<std::optional<int>, Traits> max_results{};
  std::optional<std::string> next_token{};

  friend bool operator==(const basic_batch_get_secret_value&,
                         const basic_batch_get_secret_value&) = default;
};

/// APIErrorType: a secret the batch could not read.
struct api_error {
  /// The SecretId as listed; for a secret found by Filters, its ARN.
  std::string secret_id;
  /// The AWS exception (`exception_name(error_code)` on the wire).
  errc error_code;
  std::string message;

  friend bool operator==(const api_error&, const api_error&) = default;
};

/// An APIErrorType on the wire (describe.hpp).
template <>
struct description_of<api_error> {
  using type = api_error;
  static constexpr char names[] = "SecretId ErrorCode Message";
  static constexpr char printed[] = "{SecretId}: {ErrorCode}: {Message}";
  using members = type_list<member<&type::secret_id, wire_shape::string>,
                            member<&type::error_code, wire_shape::exception_name>,
                            member<&type::message, wire_shape::string>>;
};

template <secret_traits Traits = aws_traits>
struct basic_batch_get_secret_value_response {
  std::vector<basic_secret_value_entry<Traits>> secret_values;
  /// Filters only: present when more secrets match; pass it back with the same Filters.
  std::optional<std::string> next_token;
  std::vector<api_error> errors;

  friend bool operator==(const basic_batch_get_secret_value_response&,
                         const basic_batch_get_secret_value_response&) = default;
};

using batch_get_secret_value = basic_batch_get_secret_value<>;
using batch_get_secret_value_response = basic_batch_get_secret_value_response<>;

/// What BatchGetSecretValue is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_batch_get_secret_value<Traits>>
    : request_description<read_only, basic_batch_get_secret_value_response<Traits>> {
  static constexpr char operation[] = "BatchGetSecretValue";
  using type = basic_batch_get_secret_value<Traits>;
  static constexpr char names[] = "SecretIdList Filters MaxResults NextToken";
  using members = type_list<member<&type::secret_id_list, wire_shape::string_list>,
                            member<&type::filters, wire_shape::filter_list>,
                            member<&type::max_results, wire_shape::integer>,
                            member<&type::next_token, wire_shape::string>>;
};

/// BatchGetSecretValue's response members (describe.hpp).
template <class Traits>
struct description_of<basic_batch_get_secret_value_response<Traits>> {
  using type = basic_batch_get_secret_value_response<Traits>;
  static constexpr char names[] = "SecretValues NextToken Errors";
  using members = type_list<member<&type::secret_values, wire_shape::structure_list, listing>,
                            member<&type::next_token, wire_shape::string>,
                            member<&type::errors, wire_shape::structure_list, listing | unless_empty>>;
};

namespace detail {

inline constexpr std::size_t max_batch_ids = 20;
inline constexpr int max_batch_page = 20;

/// SecretIdList: 1–20 ids, each 1–2048 characters and a valid name unless an ARN.
/// A template over an unused D (always void) with its types deferred_t (detail/deferred.hpp):
/// compiled only where it is called.
template <class D = void>
detail::deferred_t<result<void>, D> check_secret_id_list(
    const detail::deferred_t<std::vector<std::string>, D>& ids) {
  SECRETSTAGE_TRYV(check_length<D>("secretIdList", ids.size(), 1, max_batch_ids));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    SECRETSTAGE_TRYV(check_length<D>("secretIdList." + std::to_string(i + 1) + ".member",
                                     ids[i].size(), 1, max_secret_id));
  }
  for (const auto& id : ids)
    if (!is_arn<D>(id))
      for (char c : id)
        if (!is_name_char(c)) return messages::invalid_name();
  return ok<D>();
}

/// One secret's part of a batch: its AWSCURRENT value (recording the access in `next`), or the
/// error that goes into Errors.
template <class Traits>
void read_current(basic_store<Traits>& next, const basic_secret<Traits>& s, std::string_view secret_id,
                  const basic_context<Traits>& ctx, basic_batch_get_secret_value_response<Traits>& out) {
  if (s.deleted_date()) {
    auto e = messages::marked_for_deletion();
    out.errors.push_back({std::string(secret_id), e.code, std::move(e.message)});
    return;
  }
  auto selected = select_version(s, std::optional<typename Traits::version_id_type>(),
                                 std::optional<typename Traits::label_type>(Traits::current()));
  if (!selected) {
    out.errors.push_back({std::string(secret_id), selected.error().code, selected.error().message});
    return;
  }
  out.secret_values.push_back(value_response(s, *selected.value()));
  next = next.put(record_access(s, *selected.value(), ctx.now));
}

}  // namespace detail

/// The checks of BatchGetSecretValue that need no state.
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_batch_get_secret_value<Traits>& r, const basic_context<Traits>&) {
  if (r.secret_id_list) {
    SECRETSTAGE_TRYV(detail::check_secret_id_list(*r.secret_id_list));
  }
  if (r.filters) {
    SECRETSTAGE_TRYV(detail::check_filters(*r.filters));
  }
  SECRETSTAGE_TRYV(detail::check_max_results(r.max_results, detail::max_batch_page));
  SECRETSTAGE_TRYV(detail::check_next_token(r.next_token));
  if (r.secret_id_list.has_value() == r.filters.has_value()) return messages::batch_ids_or_filters();
  if (r.max_results && !r.filters) return messages::batch_max_results_needs_filters();
  return ok<Traits>();
}

/// BatchGetSecretValue: the AWSCURRENT values of several secrets. Only for domains with reserved
/// labels (it reads AWSCURRENT).
///
/// Checks of the call, in order (the first failure fails the whole call, which changes nothing):
///   SecretIdList 1–20 ids of 1–2048 characters          ValidationException
///   a listed id that is not an ARN and not a valid name  ValidationException "Invalid name. …"
///   Filters as for ListSecrets                           ValidationException
///   MaxResults 1–20                                      ValidationException (member 'maxResults')
///   NextToken 1–4096                                     ValidationException
///   both or neither of SecretIdList and Filters          InvalidParameterException "Either 'SecretIdList' or 'Filters' must be provided, but not both." [unverified]
///   MaxResults without Filters                           InvalidParameterException "'Filters' not specified. …" [unverified]
///   NextToken with SecretIdList (there are no pages), or not issued for these Filters, or its
///   secret has left the listing since                    InvalidNextTokenException [unverified text]
/// Per secret (into Errors, in request / listing order; the call still succeeds):
///   the id names no secret                               ResourceNotFoundException "Secrets Manager can't find the specified secret."
///   scheduled for deletion                               InvalidRequestException "You can't perform this operation on the secret because it was marked for deletion."
///   no AWSCURRENT, or only a value-less placeholder      ResourceNotFoundException "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"
/// Otherwise a SecretValues entry (as GetSecretValue's response) for the AWSCURRENT version, and
/// LastAccessedDate := day of ctx.now on the secret and that version, as GetSecretValue records it.
/// With SecretIdList every listed id gets its entry (a repeated id, repeated entries). With
/// Filters the secrets are those ListSecrets lists for the same Filters (secrets scheduled for
/// deletion left out, CreatedDate ascending), MaxResults (default 20) per page.
/// Cost: per secret as GetSecretValue, plus ListSecrets' listing with Filters.
template <class Traits>
  requires(Traits::has_reserved_labels)
[[nodiscard]] result<transition<basic_store<Traits>, basic_batch_get_secret_value_response<Traits>>> apply(
    const basic_store<Traits>& st, const basic_batch_get_secret_value<Traits>& r,
    const basic_context<Traits>& ctx) {
  using out = transition<basic_store<Traits>, basic_batch_get_secret_value_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  basic_store<Traits> next = st;
  basic_batch_get_secret_value_response<Traits> response;

  if (r.secret_id_list) {
    if (r.next_token) return messages::invalid_next_token();
    for (const auto& id : *r.secret_id_list) {
      auto found = st.resolve(id);
      if (!found) {
        response.errors.push_back({id, found.error().code, found.error().message});
        continue;
      }
      detail::read_current(next, *found.value(), id, ctx, response);
    }
    return out{std::move(next), std::move(response)};
  }

  const auto listed = detail::filtered_secrets(st, *r.filters, false, sort_order::asc);
  const std::uint64_t query = detail::query_hash(*r.filters, "batch");
  auto p = detail::page_of(listed, r.next_token, std::optional<int>(r.max_results.value_or(detail::max_batch_page)),
                           [&](const basic_secret<Traits>* s) { return detail::secret_token("BG", query, *s); });
  if (!p) return p.error();
  for (std::size_t i = p.value().begin; i < p.value().end; ++i)
    detail::read_current(next, *listed[i], listed[i]->arn().view(), ctx, response);
  response.next_token = std::move(p.value().next_token);
  return out{std::move(next), std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_BATCH_GET_SECRET_VALUE_HPP
