#ifndef SECRETSTAGE_TOOLS_STORES_HPP
#define SECRETSTAGE_TOOLS_STORES_HPP

// secretstage-server's routing of a request to its store: one service (one store) per
// (account, Region), created on first use, each with its own data directory under --data-dir.
// docs/durability.md ("Several accounts and Regions") describes the layout:
//
//   DIR/LOCK                      flock'ed by the one server that owns DIR
//   DIR/<account>/<region>/       one store's data directory (data_dir.hpp: LOCK, snapshot-<gen>,
//                                 journal-<gen>), recovered at start-up
//
// The Region of a request is the one of its SigV4 credential scope; the account is the verified
// key's (sigv4.hpp) or the server's --account-id. Nothing here logs a header or a body.

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <secretstage/detail/json.hpp>
#include <secretstage/replication.hpp>
#include <secretstage/service.hpp>

#include "data_dir.hpp"
#include "request_scope.hpp"

namespace secretstage::tools {

/// The stores of one server, by (account, Region).
class store_registry {
 public:
  struct settings {
    /// The options of every service; `region` and `account_id` name the server's own store
    /// (--region, --account-id), which exists from the start.
    service_options base;
    /// The commit observer of the store of (account, Region), if any (called once per store).
    std::function<service::commit_observer(const std::string& account, const std::string& region)>
        observer_for;
    /// --data-dir's settings (`path` is DIR); nothing: in memory only.
    std::optional<data_dir::settings> data;
    /// Called once when a store's log fails (from its writer thread).
    std::function<void()> on_failure;
    /// One line per store recovered or created (never a value).
    std::function<void(const std::string&)> log;
  };

  struct entry {
    std::unique_ptr<data_dir> data;
    std::unique_ptr<service> svc;
  };

  /// Locks DIR and recovers every store found in it, then the server's own store. An error is a
  /// sentence naming the directory or file at fault.
  static std::optional<std::string> open(settings s, std::unique_ptr<store_registry>& out) {
    std::unique_ptr<store_registry> r(new store_registry(std::move(s)));
    if (r->settings_.data) {
      const std::string& dir = r->settings_.data->path;
      if (auto e = make_directory(dir, "")) return e;
      r->lock_fd_ = ::open((dir + "/LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      if (r->lock_fd_ < 0) return "cannot open " + dir + "/LOCK: " + std::strerror(errno);
      if (::flock(r->lock_fd_, LOCK_EX | LOCK_NB) != 0)
        return dir + " is in use by another process (" + dir + "/LOCK is locked)";
      std::vector<std::pair<std::string, std::string>> found;
      if (auto e = scan(dir, found)) return e;
      for (const auto& [account, region] : found) {
        std::string error;
        if (r->get(account, region, &error) == nullptr) return error;
      }
    }
    std::string error;
    if (r->get(r->settings_.base.account_id, r->settings_.base.region, &error) == nullptr)
      return error;
    // A server stopped between two Regions' changes of one replication heals here.
    const timestamp now{std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count()};
    for (const auto& [account, names] : r->replicated_names())
      if (auto e = r->sync_replicas(account, names, now)) return e;
    out = std::move(r);
    return std::nullopt;
  }

  store_registry(const store_registry&) = delete;
  store_registry& operator=(const store_registry&) = delete;
  ~store_registry() {
    stores_.clear();  // every writer thread joined before DIR's lock goes
    if (lock_fd_ >= 0) ::close(lock_fd_);
  }

  /// The store of (account, Region), created (and with --data-dir, its directory made and its
  /// first snapshot written) on first use; nullptr and `*error` when that fails.
  entry* get(const std::string& account, const std::string& region, std::string* error) {
    const std::pair<std::string, std::string> key{account, region};
    {
      std::shared_lock<std::shared_mutex> lock(mutex_);
      if (auto it = stores_.find(key); it != stores_.end()) return it->second.get();
    }
    std::unique_lock<std::shared_mutex> lock(mutex_);
    if (auto it = stores_.find(key); it != stores_.end()) return it->second.get();
    auto made = std::make_unique<entry>();
    service_options options = settings_.base;
    options.account_id = account;
    options.region = region;
    // Each store draws its own values: the server's own store keeps --seed as it was (so its
    // answers are the single-store server's), every other mixes in its account and Region.
    if (!is_home(account, region)) options.seed ^= fnv1a(account + "/" + region);
    store recovered;
    service::journal_hook journal;
    if (settings_.data) {
      const std::string& dir = settings_.data->path;
      if (auto e = make_directory(dir + "/" + account, dir)) return fail(error, *e);
      const std::string path = dir + "/" + account + "/" + region;
      if (auto e = make_directory(path, dir + "/" + account)) return fail(error, *e);
      data_dir::settings ds = *settings_.data;
      ds.path = path;
      journal_header header{region, account, {}};
      // Every function the service can invoke, built-in or external, sorted and without
      // duplicates, as the service keeps them (rotation_functions).
      std::vector<std::string> functions = options.external_rotation_functions;
      for (const auto& f : options.rotation_functions) functions.push_back(f.first);
      header.functions = rotation_functions(std::move(functions)).arns();
      data_dir::opened found;
      if (auto e = data_dir::open(ds, header, made->data, found)) return fail(error, *e);
      if (settings_.log) {
        if (found.torn) settings_.log(*found.torn);
        settings_.log("recovered " + std::to_string(found.store.size()) + " secrets (" +
                      std::to_string(found.records) + " journal records) from " + path +
                      ", generation " + std::to_string(found.generation));
      }
      recovered = std::move(found.store);
      // The seed of generated values is mixed with the directory's generation, so no restart
      // repeats one.
      options.seed ^= found.generation * 0x9e3779b97f4a7c15ull;
      journal = [d = made->data.get()](const journal_entry& e, const store& published) {
        return d->append(e, published);
      };
      if (settings_.on_failure) made->data->on_failure(settings_.on_failure);
    }
    service::commit_observer observer;
    if (settings_.observer_for) observer = settings_.observer_for(account, region);
    made->svc = std::make_unique<service>(options, std::move(observer), std::move(recovered),
                                          std::move(journal));
    entry* out = made.get();
    stores_.emplace(key, std::move(made));
    return out;
  }

  /// Replication (replication.hpp, docs/durability.md "Replication"): brings the Regions of
  /// `account` in step for the secrets named `names`, by sync_replicas over the current stores,
  /// publishing each Region's change into its store (service::publish_if_unchanged): first the
  /// Regions whose secret is no primary with replicas (replicas written or deleted), each waited
  /// on until durable, then the primaries' own Regions (their replicas' status). A store that
  /// changed meanwhile makes the pass start again from the stores as they are then. Passes are
  /// serialized. An error: a sentence for the log (nothing was left half-published that a later
  /// pass, or the next start, does not finish).
  std::optional<std::string> sync_replicas(const std::string& account,
                                           const std::vector<std::string>& names, timestamp now) {
    std::lock_guard<std::mutex> serial(sync_mutex_);
    for (const std::string& name : names) {
      bool done = false;
      for (int attempt = 0; attempt < 16 && !done; ++attempt) {
        region_stores before;
        {
          std::shared_lock<std::shared_mutex> lock(mutex_);
          for (const auto& [key, e] : stores_)
            if (key.first == account) before.emplace(key.second, e->svc->store());
        }
        auto after = secretstage::sync_replicas(before, name);
        if (!after) return "replication of " + name + " failed: " + after.error().message;
        struct change {
          std::string region;
          std::optional<secret> was, next;
          bool primary;
        };
        std::vector<change> changes;
        for (const auto& [region, st] : after.value()) {
          const secret* a = st.find(name);
          const auto b_store = before.find(region);
          const secret* b = b_store == before.end() ? nullptr : b_store->second.find(name);
          if ((a == nullptr && b == nullptr) || (a != nullptr && b != nullptr && *a == *b)) continue;
          change c{region, b ? std::optional<secret>(*b) : std::nullopt,
                   a ? std::optional<secret>(*a) : std::nullopt,
                   a != nullptr && !a->is_replica() && !a->replicas().empty()};
          changes.push_back(std::move(c));
        }
        std::stable_partition(changes.begin(), changes.end(),
                              [](const change& c) { return !c.primary; });
        done = true;
        for (const change& c : changes) {
          std::string error;
          entry* e = get(account, c.region, &error);
          if (e == nullptr) return error;
          const auto published = e->svc->publish_if_unchanged(name, c.was, c.next, now);
          if (!published.published) {
            done = false;
            break;
          }
          if (e->data && published.ticket != 0 && !e->data->wait_durable(published.ticket))
            return "replication of " + name + " to " + c.region + " was not made durable";
        }
      }
      if (!done) return "replication of " + name + " kept racing with other writes; left to the next";
    }
    return std::nullopt;
  }

  /// The names of `names` that a write `op` in (account, region) may have to bring to other
  /// Regions: all of them after a replication operation, else those whose secret there is a
  /// replica or a primary with replicas (any other secret's write stays in its Region).
  [[nodiscard]] std::vector<std::string> replicated_among(const std::string& account,
                                                          const std::string& region,
                                                          std::string_view op,
                                                          std::vector<std::string> names) {
    if (op == "ReplicateSecretToRegions" || op == "RemoveRegionsFromReplication" ||
        op == "StopReplicationToReplica")
      return names;
    std::string error;
    entry* e = get(account, region, &error);
    if (e == nullptr) return names;
    const store st = e->svc->store();
    std::vector<std::string> out;
    for (std::string& n : names)
      if (const secret* s = st.find(n); s != nullptr && (s->is_replica() || !s->replicas().empty()))
        out.push_back(std::move(n));
    return out;
  }

  /// Every name that is a primary with replicas or a replica in a store of `account`: what a
  /// start-up pass syncs (a server stopped between two Regions' changes heals here).
  [[nodiscard]] std::vector<std::pair<std::string, std::vector<std::string>>> replicated_names() const {
    std::map<std::string, std::vector<std::string>> out;
    std::shared_lock<std::shared_mutex> lock(mutex_);
    for (const auto& [key, e] : stores_) {
      const store st = e->svc->store();
      for (const secret* s : st.secrets())
        if (s->is_replica() || !s->replicas().empty()) out[key.first].emplace_back(s->name().view());
    }
    std::vector<std::pair<std::string, std::vector<std::string>>> list(out.begin(), out.end());
    for (auto& [account, names] : list) {
      std::sort(names.begin(), names.end());
      names.erase(std::unique(names.begin(), names.end()), names.end());
    }
    return list;
  }

  /// The names of the secrets a successful write may have changed, for sync_replicas: the
  /// response's Name, the name in its ARN, and (TagResource and UntagResource answer nothing)
  /// the request's SecretId read as a name or as an ARN's name, with and without the six
  /// characters an ARN ends with. Extra names cost a lookup each.
  [[nodiscard]] static std::vector<std::string> names_touched(std::string_view request_body,
                                                              std::string_view reply_body) {
    namespace json = secretstage::detail::json;
    std::vector<std::string> out;
    auto add_id = [&](const std::string& id) {
      constexpr std::string_view marker = ":secret:";
      if (id.rfind("arn:", 0) != 0) {
        out.push_back(id);
        return;
      }
      const auto at = id.find(marker);
      if (at == std::string::npos) return;
      const std::string rest = id.substr(at + marker.size());
      out.push_back(rest);
      if (rest.size() > 7 && rest[rest.size() - 7] == '-') out.push_back(rest.substr(0, rest.size() - 7));
    };
    auto read = [&](std::string_view body, std::initializer_list<std::string_view> keys) {
      if (body.empty() || !json::is_valid(body)) return;
      const json::value v = json::root(body);
      if (v.type() != json::kind::object) return;
      v.for_each_member([&](std::string key, json::value m) {
        for (std::string_view k : keys)
          if (key == k && m.type() == json::kind::string) add_id(m.string());
      });
    };
    read(reply_body, {"Name", "ARN"});
    if (out.empty()) read(request_body, {"SecretId"});
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  /// The server's own store (--account-id, --region): request ids of answers that reach no store.
  [[nodiscard]] entry& home() {
    std::string error;
    return *get(settings_.base.account_id, settings_.base.region, &error);  // made by open()
  }

  /// Whether any store's log has failed, and the first such failure.
  [[nodiscard]] std::optional<std::string> failure() const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    for (const auto& [key, e] : stores_)
      if (e->data && e->data->failed()) return e->data->failure();
    return std::nullopt;
  }

  /// Calls `f(service&)` for every store, outside the registry's lock (a store, once made,
  /// lives as long as the registry).
  template <class F>
  void for_each(F&& f) {
    std::vector<service*> all;
    {
      std::shared_lock<std::shared_mutex> lock(mutex_);
      for (const auto& item : stores_) all.push_back(item.second->svc.get());
    }
    for (service* svc : all) f(*svc);
  }

  [[nodiscard]] std::size_t size() const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return stores_.size();
  }

 private:
  explicit store_registry(settings s) : settings_(std::move(s)) {}

  [[nodiscard]] bool is_home(const std::string& account, const std::string& region) const {
    return account == settings_.base.account_id && region == settings_.base.region;
  }

  static entry* fail(std::string* error, std::string text) {
    if (error != nullptr) *error = std::move(text);
    return nullptr;
  }

  static std::uint64_t fnv1a(std::string_view s) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    return h;
  }

  /// mkdir `path` (0700) if it is missing, then fsync `parent` so the new entry is durable.
  static std::optional<std::string> make_directory(const std::string& path,
                                                   const std::string& parent) {
    if (::mkdir(path.c_str(), 0700) == 0) {
      if (parent.empty()) return std::nullopt;
      const int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) return "cannot open " + parent + ": " + std::strerror(errno);
      const bool synced = ::fsync(fd) == 0;
      ::close(fd);
      if (!synced) return "cannot sync " + parent + ": " + std::strerror(errno);
      return std::nullopt;
    }
    if (errno == EEXIST) return std::nullopt;
    return "cannot create " + path + ": " + std::strerror(errno);
  }

  /// The (account, Region) directories of DIR. Files of the one-store layout directly in DIR
  /// (snapshot-*, journal-*) are refused: they would be silently ignored otherwise.
  static std::optional<std::string> scan(const std::string& dir,
                                         std::vector<std::pair<std::string, std::string>>& out) {
    auto entries = [](const std::string& path, std::vector<std::string>& names)
        -> std::optional<std::string> {
      DIR* d = ::opendir(path.c_str());
      if (d == nullptr) return "cannot list " + path + ": " + std::strerror(errno);
      while (const dirent* e = ::readdir(d)) {
        const std::string_view leaf = e->d_name;
        if (leaf != "." && leaf != "..") names.emplace_back(leaf);
      }
      ::closedir(d);
      return std::nullopt;
    };
    std::vector<std::string> accounts;
    if (auto e = entries(dir, accounts)) return e;
    for (const std::string& leaf : accounts) {
      if (leaf.rfind("snapshot-", 0) == 0 || leaf.rfind("journal-", 0) == 0)
        return dir + "/" + leaf + " is a file of the one-store layout: move DIR's snapshot-* and "
               "journal-* files into " + dir + "/<account>/<region>/ (docs/durability.md)";
      struct stat st {};
      if (!valid_account_id(leaf) || ::stat((dir + "/" + leaf).c_str(), &st) != 0 ||
          !S_ISDIR(st.st_mode))
        continue;
      std::vector<std::string> regions;
      if (auto e = entries(dir + "/" + leaf, regions)) return e;
      for (const std::string& region : regions) {
        struct stat rs {};
        if (valid_region_name(region) &&
            ::stat((dir + "/" + leaf + "/" + region).c_str(), &rs) == 0 && S_ISDIR(rs.st_mode))
          out.emplace_back(leaf, region);
      }
    }
    return std::nullopt;
  }

  settings settings_;
  mutable std::shared_mutex mutex_;
  std::mutex sync_mutex_;  // one replication pass at a time (sync_replicas)
  std::map<std::pair<std::string, std::string>, std::unique_ptr<entry>> stores_;
  int lock_fd_ = -1;
};

}  // namespace secretstage::tools

#endif  // SECRETSTAGE_TOOLS_STORES_HPP
