#ifndef SECRETSTAGE_IO_HPP
#define SECRETSTAGE_IO_HPP

// Opt-in printing (needs <ostream>; the core headers never include this one). Secret values are
// never printed: requests, responses, versions, secrets and stores show `<redacted N bytes>` in
// their place, and GetRandomPassword's password likewise.

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "describe.hpp"
#include "error.hpp"
#include "operation.hpp"
#include "secret.hpp"
#include "store_operation.hpp"

namespace secretstage {

inline std::ostream& operator<<(std::ostream& os, const error& e) {
  return os << e.name() << ": " << e.message;
}

inline std::ostream& operator<<(std::ostream& os, const shared_text& t) { return os << t.view(); }

namespace detail {

template <class T>
void print_field(std::ostream& os, bool& first, std::string_view name, const T& value) {
  os << (first ? "" : ", ") << name << '=' << value;
  first = false;
}
inline void print_text(std::ostream& os, bool& first, std::string_view name,
                       const std::optional<std::string>& v) {
  if (v) print_field(os, first, name, '"' + *v + '"');
}
template <class Traits, class Range>
std::string label_list(const Range& labels) {
  std::string out = "[";
  bool first = true;
  for (const auto& l : labels) {
    if (!first) out += ", ";
    out += std::string(Traits::text(l));
    first = false;
  }
  return out + "]";
}

template <class T>
void print_optional(std::ostream& os, bool& first, std::string_view name, const std::optional<T>& v) {
  if (v) print_field(os, first, name, *v);
}
inline std::string bool_text(bool b) { return b ? "true" : "false"; }
inline void print_flag(std::ostream& os, bool& first, std::string_view name, bool v, bool fallback) {
  if (v != fallback) print_field(os, first, name, bool_text(v));
}
inline std::string tag_list(const std::vector<tag>& tags) {
  std::string out = "[";
  for (std::size_t i = 0; i < tags.size(); ++i)
    out += (i ? ", " : "") + tags[i].key + "=" + tags[i].value;
  return out + "]";
}
inline std::string replica_region_list(const std::vector<replica_region>& regions) {
  std::string out = "[";
  for (std::size_t i = 0; i < regions.size(); ++i)
    out += (i ? ", " : "") + regions[i].region +
           (regions[i].kms_key_id ? "=\"" + *regions[i].kms_key_id + "\"" : std::string());
  return out + "]";
}
inline std::string string_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}
inline std::string filter_list(const std::vector<filter>& filters) {
  std::string out = "[";
  for (std::size_t i = 0; i < filters.size(); ++i)
    out += (i ? ", " : "") + std::string(filter_key_name(filters[i].key)) + "=" +
           string_list(filters[i].values);
  return out + "]";
}
inline std::string rules_text(const rotation_rules& r) {
  std::ostringstream os;
  bool first = true;
  os << '{';
  print_optional(os, first, "AutomaticallyAfterDays", r.automatically_after_days);
  print_optional(os, first, "Duration", r.duration);
  print_optional(os, first, "ScheduleExpression", r.schedule_expression);
  os << '}';
  return os.str();
}

}  // namespace detail

namespace detail {

/// A label, a version id, an ARN or name, or a string as text.
template <class Traits, class T>
std::string text_of(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return v;
  } else if constexpr (std::is_same_v<T, shared_text>) {
    return std::string(v.view());
  } else {
    return std::string(Traits::text(v));
  }
}

template <class Traits, class T>
std::string printed_structure(const T& x);

/// A present member as printed: by its shape; a secret as its size only.
template <class Traits, class Member, class T>
std::string printed(const T& v) {
  if constexpr (Member::is_redacted) {
    return "<redacted " + std::to_string(v.size()) + " bytes>";
  } else if constexpr (Member::shape == wire_shape::string) {
    return Member::is_quoted ? '"' + text_of<Traits>(v) + '"' : text_of<Traits>(v);
  } else if constexpr (Member::shape == wire_shape::boolean) {
    return bool_text(v);
  } else if constexpr (Member::shape == wire_shape::integer ||
                       Member::shape == wire_shape::long_integer) {
    return std::to_string(v);
  } else if constexpr (Member::shape == wire_shape::string_list) {
    std::string out = "[";
    bool first = true;
    for (const auto& item : v) {
      out += (first ? "" : ", ") + text_of<Traits>(item);
      first = false;
    }
    return out + "]";
  } else if constexpr (Member::shape == wire_shape::date) {
    std::ostringstream text;
    text << v;
    return text.str();
  } else if constexpr (Member::shape == wire_shape::tag_list) {
    return tag_list(v);
  } else if constexpr (Member::shape == wire_shape::filter_list) {
    return filter_list(v);
  } else if constexpr (Member::shape == wire_shape::replica_regions) {
    return replica_region_list(v);
  } else if constexpr (Member::shape == wire_shape::rotation_rules) {
    return rules_text(v);
  } else if constexpr (Member::shape == wire_shape::sort_order) {
    return v == sort_order::asc ? "asc" : "desc";
  } else if constexpr (Member::shape == wire_shape::exception_name) {
    return std::string(exception_name(v));
  } else if constexpr (Member::shape == wire_shape::stages_map) {
    std::string out = "{";
    for (std::size_t i = 0; i < v.size(); ++i)
      out += (i ? ", " : "") + text_of<Traits>(v[i].version_id) + ": " +
             label_list<Traits>(v[i].version_stages);
    return out + "}";
  } else if constexpr (Member::shape == wire_shape::structure_list) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + printed_structure<Traits>(v[i]);
    return out + "]";
  } else {
    static_assert(Member::shape != Member::shape, "no printed form for this shape");
  }
}

/// `Name=value` for a member that is set: an optional when present, a flag when it differs from
/// the request's default, anything else always; ignored members never. A response's secret value
/// is named after what it holds (SecretString or SecretBinary).
template <class Traits, class Member, class Request>
void print_member(std::ostream& os, bool& first, const Request& r) {
  if constexpr (!Member::is_ignored) {
    const auto& field = r.*Member::pointer;
    using field_type = std::remove_cvref_t<decltype(field)>;
    if constexpr (Member::shape == wire_shape::secret_value) {
      if (field)
        print_field(os, first, field->is_string() ? "SecretString" : "SecretBinary", *field);
    } else if constexpr (is_optional<field_type>) {
      if (field) print_field(os, first, Member::name, printed<Traits, Member>(*field));
    } else if constexpr (std::is_same_v<field_type, bool>) {
      print_flag(os, first, Member::name, field, Request{}.*Member::pointer);
    } else if constexpr ((Member::flags & unless_empty) != 0) {
      if (!field.empty()) print_field(os, first, Member::name, printed<Traits, Member>(field));
    } else {
      print_field(os, first, Member::name, printed<Traits, Member>(field));
    }
  }
}

/// Every member in the description's order, except that a secret's value prints SecretString
/// before SecretBinary (the model's order has SecretBinary first), and members flagged
/// `printed_last` come after the others, as they always have.
template <class Traits, class Request, class... Member>
void print_members(std::ostream& os, const Request& r, type_list<Member...>) {
  bool first = true;
  void (*deferred)(std::ostream&, bool&, const Request&) = nullptr;
  [[maybe_unused]] const auto print = [&](auto member) {  // unused for a response without members
    using M = decltype(member);
    if constexpr ((M::flags & printed_last) != 0) {
    } else if constexpr (M::shape == wire_shape::blob && M::is_redacted) {
      deferred = &print_member<Traits, M, Request>;
    } else {
      print_member<Traits, M>(os, first, r);
      if (deferred != nullptr) std::exchange(deferred, nullptr)(os, first, r);
    }
  };
  (print(Member{}), ...);
  if (deferred != nullptr) deferred(os, first, r);
  [[maybe_unused]] const auto print_last = [&](auto member) {
    using M = decltype(member);
    if constexpr ((M::flags & printed_last) != 0) print_member<Traits, M>(os, first, r);
  };
  (print_last(Member{}), ...);
}

/// The printed text of the member of `x` named `name`; nothing for an absent optional.
template <class Traits, class T, class... Member>
std::optional<std::string> member_text(const T& x, std::string_view name, type_list<Member...>) {
  std::optional<std::string> out;
  [[maybe_unused]] const auto one = [&](auto member) {
    using M = decltype(member);
    if constexpr (!M::is_ignored) {
      if (M::name != name) return;
      const auto& field = x.*M::pointer;
      if constexpr (is_optional<std::remove_cvref_t<decltype(field)>>) {
        if (field) out = printed<Traits, M>(*field);
      } else {
        out = printed<Traits, M>(field);
      }
    }
  };
  (one(Member{}), ...);
  return out;
}

/// A structure in the form its description's `printed` spells: `{Member}` is that member's
/// printed text, other characters stand for themselves, and a `[…]` part is left out when a
/// member in it is absent.
template <class Traits, class T>
std::string formatted(const T& x, std::string_view form) {
  std::string out;
  std::size_t part = 0;  // where the current […] part began in `out`
  bool part_complete = true;
  for (std::size_t i = 0; i < form.size(); ++i) {
    if (form[i] == '[') {
      part = out.size();
      part_complete = true;
    } else if (form[i] == ']') {
      if (!part_complete) out.resize(part);
      part_complete = true;
    } else if (form[i] == '{') {
      const std::size_t end = form.find('}', i);
      const auto text = member_text<Traits>(x, form.substr(i + 1, end - i - 1), members_of<T>{});
      if (text) {
        out += *text;
      } else {
        part_complete = false;
      }
      i = end;
    } else {
      out += form[i];
    }
  }
  return out;
}

}  // namespace detail

namespace detail {
/// The AWS operation whose response is `Response`; empty for a type no operation answers.
template <class Response, class... Request>
constexpr std::string_view answered_operation(type_list<Request...>) noexcept {
  std::string_view out;
  (void)((std::is_same_v<typename description_of<Request>::response, Response> &&
          (out = description_of<Request>::operation, true)) ||
         ...);
  return out;
}
template <class Response, class Traits>
inline constexpr std::string_view response_operation =
    answered_operation<Response>(store_requests<Traits>{});
/// A response of one of the store's operations.
template <class Response, class Traits>
concept operation_response = secret_traits<Traits> &&
    (!response_operation<Response, Traits>.empty());

/// An entry of a list: a response of an operation as that response prints
/// (`GetSecretValueResponse{…}`), a structure whose description spells a `printed` form in that
/// form, any other structure as `{Member=value, …}`.
template <class Traits, class T>
std::string printed_structure(const T& x) {
  std::ostringstream os;
  if constexpr (operation_response<T, Traits>) {
    os << x;
  } else if constexpr (requires { description_of<T>::printed; }) {
    return formatted<Traits>(x, description_of<T>::printed);
  } else {
    os << '{';
    print_members<Traits>(os, x, members_of<T>{});
    os << '}';
  }
  return os.str();
}
}  // namespace detail

/// A request: `<Operation>{Member=value, …}` with AWS member names, unset members left out,
/// secret values redacted.
template <template <class> class Request, class Traits>
requires described<Request<Traits>> std::ostream& operator<<(std::ostream& os,
                                                             const Request<Traits>& r) {
  using description = description_of<Request<Traits>>;
  os << description::operation << '{';
  detail::print_members<Traits>(os, r, members_of<Request<Traits>>{});
  return os << '}';
}

template <class Traits>
std::ostream& operator<<(std::ostream& os, const basic_store_operation<Traits>& op) {
  std::visit([&](const auto& r) { os << r; }, static_cast<const detail::store_request_variant<Traits>&>(op));
  return os;
}


/// A response: `<Operation>Response{Member=value, …}` with AWS member names, in the order of its
/// description, unset members left out, secret values redacted.
template <template <class> class Response, class Traits>
requires detail::operation_response<Response<Traits>, Traits> std::ostream& operator<<(
    std::ostream& os, const Response<Traits>& r) {
  os << detail::response_operation<Response<Traits>, Traits> << "Response{";
  detail::print_members<Traits>(os, r, members_of<Response<Traits>>{});
  return os << '}';
}

/// A timestamp as epoch seconds with milliseconds, as the wire sends dates: `1700000000.250`.
inline std::ostream& operator<<(std::ostream& os, timestamp t) {
  const std::uint64_t ms = t.epoch_ms < 0 ? 0 - static_cast<std::uint64_t>(t.epoch_ms)
                                          : static_cast<std::uint64_t>(t.epoch_ms);
  const std::string fraction = std::to_string(ms % 1000);
  return os << (t.epoch_ms < 0 ? "-" : "") << ms / 1000 << '.'
            << std::string(3 - fraction.size(), '0') << fraction;
}

/// Never the value itself: `<redacted N bytes>`.
inline std::ostream& operator<<(std::ostream& os, const secret_value& v) {
  return os << "<redacted " << v.size() << " bytes>";
}

namespace detail {
template <class T>
std::string to_text(const T& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}
}  // namespace detail

template <class Traits>
std::ostream& operator<<(std::ostream& os, const basic_store_operation_response<Traits>& r) {
  std::visit([&](const auto& response) { os << response; },
             static_cast<const detail::store_response_variant<Traits>&>(r));
  return os;
}

/// A version: id, dates and the size of its value, never the value.
template <class Traits>
std::ostream& operator<<(std::ostream& os, const basic_version<Traits>& v) {
  os << "Version{" << Traits::text(v.id()) << ", created " << v.created_date();
  if (v.last_accessed_date()) os << ", accessed " << *v.last_accessed_date();
  if (v.value() != nullptr) return os << ", " << *v.value() << '}';
  return os << ", no value}";
}

/// A secret: its metadata, then each version with its labels, oldest first; values redacted.
template <class Traits>
std::ostream& operator<<(std::ostream& os, const basic_secret<Traits>& s) {
  bool first = true;
  os << "Secret{";
  detail::print_field(os, first, "Name", s.name());
  detail::print_field(os, first, "ARN", s.arn());
  if (!s.description().empty()) detail::print_field(os, first, "Description", '"' + s.description() + '"');
  detail::print_text(os, first, "KmsKeyId", s.kms_key_id());
  if (!s.tags().empty()) detail::print_field(os, first, "Tags", detail::tag_list(s.tags()));
  if (s.rotation_enabled()) detail::print_field(os, first, "RotationEnabled", "true");
  detail::print_text(os, first, "RotationLambdaARN", s.rotation_lambda_arn());
  if (s.rotation()) detail::print_field(os, first, "RotationRules", detail::rules_text(*s.rotation()));
  detail::print_field(os, first, "CreatedDate", s.created_date());
  detail::print_optional(os, first, "DeletedDate", s.deleted_date());
  std::string versions = "[";
  bool first_version = true;
  for (const auto* v : s.versions()) {
    std::vector<typename Traits::label_type> labels;
    for (const auto& [label, id] : s.stages())
      if (id == v->id()) labels.push_back(label);
    versions += (first_version ? "" : ", ") + detail::to_text(*v) + " " + detail::label_list<Traits>(labels);
    first_version = false;
  }
  detail::print_field(os, first, "Versions", versions + "]");
  return os << '}';
}

/// A store: every secret, by name; values redacted.
template <class Traits>
std::ostream& operator<<(std::ostream& os, const basic_store<Traits>& st) {
  os << "Store{";
  bool first = true;
  for (const auto* s : st.secrets()) {
    os << (first ? "" : ", ") << *s;
    first = false;
  }
  return os << '}';
}

template <class Traits>
std::ostream& operator<<(std::ostream& os, const basic_operation<Traits>& op) {
  std::visit([&](const auto& r) { os << r; }, op);
  return os;
}

/// The versions × labels table of a secret: one row per version, oldest first (deprecated
/// versions included and marked), one column per attached label, reserved labels first.
template <class Traits>
std::ostream& write_table(std::ostream& os, const basic_secret<Traits>& s) {
  using label_type = typename Traits::label_type;
  std::vector<label_type> columns;
  for (const auto& stage : s.stages()) columns.push_back(stage.first);
  if constexpr (Traits::has_reserved_labels) {
    auto rank = [](const label_type& l) {
      return Traits::is_current(l) ? 0 : Traits::is_previous(l) ? 1 : Traits::is_pending(l) ? 2 : 3;
    };
    std::stable_sort(columns.begin(), columns.end(),
                     [&](const label_type& a, const label_type& b) { return rank(a) < rank(b); });
  }
  std::vector<std::string> headers;
  for (const auto& l : columns) headers.emplace_back(Traits::text(l));
  std::size_t id_width = 7;
  for (const auto* v : s.versions()) {
    std::ostringstream id;
    id << Traits::text(v->id());
    id_width = std::max(id_width, id.str().size());
  }
  auto pad = [&](std::string text, std::size_t width) {
    text.resize(std::max(width, text.size()), ' ');
    return text;
  };
  // Lines are right-trimmed so the table diffs cleanly in golden files.
  auto emit = [&](std::string line) {
    line.erase(line.find_last_not_of(' ') + 1);
    os << line << '\n';
  };
  std::string line = pad("version", id_width);
  for (const auto& h : headers) line += "  " + h;
  emit(line);
  for (const auto* v : s.versions()) {
    std::ostringstream id;
    id << Traits::text(v->id());
    line = pad(id.str(), id_width);
    for (std::size_t c = 0; c < columns.size(); ++c)
      line += "  " + pad(s.holder(columns[c]) == v ? "x" : "", headers[c].size());
    if (s.is_deprecated(v->id())) line += "  (deprecated)";
    if (v->is_placeholder()) line += "  (no value)";
    emit(line);
  }
  return os;
}

template <class Traits>
std::string format_table(const basic_secret<Traits>& s) {
  std::ostringstream os;
  write_table(os, s);
  return os.str();
}

/// ValidateResourcePolicy's answer: its findings each as `CheckName: ErrorMessage`.
template <class Traits>
std::ostream& operator<<(std::ostream& os, const basic_validate_resource_policy_response<Traits>& r) {
  bool first = true;
  os << "ValidateResourcePolicyResponse{";
  detail::print_field(os, first, "PolicyValidationPassed", detail::bool_text(r.policy_validation_passed));
  std::string errors = "[";
  for (std::size_t i = 0; i < r.validation_errors.size(); ++i)
    errors += (i ? ", " : "") + r.validation_errors[i].check_name + ": " + r.validation_errors[i].error_message;
  detail::print_field(os, first, "ValidationErrors", errors + "]");
  return os << '}';
}

}  // namespace secretstage

#endif  // SECRETSTAGE_IO_HPP
