#ifndef SECRETSTAGE_TESTS_AWS_TEXT_HPP
#define SECRETSTAGE_TESTS_AWS_TEXT_HPP

// The error messages the tests expect, typed from docs/semantics.md (never from the library), so a
// wrong text in messages.hpp fails a test. Two of them contain a typographic apostrophe, U+2019, as
// AWS's recorded text does; it is written as \u2019 so that it cannot be confused with ' when read.

#include <cstddef>
#include <string>
#include <string_view>

namespace secretstage::testing::aws_text {

inline std::string at_most(std::string_view member, std::size_t n) {
  return "1 validation error detected: Value at '" + std::string(member) +
         "' failed to satisfy constraint: Member must have length less than or equal to " +
         std::to_string(n);
}
inline std::string at_least(std::string_view member, std::size_t n) {
  return "1 validation error detected: Value at '" + std::string(member) +
         "' failed to satisfy constraint: Member must have length greater than or equal to " +
         std::to_string(n);
}

inline const std::string invalid_name =
    "Invalid name. Must be a valid name containing alphanumeric characters, or any of the "
    "following: -/_+=.@!";
inline const std::string not_found = "Secrets Manager can't find the specified secret.";
inline const std::string missing_token =
    "You must provide a ClientRequestToken value. We recommend a UUID-type value.";
inline const std::string both_values =
    "You can\u2019t specify both a binary secret value and a string secret value in the same "
    "secret.";
inline const std::string no_value = "You must provide either SecretString or SecretBinary.";

inline std::string token_in_use(std::string_view token, std::string_view arn) {
  return "You can't use ClientRequestToken " + std::string(token) +
         " because that value is already in use for a version of secret " + std::string(arn) + ".";
}

// UpdateSecretVersionStage
inline const std::string move_or_remove = "You must specify MoveToVersionId or RemoveFromVersionId.";
inline std::string no_such_version(std::string_view id, std::string_view name) {
  return "The version " + std::string(id) + " doesn't exist in secret " + std::string(name) + ".";
}
inline std::string remove_from_required(std::string_view label, std::string_view holder) {
  return "The parameter RemoveFromVersionId can't be empty. Staging label " + std::string(label) +
         " is currently attached to version " + std::string(holder) +
         ", so you must explicitly reference that version in RemoveFromVersionId.";
}
inline std::string remove_from_mismatch(std::string_view label) {
  return "When you move staging label " + std::string(label) +
         ", if you specify RemoveFromVersionId, it must be set to the version that currently has "
         "the staging label " +
         std::string(label) + ".";
}
inline const std::string current_not_removable =
    "You can only move staging label AWSCURRENT to a different secret version. It can\u2019t be "
    "completely removed.";
inline const std::string label_quota =
    "You have exceeded the maximum number of staging labels (20) that you can attach to a secret.";

}  // namespace secretstage::testing::aws_text

#endif  // SECRETSTAGE_TESTS_AWS_TEXT_HPP
