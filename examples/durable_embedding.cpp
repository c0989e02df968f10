// An embedder keeps its service's store in storage of its own (here two strings standing for a
// blob store and an append-only log): the service's journal hook appends one record per request
// that changed the store, a snapshot now and then replaces the log, and after a "crash" the
// snapshot plus the log give back exactly the store that was lost.

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include <secretstage/journal.hpp>
#include <secretstage/service.hpp>
#include <secretstage/snapshot.hpp>

namespace ss = secretstage;

namespace {

/// The embedder's storage: in a real service, a file or object store it makes durable before
/// answering a write (see tools/data_dir.hpp for one with fdatasync and group commit).
struct storage {
  std::string snapshot;  // snapshot::encode of a store ("" : the empty store)
  std::string journal;   // journal::encode_header, then a record per change
};

bool expect(bool ok, const char* what) {
  if (!ok) std::cerr << "durable_embedding: " << what << '\n';
  return ok;
}

}  // namespace

int main() {
  ss::service_options options;
  options.seed = 42;
  storage disk;

  ss::store lost;
  {
    // The hook runs under the service's lock, in commit order; its result is the reply's
    // journal_ticket (an embedder waits on it before answering a write).
    ss::service::journal_hook hook = [&disk](const ss::journal_entry& e, const ss::store&) {
      disk.journal += ss::journal::encode_record(e);
      return std::uint64_t{1};
    };
    ss::service service(options, {}, {}, hook);
    disk.journal = ss::journal::encode_header(service.journal_context());

    const ss::timestamp t{1'767'258'000'000};
    (void)service.handle("CreateSecret", R"({"Name":"db","SecretString":"v1"})", t);
    (void)service.handle("PutSecretValue", R"({"SecretId":"db","SecretString":"v2"})", t);

    // Compaction: the current store as a snapshot, and a fresh journal after it.
    disk.snapshot = ss::snapshot::encode(service.store());
    disk.journal = ss::journal::encode_header(service.journal_context());

    (void)service.handle("TagResource", R"({"SecretId":"db","Tags":[{"Key":"k","Value":"v"}]})", t);
    (void)service.handle("GetSecretValue", R"({"SecretId":"db"})", t);  // LastAccessedDate
    lost = service.store();
  }  // the "crash": the service and its store are gone, the storage remains

  auto back = ss::journal::recover(disk.snapshot, disk.journal);
  if (!back) {
    std::cerr << "durable_embedding: " << back.error().message << '\n';
    return EXIT_FAILURE;
  }
  std::cout << "recovered " << back.value().store.size() << " secret(s) from a snapshot of "
            << disk.snapshot.size() << " bytes and " << back.value().records
            << " journal records\n";
  // A recovered store serves on: a new service starts from it (with a new seed, so that no
  // generated value repeats one made before the crash).
  options.seed = 43;
  ss::service again(options, {}, back.value().store);
  const auto reply =
      again.handle("GetSecretValue", R"({"SecretId":"db"})", ss::timestamp{1'767'258'060'000});
  const bool ok = expect(back.value().store == lost, "the recovered store differs") &&
                  expect(ss::snapshot::encode(back.value().store) == ss::snapshot::encode(lost),
                         "the recovered store encodes differently") &&
                  expect(back.value().records == 2, "two records after the snapshot") &&
                  expect(reply.status == 200 && reply.body.find("\"v2\"") != std::string::npos,
                         "the recovered service does not serve v2");
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
