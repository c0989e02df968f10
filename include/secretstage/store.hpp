#ifndef SECRETSTAGE_STORE_HPP
#define SECRETSTAGE_STORE_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "context.hpp"
#include "describe.hpp"
#include "detail/algorithm.hpp"
#include "detail/persistent_set.hpp"
#include "detail/validate.hpp"
#include "messages.hpp"
#include "result.hpp"
#include "replica.hpp"
#include "secret.hpp"
#include "transition.hpp"

namespace secretstage {

namespace detail {

struct secret_name_key {
  template <class Secret>
  std::string_view operator()(const Secret& s) const noexcept {
    return s.name().view();
  }
};
struct name_hash {
  std::uint64_t operator()(std::string_view name) const noexcept { return hash_bytes(name); }
};

}  // namespace detail

/// The secrets of one account in one region. Secrets are keyed by name (unique among live secrets
/// and secrets scheduled for deletion) in a persistent hash trie, so a transition on one secret
/// shares every other with the previous store: O(log16 n) nodes are copied, no secret is. A
/// pointer to a secret of the store stays valid as long as the store does.
template <secret_traits Traits = aws_traits>
class basic_store {
 public:
  using traits_type = Traits;
  using secret_type = basic_secret<Traits>;

  [[nodiscard]] std::size_t size() const noexcept { return secrets_.size(); }
  [[nodiscard]] bool empty() const noexcept { return secrets_.empty(); }

  /// The secret with this exact name, or nullptr.
  [[nodiscard]] const secret_type* find(std::string_view name) const noexcept {
    return secrets_.find(name);
  }

  /// SecretId resolution: a name; a full ARN; or a partial ARN (the ARN without "-XXXXXX")
  /// matching exactly one secret. As AWS warns, an ARN whose name part ends in a hyphen and six
  /// characters is taken as a complete ARN, so the partial ARN of a secret named like that does
  /// not resolve. Unknown: ResourceNotFoundException "Secrets Manager can't find the specified
  /// secret."
  [[nodiscard]] result<const secret_type*> resolve(std::string_view secret_id) const {
    constexpr std::string_view marker = ":secret:";
    if (!detail::is_arn<Traits>(secret_id)) {
      if (const auto* s = find(secret_id)) return s;
      return messages::secret_not_found();
    }
    const auto at = secret_id.find(marker);
    if (at == std::string_view::npos) return messages::secret_not_found();
    const std::string_view rest = secret_id.substr(at + marker.size());
    if (detail::ends_like_arn_suffix(rest)) {
      const auto* s = find(rest.substr(0, rest.size() - 7));
      if (s != nullptr && s->arn() == secret_id) return s;
      return messages::secret_not_found();
    }
    const auto* s = find(rest);
    if (s != nullptr && s->arn().view().substr(0, s->arn().size() - 7) == secret_id) return s;
    return messages::secret_not_found();
  }

  /// Every secret, ordered by name.
  [[nodiscard]] std::vector<const secret_type*> secrets() const {
    std::vector<const secret_type*> out;
    out.reserve(secrets_.size());
    secrets_.for_each([&](const secret_type& s) { out.push_back(&s); });
    detail::stable_sort(out.begin(), out.end(), [](const secret_type* a, const secret_type* b) {
      return a->name().view() < b->name().view();
    });
    return out;
  }

  /// The store with `s` added, or replacing the secret of the same name.
  [[nodiscard]] basic_store put(secret_type s) const& {
    basic_store out = *this;
    out.secrets_ = secrets_.insert(std::move(s));
    return out;
  }
  /// The same store, from a store nobody needs any more (immer's `set(...) &&`): it is moved on in
  /// place as put_in_place does, so `st = std::move(st).put(s)` touches only the nodes that no
  /// other store shares.
  [[nodiscard]] basic_store put(secret_type s) && {
    put_in_place(std::move(s));
    return std::move(*this);
  }
  /// Adds `s` to this store, or replaces the secret of the same name: the store `put(s)` returns,
  /// built by changing in place the trie nodes that no other store shares, so a service that
  /// moves its store on from request to request touches only the path to the secret, as a
  /// mutable map would (stores copied earlier are not affected). Strong guarantee: if an
  /// allocation fails, the store is unchanged.
  void put_in_place(secret_type s) { secrets_.insert_in_place(std::move(s)); }
  /// The store without the secret of this name.
  [[nodiscard]] basic_store erase(std::string_view name) const {
    basic_store out = *this;
    out.secrets_ = secrets_.erase(name);
    return out;
  }
  /// How many secrets were ever created in this store: mixed into each new ARN's random
  /// characters, so a name created again after a deletion gets a different ARN.
  [[nodiscard]] std::uint64_t creations() const noexcept { return creations_; }
  [[nodiscard]] basic_store with_creation_counted() const {
    basic_store out = *this;
    ++out.creations_;
    return out;
  }
  /// The store with its creation count set to `n`: a store rebuilt from its snapshot
  /// (snapshot.hpp) draws the same ARNs as the one it was taken from.
  [[nodiscard]] basic_store with_creations(std::uint64_t n) const {
    basic_store out = *this;
    out.creations_ = n;
    return out;
  }

  friend bool operator==(const basic_store& a, const basic_store& b) {
    return a.creations_ == b.creations_ &&
           a.secrets_.equal(b.secrets_, [](const secret_type& x, const secret_type& y) { return x == y; });
  }

 private:
  // Secrets are handles: the trie holds them by value. Nodes of 16 slots: a new store copies
  // one node per level and references every sibling in it again, so at 10^6 secrets smaller
  // nodes touch less memory than 32-slot ones for one more level.
  detail::persistent_set<secret_type, std::string_view, detail::secret_name_key, detail::name_hash, 4>
      secrets_;
  std::uint64_t creations_ = 0;
};

using store = basic_store<>;

namespace detail {

/// Whether a write may change a replica (StopReplicationToReplica alone; its description says
/// `on_replica`).
template <class Request>
inline constexpr bool writable_on_replica = requires { requires description_of<Request>::on_replica; };

/// An operation on one secret of the store: the request's own checks, then SecretId resolution,
/// then (a write) the refusal of a replica (replica.hpp), then the secret's transition. The store is not changed; the new secret is returned.
template <class Traits, class Request>
auto apply_to_secret(const basic_store<Traits>& st, const Request& r, const basic_context<Traits>& ctx)
    -> decltype(apply(std::declval<const basic_secret<Traits>&>(), r, ctx)) {
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRY(found, st.resolve(r.secret_id));
  if constexpr (description_of<Request>::mutates && !writable_on_replica<Request>) {
    SECRETSTAGE_TRYV(require_not_replica(*found));
  }
  return apply(*found, r, ctx);
}

/// An operation on one secret, applied over the store: the new secret replaces the old, sharing
/// the rest of the store.
template <class Response, class Traits, class Request>
result<transition<basic_store<Traits>, Response>> apply_in_store(const basic_store<Traits>& st,
                                                                 const Request& r,
                                                                 const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRY(next, apply_to_secret(st, r, ctx));
  return transition<basic_store<Traits>, Response>{st.put(std::move(next.state)),
                                                   std::move(next.response)};
}

}  // namespace detail

/// Every operation on one secret (its description says one_secret), applied to a store: SecretId
/// resolves among the store's secrets (name, ARN, partial ARN), the secret's own transition runs,
/// and its new state replaces the old, sharing the rest of the store.
template <class Traits, acts_on_one_secret Request>
[[nodiscard]] result<transition<basic_store<Traits>, typename description_of<Request>::response>>
apply(const basic_store<Traits>& st, const Request& r, const basic_context<Traits>& ctx) {
  return detail::apply_in_store<typename description_of<Request>::response>(st, r, ctx);
}

}  // namespace secretstage

#endif  // SECRETSTAGE_STORE_HPP
