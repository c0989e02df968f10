#ifndef SECRETSTAGE_TOOLS_PG_STORE_HPP
#define SECRETSTAGE_TOOLS_PG_STORE_HPP

// secretstage-server --database: the stores of every (account, Region) kept in one PostgreSQL
// database that several servers share (docs/durability.md, "Several servers on one database").
//
// One row per secret: its snapshot record (snapshot::encode of the secret, kind 2: the same
// record a store's snapshot holds, with its CRC), a version counter, the account and Region, and
// when its background work next falls due. Every write of a row gives it a new version from one
// sequence, so a (name, version) pair names one record forever (a secret purged and created
// again does not start over): each server keeps the secrets it decoded by (account, Region,
// name, version) and decodes a row again only when its version moved. The primary key (account, region, name) makes the
// database enforce name uniqueness among live secrets and secrets scheduled for deletion (both
// are rows; a purged secret's row is deleted).
//
// A request is an optimistic transaction (REPEATABLE READ, so everything it reads is one
// snapshot):
//   1. read the rows it can touch: the secret its SecretId or Name names (by name, full ARN or
//      partial ARN), or every secret of the (account, Region) for ListSecrets and
//      BatchGetSecretValue, or none for GetRandomPassword;
//   2. build a store of those secrets and run the request on it with the library's own service
//      (service.hpp: background work due, the transition, built-in rotations, LastAccessedDate);
//   3. write back what changed: UPDATE … WHERE version = <read> (a changed secret), DELETE …
//      WHERE version = <read> (a purged or force-deleted one), INSERT (a created one, under the
//      primary key), then COMMIT.
// A write that finds the row changed (no row updated, a serialization failure, a unique
// violation) rolls everything back and runs the request again on the fresh rows, at most
// `max_attempts` times, then answers InternalServiceError; a retry on one secret locks its row
// as it reads it (READ COMMITTED, FOR UPDATE), so it waits its turn behind the current writer
// instead of losing every race to newer requests. Requests on different secrets touch
// different rows and never wait for each other. A database that is gone answers
// InternalServiceError; the pool reconnects on the next request. Nothing is half-applied: each
// request is one transaction.
//
// Background work (collection, purge, scheduled rotations with built-in functions) runs inside
// the request of the secret it concerns, and for secrets nobody touches in `sweep`, which one
// server at a time runs under a PostgreSQL advisory lock, secret by secret through the same
// compare-and-swap, so no work is ever done twice.
//
// Rotation steps of invoked functions (exec:, http:, --lambda-endpoint) are owned through a lease
// on the secret's row (schema version 2): a server's rotation worker claims a due step with a
// conditional UPDATE (only while the row is unleased or its lease has expired, by the database's
// clock), runs it with no transaction open, and records its outcome only if its claim still holds
// the lease (the row locked, the claim's id compared), clearing the lease in the same commit. A
// lease lasts the step timeout plus a margin and is never renewed: a step cannot outlive it. A
// server that dies holding a lease leaves the step due; once the lease expires any server claims
// it and invokes the step again (at least once, as Secrets Manager invokes a rotation Lambda).
//
// Nothing here logs a value, a body or the connection URI's password.

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <secretstage/rotation_progress.hpp>
#include <secretstage/service.hpp>
#include <secretstage/snapshot.hpp>

namespace secretstage::tools {

/// The database's schema, one migration per version; a server applies those its database lacks
/// at start and refuses a database whose version is newer than the last one it knows.
struct pg_migration {
  int version;
  const char* sql;
};
inline constexpr pg_migration pg_migrations[] = {
    {1,
     "CREATE SEQUENCE secretstage_row_versions;"
     "CREATE TABLE secretstage_secrets ("
     " account text NOT NULL,"
     " region text NOT NULL,"
     " name text NOT NULL,"
     " arn text NOT NULL,"
     " version bigint NOT NULL,"
     " record bytea NOT NULL,"
     " due_ms bigint,"
     " PRIMARY KEY (account, region, name));"
     "CREATE INDEX secretstage_secrets_arn ON secretstage_secrets (account, region, arn);"
     "CREATE INDEX secretstage_secrets_due ON secretstage_secrets (due_ms)"
     " WHERE due_ms IS NOT NULL;"},
    // Rotation steps run by invoked functions, owned through a lease: when the secret's next
    // step falls due (NULL: none), and which server's claim holds it until when (the database's
    // clock). A version-1 database never ran such a step, so its rows start with none.
    {2,
     "ALTER TABLE secretstage_secrets ADD COLUMN step_due_ms bigint,"
     " ADD COLUMN lease_owner text, ADD COLUMN lease_expires timestamptz;"
     "CREATE INDEX secretstage_secrets_step_due ON secretstage_secrets (step_due_ms)"
     " WHERE step_due_ms IS NOT NULL;"},
};
inline constexpr int pg_schema_version = 2;

/// Keys of the advisory locks (arbitrary constants: "SSTGmigr", "SSTGbkgd").
inline constexpr std::int64_t pg_migration_lock = 0x535354476d696772;
inline constexpr std::int64_t pg_background_lock = 0x53535447626b6764;

/// Counters of the optimistic commits, for the log and the benchmarks.
struct pg_counters {
  std::atomic<std::uint64_t> transactions{0};  // requests answered through the database
  std::atomic<std::uint64_t> conflicts{0};     // attempts that found their rows changed
  std::atomic<std::uint64_t> exhausted{0};     // requests that ran out of attempts
  std::atomic<std::uint64_t> unavailable{0};   // requests answered 500 for a database error
  std::atomic<std::uint64_t> swept{0};         // secrets the background sweep changed
};

class pg_backend {
 public:
  struct settings {
    /// The libpq connection URI (postgresql://…) or keyword/value string.
    std::string uri;
    /// The options of every store; account_id and region are replaced per request, seed is mixed
    /// with a per-process nonce and a counter (several servers must never draw the same token).
    service_options base;
    /// Attempts of one request before InternalServiceError.
    int max_attempts = 32;
    /// Connections this server opens at most; a request waits (up to 10 s, then
    /// InternalServiceError) for one to be free. Several servers share the database's
    /// max_connections (PostgreSQL's default: 100).
    std::size_t max_connections = 16;
    /// One line per event worth telling (never a value or a password).
    std::function<void(const std::string&)> log;
    /// Whether the servers invoke the steps of a rotation by this function ARN (exec:, http:,
    /// --lambda-endpoint); only such a rotation's steps fall due (step_due_ms). Nothing: none
    /// (a function the caller runs itself, --external-rotation-function, never does).
    std::function<bool(std::string_view function_arn)> invokes;
  };

  /// Connects, creates or migrates the schema; an error is a sentence for the user.
  static std::optional<std::string> open(settings s, std::unique_ptr<pg_backend>& out) {
    std::unique_ptr<pg_backend> b(new pg_backend(std::move(s)));
    std::string error;
    connection c = b->acquire(&error);
    if (!c) return "cannot connect to the database: " + error;
    if (auto e = b->migrate(c.get())) return e;
    b->release(std::move(c));
    out = std::move(b);
    return std::nullopt;
  }

  pg_backend(const pg_backend&) = delete;
  pg_backend& operator=(const pg_backend&) = delete;
  ~pg_backend() = default;

  /// One request of (account, Region): X-Amz-Target, body, the server's clock.
  [[nodiscard]] service_reply handle(const std::string& account, const std::string& region,
                                     std::string_view target, std::string_view body,
                                     timestamp now) {
    now.epoch_ms += clock_offset_ms_;
    counters_.transactions.fetch_add(1, std::memory_order_relaxed);
    const auto op = aws_json::operation_from_target(target);
    if (!op) return make_service(account, region)->handle_target(target, body, now);
    if (replicates(op.value(), body))
      return make_service(account, region)->reject(replication_unavailable(), 400);
    const scope sc = scope_of(op.value(), body);
    return transact(account, region, sc, op.value(), body, now);
  }

  /// Replication keeps the stores of several Regions in step (replication.hpp), which this backend
  /// does not do yet: its requests are refused, rather than accepted and left InProgress for ever
  /// (docs/durability.md). Not an AWS answer: AWS has no such mode.
  [[nodiscard]] static error replication_unavailable() {
    return {errc::invalid_request,
            "Replication is not available on a secretstage-server that keeps its secrets in a "
            "database (--database). Run the server without --database to replicate secrets."};
  }

  /// Runs the background work due by `now` of secrets nobody asked for, if this server holds the
  /// background lock (one server at a time); a server that cannot get it does nothing. Returns
  /// how many secrets it changed.
  std::size_t sweep(timestamp now) {
    now.epoch_ms += clock_offset_ms_;
    std::string error;
    connection c = acquire(&error);
    if (!c) return 0;
    try {
      return sweep_on(c, now);
    } catch (...) {
      discard(c);  // only resource exhaustion throws; the lock goes with the connection
      throw;
    }
  }

  /// A rotation step due on the database, as found (`lease` empty) or claimed (`lease`: the
  /// claim's id, which no other claim of any server has).
  struct rotation_step_claim {
    std::string account;
    std::string region;
    std::int64_t row_version = 0;
    service::rotation_job job;
    std::string lease;
  };

  /// Up to `limit` rotation steps due by `now` whose rows are unleased or whose lease has expired
  /// (not claimed yet: another server may claim one first).
  std::vector<rotation_step_claim> due_rotation_steps(timestamp now, std::size_t limit) {
    now.epoch_ms += clock_offset_ms_;
    std::vector<rotation_step_claim> out;
    std::string error;
    connection c = acquire(&error);
    if (!c) return out;
    const std::string at = std::to_string(now.epoch_ms);
    const std::string n = std::to_string(limit);
    const char* values[] = {at.c_str(), n.c_str()};
    pq_result rows = exec_params(c.get(),
                                 "SELECT account, region, name, version, record FROM "
                                 "secretstage_secrets WHERE step_due_ms <= $1::bigint AND "
                                 "(lease_owner IS NULL OR lease_expires <= clock_timestamp()) "
                                 "ORDER BY step_due_ms LIMIT $2::bigint",
                                 2, values, nullptr, nullptr, 1);
    if (!ok(rows, PGRES_TUPLES_OK)) {
      if (PQstatus(c.get()) != CONNECTION_OK) drop_pool();
      discard(c);
      return out;
    }
    release(std::move(c));
    for (int i = 0; i < PQntuples(rows.get()); ++i) {
      rotation_step_claim claim;
      claim.account = text_of(rows.get(), i, 0);
      claim.region = text_of(rows.get(), i, 1);
      const std::string name = text_of(rows.get(), i, 2);
      claim.row_version = get_i64(rows.get(), i, 3);
      auto secret = decoded(rows.get(), i, 4, claim.account, claim.region, name,
                            claim.row_version);
      if (!secret || !step_due(*secret)) continue;
      const auto& p = *secret->rotation_progress();
      claim.job = {name, std::string(secret->arn().view()), p.version_id, p.function_arn,
                   p.next_step};
      out.push_back(std::move(claim));
    }
    return out;
  }

  /// Claims a step `due_rotation_steps` found: one conditional UPDATE, which succeeds only while
  /// the row is as read and unleased or its lease expired; the lease lasts `lease_for`.
  bool claim_rotation_step(rotation_step_claim& claim, std::chrono::milliseconds lease_for) {
    std::string error;
    connection c = acquire(&error);
    if (!c) return false;
    const std::string lease = std::to_string(nonce_) + "-" + std::to_string(draws_.fetch_add(1));
    const std::string version = std::to_string(claim.row_version);
    const std::string ms = std::to_string(lease_for.count());
    const char* values[] = {claim.account.c_str(), claim.region.c_str(),
                            claim.job.secret_name.c_str(), version.c_str(), lease.c_str(),
                            ms.c_str()};
    pq_result r = exec_params(c.get(),
                              "UPDATE secretstage_secrets SET lease_owner = $5, lease_expires = "
                              "clock_timestamp() + $6::bigint * interval '1 millisecond' "
                              "WHERE account = $1 AND region = $2 AND name = $3 AND "
                              "version = $4::bigint AND step_due_ms IS NOT NULL AND "
                              "(lease_owner IS NULL OR lease_expires <= clock_timestamp())",
                              6, values, nullptr, nullptr, 0);
    const bool claimed = ok(r, PGRES_COMMAND_OK) && std::string_view(PQcmdTuples(r.get())) == "1";
    release(std::move(c));
    if (claimed) claim.lease = lease;
    return claimed;
  }

  enum class step_recorded { recorded, lease_lost, failed };

  /// Records the outcome of a claimed step (rotation_step_succeeded, or rotation_step_failed
  /// with the retry policy) if the claim still holds the row's lease, and ends the lease, in one
  /// transaction. lease_lost: another claim took the row (this one expired) or the secret is
  /// gone; nothing was written. failed: a database error; the lease expires and the step is
  /// invoked again.
  step_recorded record_rotation_step(const rotation_step_claim& claim, bool succeeded,
                                     std::string_view reason, timestamp now) {
    now.epoch_ms += clock_offset_ms_;
    std::string error;
    connection c = acquire(&error);
    if (!c) return step_recorded::failed;
    const step_recorded out = record_on(c.get(), claim, succeeded, reason, now);
    if (PQtransactionStatus(c.get()) != PQTRANS_IDLE) {
      pq_result rollback = exec(c.get(), "ROLLBACK");
      (void)rollback;
    }
    release(std::move(c));
    return out;
  }

  /// Ends a claim's lease without recording anything (its step was cancelled by a stopping
  /// server): the step is due again at once for any server.
  void release_rotation_step(const rotation_step_claim& claim) {
    std::string error;
    connection c = acquire(&error);
    if (!c) return;
    const char* values[] = {claim.account.c_str(), claim.region.c_str(),
                            claim.job.secret_name.c_str(), claim.lease.c_str()};
    pq_result r = exec_params(c.get(),
                              "UPDATE secretstage_secrets SET lease_owner = NULL, "
                              "lease_expires = NULL WHERE account = $1 AND region = $2 AND "
                              "name = $3 AND lease_owner = $4",
                              4, values, nullptr, nullptr, 0);
    (void)r;
    release(std::move(c));
  }

  /// Whether the rotation of a claimed step is gone: the secret deleted (or scheduled for
  /// deletion), its rotation cancelled, or the claim's lease taken by another. A database error
  /// is not: the step runs on.
  bool rotation_step_abandoned(const rotation_step_claim& claim) {
    std::string error;
    connection c = acquire(&error);
    if (!c) return false;
    const char* values[] = {claim.account.c_str(), claim.region.c_str(),
                            claim.job.secret_name.c_str()};
    pq_result rows = exec_params(c.get(),
                                 "SELECT version, record, lease_owner FROM secretstage_secrets "
                                 "WHERE account = $1 AND region = $2 AND name = $3",
                                 3, values, nullptr, nullptr, 1);
    if (!ok(rows, PGRES_TUPLES_OK)) {
      discard(c);
      return false;
    }
    release(std::move(c));
    if (PQntuples(rows.get()) == 0) return true;
    if (PQgetisnull(rows.get(), 0, 2) || text_of(rows.get(), 0, 2) != claim.lease) return true;
    auto secret = decoded(rows.get(), 0, 1, claim.account, claim.region, claim.job.secret_name,
                          get_i64(rows.get(), 0, 0));
    return secret && (secret->deleted_date() || !secret->rotation_enabled());
  }

  [[nodiscard]] const pg_counters& counters() const noexcept { return counters_; }

  /// The counters as one line for the log.
  [[nodiscard]] std::string counters_line() const {
    return "database: " + std::to_string(counters_.transactions.load()) + " requests, " +
           std::to_string(counters_.conflicts.load()) + " conflicts retried, " +
           std::to_string(counters_.exhausted.load()) + " out of attempts, " +
           std::to_string(counters_.unavailable.load()) + " unavailable, " +
           std::to_string(counters_.swept.load()) + " secrets swept";
  }

 private:
  /// The sweep's work: each secret due, as its own compare-and-swap transaction.
  std::size_t sweep_due(const std::vector<std::array<std::string, 3>>& due, timestamp now) {
    std::size_t changed = 0;
    for (const auto& [account, region, name] : due) {
      // A request that changes nothing but runs what is due (service.hpp runs background work
      // before any request that finds it due), on this one secret, through the same CAS.
      scope sc;
      sc.kind = scope::one;
      sc.id = name;
      bool wrote = false;
      (void)transact(account, region, sc, "GetRandomPassword", "{}", now, &wrote);
      if (wrote) ++changed;
    }
    return changed;
  }

  /// When a secret's next rotation step falls due: a rotation in progress by a function the
  /// servers invoke, that applies, not given up, of a secret not scheduled for deletion; nothing
  /// otherwise.
  std::optional<timestamp> step_due(const basic_secret<aws_traits>& s) const {
    const auto& p = s.rotation_progress();
    if (!p || p->given_up() || s.deleted_date() || !rotation_progress_applies(s) ||
        !settings_.invokes || !settings_.invokes(p->function_arn))
      return std::nullopt;
    return p->next_attempt;
  }

  static std::string text_of(const PGresult* r, int at, int column) {
    return {PQgetvalue(r, at, column), static_cast<std::size_t>(PQgetlength(r, at, column))};
  }

  /// The secret of a binary result's `record` column, from the cache when its version is known.
  std::optional<basic_secret<aws_traits>> decoded(const PGresult* r, int at, int column,
                                                  const std::string& account,
                                                  const std::string& region,
                                                  const std::string& name, std::int64_t version) {
    if (auto known = recall(account, region, name, version)) return known;
    const std::string_view bytes(PQgetvalue(r, at, column),
                                 static_cast<std::size_t>(PQgetlength(r, at, column)));
    auto secret = snapshot::decode_secret(bytes);
    if (!secret) return std::nullopt;
    remember(account, region, written_row{name, version, secret.value()});
    return std::move(secret.value());
  }

  /// The functions whose scheduled rotations make due_ms: every one the service knows, as it
  /// builds them (a built-in one rotates inside the sweep's request; an invoked one's rotation
  /// starts there, and the rotation workers run its steps).
  rotation_functions runnable_functions() const {
    std::vector<std::string> arns;
    for (const auto& f : settings_.base.rotation_functions) arns.push_back(f.first);
    arns.insert(arns.end(), settings_.base.external_rotation_functions.begin(),
                settings_.base.external_rotation_functions.end());
    return rotation_functions(std::move(arns));
  }

  /// The due_ms and step_due_ms columns of a secret, as text (nothing: NULL).
  std::pair<std::optional<std::string>, std::optional<std::string>> due_columns(
      const basic_secret<aws_traits>& s, const rotation_functions& builtins) const {
    std::pair<std::optional<std::string>, std::optional<std::string>> out;
    if (const auto due = next_background_due(s, builtins, settings_.base.scheduled_rotation))
      out.first = std::to_string(due->epoch_ms);
    if (const auto step = step_due(s)) out.second = std::to_string(step->epoch_ms);
    return out;
  }

  step_recorded record_on(PGconn* c, const rotation_step_claim& claim, bool succeeded,
                          std::string_view reason, timestamp now) {
    pq_result begin = exec(c, "BEGIN ISOLATION LEVEL READ COMMITTED");
    if (!ok(begin, PGRES_COMMAND_OK)) return step_recorded::failed;
    const char* keys[] = {claim.account.c_str(), claim.region.c_str(),
                          claim.job.secret_name.c_str()};
    pq_result rows = exec_params(c,
                                 "SELECT version, record, lease_owner FROM secretstage_secrets "
                                 "WHERE account = $1 AND region = $2 AND name = $3 FOR UPDATE",
                                 3, keys, nullptr, nullptr, 1);
    if (!ok(rows, PGRES_TUPLES_OK)) return step_recorded::failed;
    if (PQntuples(rows.get()) == 0 || PQgetisnull(rows.get(), 0, 2) ||
        text_of(rows.get(), 0, 2) != claim.lease)
      return step_recorded::lease_lost;
    const std::int64_t version = get_i64(rows.get(), 0, 0);
    auto secret = decoded(rows.get(), 0, 1, claim.account, claim.region, claim.job.secret_name,
                          version);
    if (!secret) return step_recorded::failed;
    const service::rotation_job& job = claim.job;
    auto next = succeeded
                    ? rotation_step_succeeded(*secret, job.version_id, job.step, now)
                    : rotation_step_failed(*secret, job.version_id, job.step,
                                           messages::detail::concat(
                                               {rotation_step_name(job.step), ": ", reason}),
                                           now, settings_.base.rotation_retry);
    const std::string read_version = std::to_string(version);
    pq_result written;
    std::optional<basic_secret<aws_traits>> kept;
    if (next) {
      const std::string record = snapshot::encode(*next);
      const auto [due, step] = due_columns(*next, runnable_functions());
      const char* values[] = {keys[0], keys[1], keys[2], read_version.c_str(),
                              claim.lease.c_str(), record.data(),
                              due ? due->c_str() : nullptr, step ? step->c_str() : nullptr};
      const int lengths[] = {0, 0, 0, 0, 0, static_cast<int>(record.size()), 0, 0};
      const int formats[] = {0, 0, 0, 0, 0, 1, 0, 0};
      written = exec_params(c,
                            "UPDATE secretstage_secrets SET record = $6, due_ms = $7::bigint, "
                            "step_due_ms = $8::bigint, lease_owner = NULL, lease_expires = NULL, "
                            "version = nextval('secretstage_row_versions') WHERE account = $1 "
                            "AND region = $2 AND name = $3 AND version = $4::bigint AND "
                            "lease_owner = $5 RETURNING version",
                            8, values, lengths, formats, 0);
      kept = std::move(*next);
    } else {
      // The progress waits for no such outcome (cancelled or reattempted meanwhile): the lease
      // ends, nothing else changes.
      const char* values[] = {keys[0], keys[1], keys[2], read_version.c_str(),
                              claim.lease.c_str()};
      written = exec_params(c,
                            "UPDATE secretstage_secrets SET lease_owner = NULL, lease_expires = "
                            "NULL WHERE account = $1 AND region = $2 AND name = $3 AND "
                            "version = $4::bigint AND lease_owner = $5",
                            5, values, nullptr, nullptr, 0);
    }
    if ((!ok(written, PGRES_COMMAND_OK) && !ok(written, PGRES_TUPLES_OK)) ||
        std::string_view(PQcmdTuples(written.get())) != "1")
      return step_recorded::failed;
    std::int64_t new_version = version;
    if (kept) new_version = std::atoll(PQgetvalue(written.get(), 0, 0));
    pq_result commit = exec(c, "COMMIT");
    if (!ok(commit, PGRES_COMMAND_OK)) return step_recorded::failed;
    if (kept)
      remember(claim.account, claim.region,
               written_row{claim.job.secret_name, new_version, std::move(kept)});
    return step_recorded::recorded;
  }

  struct pq_conn_deleter {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
  };
  struct pq_result_deleter {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
  };
  using connection = std::unique_ptr<PGconn, pq_conn_deleter>;
  using pq_result = std::unique_ptr<PGresult, pq_result_deleter>;

  /// Which rows a request reads.
  struct scope {
    enum kind_t { none, one, all } kind = none;
    std::string id;  // kind one: a name, full ARN or partial ARN
  };

  /// A row as read: its secret and version.
  struct row {
    std::string name;
    std::int64_t version;
    basic_secret<aws_traits> secret;
  };
  /// A row as written (`secret` nothing: the row was deleted).
  struct written_row {
    std::string name;
    std::int64_t version;
    std::optional<basic_secret<aws_traits>> secret;
  };

  explicit pg_backend(settings s) : settings_(std::move(s)) {
    // A test aid (docs/durability.md): SECRETSTAGE_TEST_CLOCK_OFFSET_MS moves this server's clock,
    // so a test sees background work fall due days ahead without waiting for it.
    if (const char* offset = std::getenv("SECRETSTAGE_TEST_CLOCK_OFFSET_MS"))
      clock_offset_ms_ = std::strtoll(offset, nullptr, 10);
    std::random_device device;
    nonce_ = (std::uint64_t{device()} << 32) ^ device() ^
             static_cast<std::uint64_t>(
                 std::chrono::steady_clock::now().time_since_epoch().count());
  }

  static std::uint64_t splitmix(std::uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  }

  /// A service for one attempt of one request: the store given, the options of (account,
  /// Region), a seed no other attempt of any server draws.
  std::unique_ptr<service> make_service(const std::string& account, const std::string& region,
                                        basic_store<aws_traits> st = {}) {
    service_options o = settings_.base;
    o.account_id = account;
    o.region = region;
    o.seed = splitmix(settings_.base.seed ^ splitmix(nonce_ + draws_.fetch_add(1)));
    return std::make_unique<service>(std::move(o), service::commit_observer{}, std::move(st));
  }

  /// Whether a request asks for replication: one of the three replication operations, or a
  /// CreateSecret with AddReplicaRegions. A body that does not parse is the service's to answer.
  static bool replicates(std::string_view op_name, std::string_view body) {
    if (op_name == "ReplicateSecretToRegions" || op_name == "RemoveRegionsFromReplication" ||
        op_name == "StopReplicationToReplica")
      return true;
    if (op_name != "CreateSecret") return false;
    auto parsed = aws_json::parse_request<aws_traits>(op_name, body);
    if (!parsed) return false;
    const auto* create = std::get_if<basic_create_secret<aws_traits>>(
        &static_cast<const detail::store_request_variant<aws_traits>&>(parsed.value()));
    return create != nullptr && create->add_replica_regions && !create->add_replica_regions->empty();
  }

  /// The rows a request reads, from its parsed form (a body that does not parse reads none: the
  /// service answers its error).
  static scope scope_of(std::string_view op_name, std::string_view body) {
    scope out;
    auto parsed = aws_json::parse_request<aws_traits>(op_name, body);
    if (!parsed) return out;
    std::visit(
        [&](const auto& r) {
          using request_type = std::decay_t<decltype(r)>;
          if constexpr (requires { std::string_view(r.secret_id); }) {
            out.kind = scope::one;
            out.id = std::string(std::string_view(r.secret_id));
          } else if constexpr (requires { r.secret_id.has_value(); }) {
            if (r.secret_id) {
              out.kind = scope::one;
              out.id = std::string(std::string_view(*r.secret_id));
            }
          } else if constexpr (std::is_same_v<request_type, basic_create_secret<aws_traits>>) {
            out.kind = scope::one;
            out.id = r.name;
          } else if constexpr (std::is_same_v<request_type, basic_get_random_password<aws_traits>>) {
            out.kind = scope::none;
          } else {
            out.kind = scope::all;  // ListSecrets, BatchGetSecretValue
          }
        },
        static_cast<const detail::store_request_variant<aws_traits>&>(parsed.value()));
    return out;
  }

  /// The sweep under the background lock, if this server gets it.
  std::size_t sweep_on(connection& c, timestamp now) {
    pq_result locked = exec(c.get(), "SELECT pg_try_advisory_lock(" +
                                         std::to_string(pg_background_lock) + ")");
    if (!ok(locked, PGRES_TUPLES_OK) || std::string_view(PQgetvalue(locked.get(), 0, 0)) != "t") {
      release(std::move(c));
      return 0;
    }
    std::vector<std::array<std::string, 3>> due;
    {
      const std::string at = std::to_string(now.epoch_ms);
      const char* values[] = {at.c_str()};
      pq_result rows = exec_params(c.get(),
                                   "SELECT account, region, name FROM secretstage_secrets "
                                   "WHERE due_ms <= $1::bigint ORDER BY due_ms LIMIT 1000",
                                   1, values, nullptr, nullptr, 0);
      if (ok(rows, PGRES_TUPLES_OK))
        for (int i = 0; i < PQntuples(rows.get()); ++i)
          due.push_back({PQgetvalue(rows.get(), i, 0), PQgetvalue(rows.get(), i, 1),
                         PQgetvalue(rows.get(), i, 2)});
    }
    const std::size_t changed = sweep_due(due, now);
    pq_result unlocked = exec(c.get(), "SELECT pg_advisory_unlock(" +
                                           std::to_string(pg_background_lock) + ")");
    (void)unlocked;
    release(std::move(c));
    counters_.swept.fetch_add(changed, std::memory_order_relaxed);
    return changed;
  }

  // ---- connections ------------------------------------------------------------------------

  connection connect(std::string* error) const {
    // connect_timeout first: a URI that sets its own wins (expand_dbname).
    const char* keys[] = {"connect_timeout", "dbname", nullptr};
    const char* values[] = {"5", settings_.uri.c_str(), nullptr};
    connection c(PQconnectdbParams(keys, values, 1));
    if (!c || PQstatus(c.get()) != CONNECTION_OK) {
      if (error != nullptr)
        *error = c ? first_line(PQerrorMessage(c.get())) : std::string("out of memory");
      return nullptr;
    }
    return c;
  }

  /// A pooled connection, or a new one while fewer than max_connections are open; waits up to
  /// 10 s for one to be released. nullptr and `*error` when none can be had.
  connection acquire(std::string* error) {
    {
      std::unique_lock<std::mutex> lock(pool_mutex_);
      const bool free = pool_ready_.wait_for(lock, std::chrono::seconds(10), [&] {
        return !pool_.empty() || open_ < settings_.max_connections;
      });
      if (!free) {
        if (error != nullptr)
          *error = "all " + std::to_string(settings_.max_connections) +
                   " database connections stayed busy for 10 s";
        return nullptr;
      }
      if (!pool_.empty()) {
        connection c = std::move(pool_.back());
        pool_.pop_back();
        return c;
      }
      ++open_;
    }
    connection c = connect(error);
    if (!c) {
      std::lock_guard<std::mutex> lock(pool_mutex_);
      --open_;
      pool_ready_.notify_one();
    }
    return c;
  }

  /// Back to the pool if it is healthy and idle; closed otherwise.
  void release(connection c) {
    if (!c) return;
    if (PQstatus(c.get()) != CONNECTION_OK || PQtransactionStatus(c.get()) != PQTRANS_IDLE) {
      discard(c);
      return;
    }
    std::lock_guard<std::mutex> lock(pool_mutex_);
    pool_.push_back(std::move(c));
    pool_ready_.notify_one();
  }

  /// Closes a connection that was acquired.
  void discard(connection& c) {
    if (!c) return;
    c.reset();
    std::lock_guard<std::mutex> lock(pool_mutex_);
    --open_;
    pool_ready_.notify_one();
  }

  // ---- decoded secrets, by (account, Region, name) and row version --------------------------

  std::optional<basic_secret<aws_traits>> recall(const std::string& account,
                                                 const std::string& region,
                                                 const std::string& name, std::int64_t version) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    const auto at = cache_.find(cache_key(account, region, name));
    if (at == cache_.end() || at->second.first != version) return std::nullopt;
    return at->second.second;
  }

  /// A row as committed (version -1: deleted).
  void remember(const std::string& account, const std::string& region, written_row r) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    std::string key = cache_key(account, region, r.name);
    const auto at = cache_.find(key);
    if (!r.secret) {
      if (at != cache_.end()) cache_.erase(at);
      return;
    }
    if (at != cache_.end()) {
      if (at->second.first < r.version) at->second = {r.version, std::move(*r.secret)};
      return;
    }
    if (cache_.size() >= max_cached) cache_.clear();
    cache_.emplace(std::move(key), std::make_pair(r.version, std::move(*r.secret)));
  }

  static std::string cache_key(const std::string& account, const std::string& region,
                               const std::string& name) {
    return account + '/' + region + '/' + name;  // unambiguous: account and Region have no '/'
  }

  void drop_pool() {
    std::vector<connection> dead;
    std::lock_guard<std::mutex> lock(pool_mutex_);
    dead.swap(pool_);
    open_ -= dead.size();
    pool_ready_.notify_all();
  }

  static std::string first_line(const char* text) {
    std::string s = text == nullptr ? "" : text;
    if (const auto at = s.find('\n'); at != std::string::npos) s.resize(at);
    return s;
  }

  static pq_result exec(PGconn* c, const std::string& sql) { return pq_result(PQexec(c, sql.c_str())); }

  static pq_result exec_params(PGconn* c, const char* sql, int n, const char* const* values,
                               const int* lengths, const int* formats, int result_format) {
    return pq_result(PQexecParams(c, sql, n, nullptr, values, lengths, formats, result_format));
  }

  static bool ok(const pq_result& r, ExecStatusType wanted) {
    return r && PQresultStatus(r.get()) == wanted;
  }

  /// Whether a failed statement lost a race (the request runs again) rather than failed.
  static bool is_conflict(const pq_result& r) {
    if (!r) return false;
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    if (state == nullptr) return false;
    const std::string_view s = state;
    return s == "40001" || s == "40P01" || s == "23505";
  }

  std::optional<std::string> migrate(PGconn* c) {
    auto fail = [&](const std::string& what, const pq_result& r) -> std::optional<std::string> {
      pq_result rollback = exec(c, "ROLLBACK");
      (void)rollback;
      return what + ": " + first_line(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(c));
    };
    pq_result begin = exec(c, "BEGIN");
    if (!ok(begin, PGRES_COMMAND_OK)) return fail("cannot begin the schema migration", begin);
    // One server at a time creates or migrates; the others wait and then find it done.
    pq_result locked =
        exec(c, "SELECT pg_advisory_xact_lock(" + std::to_string(pg_migration_lock) + ")");
    if (!ok(locked, PGRES_TUPLES_OK)) return fail("cannot lock the schema", locked);
    pq_result made = exec(c,
                          "CREATE TABLE IF NOT EXISTS secretstage_schema ("
                          " version integer PRIMARY KEY,"
                          " applied_at timestamptz NOT NULL DEFAULT now())");
    if (!ok(made, PGRES_COMMAND_OK)) return fail("cannot create secretstage_schema", made);
    pq_result current = exec(c, "SELECT coalesce(max(version), 0) FROM secretstage_schema");
    if (!ok(current, PGRES_TUPLES_OK)) return fail("cannot read secretstage_schema", current);
    const int found = std::atoi(PQgetvalue(current.get(), 0, 0));
    if (found > pg_schema_version) {
      pq_result rollback = exec(c, "ROLLBACK");
      (void)rollback;
      return "the database's schema is at version " + std::to_string(found) +
             ", newer than this secretstage-server's (" + std::to_string(pg_schema_version) +
             "): it was written by a newer server; run that one, or point --database at another "
             "database";
    }
    for (const pg_migration& m : pg_migrations) {
      if (m.version <= found) continue;
      pq_result applied = exec(c, m.sql);
      if (!ok(applied, PGRES_COMMAND_OK))
        return fail("schema migration " + std::to_string(m.version) + " failed", applied);
      pq_result noted = exec(c, "INSERT INTO secretstage_schema (version) VALUES (" +
                                    std::to_string(m.version) + ")");
      if (!ok(noted, PGRES_COMMAND_OK)) return fail("cannot record a migration", noted);
      if (settings_.log)
        settings_.log("database schema migrated to version " + std::to_string(m.version));
    }
    pq_result commit = exec(c, "COMMIT");
    if (!ok(commit, PGRES_COMMAND_OK)) return fail("cannot commit the schema migration", commit);
    return std::nullopt;
  }

  // ---- one request --------------------------------------------------------------------------

  /// stale: the connection was found dead before the transaction began (nothing was sent that
  /// could have applied anything), so the request may run again on a fresh connection.
  enum class outcome { done, conflict, failed, stale };

  static std::int64_t get_i64(const PGresult* r, int row, int column) {
    const auto* p = reinterpret_cast<const unsigned char*>(PQgetvalue(r, row, column));
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
    return static_cast<std::int64_t>(v);
  }

  /// The rows of `sc` within the open transaction, or false (a database error or a record that
  /// does not decode: `*conflict` says whether the request may run again).
  bool read_rows(PGconn* c, const std::string& account, const std::string& region,
                 const scope& sc, bool lock, std::vector<row>& out, bool* conflict) {
    *conflict = false;
    if (sc.kind == scope::none) return true;
    pq_result rows;
    if (sc.kind == scope::all) {
      const char* values[] = {account.c_str(), region.c_str()};
      rows = exec_params(c,
                         "SELECT name, version, record FROM secretstage_secrets "
                         "WHERE account = $1 AND region = $2",
                         2, values, nullptr, nullptr, 1);
    } else {
      // The name itself; a full ARN; the name part of a (partial) ARN. The store's resolve
      // decides among what is found, exactly as in memory.
      std::string name_part = sc.id;
      if (const auto at = sc.id.find(":secret:"); sc.id.rfind("arn:", 0) == 0 &&
                                                  at != std::string::npos)
        name_part = sc.id.substr(at + 8);
      const char* values[] = {account.c_str(), region.c_str(), sc.id.c_str(), name_part.c_str()};
      static constexpr const char* one_secret[2] = {
          "SELECT name, version, record FROM secretstage_secrets WHERE account = $1 AND "
          "region = $2 AND (name = $3 OR arn = $3 OR name = $4 OR "
          "(length($4) > 7 AND name = left($4, -7)))",
          "SELECT name, version, record FROM secretstage_secrets WHERE account = $1 AND "
          "region = $2 AND (name = $3 OR arn = $3 OR name = $4 OR "
          "(length($4) > 7 AND name = left($4, -7))) FOR UPDATE"};
      rows = exec_params(c, one_secret[lock ? 1 : 0], 4, values, nullptr, nullptr, 1);
    }
    if (!ok(rows, PGRES_TUPLES_OK)) {
      *conflict = is_conflict(rows);
      return false;
    }
    for (int i = 0; i < PQntuples(rows.get()); ++i) {
      std::string name(PQgetvalue(rows.get(), i, 0), static_cast<std::size_t>(PQgetlength(rows.get(), i, 0)));
      const std::int64_t version = get_i64(rows.get(), i, 1);
      if (auto known = recall(account, region, name, version)) {
        out.push_back(row{std::move(name), version, std::move(*known)});
        continue;
      }
      const std::string_view bytes(PQgetvalue(rows.get(), i, 2),
                                   static_cast<std::size_t>(PQgetlength(rows.get(), i, 2)));
      auto decoded = snapshot::decode_secret(bytes);
      if (!decoded) {
        if (settings_.log)
          settings_.log("the database row of secret " + name + " (account " + account +
                        ", Region " + region + ") does not decode: " + decoded.error().message);
        return false;
      }
      remember(account, region, written_row{name, version, decoded.value()});
      out.push_back(row{std::move(name), version, std::move(decoded.value())});
    }
    return true;
  }

  /// UPDATE/DELETE/INSERT of what the request changed, each row under its read version.
  outcome write_back(PGconn* c, const std::string& account, const std::string& region,
                     const std::vector<row>& read, const basic_store<aws_traits>& after,
                     bool* wrote, std::vector<written_row>& written) {
    // `secret`: what the row holds once the request commits (nothing: deleted), for the cache.
    auto run = [&](const char* sql, int n, const char* const* values, const int* lengths,
                   const int* formats, const std::string& name,
                   const basic_secret<aws_traits>* secret) -> outcome {
      pq_result r = exec_params(c, sql, n, values, lengths, formats, 0);
      if (!ok(r, PGRES_COMMAND_OK) && !ok(r, PGRES_TUPLES_OK))
        return is_conflict(r) ? outcome::conflict : outcome::failed;
      if (std::string_view(PQcmdTuples(r.get())) != "1") return outcome::conflict;
      *wrote = true;
      if (secret != nullptr && PQntuples(r.get()) == 1)
        written.push_back({name, std::atoll(PQgetvalue(r.get(), 0, 0)), *secret});
      else
        written.push_back({name, -1, std::nullopt});
      return outcome::done;
    };
    const rotation_functions builtins = runnable_functions();
    for (const row& was : read) {
      const std::string version = std::to_string(was.version);
      const auto* is = after.find(was.name);
      if (is == nullptr) {
        const char* values[] = {account.c_str(), region.c_str(), was.name.c_str(), version.c_str()};
        const outcome o = run("DELETE FROM secretstage_secrets WHERE account = $1 AND "
                              "region = $2 AND name = $3 AND version = $4::bigint",
                              4, values, nullptr, nullptr, was.name, nullptr);
        if (o != outcome::done) return o;
        continue;
      }
      if (is->is_same_state(was.secret) || *is == was.secret) continue;
      // Progress the write made outdated (the function's finishSecret moved AWSCURRENT onto the
      // version, a client removed its AWSPENDING) is cleared in the same write, so that the row
      // falls due for its next scheduled rotation: the in-memory service clears it when its
      // worker next looks (service::rotation_steps_due), but a row nobody writes again would keep
      // it, and no schedule counts while a rotation is in progress.
      std::optional<basic_secret<aws_traits>> settled = settle_rotation(*is);
      if (settled) is = &*settled;
      const std::string record = snapshot::encode(*is);
      const auto [due, step] = due_columns(*is, builtins);
      const std::string arn(is->arn().view());
      const char* values[] = {account.c_str(), region.c_str(), was.name.c_str(), version.c_str(),
                              record.data(), arn.c_str(), due ? due->c_str() : nullptr,
                              step ? step->c_str() : nullptr};
      const int lengths[] = {0, 0, 0, 0, static_cast<int>(record.size()), 0, 0, 0};
      const int formats[] = {0, 0, 0, 0, 1, 0, 0, 0};
      // The lease columns stay: a running step's claim is the worker's to end.
      const outcome o = run("UPDATE secretstage_secrets SET record = $5, arn = $6, "
                            "due_ms = $7::bigint, step_due_ms = $8::bigint, "
                            "version = nextval('secretstage_row_versions') "
                            "WHERE account = $1 AND region = $2 AND name = $3 AND "
                            "version = $4::bigint RETURNING version",
                            8, values, lengths, formats, was.name, is);
      if (o != outcome::done) return o;
    }
    for (const auto* s : after.secrets()) {
      const bool known = std::any_of(read.begin(), read.end(),
                                     [&](const row& r) { return r.name == s->name().view(); });
      if (known) continue;
      const std::string name(s->name().view());
      const std::string record = snapshot::encode(*s);
      const auto [due, step] = due_columns(*s, builtins);
      const std::string arn(s->arn().view());
      const char* values[] = {account.c_str(), region.c_str(), name.c_str(), arn.c_str(),
                              record.data(), due ? due->c_str() : nullptr,
                              step ? step->c_str() : nullptr};
      const int lengths[] = {0, 0, 0, 0, static_cast<int>(record.size()), 0, 0};
      const int formats[] = {0, 0, 0, 0, 1, 0, 0};
      const outcome o = run("INSERT INTO secretstage_secrets (account, region, name, arn, "
                            "version, record, due_ms, step_due_ms) VALUES ($1, $2, $3, $4, "
                            "nextval('secretstage_row_versions'), $5, $6::bigint, $7::bigint) "
                            "RETURNING version",
                            7, values, lengths, formats, name, s);
      if (o != outcome::done) return o;
    }
    return outcome::done;
  }

  /// One attempt: BEGIN, read, run, write back, COMMIT. `retry`: an earlier attempt lost a race
  /// on this one secret; this one reads the latest committed row and locks it (READ COMMITTED,
  /// FOR UPDATE), so a retried request waits for the current writer instead of racing every new
  /// one again (without it, a request could lose all its attempts to fresh requests). Its writes
  /// still check the version read.
  outcome attempt(PGconn* c, const std::string& account, const std::string& region,
                  const scope& sc, bool retry, std::string_view op_name, std::string_view body,
                  timestamp now, service_reply& reply, bool* wrote) {
    *wrote = false;
    const bool lock = retry && sc.kind == scope::one;
    pq_result begin = exec(c, lock ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                   : "BEGIN ISOLATION LEVEL REPEATABLE READ");
    if (!ok(begin, PGRES_COMMAND_OK))
      return PQstatus(c) != CONNECTION_OK ? outcome::stale : outcome::failed;
    std::vector<row> read;
    bool conflict = false;
    if (!read_rows(c, account, region, sc, lock, read, &conflict))
      return conflict ? outcome::conflict : outcome::failed;
    basic_store<aws_traits> st;
    for (const row& r : read) st.put_in_place(r.secret);
    auto svc = make_service(account, region, std::move(st));
    reply = svc->handle(op_name, body, now);
    if (reply.status == 500) return outcome::failed;
    const basic_store<aws_traits> after = svc->store();
    std::vector<written_row> written;
    const outcome o = write_back(c, account, region, read, after, wrote, written);
    if (o != outcome::done) return o;
    pq_result commit = exec(c, "COMMIT");
    if (!ok(commit, PGRES_COMMAND_OK)) return is_conflict(commit) ? outcome::conflict : outcome::failed;
    for (written_row& w : written) remember(account, region, std::move(w));
    return outcome::done;
  }

  service_reply transact(const std::string& account, const std::string& region, const scope& sc,
                         std::string_view op_name, std::string_view body, timestamp now,
                         bool* wrote_out = nullptr) {
    std::string error;
    connection c = acquire(&error);
    try {
      return transact_on(c, error, account, region, sc, op_name, body, now, wrote_out);
    } catch (...) {
      discard(c);  // only resource exhaustion throws: the connection's slot must not leak
      throw;
    }
  }

  service_reply transact_on(connection& c, std::string& error, const std::string& account,
                            const std::string& region, const scope& sc, std::string_view op_name,
                            std::string_view body, timestamp now, bool* wrote_out) {
    service_reply reply;
    bool wrote = false;
    bool reconnected = false;
    int conflicts = 0;
    for (int k = 0; c && k < settings_.max_attempts; ++k) {
      const outcome o =
          attempt(c.get(), account, region, sc, conflicts > 0, op_name, body, now, reply, &wrote);
      if (o == outcome::stale) {
        // The database went away since this connection was pooled (a restart): every pooled
        // connection is as dead. One fresh connection, once; nothing was applied.
        drop_pool();
        discard(c);
        if (reconnected) {
          error = "the connection to the database is lost";
          break;
        }
        reconnected = true;
        c = acquire(&error);
        --k;
        continue;
      }
      if (o == outcome::done) {
        if (wrote_out != nullptr) *wrote_out = wrote;
        release(std::move(c));
        return reply;
      }
      if (PQtransactionStatus(c.get()) != PQTRANS_IDLE) {
        pq_result rollback = exec(c.get(), "ROLLBACK");
        (void)rollback;
      }
      if (o == outcome::failed) {
        if (PQstatus(c.get()) != CONNECTION_OK) error = first_line(PQerrorMessage(c.get()));
        else if (reply.status == 500) error = "the request failed inside the service";
        else error = first_line(PQerrorMessage(c.get()));
        break;
      }
      counters_.conflicts.fetch_add(1, std::memory_order_relaxed);
      ++conflicts;
      if (k + 1 == settings_.max_attempts) {
        counters_.exhausted.fetch_add(1, std::memory_order_relaxed);
        error.clear();
        break;
      }
      // Past a few attempts, back off a little (jittered) so a hot secret's writers spread out.
      if (k >= 2) {
        const auto micros =
            50 * (1 << std::min(k, 8)) + splitmix(nonce_ + draws_.fetch_add(1)) % 200;
        std::this_thread::sleep_for(std::chrono::microseconds(micros));
      }
    }
    if (c) release(std::move(c));
    if (!error.empty()) {
      counters_.unavailable.fetch_add(1, std::memory_order_relaxed);
      if (settings_.log) settings_.log("database: " + error);
    }
    return make_service(account, region)->reject(messages::internal_service_error(), 500);
  }

  settings settings_;
  std::int64_t clock_offset_ms_ = 0;
  std::uint64_t nonce_ = 0;
  std::atomic<std::uint64_t> draws_{0};
  static constexpr std::size_t max_cached = 100000;
  std::mutex cache_mutex_;
  std::map<std::string, std::pair<std::int64_t, basic_secret<aws_traits>>> cache_;
  std::mutex pool_mutex_;
  std::vector<connection> pool_;
  std::size_t open_ = 0;  // connections acquired or pooled
  std::condition_variable pool_ready_;
  pg_counters counters_;
};

}  // namespace secretstage::tools

#endif  // SECRETSTAGE_TOOLS_PG_STORE_HPP
