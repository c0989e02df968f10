// Recovery figures of issue 16 (benchmarks/durable.sh builds and runs this): journal records
// written through the service's journal hook, then timed: recover() of a journal creating N
// secrets, snapshot encode and decode of that store (bytes per secret), and recover() of a
// journal of M PutSecretValue records.
//
//   recovery_bench [secrets (default 100000)] [records (default 1000000)]

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <secretstage/journal.hpp>
#include <secretstage/service.hpp>
#include <secretstage/snapshot.hpp>

namespace ss = secretstage;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// A journal of `n` requests made by `body(i)` on `op`, through a service with a journal hook.
template <class Body>
std::string journal_of(std::uint64_t seed, std::uint64_t n, const char* op, Body body,
                       ss::store& live) {
  std::string journal;
  auto hook = [&journal](const ss::journal_entry& e, const ss::store&) {
    journal += ss::journal::encode_record(e);
    return std::uint64_t{1};
  };
  ss::service_options options;
  options.seed = seed;  // a new seed per service, as after a restart: no token repeats
  ss::service service(options, {}, live, hook);
  journal = ss::journal::encode_header(service.journal_context());
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto reply =
        service.handle(op, body(i), ss::timestamp{1'767'258'000'000 + std::int64_t(i)});
    if (reply.status != 200) {
      std::fprintf(stderr, "recovery_bench: %s %llu: %s\n", op, static_cast<unsigned long long>(i),
                   reply.body.c_str());
      std::exit(1);
    }
  }
  live = service.store();
  return journal;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t secrets = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100'000;
  const std::uint64_t records = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;

  ss::store live;
  const std::string creations = journal_of(
      1, secrets, "CreateSecret",
      [](std::uint64_t i) {
        return "{\"Name\":\"app/service-" + std::to_string(i) +
               "/db\",\"SecretString\":\"{\\\"username\\\":\\\"svc\\\",\\\"password\\\":\\\"" +
               std::string(32, 'p') + "\\\"}\",\"Description\":\"database credentials\"}";
      },
      live);
  auto t0 = std::chrono::steady_clock::now();
  auto back = ss::journal::recover(ss::store{}, creations);
  const double recover_creations = seconds_since(t0);
  if (!back || !(back.value().store == live)) return 1;

  t0 = std::chrono::steady_clock::now();
  const std::string snap = ss::snapshot::encode(live);
  const double encode = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  auto decoded = ss::snapshot::decode_store(snap);
  const double decode = seconds_since(t0);
  if (!decoded || !(decoded.value() == live)) return 1;

  std::printf(
      "secrets %llu: journal %zu bytes, recover %.2f s; snapshot %zu bytes (%.0f per secret), "
      "encode %.2f s, decode %.2f s\n",
      static_cast<unsigned long long>(secrets), creations.size(), recover_creations, snap.size(),
      double(snap.size()) / double(secrets), encode, decode);

  // M PutSecretValue records on 1,000 secrets of the store above (each past 100 versions, so
  // deprecated versions are collected along the way, as in a long-running server).
  ss::store base = live;
  const std::string puts = journal_of(
      2, records, "PutSecretValue",
      [](std::uint64_t i) {
        return "{\"SecretId\":\"app/service-" + std::to_string(i % 1000) +
               "/db\",\"SecretString\":\"value-" + std::to_string(i) + "\"}";
      },
      live);
  t0 = std::chrono::steady_clock::now();
  auto again = ss::journal::recover(base, puts);
  const double recover_puts = seconds_since(t0);
  if (!again || !(again.value().store == live)) return 1;
  std::printf(
      "records %llu: journal %zu bytes (%.0f per record), recover %.2f s (%.0f records/s)\n",
      static_cast<unsigned long long>(records), puts.size(), double(puts.size()) / double(records),
      recover_puts, double(records) / recover_puts);
  return 0;
}
