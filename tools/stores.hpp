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

#include <cerrno>
#include <cstdint>
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
  std::map<std::pair<std::string, std::string>, std::unique_ptr<entry>> stores_;
  int lock_fd_ = -1;
};

}  // namespace secretstage::tools

#endif  // SECRETSTAGE_TOOLS_STORES_HPP
