#ifndef SECRETSTAGE_TOOLS_DATA_DIR_HPP
#define SECRETSTAGE_TOOLS_DATA_DIR_HPP

// secretstage-server's data directory (--data-dir): a snapshot and a journal per generation,
// group commit, compaction, a lock, encryption at rest. docs/durability.md tells the whole story;
// in short:
//
//   DIR/LOCK                 flock'ed by the one server that owns DIR
//   DIR/snapshot-<gen>       snapshot.hpp's bytes (sealed with --data-key-file)
//   DIR/journal-<gen>        journal.hpp's records after that snapshot
//
// Generation N is started by writing snapshot-N (temporary file, fsync, rename, fsync DIR), then
// journal-N (its header, fdatasync, fsync DIR); only then are the files of older generations
// removed. Start-up recovers the highest snapshot plus its journal (a torn tail is left out),
// then starts the next generation from the recovered store, so a torn tail is never appended to.
// Compaction starts the next generation while running, when the journal passes a size.
//
// Group commit: the service's journal hook (under its exclusive lock, so in commit order) encodes
// the record and queues it; one writer thread writes everything queued with one write and one
// fdatasync, then wakes the requests whose records it covered. A request is answered only then.
//
// On an I/O error the log fails for good: every request not yet durable is answered
// InternalServiceError, every later request too, the journal is cut back to its durable length
// (best effort), and the server exits with status 3. The in-memory store may hold the effect of
// writes that were never acknowledged, so it must not serve on; a restart recovers exactly what
// was durable. SECRETSTAGE_TEST_FAIL_IO injects such errors (a test aid, docs/durability.md).

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <secretstage/journal.hpp>
#include <secretstage/snapshot.hpp>

namespace secretstage::tools {

/// The system calls the log's writes go through, and the failures a test injects into them:
/// SECRETSTAGE_TEST_FAIL_IO=KIND:N with KIND one of
///   enospc       the Nth write fails with ENOSPC, writing nothing
///   short-write  the Nth write writes half its bytes, the write after it fails with ENOSPC
///   fsync        the Nth fdatasync/fsync fails with EIO
/// counted over the writes and syncs (journal batches, and snapshots of a compaction) after
/// start-up has recovered: with one client writing at a time, N is the Nth write request.
class file_io {
 public:
  file_io() {
    const char* spec = std::getenv("SECRETSTAGE_TEST_FAIL_IO");
    if (spec == nullptr) return;
    const std::string_view s = spec;
    const auto colon = s.find(':');
    if (colon == std::string_view::npos) return;
    kind_ = std::string(s.substr(0, colon));
    at_ = std::strtoull(std::string(s.substr(colon + 1)).c_str(), nullptr, 10);
  }

  /// Writes all of `bytes` at the file's offset; false with errno set on failure.
  /// Start counting: start-up's own writes are not counted.
  void arm() noexcept { armed_ = true; }

  bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
      if (armed_) ++writes_;
      if (fail_next_write_ || (kind_ == "enospc" && writes_ == at_)) {
        errno = ENOSPC;
        return false;
      }
      std::size_t n = bytes.size();
      if (kind_ == "short-write" && writes_ == at_ && n > 1) {
        n /= 2;
        fail_next_write_ = true;
      }
      const ssize_t done = ::write(fd, bytes.data(), n);
      if (done < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      bytes.remove_prefix(static_cast<std::size_t>(done));
    }
    return true;
  }
  bool sync(int fd, bool data_only) {
    if (armed_) ++syncs_;
    if (kind_ == "fsync" && syncs_ == at_) {
      errno = EIO;
      return false;
    }
    return (data_only ? ::fdatasync(fd) : ::fsync(fd)) == 0;
  }

 private:
  std::string kind_;
  std::uint64_t at_ = 0;
  std::uint64_t writes_ = 0;
  std::uint64_t syncs_ = 0;
  bool fail_next_write_ = false;
  bool armed_ = false;
};

/// XChaCha20-Poly1305 (libsodium's IETF construction) with one key: a sealed text is a random
/// 24-byte nonce and the ciphertext with its tag; `purpose` is authenticated with it, so a sealed
/// journal record cannot pass for a snapshot.
class sealer {
 public:
  static constexpr std::size_t key_size = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
  static constexpr std::size_t nonce_size = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  static constexpr std::size_t tag_size = crypto_aead_xchacha20poly1305_ietf_ABYTES;

  explicit sealer(std::string key) : key_(std::move(key)) {}
  sealer(const sealer&) = delete;
  sealer& operator=(const sealer&) = delete;
  ~sealer() { sodium_memzero(key_.data(), key_.size()); }

  /// The key in FILE: 32 raw bytes, or 64 hexadecimal digits (a final newline allowed). A
  /// raw key may itself end in a newline or carriage-return byte: only what is beyond 32 raw bytes
  /// or 64 digits is taken for the final newline.
  static std::optional<std::string> read_key(std::string text) {
    const auto sized = [&] { return text.size() == key_size || text.size() == 2 * key_size; };
    if (!sized() && !text.empty() && text.back() == '\n') text.pop_back();
    if (!sized() && !text.empty() && text.back() == '\r') text.pop_back();
    std::string key;
    if (text.size() == key_size) {
      key = text;
    } else if (text.size() == 2 * key_size) {
      key.resize(key_size);
      std::size_t n = 0;
      if (sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), text.data(),
                         text.size(), nullptr, &n, nullptr) != 0 ||
          n != key_size)
        key.clear();
    }
    sodium_memzero(text.data(), text.size());
    if (key.size() != key_size) return std::nullopt;
    return key;
  }

  [[nodiscard]] std::string seal(std::string_view plain, std::string_view purpose) const {
    std::string out(nonce_size + plain.size() + tag_size, '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(nonce, nonce_size);
    unsigned long long n = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        nonce + nonce_size, &n, reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
        reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size(), nullptr, nonce,
        reinterpret_cast<const unsigned char*>(key_.data()));
    return out;
  }
  [[nodiscard]] std::optional<std::string> open(std::string_view sealed,
                                                std::string_view purpose) const {
    if (sealed.size() < nonce_size + tag_size) return std::nullopt;
    std::string out(sealed.size() - nonce_size - tag_size, '\0');
    const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
    unsigned long long n = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(out.data()), &n, nullptr, nonce + nonce_size,
            sealed.size() - nonce_size, reinterpret_cast<const unsigned char*>(purpose.data()),
            purpose.size(), nonce, reinterpret_cast<const unsigned char*>(key_.data())) != 0)
      return std::nullopt;
    return out;
  }

 private:
  std::string key_;
};

/// The durable log of one data directory (see the file comment).
class data_dir {
 public:
  using store_type = basic_store<aws_traits>;

  struct settings {
    std::string path;
    /// Start a new generation once the journal holds this many bytes (0: never).
    std::uint64_t compact_bytes = 64u << 20;
    /// The key of --data-key-file, if any.
    std::optional<std::string> key;
  };

  /// What start-up found, for the server's log (never a value).
  struct opened {
    store_type store;
    std::uint64_t generation = 0;
    std::uint64_t records = 0;
    std::optional<std::string> torn;  // a sentence naming the file and offset cut off
  };

  /// Locks DIR, recovers, and starts the next generation. An error is a sentence naming the file
  /// (and offset) at fault; nothing on disk has changed then, but for DIR and LOCK being created.
  static std::optional<std::string> open(const settings& s, const journal_header& header,
                                         std::unique_ptr<data_dir>& out, opened& found) {
    if (sodium_init() < 0) return std::string("libsodium cannot be initialized");
    std::unique_ptr<data_dir> d(new data_dir(s, header));
    if (::mkdir(s.path.c_str(), 0700) != 0 && errno != EEXIST)
      return "cannot create " + s.path + ": " + std::strerror(errno);
    d->dir_fd_ = ::open(s.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d->dir_fd_ < 0) return "cannot open " + s.path + ": " + std::strerror(errno);
    d->lock_fd_ = ::open(d->file("LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (d->lock_fd_ < 0) return "cannot open " + d->file("LOCK") + ": " + std::strerror(errno);
    if (::flock(d->lock_fd_, LOCK_EX | LOCK_NB) != 0)
      return s.path + " is in use by another process (" + d->file("LOCK") + " is locked)";

    std::uint64_t snapshot_gen = 0, highest = 0;
    std::vector<std::uint64_t> journals;
    if (auto e = d->scan(snapshot_gen, highest, journals)) return e;
    for (std::uint64_t g : journals)
      if (g > snapshot_gen)
        return d->file(name("journal", g)) + " has no snapshot: refusing to guess its base";

    std::string snapshot_bytes, journal_bytes;
    if (snapshot_gen != 0) {
      const std::string path = d->file(name("snapshot", snapshot_gen));
      if (auto e = read_file(path, snapshot_bytes)) return e;
      if (!d->sealer_ &&
          snapshot_bytes.substr(0, sealed_snapshot_magic.size()) == sealed_snapshot_magic)
        return path + ": is sealed and no key was given (--data-key-file)";
      if (d->sealer_) {
        auto plain = d->open_snapshot(snapshot_bytes);
        if (!plain)
          return path + ": does not authenticate with the data key (wrong key or damaged)";
        snapshot_bytes = std::move(*plain);
      }
    }
    const std::string journal_path = d->file(name("journal", snapshot_gen));
    bool have_journal = false;
    for (std::uint64_t g : journals) have_journal = have_journal || g == snapshot_gen;
    if (have_journal)
      if (auto e = read_file(journal_path, journal_bytes)) return e;
    journal::payload_opener opener;
    if (d->sealer_)
      opener = [&d](std::string_view sealed) { return d->sealer_->open(sealed, record_purpose); };
    auto back = journal::recover(snapshot_bytes, journal_bytes, opener);
    if (!back) {
      const bool in_snapshot = back.error().code == journal_errc::bad_snapshot;
      return (in_snapshot ? d->file(name("snapshot", snapshot_gen)) : journal_path) +
             ": refusing to start: " + back.error().message;
    }
    found.store = std::move(back.value().store);
    found.records = back.value().records;
    if (back.value().torn(journal_bytes.size()))
      found.torn = "cut off a torn tail of " + journal_path + " at byte " +
                   std::to_string(back.value().valid_bytes) + " (" +
                   std::to_string(journal_bytes.size() - back.value().valid_bytes) + " bytes)";

    d->generation_ = highest;
    if (auto e = d->start_generation(found.store)) return e;
    found.generation = d->generation_;
    d->io_.arm();
    d->writer_ = std::thread([p = d.get()] { p->write_loop(); });
    out = std::move(d);
    return std::nullopt;
  }

  data_dir(const data_dir&) = delete;
  data_dir& operator=(const data_dir&) = delete;
  ~data_dir() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    work_.notify_all();
    if (writer_.joinable()) writer_.join();
    if (journal_fd_ >= 0) ::close(journal_fd_);
    if (lock_fd_ >= 0) ::close(lock_fd_);
    if (dir_fd_ >= 0) ::close(dir_fd_);
  }

  /// The service's journal hook: queues the record (called under the service's exclusive lock, so
  /// in commit order) and returns its ticket. Never throws: a failure fails the log.
  std::uint64_t append(const journal_entry& entry, const store_type& published) noexcept {
    try {
      std::string payload = journal::encode_entry(entry);
      if (sealer_) {
        std::string sealed = sealer_->seal(payload, record_purpose);
        sodium_memzero(payload.data(), payload.size());
        payload = std::move(sealed);
      }
      std::string record = journal::frame(payload);
      sodium_memzero(payload.data(), payload.size());
      std::lock_guard<std::mutex> lock(mutex_);
      if (failed_) return ~std::uint64_t{0};
      queued_bytes_ += record.size();
      queue_.push_back(item{std::move(record), ++appended_, std::nullopt});
      if (settings_.compact_bytes != 0 && !compaction_queued_ &&
          queued_bytes_ >= settings_.compact_bytes) {
        queue_.push_back(item{{}, appended_, published});
        compaction_queued_ = true;
      }
      work_.notify_one();
      return appended_;
    } catch (...) {
      fail("cannot queue a journal record (out of memory)");
      return ~std::uint64_t{0};
    }
  }

  /// Waits until the record of `ticket` is durable: true, or the log failed first: false.
  bool wait_durable(std::uint64_t ticket) {
    std::unique_lock<std::mutex> lock(mutex_);
    durable_changed_.wait(lock, [&] { return durable_ >= ticket || failed_; });
    return durable_ >= ticket;
  }

  [[nodiscard]] bool failed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failed_;
  }
  /// Why the log failed (empty while it has not).
  [[nodiscard]] std::string failure() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failure_;
  }
  /// Called once, from the writer thread, when the log fails (e.g. to stop the server).
  void on_failure(std::function<void()> f) { on_failure_ = std::move(f); }
  [[nodiscard]] std::uint64_t generation() const noexcept { return generation_; }

 private:
  struct item {
    std::string record;  // empty: start a new generation from `store`
    std::uint64_t ticket = 0;
    std::optional<store_type> store;
  };
  static constexpr std::string_view record_purpose = "secretstage journal record v1";
  static constexpr std::string_view snapshot_purpose = "secretstage snapshot v1";
  /// A sealed snapshot file: this magic, then the sealed snapshot.
  static constexpr std::string_view sealed_snapshot_magic{"\x89SSTGX\r\n", 8};

  data_dir(const settings& s, const journal_header& header) : settings_(s), header_(header) {
    if (s.key) sealer_.emplace(*s.key);
  }

  static std::string name(std::string_view kind, std::uint64_t gen) {
    char digits[17];
    std::snprintf(digits, sizeof digits, "%016llx", static_cast<unsigned long long>(gen));
    return std::string(kind) + "-" + digits;
  }
  [[nodiscard]] std::string file(std::string_view leaf) const {
    return settings_.path + "/" + std::string(leaf);
  }

  std::optional<std::string> scan(std::uint64_t& snapshot_gen, std::uint64_t& highest,
                                  std::vector<std::uint64_t>& journals,
                                  std::vector<std::string>* leaves = nullptr) const {
    DIR* dir = ::opendir(settings_.path.c_str());
    if (dir == nullptr) return "cannot list " + settings_.path + ": " + std::strerror(errno);
    while (const dirent* e = ::readdir(dir)) {
      const std::string_view leaf = e->d_name;
      for (std::string_view kind : {"snapshot-", "journal-"}) {
        if (leaf.size() != kind.size() + 16 || leaf.substr(0, kind.size()) != kind) continue;
        const std::string digits(leaf.substr(kind.size()));
        if (digits.find_first_not_of("0123456789abcdef") != std::string::npos) continue;
        const std::uint64_t g = std::strtoull(digits.c_str(), nullptr, 16);
        highest = std::max(highest, g);
        if (leaves != nullptr) leaves->emplace_back(leaf);
        if (kind == "snapshot-") {
          snapshot_gen = std::max(snapshot_gen, g);
        } else {
          journals.push_back(g);
        }
      }
    }
    ::closedir(dir);
    return std::nullopt;
  }

  /// The bytes of --data-key-file.
 public:
  static std::optional<std::string> read_key_file(const std::string& path, std::string& out) {
    return read_file(path, out);
  }

 private:
  static std::optional<std::string> read_file(const std::string& path, std::string& out) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return "cannot open " + path + ": " + std::strerror(errno);
    char buffer[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const std::string e = "cannot read " + path + ": " + std::strerror(errno);
        ::close(fd);
        return e;
      }
      if (n == 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return std::nullopt;
  }

  [[nodiscard]] std::optional<std::string> open_snapshot(std::string_view bytes) const {
    if (bytes.substr(0, sealed_snapshot_magic.size()) != sealed_snapshot_magic) return std::nullopt;
    return sealer_->open(bytes.substr(sealed_snapshot_magic.size()), snapshot_purpose);
  }

  /// Writes `bytes` to DIR/leaf through a temporary file: write, fsync, rename, fsync DIR.
  std::optional<std::string> write_durably(const std::string& leaf, std::string_view bytes) {
    const std::string tmp = file(leaf + ".tmp"), path = file(leaf);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return "cannot create " + tmp + ": " + std::strerror(errno);
    const bool ok = io_.write_all(fd, bytes) && io_.sync(fd, false);
    const int saved = errno;
    ::close(fd);
    if (!ok) return "cannot write " + tmp + ": " + std::strerror(saved);
    if (::rename(tmp.c_str(), path.c_str()) != 0 || !io_.sync(dir_fd_, false))
      return "cannot rename " + tmp + ": " + std::strerror(errno);
    return std::nullopt;
  }

  /// Snapshot and journal of generation_ + 1 from `st`, then the older files removed.
  std::optional<std::string> start_generation(const store_type& st) {
    const std::uint64_t next = generation_ + 1;
    std::string snap = snapshot::encode(st);
    if (sealer_) {
      std::string sealed =
          std::string(sealed_snapshot_magic) + sealer_->seal(snap, snapshot_purpose);
      sodium_memzero(snap.data(), snap.size());
      snap = std::move(sealed);
    }
    auto e = write_durably(name("snapshot", next), snap);
    sodium_memzero(snap.data(), snap.size());
    if (e) return e;
    const std::string path = file(name("journal", next));
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return "cannot create " + path + ": " + std::strerror(errno);
    const std::string head =
        journal::encode_header(header_, sealer_ ? journal::flag_sealed : std::uint16_t{0});
    if (!io_.write_all(fd, head) || !io_.sync(fd, true) || !io_.sync(dir_fd_, false)) {
      const std::string why = "cannot write " + path + ": " + std::strerror(errno);
      ::close(fd);
      return why;
    }
    if (journal_fd_ >= 0) ::close(journal_fd_);
    journal_fd_ = fd;
    journal_size_ = head.size();
    generation_ = next;
    // Only now is the older generation superseded. A failed removal costs disk, not data.
    std::uint64_t snapshot_gen = 0, highest = 0;
    std::vector<std::uint64_t> journals;
    std::vector<std::string> leaves;
    (void)scan(snapshot_gen, highest, journals, &leaves);
    for (const std::string& leaf : leaves)
      if (leaf != name("snapshot", next) && leaf != name("journal", next))
        (void)::unlink(file(leaf).c_str());
    (void)io_.sync(dir_fd_, false);
    return std::nullopt;
  }

  void fail(std::string why) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (failed_) return;
      failed_ = true;
      failure_ = std::move(why);
    }
    durable_changed_.notify_all();
  }

  /// The writer thread: everything queued, one write and one sync per batch.
  void write_loop() {
    for (;;) {
      std::deque<item> batch;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        work_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) return;
        batch.swap(queue_);
      }
      std::string bytes;
      std::uint64_t last = 0;
      std::optional<std::string> error;
      auto flush = [&]() -> bool {
        if (last == 0) return true;
        if (!io_.write_all(journal_fd_, bytes) || !io_.sync(journal_fd_, true)) {
          error = name("journal", generation_) + ": " + std::strerror(errno);
          return false;
        }
        sodium_memzero(bytes.data(), bytes.size());
        journal_size_ += bytes.size();
        bytes.clear();
        {
          std::lock_guard<std::mutex> lock(mutex_);
          durable_ = last;
        }
        durable_changed_.notify_all();
        last = 0;
        return true;
      };
      for (item& it : batch) {
        if (it.store) {
          if (!flush()) break;
          if ((error = start_generation(*it.store))) break;
          std::lock_guard<std::mutex> lock(mutex_);
          compaction_queued_ = false;
          queued_bytes_ = 0;
          continue;
        }
        bytes += it.record;
        sodium_memzero(it.record.data(), it.record.size());
        last = it.ticket;
      }
      if (!error) flush();
      if (error) {
        // Cut the journal back to what is durable, so no unacknowledged record stays behind.
        if (journal_fd_ >= 0 && ::ftruncate(journal_fd_, static_cast<off_t>(journal_size_)) == 0)
          (void)::fdatasync(journal_fd_);
        fail("journal write failed: " + *error);
        if (on_failure_) on_failure_();
        return;
      }
    }
  }

  const settings settings_;
  const journal_header header_;
  std::optional<sealer> sealer_;
  file_io io_;
  int dir_fd_ = -1;
  int lock_fd_ = -1;
  int journal_fd_ = -1;
  std::uint64_t journal_size_ = 0;  // durable bytes of the current journal (writer thread)
  std::uint64_t generation_ = 0;
  std::function<void()> on_failure_;

  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::condition_variable durable_changed_;
  std::deque<item> queue_;
  std::uint64_t appended_ = 0;
  std::uint64_t durable_ = 0;
  std::uint64_t queued_bytes_ = 0;  // journal bytes since the current generation began
  bool compaction_queued_ = false;
  bool failed_ = false;
  bool stopping_ = false;
  std::string failure_;
  std::thread writer_;
};

}  // namespace secretstage::tools

#endif  // SECRETSTAGE_TOOLS_DATA_DIR_HPP
