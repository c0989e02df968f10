#ifndef SECRETSTAGE_SERVICE_HPP
#define SECRETSTAGE_SERVICE_HPP

// Opt-in (not in the umbrella header; it brings in aws_json.hpp, <mutex> and <functional>, and
// a program using it links the platform's threads): what an embedding service wraps around the
// pure model. `basic_service` owns the current store
// and turns (operation, AWS JSON body, time) into an AWS reply:
//
//   1. parse the body (outside the lock);
//   2. under one mutex: background transitions due by `now` → the request's transition →
//      background transitions again → publish the new store, give a mutating request its commit
//      sequence number and tell the observer;
//   3. serialize the response (outside the lock).
//
// Everything AWS would draw at random (ARN characters, the ClientRequestToken an SDK generates,
// rotated passwords, request ids) comes from a counter-mode splitmix64 stream seeded by
// `service_options::seed`, so a run is a function of the seed and of the sequence of
// (operation, body, now). The service never logs; its observer sees sequence numbers, request
// ids and operation names, never a body or a secret value.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "aws_json.hpp"
#include "background.hpp"
#include "context.hpp"
#include "detail/validate.hpp"
#include "error.hpp"
#include "messages.hpp"
#include "operations/get_random_password.hpp"
#include "operations/rotate_secret.hpp"
#include "result.hpp"
#include "rotation.hpp"
#include "rotation_functions.hpp"
#include "store.hpp"
#include "store_operation.hpp"
#include "value.hpp"

namespace secretstage {

/// A rotation function built into the service: RotateSecret with its ARN runs AWS's rotation
/// template synchronously (`rotate_synchronously`) before it answers.
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
};

/// What `basic_service::handle` answers: the HTTP status and AWS JSON body, plus the request id
/// (a UUID, for the `x-amzn-RequestId` header) and the commit sequence number.
struct service_reply : aws_json::reply {
  std::string request_id;
  /// The commit sequence number of a successful mutating request (1, 2, …); 0 for a read or a
  /// failure, which commit nothing.
  std::uint64_t sequence = 0;
};

/// A built-in rotation function as given on a command line: `ARN=remove-pending` or
/// `ARN=keep-pending`, optionally followed by `,value=TEXT` (TEXT is the rest of the argument,
/// commas included).
struct rotation_function_spec {
  std::string arn;
  builtin_rotation_function function;

  friend bool operator==(const rotation_function_spec&, const rotation_function_spec&) = default;
};

/// Parses a `rotation_function_spec`; std::nullopt when the text has another form (no `=`, an
/// empty ARN, an unknown variant, or something other than `,value=` after it).
[[nodiscard]] inline std::optional<rotation_function_spec> parse_rotation_function_spec(
    std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) return std::nullopt;
  rotation_function_spec out{std::string(text.substr(0, equals)), {}};
  std::string_view rest = text.substr(equals + 1);
  const auto comma = rest.find(',');
  const std::string_view variant = rest.substr(0, comma);
  if (variant == "remove-pending") {
    out.function.finish = finish_variant::remove_pending;
  } else if (variant == "keep-pending") {
    out.function.finish = finish_variant::keep_pending;
  } else {
    return std::nullopt;
  }
  if (comma == std::string_view::npos) return out;
  constexpr std::string_view value_key = "value=";
  rest = rest.substr(comma + 1);
  if (rest.substr(0, value_key.size()) != value_key) return std::nullopt;
  out.function.value = std::string(rest.substr(value_key.size()));
  return out;
}

/// Whether an operation of the service model changes a secret when it succeeds (reads, whose
/// only effect is LastAccessedDate, and GetRandomPassword do not count).
[[nodiscard]] constexpr bool is_mutating_operation(std::string_view op_name) noexcept {
  constexpr std::string_view mutating[] = {
      "CreateSecret", "PutSecretValue",     "UpdateSecret", "UpdateSecretVersionStage",
      "RotateSecret", "CancelRotateSecret", "DeleteSecret", "RestoreSecret",
      "TagResource",  "UntagResource"};
  for (std::string_view m : mutating)
    if (m == op_name) return true;
  return false;
}

namespace detail {

/// The streams a request's draws come from: each is splitmix64(seed, request number, stream).
enum class service_stream : std::uint64_t {
  entropy = 1,
  token_high,
  token_low,
  request_id_high,
  request_id_low,
  password,
};

[[nodiscard]] constexpr std::uint64_t service_draw(std::uint64_t seed, std::uint64_t request,
                                                   service_stream stream) noexcept {
  return mix_entropy(mix_entropy(seed, request), static_cast<std::uint64_t>(stream));
}

/// A random (version 4, RFC 4122 variant) UUID from 128 bits, lower-case: 8-4-4-4-12.
[[nodiscard]] inline std::string uuid_v4(std::uint64_t high, std::uint64_t low) {
  high = (high & ~std::uint64_t{0xF000}) | std::uint64_t{0x4000};
  low = (low & ~(std::uint64_t{0xC} << 60)) | (std::uint64_t{0x8} << 60);
  constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  auto put = [&](std::uint64_t bits, int first_nibble, int count) {
    for (int i = first_nibble; i < first_nibble + count; ++i)
      out.push_back(hex[(bits >> (60 - 4 * i)) & 0xF]);
  };
  put(high, 0, 8);
  out.push_back('-');
  put(high, 8, 4);
  out.push_back('-');
  put(high, 12, 4);
  out.push_back('-');
  put(low, 0, 4);
  out.push_back('-');
  put(low, 4, 12);
  return out;
}

}  // namespace detail

/// An in-process Secrets Manager endpoint around one store (one account, one Region).
///
/// `handle` is safe to call from any number of threads: requests are serialized on one mutex
/// around read-store → transition → background → publish, so no update is lost and no reader
/// sees a half-applied request; parsing and serializing run outside it.
///
/// Per request, in this order:
///   - the body is parsed (aws_json::parse_request); a bad body gets the adapter's error and
///     touches nothing;
///   - the context: `now`, the Region and account, entropy and (unless `raw`) a generated UUIDv4
///     ClientRequestToken from the seeded stream, and the built-in functions as the invocable
///     rotation functions;
///   - if background work is due by `now`: deprecated-version collection and purge of secrets
///     past their deletion date (background.hpp), at `now`;
///   - the transition. RotateSecret whose function (RotationLambdaARN when given and not empty,
///     else the secret's stored one) is a built-in runs the whole rotation with
///     `rotate_synchronously`, the function's finish variant and its value (default: a fresh
///     password with GetRandomPassword's defaults); every other request, RotateSecret with an
///     unknown function included (AccessDeniedException), goes through `apply`;
///   - on success: the background transitions again if the request made work due by `now`, so
///     the published store never holds work already due; a mutating request
///     (is_mutating_operation) gets the next commit sequence number and the observer is called
///     with it, still under the lock, so observed sequence numbers are in commit order.
/// The effect is that of running both background transitions before and after every request;
/// the service tracks when work next falls due (the earliest deletion date, and the time the
/// oldest deprecated version of a secret above 100 versions turns 24 hours old), so a request
/// that makes none due costs no scan of the store.
/// Any exception inside (only resource exhaustion can throw) leaves the store as it was and
/// answers 500 InternalServiceError.
template <secret_traits Traits = aws_traits>
class basic_service {
 public:
  using traits_type = Traits;
  using store_type = basic_store<Traits>;
  /// Called once per commit, under the service's lock: keep it short, and never call back into
  /// the service from it.
  using commit_observer = std::function<void(std::uint64_t sequence, std::string_view request_id,
                                             std::string_view op_name)>;

  explicit basic_service(service_options options = {}, commit_observer observer = {},
                         store_type initial = {})
      : options_(std::move(options)), observer_(std::move(observer)), store_(std::move(initial)) {
    std::vector<std::string> arns;
    for (const auto& entry : options_.rotation_functions) arns.push_back(entry.first);
    functions_ = rotation_functions(std::move(arns));
    next_due_ = background_due(store_);
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

      auto done = commit(parsed.value(), ctx, n, op_name, out.request_id);
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

  /// The current store (a snapshot: later requests do not change it).
  [[nodiscard]] store_type store() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return store_;
  }
  /// How many requests committed so far (the last sequence number given).
  [[nodiscard]] std::uint64_t commits() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return commits_;
  }
  [[nodiscard]] const service_options& options() const noexcept { return options_; }

 private:
  struct committed {
    basic_store_operation_response<Traits> response;
    std::uint64_t sequence;
  };

  [[nodiscard]] std::string request_id(std::uint64_t n) const {
    return detail::uuid_v4(
        detail::service_draw(options_.seed, n, detail::service_stream::request_id_high),
        detail::service_draw(options_.seed, n, detail::service_stream::request_id_low));
  }

  [[nodiscard]] basic_context<Traits> context_for(std::uint64_t n, timestamp now) const {
    basic_context<Traits> ctx;
    ctx.now = now;
    ctx.entropy = detail::service_draw(options_.seed, n, detail::service_stream::entropy);
    if (!options_.raw) {
      ctx.generated_token = typename Traits::version_id_type(detail::uuid_v4(
          detail::service_draw(options_.seed, n, detail::service_stream::token_high),
          detail::service_draw(options_.seed, n, detail::service_stream::token_low)));
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

  static std::optional<timestamp> earlier(std::optional<timestamp> a, std::optional<timestamp> b) {
    if (!a) return b;
    if (!b) return a;
    return *b < *a ? b : a;
  }

  /// The earliest time from which a background transition would change `s` (background.hpp's
  /// rules): its deletion date; else, above 100 versions, the time its oldest deprecated version
  /// turns 24 hours old; else never.
  static std::optional<timestamp> background_due(const basic_secret<Traits>& s) {
    if (s.deleted_date()) return s.deleted_date();
    if (s.version_count() <= retained_version_count) return std::nullopt;
    std::optional<timestamp> oldest;
    for (const auto* v : s.versions())
      if (s.is_deprecated(v->id())) oldest = earlier(oldest, v->created_date());
    if (!oldest) return std::nullopt;
    return timestamp{oldest->epoch_ms + collectable_version_age_ms};
  }
  static std::optional<timestamp> background_due(const store_type& st) {
    std::optional<timestamp> due;
    for (const auto* s : st.secrets()) due = earlier(due, background_due(*s));
    return due;
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

  /// Folds into `next_due_` when `after`, the secret a write named, next has background work,
  /// knowing the secret `before` the write (nullptr: it did not exist). `next_due_` was no later
  /// than `before`'s due time, so only what the write changed needs a look: a deletion date; the
  /// secret crossing 100 versions or leaving deletion (a full look, O(v log v), once per
  /// crossing); otherwise the versions it left without a label, and any new version without one.
  /// O(labels) for a write to a secret that stays above 100 versions.
  void note_write(const basic_secret<Traits>* before, const basic_secret<Traits>& after) {
    if (after.deleted_date()) {
      next_due_ = earlier(next_due_, after.deleted_date());
      return;
    }
    if (after.version_count() <= retained_version_count) return;
    const auto stages = after.stages();
    bool full = before == nullptr || before->deleted_date() ||
                before->version_count() <= retained_version_count;
    if (!full) {
      // New versions (none are removed by a write): each must carry a label to need no look.
      std::size_t labelled_new = 0;
      std::vector<typename Traits::version_id_type> seen;
      for (const auto& stage : stages) {
        const auto& id = stage.second;
        if (before->find_version(id) != nullptr) continue;
        if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
        seen.push_back(id);
        ++labelled_new;
      }
      full = after.version_count() != before->version_count() + labelled_new;
    }
    if (full) {
      next_due_ = earlier(next_due_, background_due(after));
      return;
    }
    for (const auto& stage : before->stages()) {
      if (!after.is_deprecated(stage.second)) continue;
      if (const auto* v = after.find_version(stage.second))
        next_due_ =
            earlier(next_due_, timestamp{v->created_date().epoch_ms + collectable_version_age_ms});
    }
  }

  /// Runs the background transitions on `st` if work is due by `now`; true if they ran.
  bool run_background_if_due(store_type& st, timestamp now) {
    if (!next_due_ || now < *next_due_) return false;
    st = background(st, now);
    next_due_ = background_due(st);
    return true;
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

  /// The request's transition on `st`, with built-in rotation.
  result<transition<store_type, basic_store_operation_response<Traits>>> run(
      const store_type& st, const basic_store_operation<Traits>& op,
      const basic_context<Traits>& ctx, std::uint64_t n) const {
    using out = transition<store_type, basic_store_operation_response<Traits>>;
    const auto* rotate = std::get_if<basic_rotate_secret<Traits>>(
        &static_cast<const detail::store_request_variant<Traits>&>(op));
    const builtin_rotation_function* builtin = rotate ? builtin_for(st, *rotate) : nullptr;
    if (builtin == nullptr) return apply(st, op, ctx);

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
    return out{std::move(rotated.value().state),
               basic_store_operation_response<Traits>(std::move(rotated.value().response))};
  }

  /// The locked part: background due by now, the transition, background, publish.
  result<committed> commit(const basic_store_operation<Traits>& op,
                           const basic_context<Traits>& ctx, std::uint64_t n,
                           std::string_view op_name, std::string_view request_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto due_before = next_due_;
    try {
      return commit_locked(op, ctx, n, op_name, request_id);
    } catch (...) {
      next_due_ = due_before;  // nothing was published: the schedule stays that of `store_`
      throw;
    }
  }

  result<committed> commit_locked(const basic_store_operation<Traits>& op,
                                  const basic_context<Traits>& ctx, std::uint64_t n,
                                  std::string_view op_name, std::string_view request_id) {
    store_type st = store_;
    const bool changed = run_background_if_due(st, ctx.now);
    auto next = run(st, op, ctx, n);
    if (!next) {
      if (changed) store_ = std::move(st);
      return next.error();
    }
    store_type published = std::move(next.value().state);
    const bool mutating = is_mutating_operation(op_name);
    // Reads change no version and no deletion date, and a write changes only the secret it
    // names: fold in when that secret's background work falls due.
    if (mutating) {
      if (const auto name = named_secret(next.value().response)) {
        if (const auto* touched = published.find(*name)) note_write(st.find(*name), *touched);
      }
    }
    run_background_if_due(published, ctx.now);
    const std::uint64_t sequence = mutating ? commits_ + 1 : 0;
    store_ = std::move(published);
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
    return committed{std::move(next.value().response), sequence};
  }

  const service_options options_;
  const commit_observer observer_;
  rotation_functions functions_;
  std::atomic<std::uint64_t> requests_{0};

  mutable std::mutex mutex_;
  store_type store_;
  std::uint64_t commits_ = 0;
  /// When background work next falls due in `store_` (none: never); may be early, never late.
  std::optional<timestamp> next_due_;
};

using service = basic_service<>;

}  // namespace secretstage

#endif  // SECRETSTAGE_SERVICE_HPP
