#ifndef SECRETSTAGE_SECRET_HPP
#define SECRETSTAGE_SECRET_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "detail/algorithm.hpp"
#include "detail/persistent_array.hpp"
#include "detail/persistent_set.hpp"
#include "detail/ref.hpp"
#include "label_set.hpp"
#include "traits.hpp"
#include "value.hpp"
#include "version.hpp"

namespace secretstage {

/// A tag of a secret (TagResource, CreateSecret Tags).
struct tag {
  std::string key;
  std::string value;
  friend bool operator==(const tag&, const tag&) = default;
};

/// RotationRules: at most one of AutomaticallyAfterDays and ScheduleExpression, plus Duration.
struct rotation_rules {
  std::optional<std::int64_t> automatically_after_days;
  std::optional<std::string> duration;
  std::optional<std::string> schedule_expression;
  friend bool operator==(const rotation_rules&, const rotation_rules&) = default;
};

/// The four steps of a rotation function, in the order Secrets Manager invokes them.
enum class rotation_step : std::uint8_t { create_secret, set_secret, test_secret, finish_secret };

/// A rotation run by a function the service invokes step by step, as Secrets Manager runs a
/// rotation Lambda (rotation_progress.hpp has its transitions; docs/semantics.md#rotation-progress).
/// It names versions, functions and steps, and a failure's reason in a few words: never a value.
struct rotation_progress {
  /// The version being rotated in (the rotation's ClientRequestToken).
  std::string version_id;
  /// The function that runs the steps.
  std::string function_arn;
  /// The step to invoke next.
  rotation_step next_step = rotation_step::create_secret;
  /// Failed attempts of the whole rotation so far.
  std::uint32_t attempts = 0;
  /// Why the last attempt failed ("setSecret: exit status 1"), present once one failed.
  std::optional<std::string> last_failure;
  /// When the next step falls due; absent once the service has given up (AWSPENDING stays where
  /// it is, and RotateSecret answers "A previous rotation isn't complete." and reattempts it).
  std::optional<timestamp> next_attempt;
  /// A test of the rotation configuration (RotateSecret with RotateImmediately false): the
  /// version is a copy of AWSCURRENT's value carrying AWSPENDING, testSecret is the only step,
  /// and whatever its outcome the version is removed again and the progress ends (no retry).
  bool test_only = false;

  [[nodiscard]] bool given_up() const noexcept { return !next_attempt.has_value(); }
  friend bool operator==(const rotation_progress&, const rotation_progress&) = default;
};

/// I25: a rotation in progress names a version (a ClientRequestToken's 32–64 characters) and a
/// function (1–2048 characters), and has a failure on record once an attempt failed. A test
/// (test_only) waits for testSecret, due, with no failed attempt: it is never retried.
[[nodiscard]] inline bool rotation_progress_well_formed(const rotation_progress& p) noexcept {
  return p.version_id.size() >= 32 && p.version_id.size() <= 64 && !p.function_arn.empty() &&
         p.function_arn.size() <= 2048 && (p.attempts == 0 || p.last_failure.has_value()) &&
         (!p.test_only || (p.next_step == rotation_step::test_secret && p.attempts == 0 &&
                           !p.last_failure && p.next_attempt.has_value()));
}

/// The state of one replica of a primary secret (ReplicationStatusType's Status).
enum class replication_state : std::uint8_t { in_progress, in_sync, failed };

/// A Region to replicate to and the replica's KMS key (ReplicaRegionType).
struct replica_region {
  std::string region;
  std::optional<std::string> kms_key_id;
  friend bool operator==(const replica_region&, const replica_region&) = default;
};

/// One Region a primary secret is replicated to, as the primary records it (replication.hpp).
struct replica_entry {
  std::string region;
  /// The replica's KMS key (AddReplicaRegions' KmsKeyId); none: aws/secretsmanager.
  std::optional<std::string> kms_key_id;
  replication_state status = replication_state::in_progress;
  /// Why a replication failed (Status Failed); empty otherwise.
  std::string status_message;
  /// Overwrite a secret of the same name in the Region (ForceOverwriteReplicaSecret); kept
  /// while the replication is in progress, so that a replication resumed after a restart
  /// does what was asked.
  bool force_overwrite = false;
  /// The day the replica was last read in its Region (GetSecretValue there), if ever.
  std::optional<timestamp> last_accessed;
  friend bool operator==(const replica_entry&, const replica_entry&) = default;
};

namespace detail {

/// The parts of a secret's metadata that few secrets have: a resource policy, a rotation in
/// progress, replication. Kept out of line (secret_meta::extras), so that a secret without any of
/// them pays one pointer rather than about 240 bytes.
struct secret_extras : counted {
  /// The resource policy attached by PutResourcePolicy, as given (policy.hpp checked it).
  std::optional<std::string> resource_policy;
  /// The rotation a service is running with an invoked function, if any.
  std::optional<rotation_progress> progress;
  /// A replica: the Region of its primary secret (replication.hpp). None: a primary or a
  /// standalone secret.
  std::optional<std::string> primary_region;
  /// A primary: the Regions it is replicated to, in the order they were added.
  std::vector<replica_entry> replicas;

  friend bool operator==(const secret_extras&, const secret_extras&) = default;
};

/// secret_meta's out-of-line secret_extras: null while all of them are empty, shared between
/// copies of the metadata, copied when one is changed (`edit`). Equality compares the contents.
class extras_ref {
 public:
  /// Changes the extras in place through `->`: this metadata's own copy, made when the handle is
  /// taken. When the handle goes (at the end of the statement), a block left with nothing in it
  /// is dropped, so that a secret whose last policy, progress or replica went pays one null
  /// pointer again, and no caller has to say so.
  class editor {
   public:
    explicit editor(extras_ref& r) : r_(r) {
      if (!r_.p_ || r_.p_.use_count() != 1) r_.p_ = make_ref<secret_extras>(r_.get());
    }
    editor(const editor&) = delete;
    editor& operator=(const editor&) = delete;
    ~editor() {
      if (*r_.p_ == none()) r_.p_.reset();
    }
    [[nodiscard]] secret_extras* operator->() const noexcept { return r_.p_.get(); }

   private:
    extras_ref& r_;
  };

  [[nodiscard]] const secret_extras& get() const noexcept { return p_ ? *p_ : none(); }
  [[nodiscard]] editor edit() { return editor(*this); }
  /// Whether a block is held: false while every extra is empty.
  [[nodiscard]] bool allocated() const noexcept { return static_cast<bool>(p_); }
  friend bool operator==(const extras_ref& a, const extras_ref& b) noexcept {
    return a.p_.get() == b.p_.get() || a.get() == b.get();
  }

 private:
  static const secret_extras& none() noexcept {
    static const secret_extras empty;
    return empty;
  }
  ref<secret_extras> p_;
};

/// The metadata of a secret: everything but its versions, labels and frequently changing dates.
/// Shared between states until an operation changes it.
struct secret_meta : counted {
  // The two flags first: they fill the 4 bytes after counted's 32-bit count, which alignment
  // would otherwise leave empty (280 bytes in all rather than 288).
  /// A tag was attached once. AWS lists Tags from then on, as [] after the last is removed, and
  /// not at all for a secret never tagged (docs/semantics.md, "Empty lists and maps").
  bool tagged = false;
  bool rotation_enabled = false;
  shared_text name;
  shared_text arn;
  std::string description;
  std::optional<std::string> kms_key_id;
  timestamp created_date;
  std::vector<tag> tags;  // in the order they were first added
  std::optional<std::string> rotation_lambda_arn;
  std::optional<rotation_rules> rotation;
  /// Resource policy, rotation progress, replication (secret_extras).
  extras_ref extras;

  friend bool operator==(const secret_meta&, const secret_meta&) = default;
};

template <class Traits>
struct version_key {
  const typename Traits::version_id_type& operator()(const ref<const basic_version<Traits>>& v) const noexcept {
    return v->id();
  }
};
template <class Traits>
struct version_hash {
  std::uint64_t operator()(const typename Traits::version_id_type& id) const noexcept {
    return Traits::hash(id);
  }
};

/// The labels that the states of a secret have attached, by index; shared between states until a
/// label is attached that it does not hold.
template <class Label>
struct label_pool : counted {
  std::vector<Label> labels;
};

/// The part of a secret that label moves do not change, shared by the states that only move
/// labels: metadata, versions (by id, owning; and by place in the creation order, to resolve
/// labels), the label pool, and the dates that change rarely.
template <class Traits>
struct secret_body : counted {
  using version_type = basic_version<Traits>;
  // The versions by id, which every request searches: a hash trie of 32-slot nodes (shallow
  // lookups); a put copies one node per level. The index by place in the creation order, which
  // resolves labels: a radix array, where a put appends to its tail (one copy of at most 32
  // pointers, no hashing, no references taken) and a label lookup is a few direct loads.
  using version_set = persistent_set<ref<const version_type>, typename Traits::version_id_type,
                                     version_key<Traits>, version_hash<Traits>, 5>;
  using sequence_index = persistent_array<const version_type*>;

  ref<const secret_meta> meta;
  version_set versions;
  sequence_index by_sequence;  // the same versions as `versions`, which owns them
  ref<const label_pool<typename Traits::label_type>> pool;
  std::uint64_t next_sequence = 0;
  std::optional<timestamp> deleted;
  std::optional<timestamp> last_accessed;
  std::optional<timestamp> last_rotated;
};

/// One state of a secret: its body, LastChangedDate, and the label table — for each attached
/// label, its index in the body's pool and the place in the creation order of the version that
/// carries it. One block of 32 + 5 bytes per label (9 past 2^32 versions created), so that a
/// label move costs one small allocation.
template <class Traits>
struct secret_head : counted {
  std::uint8_t count = 0;  // attached labels
  bool wide = false;       // sequences stored in 64 bits
  ref<const secret_body<Traits>> body;
  std::optional<timestamp> last_changed;

  [[nodiscard]] const std::uint8_t* labels() const noexcept {
    return reinterpret_cast<const std::uint8_t*>(this + 1);
  }
  /// The sequences, when not `wide`.
  [[nodiscard]] const std::uint32_t* narrow_sequences() const noexcept {
    return reinterpret_cast<const std::uint32_t*>(reinterpret_cast<const char*>(this) +
                                                  sequences_offset(count, false));
  }
  [[nodiscard]] std::uint8_t label(std::size_t i) const noexcept { return labels()[i]; }
  [[nodiscard]] std::uint64_t sequence(std::size_t i) const noexcept {
    if (!wide) return narrow_sequences()[i];
    return reinterpret_cast<const std::uint64_t*>(reinterpret_cast<const char*>(this) +
                                                  sequences_offset(count, true))[i];
  }

  static constexpr std::size_t sequences_offset(std::size_t n, bool wide) noexcept {
    return round_up(sizeof(secret_head) + n, wide ? 8 : 4);
  }
  static constexpr std::size_t bytes(std::size_t n, bool wide) noexcept {
    return sequences_offset(n, wide) + n * (wide ? 8 : 4);
  }
  /// A head for `n` labels: label i has pool index labels[i] and is on the version at place
  /// sequences[i] in the creation order (`narrow`, 32 bits, or else `wide`, 64 bits).
  static const secret_head* create(std::size_t n, ref<const secret_body<Traits>> body,
                                   std::optional<timestamp> last_changed, const std::uint8_t* labels,
                                   const std::uint32_t* narrow, const std::uint64_t* wide) {
    const bool is_wide = narrow == nullptr;
    void* raw = allocate_block(bytes(n, is_wide));
    auto* h = ::new (raw) secret_head;
    h->count = static_cast<std::uint8_t>(n);
    h->wide = is_wide;
    h->body = std::move(body);
    h->last_changed = last_changed;
    if (n != 0) {
      std::memcpy(static_cast<void*>(h + 1), labels, n);
      char* at = static_cast<char*>(raw) + sequences_offset(n, is_wide);
      if (is_wide) {
        std::memcpy(at, wide, n * 8);
      } else {
        std::memcpy(at, narrow, n * 4);
      }
    }
    return h;
  }
  /// One entry of a head moved to another version.
  struct patch_type {
    std::size_t entry;
    std::uint64_t sequence;
  };
  /// A copy of `base` over `body`, with the given entries' sequences replaced (each fits the
  /// base's width).
  static const secret_head* patch(const secret_head& base, ref<const secret_body<Traits>> body,
                                  std::optional<timestamp> last_changed, const patch_type* patches,
                                  std::size_t n) {
    const std::size_t size = bytes(base.count, base.wide);
    void* raw = allocate_block(size);
    auto* h = ::new (raw) secret_head;
    h->count = base.count;
    h->wide = base.wide;
    h->body = std::move(body);
    h->last_changed = last_changed;
    std::memcpy(static_cast<void*>(h + 1), &base + 1, size - sizeof(secret_head));
    char* at = static_cast<char*>(raw) + sequences_offset(base.count, base.wide);
    for (std::size_t k = 0; k < n; ++k) {
      if (base.wide) {
        reinterpret_cast<std::uint64_t*>(at)[patches[k].entry] = patches[k].sequence;
      } else {
        reinterpret_cast<std::uint32_t*>(at)[patches[k].entry] = static_cast<std::uint32_t>(patches[k].sequence);
      }
    }
    return h;
  }
  static void destroy(const secret_head* h) noexcept {
    const std::size_t size = bytes(h->count, h->wide);
    h->~secret_head();
    free_block(const_cast<secret_head*>(h), size);
  }
};

template <class Traits>
class secret_builder;

}  // namespace detail

/// A secret: metadata (name, ARN, description, dates), its versions, and its staging labels.
///
/// Labels are stored once, as label -> version, so a label can never be on two versions. A
/// secret is a handle to an immutable state (`detail::secret_head`): the label table and
/// LastChangedDate, over a body (metadata, versions, label pool) shared with every state that
/// only moved labels. Versions live in persistent hash tries shared with the states this one was
/// derived from. Copying a secret is one reference-count increment; a label move builds one
/// block of 32 + 5 bytes per label, independent of the number of versions and the size of their
/// values.
///
/// A secret is a value: it has no mutating member. Transitions (operations/*.hpp) take a
/// `const basic_secret&` and return a new one.
template <secret_traits Traits = aws_traits>
class basic_secret {
 public:
  using traits_type = Traits;
  using label_type = typename Traits::label_type;
  using version_id_type = typename Traits::version_id_type;
  using version_type = basic_version<Traits>;
  using label_set_type = label_set_for<Traits>;

  // ---- metadata ------------------------------------------------------------------------------
  [[nodiscard]] const shared_text& name() const noexcept { return body().meta->name; }
  [[nodiscard]] const shared_text& arn() const noexcept { return body().meta->arn; }
  [[nodiscard]] const std::string& description() const noexcept { return body().meta->description; }
  [[nodiscard]] const std::optional<std::string>& kms_key_id() const noexcept {
    return body().meta->kms_key_id;
  }
  [[nodiscard]] timestamp created_date() const noexcept { return body().meta->created_date; }
  [[nodiscard]] const std::optional<timestamp>& last_changed_date() const noexcept {
    return head_->last_changed;
  }
  /// Set while the secret is scheduled for deletion: the end of the recovery window.
  [[nodiscard]] const std::optional<timestamp>& deleted_date() const noexcept { return body().deleted; }
  /// The day of the last GetSecretValue (midnight UTC), if any.
  [[nodiscard]] const std::optional<timestamp>& last_accessed_date() const noexcept {
    return body().last_accessed;
  }
  /// When the last rotation finished, if any.
  [[nodiscard]] const std::optional<timestamp>& last_rotated_date() const noexcept {
    return body().last_rotated;
  }
  [[nodiscard]] const std::vector<tag>& tags() const noexcept { return body().meta->tags; }
  /// Whether a tag was ever attached (then DescribeSecret and ListSecrets show Tags, maybe []).
  [[nodiscard]] bool ever_tagged() const noexcept { return body().meta->tagged; }
  [[nodiscard]] bool rotation_enabled() const noexcept { return body().meta->rotation_enabled; }
  [[nodiscard]] const std::optional<std::string>& rotation_lambda_arn() const noexcept {
    return body().meta->rotation_lambda_arn;
  }
  [[nodiscard]] const std::optional<rotation_rules>& rotation() const noexcept {
    return body().meta->rotation;
  }
  /// The resource-based policy document (PutResourcePolicy), exactly as it was given; none
  /// until one is put and after DeleteResourcePolicy.
  [[nodiscard]] const std::optional<std::string>& resource_policy() const noexcept {
    return body().meta->extras.get().resource_policy;
  }
  /// The rotation an invoked function is running (rotation_progress.hpp), if any.
  [[nodiscard]] const std::optional<secretstage::rotation_progress>& rotation_progress() const noexcept {
    return body().meta->extras.get().progress;
  }
  /// Set on a replica: the Region of its primary secret. A replica refuses every write but
  /// StopReplicationToReplica (replication.hpp).
  [[nodiscard]] const std::optional<std::string>& primary_region() const noexcept {
    return body().meta->extras.get().primary_region;
  }
  [[nodiscard]] bool is_replica() const noexcept { return body().meta->extras.get().primary_region.has_value(); }
  /// On a primary: the Regions it is replicated to, each with its status.
  [[nodiscard]] const std::vector<replica_entry>& replicas() const noexcept {
    return body().meta->extras.get().replicas;
  }
  [[nodiscard]] const detail::secret_meta& meta() const noexcept { return *body().meta; }

  // ---- versions ------------------------------------------------------------------------------
  [[nodiscard]] std::size_t version_count() const noexcept { return body().versions.size(); }
  /// The version with this id, or nullptr. O(1) expected (hash trie, depth log32 n).
  [[nodiscard]] const version_type* find_version(const version_id_type& id) const noexcept {
    const auto* p = body().versions.find(id);
    return p ? p->get() : nullptr;
  }
  /// Every version, deprecated ones included, oldest first. O(n log n).
  [[nodiscard]] std::vector<const version_type*> versions() const {
    std::vector<const version_type*> out;
    out.reserve(version_count());
    body().versions.for_each([&](const auto& v) { out.push_back(v.get()); });
    detail::stable_sort(out.begin(), out.end(),
              [](const version_type* a, const version_type* b) { return a->sequence() < b->sequence(); });
    return out;
  }

  /// The most recently created version still held (nullptr: none). O(log32 n) unless its
  /// newest versions were collected, which a secret rebuilt from a snapshot may show.
  [[nodiscard]] const version_type* newest_version() const noexcept {
    return newest_version_before(body().next_sequence);
  }
  /// The most recently created version still held whose place in the creation order is below
  /// `sequence` (nullptr: none). O(log32 n) per place looked at.
  [[nodiscard]] const version_type* newest_version_before(std::uint64_t sequence) const noexcept {
    for (std::uint64_t i = sequence; i > 0; --i)
      if (const version_type* v = at_sequence(i - 1)) return v;
    return nullptr;
  }

  // ---- labels --------------------------------------------------------------------------------
  /// The version carrying `label`, or nullptr when it is attached nowhere.
  [[nodiscard]] const version_type* holder(const label_type& label) const noexcept {
    const std::size_t i = label_entry(label);
    return i < head_->count ? at_sequence(head_->sequence(i)) : nullptr;
  }
  [[nodiscard]] std::optional<version_id_type> version_of(const label_type& label) const {
    const version_type* v = holder(label);
    return v ? std::optional<version_id_type>(v->id()) : std::nullopt;
  }
  /// The labels on version `id` (empty for a deprecated or unknown version).
  [[nodiscard]] label_set_type labels_of(const version_id_type& id) const {
    std::vector<label_type> out;
    if (const version_type* v = find_version(id)) {
      const auto& pool = body().pool->labels;
      for (std::size_t i = 0; i < head_->count; ++i)
        if (head_->sequence(i) == v->sequence()) out.push_back(pool[head_->label(i)]);
      detail::stable_sort(out.begin(), out.end());
    }
    return label_set_type(typename label_set_type::sorted_tag{}, std::move(out));
  }
  /// A version with no label is deprecated: AWS may collect it.
  [[nodiscard]] bool is_deprecated(const version_id_type& id) const noexcept {
    const version_type* v = find_version(id);
    if (v == nullptr) return true;
    for (std::size_t i = 0; i < head_->count; ++i)
      if (head_->sequence(i) == v->sequence()) return false;
    return true;
  }
  /// How many labels are attached across all versions.
  [[nodiscard]] std::size_t label_count() const noexcept { return head_->count; }
  /// Every attached label and its version, ordered by label. (A label whose version the secret
  /// does not hold, which only a hand-assembled state can have, is left out.)
  [[nodiscard]] std::vector<std::pair<label_type, version_id_type>> stages() const {
    std::vector<std::pair<label_type, version_id_type>> out;
    out.reserve(head_->count);
    for (std::size_t i = 0; i < head_->count; ++i)
      if (const version_type* v = at_sequence(head_->sequence(i)))
        out.emplace_back(body().pool->labels[head_->label(i)], v->id());
    detail::stable_sort(out.begin(), out.end());
    return out;
  }

  /// Whether both are the very same state, every part shared (a copy of the other, or a state a
  /// transition returned untouched), which equality cannot tell from an equal rebuilt state.
  [[nodiscard]] bool is_same_state(const basic_secret& other) const noexcept { return head_ == other.head_; }

  /// Same metadata, same versions (ids, values, dates), same labels on the same versions.
  friend bool operator==(const basic_secret& a, const basic_secret& b) {
    if (a.head_ == b.head_) return true;
    const body_type& x = a.body();
    const body_type& y = b.body();
    if (!(x.meta == y.meta || *x.meta == *y.meta)) return false;
    if (a.last_changed_date() != b.last_changed_date() || x.deleted != y.deleted ||
        x.last_accessed != y.last_accessed || x.last_rotated != y.last_rotated)
      return false;
    if (!x.versions.equal(y.versions, [](const auto& v, const auto& w) { return v == w || *v == *w; }))
      return false;
    return a.label_count() == b.label_count() && a.stages() == b.stages();
  }

 private:
  friend class detail::secret_builder<Traits>;
  using head_type = detail::secret_head<Traits>;
  using body_type = detail::secret_body<Traits>;

  basic_secret() = default;
  explicit basic_secret(detail::ref<const head_type> head) noexcept : head_(std::move(head)) {}

  [[nodiscard]] const body_type& body() const noexcept { return *head_->body; }
  /// The index of `label` in the label table, or the number of labels.
  [[nodiscard]] std::size_t label_entry(const label_type& label) const noexcept {
    const std::size_t n = head_->count;
    if (n == 0) return 0;
    const label_type* pool = body().pool->labels.data();
    std::size_t i = 0;
    while (i < n && !detail::key_equal{}(pool[head_->label(i)], label)) ++i;
    return i;
  }
  [[nodiscard]] const version_type* at_sequence(std::uint64_t sequence) const noexcept {
    return body().by_sequence.get(sequence);
  }

  detail::ref<const head_type> head_;
};

using secret = basic_secret<>;

}  // namespace secretstage

#endif  // SECRETSTAGE_SECRET_HPP
