#ifndef SECRETSTAGE_INVARIANTS_HPP
#define SECRETSTAGE_INVARIANTS_HPP

// The invariants of docs/semantics.md#invariants that concern one secret, as named predicates
// (I1…I20 are that table's ids). Tests run `check_invariants` after every step and
// `check_transition_invariants` across every step.

#include <string>
#include <string_view>
#include <vector>

#include "detail/algorithm.hpp"
#include "detail/validate.hpp"
#include "policy.hpp"
#include "secret.hpp"
#include "store.hpp"

namespace secretstage {

// ---- one state --------------------------------------------------------------------------------

/// I1: each label is attached to at most one version (and so a version's labels form a set, I2).
template <class Traits>
[[nodiscard]] bool each_label_on_one_version(const basic_secret<Traits>& s) {
  const auto stages = s.stages();
  for (std::size_t i = 1; i < stages.size(); ++i)
    if (stages[i - 1].first == stages[i].first) return false;
  return true;
}

/// Every attached label names a version the secret holds.
template <class Traits>
[[nodiscard]] bool labels_on_existing_versions(const basic_secret<Traits>& s) {
  const auto stages = s.stages();  // leaves out labels on versions the secret does not hold
  if (stages.size() != s.label_count()) return false;
  for (const auto& [label, id] : stages)
    if (s.find_version(id) == nullptr || s.holder(label) != s.find_version(id)) return false;
  return true;
}

/// I3: once a version with a value exists, some version carries AWSCURRENT.
template <class Traits>
[[nodiscard]] bool awscurrent_when_a_value_exists(const basic_secret<Traits>& s) {
  if constexpr (Traits::has_reserved_labels) {
    if (s.holder(Traits::current()) != nullptr) return true;
    for (const auto* v : s.versions())
      if (!v->is_placeholder()) return false;
  }
  return true;
}

/// I18: at most `label_quota` labels attached across the secret.
template <class Traits>
[[nodiscard]] bool label_quota_respected(const basic_secret<Traits>& s) {
  return s.label_count() <= Traits::label_quota;
}

/// I18: labels and version ids within their lengths; values 1–65,536 bytes.
template <class Traits>
[[nodiscard]] bool static_bounds_respected(const basic_secret<Traits>& s) {
  for (const auto& [label, id] : s.stages())
    if (!Traits::check_label(label, "versionStage")) return false;
  for (const auto* v : s.versions()) {
    if (!Traits::check_version_id(v->id(), "versionId")) return false;
    if (v->value() != nullptr && (v->value()->size() < 1 || v->value()->size() > detail::max_value))
      return false;
  }
  return true;
}

/// I18/I19: a valid name, and an ARN of the form arn:aws:secretsmanager:…:secret:<name>-XXXXXX.
template <class Traits>
[[nodiscard]] bool name_and_arn_well_formed(const basic_secret<Traits>& s) {
  if (!detail::check_name(s.name())) return false;
  // Spelled as types that depend on Traits, so that the comparisons are resolved where the
  // function is instantiated rather than in every translation unit (detail/deferred.hpp).
  using view = detail::deferred_t<std::string_view, Traits>;
  const view arn = s.arn(), name = s.name();
  const view prefix = "arn:aws:secretsmanager:";
  if (arn.substr(0, prefix.size()) != prefix || arn.size() < name.size() + 7) return false;
  const view tail = arn.substr(arn.size() - name.size() - 7);
  return tail.substr(0, name.size()) == name && tail[name.size()] == '-' &&
         arn.substr(0, arn.size() - tail.size()).ends_with(":secret:");
}

/// I10: versions have distinct places in the creation order.
template <class Traits>
[[nodiscard]] bool creation_order_strict(const basic_secret<Traits>& s) {
  const auto versions = s.versions();
  for (std::size_t i = 1; i < versions.size(); ++i)
    if (versions[i - 1]->sequence() >= versions[i]->sequence()) return false;
  return true;
}

/// I21: a secret that holds a tag is marked as tagged (so its Tags member is listed).
template <class Traits>
[[nodiscard]] bool tags_imply_tagged(const basic_secret<Traits>& s) {
  return s.tags().empty() || s.ever_tagged();
}

/// I22: a secret's resource policy, when it has one, is a document PutResourcePolicy accepts
/// (length, JSON, the IAM grammar: policy::validate_policy_document).
template <class Traits>
[[nodiscard]] bool resource_policy_accepted(const basic_secret<Traits>& s) {
  return !s.resource_policy() || static_cast<bool>(policy::validate_policy_document(*s.resource_policy()));
}

/// I25: a rotation in progress is well formed (rotation_progress_well_formed) and runs only
/// while rotation is enabled (CancelRotateSecret clears it).
template <class Traits>
[[nodiscard]] bool rotation_progress_consistent(const basic_secret<Traits>& s) {
  const auto& p = s.rotation_progress();
  return !p || (rotation_progress_well_formed(*p) && s.rotation_enabled());
}

/// The names of the violated single-state invariants (empty when all hold).
/// I23: a secret is a replica (PrimaryRegion) or a primary (replicas), never both; a primary
/// lists each Region once, never its own (the Region of its ARN).
template <class Traits>
[[nodiscard]] bool replication_role_consistent(const basic_secret<Traits>& s) {
  if (s.is_replica() && !s.replicas().empty()) return false;
  const detail::deferred_t<std::string_view, Traits> arn = s.arn().view();
  detail::deferred_t<std::string_view, Traits> own;
  std::size_t at = 0, colons = 0;
  for (std::size_t i = 0; i < arn.size(); ++i)
    if (arn[i] == ':' && ++colons == 3) at = i + 1;
  if (colons >= 4) own = arn.substr(at, arn.find(':', at) - at);
  const auto& list = s.replicas();
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!own.empty() && list[i].region == own) return false;
    for (std::size_t j = 0; j < i; ++j)
      if (list[j].region == list[i].region) return false;
  }
  return true;
}

template <class Traits>
[[nodiscard]] std::vector<std::string_view> check_invariants(const basic_secret<Traits>& s) {
  detail::deferred_t<std::vector<std::string_view>, Traits> violated;
  if (!each_label_on_one_version(s)) violated.push_back("I1 each_label_on_one_version");
  if (!labels_on_existing_versions(s)) violated.push_back("labels_on_existing_versions");
  if (!awscurrent_when_a_value_exists(s)) violated.push_back("I3 awscurrent_when_a_value_exists");
  if (!label_quota_respected(s)) violated.push_back("I18 label_quota_respected");
  if (!static_bounds_respected(s)) violated.push_back("I18 static_bounds_respected");
  if (!name_and_arn_well_formed(s)) violated.push_back("I19 name_and_arn_well_formed");
  if (!creation_order_strict(s)) violated.push_back("I10 creation_order_strict");
  if (!tags_imply_tagged(s)) violated.push_back("I21 tags_imply_tagged");
  if (!resource_policy_accepted(s)) violated.push_back("I22 resource_policy_accepted");
  if (!rotation_progress_consistent(s)) violated.push_back("I25 rotation_progress_consistent");
  if (!replication_role_consistent(s)) violated.push_back("I23 replication_role_consistent");
  return violated;
}

// ---- one step ---------------------------------------------------------------------------------

/// I4: AWSCURRENT, once attached, is never removed.
template <class Traits>
[[nodiscard]] bool awscurrent_never_removed(const basic_secret<Traits>& before,
                                            const basic_secret<Traits>& after) {
  if constexpr (Traits::has_reserved_labels)
    return before.holder(Traits::current()) == nullptr || after.holder(Traits::current()) != nullptr;
  return true;
}

/// I5: when AWSCURRENT moves from A to B, AWSPREVIOUS lands on A — or on B, when a
/// PutSecretValue named both labels (docs/semantics.md#version-creation).
template <class Traits>
[[nodiscard]] bool awsprevious_follows_awscurrent(const basic_secret<Traits>& before,
                                                  const basic_secret<Traits>& after) {
  if constexpr (Traits::has_reserved_labels) {
    const auto a = before.version_of(Traits::current());
    const auto b = after.version_of(Traits::current());
    if (!a || !b || *a == *b) return true;
    const auto p = after.version_of(Traits::previous());
    return p && (*p == *a || *p == *b);
  }
  return true;
}

/// I10: a version keeps its id, value, creation date and place; only a value-less placeholder
/// may receive a value.
template <class Traits>
[[nodiscard]] bool versions_immutable(const basic_secret<Traits>& before,
                                      const basic_secret<Traits>& after) {
  for (const auto* v : before.versions()) {
    const auto* w = after.find_version(v->id());
    if (w == nullptr) continue;
    if (w->created_date() != v->created_date() || w->sequence() != v->sequence()) return false;
    if (!v->is_placeholder() && (w->is_placeholder() || !(*w->value() == *v->value()))) return false;
  }
  return true;
}

/// I21: once tagged, always tagged (removing the last tag leaves "Tags": []).
template <class Traits>
[[nodiscard]] bool tagged_stays_tagged(const basic_secret<Traits>& before,
                                       const basic_secret<Traits>& after) {
  return !before.ever_tagged() || after.ever_tagged();
}

/// The names of the violated step invariants (empty when all hold).
template <class Traits>
[[nodiscard]] std::vector<std::string_view> check_transition_invariants(
    const basic_secret<Traits>& before, const basic_secret<Traits>& after) {
  detail::deferred_t<std::vector<std::string_view>, Traits> violated;
  if (!awscurrent_never_removed(before, after)) violated.push_back("I4 awscurrent_never_removed");
  if (!awsprevious_follows_awscurrent(before, after))
    violated.push_back("I5 awsprevious_follows_awscurrent");
  if (!versions_immutable(before, after)) violated.push_back("I10 versions_immutable");
  if (!tagged_stays_tagged(before, after)) violated.push_back("I21 tagged_stays_tagged");
  return violated;
}

// ---- a store ----------------------------------------------------------------------------------

/// I20: no two secrets share a name (live or scheduled for deletion), and each is found by it.
template <class Traits>
[[nodiscard]] bool names_unique(const basic_store<Traits>& st) {
  const auto secrets = st.secrets();
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    if (st.find(secrets[i]->name()) != secrets[i]) return false;
    if (i > 0 && secrets[i - 1]->name() == secrets[i]->name()) return false;
  }
  return true;
}

/// I19: no two secrets share an ARN, and each resolves by its ARN.
template <class Traits>
[[nodiscard]] bool arns_unique(const basic_store<Traits>& st) {
  auto secrets = st.secrets();
  detail::stable_sort(secrets.begin(), secrets.end(),
            [](const auto* a, const auto* b) { return a->arn().view() < b->arn().view(); });
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    const auto found = st.resolve(secrets[i]->arn());
    if (!found || found.value() != secrets[i]) return false;
    if (i > 0 && secrets[i - 1]->arn() == secrets[i]->arn()) return false;
  }
  return true;
}

/// The names of the violated invariants of a store: its own, and each secret's (prefixed with
/// the secret's name).
template <class Traits>
[[nodiscard]] std::vector<std::string> check_store_invariants(const basic_store<Traits>& st) {
  detail::deferred_t<std::vector<std::string>, Traits> violated;
  if (!names_unique(st)) violated.emplace_back("I20 names_unique");
  if (!arns_unique(st)) violated.emplace_back("I19 arns_unique");
  for (const auto* s : st.secrets())
    for (auto name : check_invariants(*s)) violated.push_back(s->name().str() + ": " + std::string(name));
  return violated;
}

/// I19 across a step: a secret present before and after keeps its ARN (one step cannot both
/// delete a secret and create one with the same name); plus each secret's step invariants.
template <class Traits>
[[nodiscard]] std::vector<std::string> check_store_transition_invariants(
    const basic_store<Traits>& before, const basic_store<Traits>& after) {
  detail::deferred_t<std::vector<std::string>, Traits> violated;
  for (const auto* b : before.secrets()) {
    const auto* a = after.find(b->name());
    if (a == nullptr) continue;
    if (a->arn() != b->arn()) violated.push_back(b->name().str() + ": I19 arn_stable");
    for (auto name : check_transition_invariants(*b, *a))
      violated.push_back(b->name().str() + ": " + std::string(name));
  }
  return violated;
}

// ---- the Regions of one account (replication.hpp) ----------------------------------------------

/// Whether two secrets hold the same versions (ids, values, creation dates, in the same order)
/// and the same labels on them.
template <class Traits>
[[nodiscard]] bool same_versions_and_labels(const basic_secret<Traits>& a,
                                            const basic_secret<Traits>& b) {
  const auto va = a.versions();
  const auto vb = b.versions();
  if (va.size() != vb.size()) return false;
  for (std::size_t i = 0; i < va.size(); ++i) {
    if (!(va[i]->id() == vb[i]->id()) || !(va[i]->created_date() == vb[i]->created_date()))
      return false;
    const auto* x = va[i]->value();
    const auto* y = vb[i]->value();
    if ((x == nullptr) != (y == nullptr) || (x != nullptr && !(*x == *y))) return false;
  }
  return a.stages() == b.stages();
}

/// I24, on the stores of one account by Region (a std::map from Region name to store, as
/// replication.hpp's basic_region_stores), once sync_replicas has run: every replica's primary
/// exists in the replica's PrimaryRegion, lists the replica's Region InSync, and has the same
/// versions, labels, description, tags and resource policy; every InSync entry of a primary has
/// its replica; no entry is left InProgress. Returns the violations, each naming Region and
/// secret.
template <class Stores>
[[nodiscard]] std::vector<std::string> check_replication(const Stores& stores) {
  detail::deferred_t<std::vector<std::string>, Stores> violated;
  for (const auto& [region, st] : stores) {
    for (const auto* s : st.secrets()) {
      const detail::deferred_t<std::string, Stores> where =
          std::string(region) + "/" + s->name().str() + ": ";
      if (s->is_replica()) {
        const auto home = stores.find(*s->primary_region());
        const auto* p = home == stores.end() ? nullptr : home->second.find(s->name());
        if (p == nullptr || p->is_replica()) {
          violated.push_back(where + "I24 replica_has_primary");
          continue;
        }
        bool listed = false;
        for (const auto& e : p->replicas())
          listed = listed || (e.region == region && e.status == replication_state::in_sync);
        if (!listed) violated.push_back(where + "I24 primary_lists_replica");
        if (!same_versions_and_labels(*p, *s))
          violated.push_back(where + "I24 replica_versions_and_labels_equal_primary");
        if (p->description() != s->description() || p->tags() != s->tags() ||
            p->resource_policy() != s->resource_policy())
          violated.push_back(where + "I24 replica_metadata_equals_primary");
      }
      for (const auto& e : s->replicas()) {
        if (e.status == replication_state::in_progress)
          violated.push_back(where + "I24 no_replication_in_progress");
        if (e.status != replication_state::in_sync) continue;
        const auto there = stores.find(e.region);
        const auto* r = there == stores.end() ? nullptr : there->second.find(s->name());
        if (r == nullptr || !r->primary_region() || *r->primary_region() != region)
          violated.push_back(where + "I24 in_sync_entry_has_replica");
      }
    }
  }
  return violated;
}

}  // namespace secretstage

#endif  // SECRETSTAGE_INVARIANTS_HPP
