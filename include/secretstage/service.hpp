#ifndef SECRETSTAGE_SERVICE_HPP
#define SECRETSTAGE_SERVICE_HPP

// Opt-in (not in the umbrella header; it brings in aws_json.hpp, <shared_mutex> and
// <functional>, and a program using it links the platform's threads): what an embedding service
// wraps around the pure model. `basic_service` owns the current store and turns (operation, AWS
// JSON body, time) into an AWS reply:
//
//   1. parse the body (outside the lock);
//   2. a read that changes nothing (LastAccessedDate already today's, no background work due)
//      runs on the current store under a shared lock, beside other such reads;
//   3. anything else, under the exclusive lock: background transitions due by `now` → the
//      request's transition → background transitions again → publish the new store, give a
//      mutating request its commit sequence number and tell the observer;
//   4. serialize the response (outside the lock).
//
// This file keeps the lock, the commit and the observer. What it builds on is elsewhere: the
// background schedule (when collection, purge and scheduled rotations next have work) in
// background.hpp, the progress of rotations run by invoked functions (whose steps a worker takes
// from `rotation_steps_due` and reports to `record_rotation_step`) in rotation_progress.hpp, the
// seeded
// streams and UUIDs every generated value comes from in detail/service_random.hpp, so a run is a
// function of `service_options::seed` and of the sequence of (operation, body, now). The service
// never logs; its observer sees sequence numbers, request ids and operation names, never a body
// or a secret value.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "aws_json.hpp"
#include "background.hpp"
#include "context.hpp"
#include "detail/service_random.hpp"
#include "error.hpp"
#include "journal.hpp"
#include "messages.hpp"
#include "operations/get_random_password.hpp"
#include "operations/rotate_secret.hpp"
#include "result.hpp"
#include "rotation.hpp"
#include "rotation_functions.hpp"
#include "rotation_progress.hpp"
#include "store.hpp"
#include "store_operation.hpp"
#include "value.hpp"

namespace secretstage {

/// A rotation function built into the service: RotateSecret with its ARN runs AWS's rotation
/// template synchronously (`rotate_synchronously`) before it answers, so that a replay is a
/// function of its requests. A server with rotation workers runs the same function as AWS runs
/// one, asynchronously, step by step (secretstage-server: tools/builtin_function.hpp, with the ARN
/// among `external_rotation_functions` instead).
struct builtin_rotation_function {
  /// Whether finishSecret removes AWSPENDING from the new version (the current template) or
  /// leaves it next to AWSCURRENT.
  finish_variant finish = finish_variant::remove_pending;
  /// The SecretString the createSecret step writes. Absent: a fresh password drawn with
  /// GetRandomPassword's defaults from the service's seeded stream.
  std::optional<std::string> value{};

  friend bool operator==(const builtin_rotation_function&,
                         const builtin_rotation_function&) = default;
};

/// How a service is set up. Every member has the default a local test endpoint wants.
struct service_options {
  /// The Region and account of every ARN the service makes.
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  /// Seeds every generated value (see the file comment).
  std::uint64_t seed = 0;
  /// Model raw HTTP clients: no ClientRequestToken is generated for a request that lacks one,
  /// so version-creating requests without a token fail as AWS fails them. Off: the service
  /// generates a UUIDv4 token, as every AWS SDK and the CLI do.
  bool raw = false;
  /// The built-in rotation functions, by Lambda ARN. RotateSecret with any other ARN gets AWS's
  /// AccessDeniedException and changes nothing.
  std::map<std::string, builtin_rotation_function, std::less<>> rotation_functions{};
  /// Rotation functions the service invokes step by step, as Secrets Manager invokes a rotation
  /// Lambda: RotateSecret with one of these ARNs starts the rotation as AWS does (a value-less
  /// version carrying AWSPENDING), begins its progress (rotation_progress.hpp) and answers; a
  /// rotation worker (secretstage-server's) takes the steps due (`rotation_steps_due`), invokes
  /// them with no lock held, and records each outcome (`record_rotation_step`). With
  /// RotateImmediately false it tests the configuration instead: a version with AWSCURRENT's
  /// value and AWSPENDING, whose testSecret alone the worker invokes, and which leaves again when
  /// that outcome is recorded (begin_invoked_test). Scheduled rotations of secrets with such a
  /// function start the same way on the service's clock.
  std::vector<std::string> external_rotation_functions{};
  /// Those of `external_rotation_functions` whose steps the caller runs, not a worker of the
  /// service's (secretstage-server's deprecated --external-rotation-function): RotateSecret
  /// starts their rotations all the same, but with RotateImmediately false runs no test of their
  /// configuration (nothing would run its testSecret or end it), as before tests existed.
  std::vector<std::string> caller_rotation_functions{};
  /// How a rotation whose step failed is retried (docs/semantics.md#rotation-progress).
  rotation_retry_policy rotation_retry{};
  /// Where inside its window a scheduled rotation of a secret with a built-in function runs
  /// (background.hpp, docs/semantics.md#scheduled-rotations).
  scheduled_rotation_point scheduled_rotation = scheduled_rotation_point::window_start;
};

/// What `basic_service::handle` answers: the HTTP status and AWS JSON body, plus the request id
/// (a UUID, for the `x-amzn-RequestId` header) and the commit sequence number.
struct service_reply : aws_json::reply {
  std::string request_id;
  /// The commit sequence number of a successful mutating request (1, 2, …); 0 for a read or a
  /// failure, which commit nothing.
  std::uint64_t sequence = 0;
  /// What the journal hook returned for this request (0: no hook, or nothing journaled).
  std::uint64_t journal_ticket = 0;
};

/// Whether an operation of the service model changes a secret when it succeeds (reads, whose
/// only effect is LastAccessedDate, and GetRandomPassword do not count).
[[nodiscard]] constexpr bool is_mutating_operation(std::string_view op_name) noexcept {
  return operation_mutates(op_name);
}

/// An in-process Secrets Manager endpoint around one store (one account, one Region).
///
/// `handle` is safe to call from any number of threads. Requests that change the store are
/// serialized on an exclusive lock around read-store → transition → background → publish, so no
/// update is lost and no reader sees a half-applied request; a read that would change nothing
/// runs under a shared lock, beside other reads; parsing and serializing run outside both.
///
/// Per request, in this order:
///   - the body is parsed (aws_json::parse_request); a bad body gets the adapter's error and
///     touches nothing;
///   - the context: `now`, the Region and account, entropy and (unless `raw`) a generated UUIDv4
///     ClientRequestToken from the seeded stream, and the built-in functions as the invocable
///     rotation functions;
///   - a read (not is_mutating_operation) with no background work due by `now` runs on the
///     current store under the shared lock; if it fails, or succeeds without changing the store,
///     that is its answer. A read changes the store only through LastAccessedDate, which moves at
///     most once a day per version (docs/semantics.md, LastAccessedDate), so this is the common
///     case; a read that would change it goes on to the exclusive lock and the steps below;
///   - if background work is due by `now`: deprecated-version collection and purge of secrets
///     past their deletion date (background.hpp), at `now`;
///   - the transition. RotateSecret whose function (RotationLambdaARN when given and not empty,
///     else the secret's stored one) is a built-in runs the whole rotation with
///     `rotate_synchronously`, the function's finish variant and its value (default: a fresh
///     password with GetRandomPassword's defaults); every other request, RotateSecret with an
///     unknown function included (AccessDeniedException), goes through `apply_in_place`, which
///     changes in place the parts of the store the service alone holds;
///   - on success: the background transitions again if the request made work due by `now`, so
///     the published store never holds work already due; a mutating request
///     (is_mutating_operation) gets the next commit sequence number and the observer is called
///     with it, still under the exclusive lock, so observed sequence numbers are in commit
///     order. A read gets sequence number 0 and no observer call, on either path.
/// The effect is that of running both background transitions before and after every request;
/// the service keeps when work next falls due (next_background_due and
/// next_background_due_after_write, background.hpp), so a request that makes none due costs no
/// scan of the store.
/// A failed request leaves the store as it was, but for the background work that was due. Any
/// exception inside (only resource exhaustion can throw) leaves the store as it was and answers
/// 500 InternalServiceError.
template <secret_traits Traits = aws_traits>
class basic_service {
 public:
  using traits_type = Traits;
  using store_type = basic_store<Traits>;
  /// Called once per commit, under the service's exclusive lock: keep it short, and never call back
  /// into the service from it.
  using commit_observer = std::function<void(std::uint64_t sequence, std::string_view request_id,
                                             std::string_view op_name)>;
  /// Called under the exclusive lock for every request that changed the store (a committed write,
  /// a read that moved LastAccessedDate, a failure that ran due background work), in the order
  /// they changed it, with the store just published: what a journal records (journal.hpp). Its
  /// result is the reply's `journal_ticket` (e.g. where a durable log will have synced the
  /// record). It must not throw: if it does, the ticket is `journal_failed`.
  using journal_hook = std::function<std::uint64_t(const journal_entry&, const store_type&)>;
  static constexpr std::uint64_t journal_failed = ~std::uint64_t{0};

  explicit basic_service(service_options options = {}, commit_observer observer = {},
                         store_type initial = {}, journal_hook journal = {})
      : options_(std::move(options)),
        observer_(std::move(observer)),
        journal_(std::move(journal)),
        store_(std::move(initial)) {
    std::vector<std::string> arns;
    for (const auto& entry : options_.rotation_functions) arns.push_back(entry.first);
    arns.insert(arns.end(), options_.external_rotation_functions.begin(),
                options_.external_rotation_functions.end());
    functions_ = rotation_functions(std::move(arns));
    next_due_ = next_background_due(store_, functions_, options_.scheduled_rotation);
    rebuild_rotation_index();
  }

  basic_service(const basic_service&) = delete;
  basic_service& operator=(const basic_service&) = delete;

  /// One AWS JSON 1.1 request: `op_name` is the part of X-Amz-Target after "secretsmanager."
  /// (see `handle_target`), `body` the request body, `now` the service's clock.
  [[nodiscard]] service_reply handle(std::string_view op_name, std::string_view body,
                                     timestamp now) {
    const std::uint64_t n = requests_.fetch_add(1, std::memory_order_relaxed);
    service_reply out;
    try {
      out.request_id = request_id(n);
      auto parsed = aws_json::parse_request<Traits>(op_name, body);
      if (!parsed) return with_error(std::move(out), parsed.error());
      const basic_context<Traits> ctx = context_for(n, now);

      std::optional<result<committed>> read;
      if (!is_mutating_operation(op_name)) read = read_shared(parsed.value(), ctx);
      auto done =
          read ? std::move(*read)
               : commit(parsed.value(), ctx, n, op_name, body, out.request_id, out.journal_ticket);
      if (!done) return with_error(std::move(out), done.error());
      out.sequence = done.value().sequence;
      out.body = aws_json::response_body<Traits>(done.value().response);
      out.status = 200;
      return out;
    } catch (...) {
      return with_error(std::move(out), messages::internal_service_error(), 500);
    }
  }

  /// `handle` for an HTTP request's X-Amz-Target header ("secretsmanager.<Operation>"; empty when
  /// the header is missing): a target of another form gets aws_json::operation_from_target's
  /// UnknownOperationException.
  [[nodiscard]] service_reply handle_target(std::string_view x_amz_target, std::string_view body,
                                            timestamp now) {
    auto op_name = aws_json::operation_from_target(x_amz_target);
    if (!op_name) return reject(op_name.error());
    return handle(op_name.value(), body, now);
  }

  /// An error reply that reaches no store (e.g. a request the HTTP layer refuses), with a request
  /// id of its own; `status` 0 means aws_json::http_status.
  [[nodiscard]] service_reply reject(const error& e, int status = 0) {
    service_reply out;
    try {
      out.request_id = next_request_id();
      return with_error(std::move(out), e, status);
    } catch (...) {
      out.status = 500;
      return out;
    }
  }

  /// A request id for an answer the service does not give (e.g. an HTTP-level error), drawn like
  /// every other from the seeded stream.
  [[nodiscard]] std::string next_request_id() {
    return request_id(requests_.fetch_add(1, std::memory_order_relaxed));
  }

  /// What publish_if_unchanged did: whether it published, and the journal hook's ticket for its
  /// record (0 without a hook or when nothing was published).
  struct publish_result {
    bool published = false;
    std::uint64_t ticket = 0;
  };

  /// Replication across Regions (replication.hpp's sync_replicas, run by whoever holds the
  /// stores of several Regions): puts `next` into the store, or erases the secret named `name`
  /// when `next` is empty, provided the secret named `name` is still `expected` (equal state;
  /// empty: no such secret). Otherwise nothing changes and `published` is false: the caller
  /// reads the stores again and recomputes. The change is journaled as a state record
  /// (journal::put_secret_record / erase_secret_record), so recovery redoes it exactly; it is
  /// neither a request nor a commit (no sequence number, no observer).
  [[nodiscard]] publish_result publish_if_unchanged(std::string_view name,
                                                    const std::optional<basic_secret<Traits>>& expected,
                                                    const std::optional<basic_secret<Traits>>& next,
                                                    timestamp now) {
    static_assert(std::is_same_v<Traits, aws_traits>, "state records hold AWS-traits snapshots");
    std::unique_lock<std::shared_mutex> lock(mutex_);
    const basic_secret<Traits>* current = store_.find(name);
    if ((current == nullptr) != !expected) return {};
    if (current != nullptr && !(*current == *expected)) return {};
    std::string body;
    journal_entry entry;
    entry.now = now;
    if (next) {
      body = snapshot::encode(*next);
      entry.op_name = journal::put_secret_record;
      store_.put_in_place(*next);
    } else {
      if (current == nullptr) return {true, 0};
      body = std::string(name);
      entry.op_name = journal::erase_secret_record;
      store_ = store_.erase(name);
    }
    entry.body = body;
    try {
      next_due_ = next_background_due(store_, functions_, options_.scheduled_rotation);
    } catch (...) {
      next_due_ = now;  // early is allowed, late is not
    }
    reindex_rotation(name);
    return {true, journaled(entry)};
  }

  /// The current store (a snapshot: later requests do not change it).
  [[nodiscard]] store_type store() const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return store_;
  }
  /// How many requests committed so far (the last sequence number given).
  [[nodiscard]] std::uint64_t commits() const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return commits_;
  }
  [[nodiscard]] const service_options& options() const noexcept { return options_; }

  /// A step of a rotation in progress (rotation_progress.hpp) that has fallen due: what a
  /// rotation worker invokes, with no lock of the service held (the function calls back).
  struct rotation_job {
    std::string secret_name;
    std::string secret_arn;
    std::string version_id;
    std::string function_arn;
    rotation_step step = rotation_step::create_secret;
  };

  /// The steps due by `now`, one per secret, by name. Progress that no longer applies (its
  /// version no longer carries AWSPENDING: the rotation finished or was abandoned) is cleared
  /// first; a secret scheduled for deletion runs no step. `*next` (when given) gets the earliest
  /// next attempt after `now`, so the worker knows how long it may sleep.
  /// Cost: O(due + stale + log n), from the service's index of progress by due time (kept on
  /// every change of a secret; docs/semantics.md#rotation-progress), not a scan of the store.
  [[nodiscard]] std::vector<rotation_job> rotation_steps_due(
      timestamp now, std::optional<timestamp>* next = nullptr) {
    std::vector<rotation_job> out;
    if (next != nullptr) next->reset();
    if (!rotations_active_.load(std::memory_order_relaxed)) return out;
    bool stale = false;
    for (;;) {
      {
        // The common case, steps due or none: under the shared lock, beside reads.
        std::shared_lock<std::shared_mutex> lock(mutex_);
        if (rotation_index_valid_) {
          for (const auto& [due_ms, name] : due_index_) {
            if (due_ms > now.epoch_ms) {
              if (next != nullptr) *next = timestamp{due_ms};
              break;
            }
            const auto* s = store_.find(std::string_view(name));
            if (s == nullptr || !s->rotation_progress()) continue;  // cannot happen: kept in step
            const auto& p = *s->rotation_progress();
            out.push_back(
                {s->name().str(), s->arn().str(), p.version_id, p.function_arn, p.next_step});
          }
          stale = !stale_progress_.empty();
          // Under the lock: a rotation that begins (under the exclusive lock) sets it after this.
          if (with_progress_.empty()) rotations_active_.store(false, std::memory_order_relaxed);
          break;
        }
      }
      std::unique_lock<std::shared_mutex> lock(mutex_);
      if (!rotation_index_valid_) rebuild_rotation_index();
    }
    std::sort(out.begin(), out.end(), [](const rotation_job& a, const rotation_job& b) {
      return a.secret_name < b.secret_name;
    });
    if (stale) {
      std::unique_lock<std::shared_mutex> lock(mutex_);
      const std::vector<std::string> names(stale_progress_.begin(), stale_progress_.end());
      bool settled = false;
      for (const auto& name : names) {
        const auto* s = store_.find(std::string_view(name));
        if (s == nullptr) continue;
        if (auto cleared = settle_rotation(*s)) {
          store_ = std::move(store_).put(std::move(*cleared));
          settled = true;
          journal_state(name, now);
        }
        reindex_rotation(name);
      }
      // A settled secret's schedule counts again.
      if (settled) next_due_ = next_background_due(store_, functions_, options_.scheduled_rotation);
    }
    return out;
  }

  /// Records the outcome of a step `rotation_steps_due` gave (rotation_step_succeeded or
  /// rotation_step_failed with the service's retry policy), journaled as a state record (the
  /// secret as it now is: journal::put_secret_record), so recovery resumes the rotation at the
  /// step after it. A test's testSecret (RotateImmediately false) ends the test either way: its
  /// version leaves, nothing is retried, and the reason is only the caller's to log.
  /// LastRotatedDate comes from the request that made the version current (note_rotated_in). An
  /// outcome the progress no longer waits for (cancelled, reattempted, the secret deleted
  /// meanwhile) changes nothing. Returns the progress after it (std::nullopt: none, e.g. the
  /// rotation finished, or the test ended).
  std::optional<rotation_progress> record_rotation_step(const rotation_job& job, bool succeeded,
                                                        std::string_view reason, timestamp now) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    const auto* s = store_.find(std::string_view(job.secret_name));
    if (s == nullptr) return std::nullopt;
    auto next = succeeded ? rotation_step_succeeded(*s, job.version_id, job.step, now)
                          : rotation_step_failed(*s, job.version_id, job.step,
                                                 messages::detail::concat(
                                                     {rotation_step_name(job.step), ": ", reason}),
                                                 now, options_.rotation_retry);
    if (!next) return s->rotation_progress();
    std::optional<rotation_progress> after = next->rotation_progress();
    const bool ended = !after.has_value();
    store_ = std::move(store_).put(std::move(*next));
    reindex_rotation(job.secret_name);
    journal_state(job.secret_name, now);
    // The rotation ended: the next scheduled rotation counts from its LastRotatedDate.
    if (ended) next_due_ = next_background_due(store_, functions_, options_.scheduled_rotation);
    return after;
  }
  /// What every journal record of this service shares (journal.hpp).
  [[nodiscard]] journal_header journal_context() const {
    return {options_.region, options_.account_id, functions_.arns()};
  }

 private:
  struct committed {
    basic_store_operation_response<Traits> response;
    std::uint64_t sequence;
  };
  using request_variant = detail::store_request_variant<Traits>;

  [[nodiscard]] std::string request_id(std::uint64_t n) const {
    return detail::service_uuid(options_.seed, n, detail::service_stream::request_id_high,
                                detail::service_stream::request_id_low);
  }

  [[nodiscard]] basic_context<Traits> context_for(std::uint64_t n, timestamp now) const {
    basic_context<Traits> ctx;
    ctx.now = now;
    ctx.entropy = detail::service_draw(options_.seed, n, detail::service_stream::entropy);
    if (!options_.raw) {
      ctx.generated_token = typename Traits::version_id_type(detail::service_uuid(
          options_.seed, n, detail::service_stream::token_high, detail::service_stream::token_low));
    }
    ctx.region = options_.region;
    ctx.account_id = options_.account_id;
    ctx.functions = functions_;
    return ctx;
  }

  static service_reply with_error(service_reply out, const error& e, int status = 0) {
    out.status = status != 0 ? status : aws_json::http_status(e);
    out.body = aws_json::error_body(e);
    out.sequence = 0;
    return out;
  }

  /// Deprecated-version collection, then purge, at `now`.
  static store_type background(const store_type& st, timestamp now) {
    auto collected = collect_deprecated_versions(st, now);
    auto purged = purge_deleted_secrets(collected.state, now);
    return std::move(purged.state);
  }

  /// Whether background work is due by `now` in `store_` (either lock held).
  [[nodiscard]] bool background_due_by(timestamp now) const noexcept {
    return next_due_ && !(now < *next_due_);
  }

  /// The secret a response names, if any (every operation on one secret answers its Name).
  static std::optional<std::string_view> named_secret(
      const basic_store_operation_response<Traits>& r) {
    return std::visit(
        [](const auto& response) -> std::optional<std::string_view> {
          if constexpr (requires { std::string_view(response.name); }) {
            return std::string_view(response.name);
          } else {
            return std::nullopt;
          }
        },
        static_cast<const detail::store_response_variant<Traits>&>(r));
  }

  /// The secret a request names, as it is in `st` before the request: a handle (a counted
  /// reference, no copy of the secret), which stays valid while `st` changes in place.
  /// std::nullopt when the name or SecretId is not in `st` (the request creates the secret, fails,
  /// or force-deletes nothing) or the request names no one secret.
  static std::optional<basic_secret<Traits>> secret_named_by(
      const store_type& st, const basic_store_operation<Traits>& op) {
    return std::visit(
        [&](const auto& r) -> std::optional<basic_secret<Traits>> {
          if constexpr (requires { st.resolve(r.secret_id); }) {
            if (auto found = st.resolve(r.secret_id)) return *found.value();
          } else if constexpr (requires { st.find(r.name); }) {
            if (const auto* s = st.find(r.name)) return *s;
          }
          return std::nullopt;
        },
        static_cast<const request_variant&>(op));
  }

  /// Whether a successful read left the store as it was: a read changes at most the secrets it
  /// answers with (their LastAccessedDate), so only those are looked at, by identity.
  template <class Response>
  static bool read_changed_nothing(const store_type& before, const store_type& after,
                                   const Response& response) {
    if constexpr (requires { response.secret_values; }) {
      for (const auto& entry : response.secret_values) {
        const auto* was = before.find(std::string_view(entry.name));
        const auto* is = after.find(std::string_view(entry.name));
        if (was == nullptr || is == nullptr || !was->is_same_state(*is)) return false;
      }
      return before.size() == after.size();
    } else {
      return before == after;  // the other reads return the store they were given: O(1)
    }
  }

  /// A read on the current store under the shared lock: its answer when it fails or changes
  /// nothing, std::nullopt when it would change the store or background work is due (the
  /// exclusive path then runs it). A read of one secret is applied to that secret alone, so a
  /// read that changes nothing copies no part of the store.
  [[nodiscard]] std::optional<result<committed>> read_shared(
      const basic_store_operation<Traits>& op, const basic_context<Traits>& ctx) const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    if (background_due_by(ctx.now)) return std::nullopt;
    return std::visit(
        [&](const auto& request) -> std::optional<result<committed>> {
          using request_type = std::decay_t<decltype(request)>;
          if constexpr (detail::changes_one_secret<request_type>::value) {
            auto next = detail::apply_to_secret(store_, request, ctx);
            if (!next) return result<committed>(next.error());
            const auto* current = store_.find(next.value().state.name().view());
            if (current == nullptr || !current->is_same_state(next.value().state))
              return std::nullopt;
            return result<committed>(committed{
                basic_store_operation_response<Traits>(std::move(next.value().response)), 0});
          } else {
            auto next = apply(store_, request, ctx);
            if (!next) return result<committed>(next.error());
            if (!read_changed_nothing(store_, next.value().state, next.value().response))
              return std::nullopt;
            return result<committed>(committed{
                basic_store_operation_response<Traits>(std::move(next.value().response)), 0});
          }
        },
        static_cast<const request_variant&>(op));
  }

  /// Whether the service tests the configuration of the function of the secret a RotateSecret
  /// `response` names: one it invokes itself (not a caller's: caller_rotation_functions).
  bool tests_configuration(const store_type& st,
                           const basic_store_operation_response<Traits>& response) const {
    const auto name = named_secret(response);
    const basic_secret<Traits>* s = name ? st.find(*name) : nullptr;
    if (s == nullptr || !s->rotation_lambda_arn()) return false;
    const auto& callers = options_.caller_rotation_functions;
    return std::find(callers.begin(), callers.end(), *s->rotation_lambda_arn()) == callers.end();
  }

  /// The built-in function RotateSecret would invoke, or nullptr.
  const builtin_rotation_function* builtin_for(const store_type& st,
                                               const basic_rotate_secret<Traits>& r) const {
    const std::string* arn = nullptr;
    if (r.rotation_lambda_arn && !r.rotation_lambda_arn->empty()) {
      arn = &*r.rotation_lambda_arn;
    } else if (auto found = st.resolve(r.secret_id)) {
      const auto& stored = found.value()->rotation_lambda_arn();
      if (stored && !stored->empty()) arn = &*stored;
    }
    if (arn == nullptr) return nullptr;
    const auto at = options_.rotation_functions.find(*arn);
    return at == options_.rotation_functions.end() ? nullptr : &at->second;
  }

  /// The request's transition, moving `st` on in place, with built-in rotation. On a failure `st`
  /// is unchanged, whether the failure is an error or an exception (apply_in_place's guarantee;
  /// a built-in rotation is computed whole before it replaces `st`). A built-in rotation's value
  /// and finish variant go to `*builtin_used` for the journal; `*tested` is set when a test of the
  /// rotation configuration began (RotateImmediately false), which the journal records apart.
  result<basic_store_operation_response<Traits>> run(
      store_type& st, const basic_store_operation<Traits>& op, const basic_context<Traits>& ctx,
      std::uint64_t n, std::optional<builtin_rotation_function>* builtin_used,
      bool* tested) const {
    const auto* rotate =
        std::get_if<basic_rotate_secret<Traits>>(&static_cast<const request_variant&>(op));
    const builtin_rotation_function* builtin = rotate ? builtin_for(st, *rotate) : nullptr;
    if (builtin == nullptr) {
      auto response = apply_in_place(st, op, ctx);
      // A function the service invokes: the rotation it started runs in the worker.
      if (response && rotate != nullptr && begin_invoked_rotation(st, response.value(), ctx.now))
        rotations_active_.store(true, std::memory_order_relaxed);
      // RotateImmediately false: the test of the configuration, whose testSecret the worker runs
      // (unless the caller runs the function's steps).
      if (response && rotate != nullptr && tests_configuration(st, response.value()) &&
          begin_invoked_test(st, response.value(), ctx.now)) {
        rotations_active_.store(true, std::memory_order_relaxed);
        *tested = true;
      }
      // Its finishSecret made the new version current: the rotation's date.
      if (response) note_rotated_in(st, response.value(), ctx.now);
      return response;
    }

    std::optional<secret_value> value;
    if (builtin->value) {
      value.emplace(secret_value::string_tag{}, *builtin->value);
    } else {
      basic_context<Traits> draw = ctx;
      draw.entropy = detail::service_draw(options_.seed, n, detail::service_stream::password);
      auto password = apply(basic_get_random_password<Traits>{}, draw);
      if (!password) return password.error();
      value.emplace(secret_value::string_tag{}, std::move(password.value().random_password));
    }
    auto rotated = rotate_synchronously(st, *rotate, ctx, ctx.functions, *value, builtin->finish);
    if (!rotated) return rotated.error();
    if (journal_)
      builtin_used->emplace(builtin_rotation_function{builtin->finish, *value->string()});
    st = std::move(rotated.value().state);
    return basic_store_operation_response<Traits>(std::move(rotated.value().response));
  }

  /// The exclusive path: a read that changes the store, or one that found background work due,
  /// or a write.
  result<committed> commit(const basic_store_operation<Traits>& op,
                           const basic_context<Traits>& ctx, std::uint64_t n,
                           std::string_view op_name, std::string_view body,
                           std::string_view request_id, std::uint64_t& ticket) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    const auto due_before = next_due_;
    try {
      return commit_locked(op, ctx, n, op_name, body, request_id, ticket);
    } catch (...) {
      next_due_ = due_before;  // nothing was published: the schedule stays that of `store_`
      rotation_index_valid_ = false;  // rebuilt from `store_` when next needed
      throw;
    }
  }

  /// The locked part: background due by now, the transition, background, publish.
  ///
  /// Where the store moves on: background work due before the request runs into a new store,
  /// `staged` (so `store_` stays as it was until publication). The request then changes the
  /// store in place (`store_` itself, or `staged`) unless it is a write to a secret of at least
  /// 100 versions: such a write can make collection due at once, and the collection after it
  /// could still fail, so it runs on a copy (`scratch`, sharing every node: the write copies its
  /// path) published only when all is done. Any other request cannot make work due by `now`:
  /// none is due before it (the background just ran, or was not due), a read changes no version
  /// and no date the schedule looks at, and a write that leaves its secret at most 100 versions
  /// gives it no collectable version and no DeletedDate before now + 7 days
  /// (docs/semantics.md, background transitions). So once the in-place transition succeeds,
  /// nothing that follows can fail: the schedule after it falls back, if its own allocation
  /// fails, to an early due time (early is allowed, late is not).
  result<committed> commit_locked(const basic_store_operation<Traits>& op,
                                  const basic_context<Traits>& ctx, std::uint64_t n,
                                  std::string_view op_name, std::string_view body,
                                  std::string_view request_id, std::uint64_t& ticket) {
    const bool mutating = is_mutating_operation(op_name);
    std::optional<store_type> staged;
    if (background_due_by(ctx.now)) rotate_due(ctx.now, n);
    if (background_due_by(ctx.now)) {
      staged.emplace(background(store_, ctx.now));
      next_due_ = next_background_due(*staged, functions_, options_.scheduled_rotation);
    }
    store_type* st = staged ? &*staged : &store_;
    const auto before = mutating ? secret_named_by(*st, op) : std::nullopt;
    std::optional<store_type> scratch;
    if (before && before->version_count() >= retained_version_count) st = &scratch.emplace(*st);

    std::optional<builtin_rotation_function> builtin_used;
    bool tested = false;
    auto response = run(*st, op, ctx, n, &builtin_used, &tested);
    journal_entry entry{op_name, body, ctx.now, ctx.entropy};
    if (ctx.generated_token) entry.generated_token = std::string_view(*ctx.generated_token);
    entry.background_before = staged.has_value();
    if (!response) {
      if (staged) {
        store_ = std::move(*staged);
        rebuild_rotation_index();
        entry.succeeded = false;
        ticket = journaled(entry);
      }
      reattempt_if_incomplete(op, response.error(), ctx.now);
      return response.error();
    }
    if (builtin_used) {
      entry.rotation_value = std::string_view(*builtin_used->value);
      entry.finish = builtin_used->finish;
    }
    // Reads change no version and no deletion date, and a write changes only the secret it
    // names: fold in when that secret's background work falls due.
    if (mutating) {
      if (const auto name = named_secret(response.value())) {
        if (const auto* touched = st->find(*name)) {
          try {
            next_due_ =
                next_background_due_after_write(next_due_, before ? &*before : nullptr, *touched,
                                                functions_, options_.scheduled_rotation);
          } catch (...) {
            if (scratch) throw;  // nothing was published
            next_due_ = earlier_due(next_due_, timestamp{ctx.now.epoch_ms + 1});
          }
        }
      }
    }
    if (background_due_by(ctx.now)) {
      *st = background(*st, ctx.now);
      next_due_ = next_background_due(*st, functions_, options_.scheduled_rotation);
      entry.background_after = true;
    }
    if (st != &store_) store_ = std::move(*st);
    // The rotation index: after background work (which may purge any secret) it is rebuilt, else
    // only the secret the request named can have changed its progress.
    if (staged || entry.background_after) {
      rebuild_rotation_index();
    } else if (mutating) {
      if (const auto name = named_secret(response.value())) reindex_rotation(*name);
      if (before) reindex_rotation(before->name().view());
    }
    ticket = journaled(entry);
    // A test of the rotation configuration began after the request: a journal's redo of the
    // request does not begin it (it cannot tell which functions the service invokes itself), so
    // the secret follows as a state record.
    if (tested) {
      if (const auto name = named_secret(response.value())) {
        const std::uint64_t t = journal_state(*name, ctx.now);
        if (t != 0) ticket = t;
      }
    }
    const std::uint64_t sequence = mutating ? commits_ + 1 : 0;
    if (sequence != 0) {
      commits_ = sequence;
      // The request has committed: an observer that fails cannot turn it into an error.
      if (observer_) {
        try {
          observer_(sequence, request_id, op_name);
        } catch (...) {
        }
      }
    }
    return committed{std::move(response.value()), sequence};
  }

  /// Scheduled rotations due by `now` of secrets with a built-in function (lock held), earliest
  /// first, each at its own due time, as run_due_rotations runs them: each is published and
  /// journaled as the RotateSecret it is (SecretId = the ARN, ClientRequestToken = the new
  /// version), with its value, so recovery redoes it as a request. The token and a drawn value
  /// come from the seeded streams, keyed by the request `n` that found them due and their place
  /// k in this pass. One that fails is left out of this pass; it changes nothing. The commit
  /// count and the observer are for requests and do not see these.
  void rotate_due(timestamp now, std::uint64_t n) {
    std::vector<shared_text> failed;
    for (std::uint64_t k = 1;; ++k) {
      const auto due =
          first_due_rotation(store_, now, functions_, options_.scheduled_rotation, failed);
      if (!due) break;
      const basic_secret<Traits>& s = *due->secret;
      const auto builtin = options_.rotation_functions.find(*s.rotation_lambda_arn());
      const std::uint64_t key = detail::mix_entropy(n, k);
      std::string token = detail::service_uuid(options_.seed, key,
                                               detail::service_stream::scheduled_token_high,
                                               detail::service_stream::scheduled_token_low);
      const std::string body = messages::detail::concat({"{\"SecretId\":\"", s.arn().view(),
                                               "\",\"ClientRequestToken\":\"", token, "\"}"});
      if (builtin == options_.rotation_functions.end()) {
        // A function the service invokes: the rotation starts as RotateSecret starts it, and
        // the worker runs its steps.
        const timestamp at = due->at;
        basic_store_operation<Traits> op(basic_rotate_secret<Traits>{
            s.arn().str(), typename Traits::version_id_type(token), std::nullopt, std::nullopt,
            std::nullopt});
        store_type next = store_;
        auto started = apply_in_place(next, op, context_for(n, at));
        if (!started) {
          failed.push_back(s.name());
          continue;
        }
        begin_invoked_rotation(next, started.value(), at);
        rotations_active_.store(true, std::memory_order_relaxed);
        const std::string name = s.name().str();  // `s` lives in the store replaced below
        store_ = std::move(next);
        reindex_rotation(name);
        journal_entry entry{"RotateSecret", body, at, 0};
        journaled(entry);
        continue;
      }
      std::string value;
      if (builtin->second.value) {
        value = *builtin->second.value;
      } else {
        basic_context<Traits> draw = context_for(n, now);
        draw.entropy = detail::service_draw(options_.seed, key,
                                            detail::service_stream::scheduled_password);
        auto password = apply(basic_get_random_password<Traits>{}, draw);
        if (!password) {
          failed.push_back(s.name());
          continue;
        }
        value = std::move(password.value().random_password);
      }
      scheduled_rotation_inputs<Traits> inputs{typename Traits::version_id_type(token),
                                               secret_value(secret_value::string_tag{}, value),
                                               builtin->second.finish};
      auto rotated = run_scheduled_rotation(store_, s, due->at, inputs, context_for(n, now));
      if (!rotated) {
        failed.push_back(s.name());
        continue;
      }
      const timestamp at = due->at;
      const std::string name = s.name().str();
      store_ = std::move(rotated.value().state);
      reindex_rotation(name);
      journal_entry entry{"RotateSecret", body, at, 0};
      entry.rotation_value = std::string_view(value);
      entry.finish = inputs.finish;
      journaled(entry);
    }
    next_due_ = next_background_due(store_, functions_, options_.scheduled_rotation);
  }

  /// RotateSecret answered "A previous rotation isn't complete. That rotation will be
  /// reattempted.": when the secret's function is one the service invokes, that rotation starts
  /// again from createSecret now (reattempt_rotation; lock held), journaled as a state record
  /// after the failed request's own. A test of the configuration running there keeps running.
  void reattempt_if_incomplete(const basic_store_operation<Traits>& op, const error& e,
                               timestamp now) {
    const auto* rotate =
        std::get_if<basic_rotate_secret<Traits>>(&static_cast<const request_variant&>(op));
    if (rotate == nullptr || !(e == messages::rotation_in_progress())) return;
    auto found = store_.resolve(rotate->secret_id);
    if (!found) return;
    const basic_secret<Traits>& s = *found.value();
    auto next = reattempt_rotation(s, now);
    if (!next || options_.rotation_functions.count(next->rotation_progress()->function_arn) != 0 ||
        !functions_.can_invoke(next->rotation_progress()->function_arn))
      return;
    const std::string name = s.name().str();
    store_ = std::move(store_).put(std::move(*next));
    rotations_active_.store(true, std::memory_order_relaxed);
    reindex_rotation(name);
    journal_state(name, now);
  }

  /// The rotation index (exclusive lock held): puts the secret named `name` where its progress in
  /// `store_` says: `due_index_` when a step will fall due (it applies, has not given up, the
  /// secret is not scheduled for deletion), `stale_progress_` when it no longer applies, and in
  /// `with_progress_` whenever it has progress. Should an allocation fail, the index is marked
  /// invalid and rebuilt from `store_` when next needed (rotation_steps_due).
  void reindex_rotation(std::string_view name) noexcept {
    try {
      // Most writes touch a secret that has no progress and had none: nothing to do, and no copy
      // of its name (with_progress_ holds every secret the index knows).
      if (const auto* s = store_.find(name);
          (s == nullptr || !s->rotation_progress()) && !with_progress_.contains(name))
        return;
      const std::string key(name);
      if (const auto at = due_of_.find(key); at != due_of_.end()) {
        due_index_.erase({at->second, key});
        due_of_.erase(at);
      }
      stale_progress_.erase(key);
      with_progress_.erase(key);
      const auto* s = store_.find(name);
      if (s == nullptr || !s->rotation_progress()) return;
      with_progress_.insert(key);
      rotations_active_.store(true, std::memory_order_relaxed);
      if (!rotation_progress_applies(*s)) {
        stale_progress_.insert(key);
        return;
      }
      const auto& p = *s->rotation_progress();
      if (p.given_up() || s->deleted_date()) return;
      due_index_.emplace(p.next_attempt->epoch_ms, key);
      due_of_.emplace(key, p.next_attempt->epoch_ms);
    } catch (...) {
      rotation_index_valid_ = false;
    }
  }

  /// The rotation index from a scan of `store_` (exclusive lock held): O(n log n).
  void rebuild_rotation_index() noexcept {
    try {
      due_index_.clear();
      due_of_.clear();
      stale_progress_.clear();
      with_progress_.clear();
      rotation_index_valid_ = true;
      for (const auto* s : store_.secrets())
        if (s->rotation_progress()) reindex_rotation(s->name().view());
    } catch (...) {
      rotation_index_valid_ = false;
    }
  }

  /// Journals the secret named `name` as it is in `store_` now (a change of its rotation progress
  /// that is no request): a state record, which recovery puts back exactly (journal::redo), as
  /// publish_if_unchanged's. Lock held. Only AWS-traits services journal (snapshots are theirs).
  /// Returns the journal hook's ticket (0: none).
  std::uint64_t journal_state(std::string_view name, timestamp now) noexcept {
    if constexpr (std::is_same_v<Traits, aws_traits>) {
      if (!journal_) return 0;
      try {
        const auto* s = store_.find(name);
        if (s == nullptr) return 0;
        const std::string body = snapshot::encode(*s);
        journal_entry entry;
        entry.op_name = journal::put_secret_record;
        entry.body = body;
        entry.now = now;
        return journaled(entry);
      } catch (...) {
        // The state stays published; a restart finds the rotation where the journal left it
        // (an earlier step, delivered again: rotation functions are idempotent).
        return 0;
      }
    } else {
      (void)name;
      (void)now;
      return 0;
    }
  }

  /// The journal hook's ticket for `entry` on the store just published (lock held).
  std::uint64_t journaled(const journal_entry& entry) noexcept {
    if (!journal_) return 0;
    try {
      return journal_(entry, store_);
    } catch (...) {
      return journal_failed;
    }
  }

  const service_options options_;
  const commit_observer observer_;
  const journal_hook journal_;
  /// Every function RotateSecret may name: built-in and external.
  rotation_functions functions_;
  /// Whether a secret may have a rotation in progress: set when one begins, cleared by a
  /// `rotation_steps_due` that found none (so an idle worker scans nothing).
  mutable std::atomic<bool> rotations_active_{true};
  std::atomic<std::uint64_t> requests_{0};

  /// Shared by reads that change nothing, exclusive for everything else.
  mutable std::shared_mutex mutex_;
  store_type store_;
  std::uint64_t commits_ = 0;
  /// When background work next falls due in `store_` (none: never); may be early, never late.
  std::optional<timestamp> next_due_;
  /// The rotation index of `store_` (reindex_rotation): (next attempt, name) of every secret
  /// whose next step will fall due, ordered by due time; each such secret's key in it; the
  /// secrets whose progress no longer applies (cleared by the next rotation_steps_due); every
  /// secret with progress. Changed under the exclusive lock, read under either.
  std::set<std::pair<std::int64_t, std::string>> due_index_;
  std::map<std::string, std::int64_t, std::less<>> due_of_;
  std::set<std::string, std::less<>> stale_progress_;
  std::set<std::string, std::less<>> with_progress_;
  /// False after an allocation failed while the index was kept: rebuilt when next needed.
  bool rotation_index_valid_ = false;
};

using service = basic_service<>;

}  // namespace secretstage

#endif  // SECRETSTAGE_SERVICE_HPP
