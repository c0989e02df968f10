#ifndef SECRETSTAGE_TOOLS_ROTATION_FUNCTION_SPEC_HPP
#define SECRETSTAGE_TOOLS_ROTATION_FUNCTION_SPEC_HPP

// The command-line form of a built-in rotation function, shared by secretstage-replay and
// secretstage-server (`--rotation-function SPEC`). A program's concern, not the library's: the
// library takes `builtin_rotation_function` values in `service_options`.

#include <optional>
#include <string>
#include <string_view>

#include <secretstage/service.hpp>

namespace secretstage::tools {

/// A built-in rotation function as given on a command line: `ARN=remove-pending` or
/// `ARN=keep-pending`, optionally followed by `,value=TEXT` (TEXT is the rest of the argument,
/// commas included, so that any SecretString can be given).
struct rotation_function_spec {
  std::string arn;
  builtin_rotation_function function;

  friend bool operator==(const rotation_function_spec&, const rotation_function_spec&) = default;
};

/// Parses a `rotation_function_spec`; std::nullopt when the text has another form (no `=`, an
/// empty ARN, an unknown variant, or something other than `,value=` after it), which the programs
/// report as a usage error.
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

}  // namespace secretstage::tools

#endif  // SECRETSTAGE_TOOLS_ROTATION_FUNCTION_SPEC_HPP
