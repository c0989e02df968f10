#ifndef SECRETSTAGE_BENCHMARKS_IN_PLACE_HPP
#define SECRETSTAGE_BENCHMARKS_IN_PLACE_HPP

// The physical limit the library's pure transitions are held to (issue 5, item 1).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support.hpp"

namespace bench {

// What a careful hand-written service would keep for one secret if it never had to share a state:
// flat vectors changed in place, an open-addressing index from version id to version, and a label
// table of (label, version index) pairs. It performs the same checks as the library in the same
// order (request shape, SecretId resolution, deletion, the preconditions of
// docs/semantics.md#updatesecretversionstage) and the
// same effect (the label move, AWSPREVIOUS dragged along, LastChangedDate), but on failure it
// returns only a status: it builds no message, no response and no new state.
namespace flat {

struct version {
  std::string id;
  std::string value;
  std::int64_t created_ms;
};

enum class status { ok, validation, not_found, marked_for_deletion, invalid_parameter, limit_exceeded };

struct secret {
  std::string name;
  std::string arn;
  std::optional<std::int64_t> deleted_ms;
  std::int64_t last_changed_ms = 0;
  std::vector<version> versions;
  std::vector<std::uint32_t> index;  // power of two ≥ 2 × versions; 0 = empty, else version + 1
  std::vector<std::pair<std::string, std::uint32_t>> labels;  // label → version, at most 20

  static std::size_t hash(std::string_view id) { return std::hash<std::string_view>{}(id); }

  void add_version(version v) {
    versions.push_back(std::move(v));
    if (index.size() < 2 * versions.size()) {
      std::size_t n = 16;
      while (n < 4 * versions.size()) n *= 2;
      index.assign(n, 0);
      for (std::uint32_t i = 0; i < versions.size(); ++i) place(i);
    } else {
      place(static_cast<std::uint32_t>(versions.size() - 1));
    }
  }
  void place(std::uint32_t i) {
    const std::size_t mask = index.size() - 1;
    std::size_t at = hash(versions[i].id) & mask;
    while (index[at] != 0) at = (at + 1) & mask;
    index[at] = i + 1;
  }
  /// The index of the version with this id, or npos.
  [[nodiscard]] std::size_t find(std::string_view id) const {
    const std::size_t mask = index.size() - 1;
    for (std::size_t at = hash(id) & mask; index[at] != 0; at = (at + 1) & mask)
      if (versions[index[at] - 1].id == id) return index[at] - 1;
    return npos;
  }
  /// The entry of this label in the label table, or nullptr.
  [[nodiscard]] std::pair<std::string, std::uint32_t>* label(std::string_view l) {
    for (auto& e : labels)
      if (e.first == l) return &e;
    return nullptr;
  }
  static constexpr std::size_t npos = ~std::size_t{0};
};

inline bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
         c == '_' || c == '+' || c == '=' || c == '.' || c == '@' || c == '-';
}

/// UpdateSecretVersionStage in place.
inline status update_secret_version_stage(secret& s, const ss::update_secret_version_stage& r,
                                   std::int64_t now_ms) {
  const auto& from = r.remove_from_version_id;
  const auto& to = r.move_to_version_id;
  if (r.secret_id.empty() || r.secret_id.size() > 2048) return status::validation;
  if (r.version_stage.empty() || r.version_stage.size() > 256) return status::validation;
  if (from && (from->size() < 32 || from->size() > 64)) return status::validation;
  if (to && (to->size() < 32 || to->size() > 64)) return status::validation;
  if (r.secret_id.compare(0, 4, "arn:") != 0)
    for (char c : r.secret_id)
      if (!is_name_char(c)) return status::validation;
  if (r.secret_id != s.name && r.secret_id != s.arn &&
      r.secret_id != std::string_view(s.arn).substr(0, s.arn.size() - 7))
    return status::not_found;
  if (s.deleted_ms) return status::marked_for_deletion;
  if (!from && !to) return status::invalid_parameter;
  const std::size_t a = from ? s.find(*from) : secret::npos;
  if (from && a == secret::npos) return status::invalid_parameter;
  const std::size_t b = to ? s.find(*to) : secret::npos;
  if (to && b == secret::npos) return status::invalid_parameter;
  auto* entry = s.label(r.version_stage);
  if (!from && entry != nullptr && entry->second != b) return status::invalid_parameter;
  if (from && (entry == nullptr || entry->second != a)) return status::invalid_parameter;
  const bool current = r.version_stage == "AWSCURRENT";
  if (current && from && !to) return status::invalid_parameter;
  if (to && entry != nullptr && entry->second == b) return status::ok;
  if (to) {
    if (entry == nullptr) {
      if (s.labels.size() == 20) return status::limit_exceeded;
      s.labels.emplace_back(r.version_stage, static_cast<std::uint32_t>(b));
    } else {
      entry->second = static_cast<std::uint32_t>(b);
    }
    if (current && from) {
      if (auto* previous = s.label("AWSPREVIOUS")) {
        previous->second = static_cast<std::uint32_t>(a);
      } else {
        if (s.labels.size() == 20) return status::limit_exceeded;
        s.labels.emplace_back("AWSPREVIOUS", static_cast<std::uint32_t>(a));
      }
    }
  } else {
    *entry = std::move(s.labels.back());
    s.labels.pop_back();
  }
  s.last_changed_ms = now_ms;
  return status::ok;
}

/// The reference secret's shape, in the flat structure.
inline secret reference_secret(std::int64_t n, std::size_t value_size) {
  secret s;
  s.name = "bench";
  s.arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-AbCdEf";
  for (std::int64_t i = 0; i < n; ++i) s.add_version({version_id(i), std::string(value_size, 'v'), 0});
  s.labels.emplace_back("AWSCURRENT", static_cast<std::uint32_t>(n - 1));
  s.labels.emplace_back("AWSPREVIOUS", static_cast<std::uint32_t>(n - 2));
  for (int l = 0; l < custom_labels; ++l)
    s.labels.emplace_back(custom_label(l), static_cast<std::uint32_t>(l * (n - 2) / custom_labels));
  return s;
}

}  // namespace flat

}  // namespace bench

#endif  // SECRETSTAGE_BENCHMARKS_IN_PLACE_HPP
