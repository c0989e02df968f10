#ifndef SECRETSTAGE_VALUE_HPP
#define SECRETSTAGE_VALUE_HPP

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace secretstage {

/// A point in time: milliseconds since the Unix epoch, UTC. Transitions never read a clock; the
/// caller passes `now` in the context.
struct timestamp {
  std::int64_t epoch_ms = 0;

  static constexpr std::int64_t ms_per_day = 86'400'000;

  [[nodiscard]] static constexpr timestamp from_seconds(std::int64_t s) noexcept {
    return {s * 1000};
  }
  /// Midnight UTC of this instant's day (the resolution of LastAccessedDate).
  [[nodiscard]] constexpr timestamp start_of_day() const noexcept {
    const std::int64_t r = epoch_ms % ms_per_day;
    return {epoch_ms - (r < 0 ? r + ms_per_day : r)};
  }
  [[nodiscard]] constexpr timestamp plus_days(std::int64_t days) const noexcept {
    return {epoch_ms + days * ms_per_day};
  }
  friend constexpr auto operator<=>(const timestamp&, const timestamp&) = default;
};

/// The bytes of a SecretBinary.
using binary = std::vector<std::uint8_t>;

/// An immutable, reference-counted string: copying it never copies characters. Used for the
/// secret's name and ARN, which every response repeats.
class shared_text {
 public:
  shared_text() = default;
  explicit shared_text(std::string s) : text_(std::make_shared<const std::string>(std::move(s))) {}
  explicit shared_text(std::string_view s) : shared_text(std::string(s)) {}
  explicit shared_text(const char* s) : shared_text(std::string(s)) {}

  [[nodiscard]] std::string_view view() const noexcept {
    return text_ ? std::string_view(*text_) : std::string_view();
  }
  [[nodiscard]] std::string str() const { return std::string(view()); }
  operator std::string_view() const noexcept { return view(); }
  [[nodiscard]] bool empty() const noexcept { return view().empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return view().size(); }

  friend bool operator==(const shared_text& a, const shared_text& b) noexcept {
    return a.view() == b.view();
  }
  friend bool operator==(const shared_text& a, std::string_view b) noexcept {
    return a.view() == b;
  }

 private:
  std::shared_ptr<const std::string> text_;
};

/// The value of one version: exactly one of SecretString or SecretBinary. Stored once and shared
/// by every state that holds the version; its memory is wiped when the last one lets go.
class secret_value {
 public:
  struct string_tag {};
  struct binary_tag {};

  secret_value(string_tag, std::string s) : data_(std::in_place_index<0>, std::move(s)) {}
  secret_value(binary_tag, binary b) : data_(std::in_place_index<1>, std::move(b)) {}
  secret_value(const secret_value&) = default;
  secret_value(secret_value&&) noexcept = default;
  secret_value& operator=(const secret_value&) = default;
  secret_value& operator=(secret_value&&) noexcept = default;
  ~secret_value() { wipe(); }

  [[nodiscard]] bool is_string() const noexcept { return data_.index() == 0; }
  [[nodiscard]] bool is_binary() const noexcept { return data_.index() == 1; }
  /// The SecretString, or nullptr for a binary value.
  [[nodiscard]] const std::string* string() const noexcept { return std::get_if<0>(&data_); }
  /// The SecretBinary, or nullptr for a string value.
  [[nodiscard]] const binary* bytes() const noexcept { return std::get_if<1>(&data_); }
  [[nodiscard]] std::size_t size() const noexcept {
    return is_string() ? std::get<0>(data_).size() : std::get<1>(data_).size();
  }

  friend bool operator==(const secret_value&, const secret_value&) = default;

 private:
  void wipe() noexcept {
    // Through a volatile pointer so the compiler cannot drop the stores as dead.
    auto clear = [](auto* p, std::size_t n) {
      auto* v = reinterpret_cast<volatile unsigned char*>(p);
      for (std::size_t i = 0; i < n; ++i) v[i] = 0;
    };
    if (auto* s = std::get_if<0>(&data_)) {
      clear(s->data(), s->capacity());
    } else if (auto* b = std::get_if<1>(&data_)) {
      clear(b->data(), b->capacity());
    }
  }

  std::variant<std::string, binary> data_;
};

}  // namespace secretstage

#endif  // SECRETSTAGE_VALUE_HPP
