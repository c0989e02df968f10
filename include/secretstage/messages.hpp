#ifndef SECRETSTAGE_MESSAGES_HPP
#define SECRETSTAGE_MESSAGES_HPP

// Every error the library returns is built here, and only here, so that each text can be checked
// against the evidence (../shared/spec/aws-semantics.md, decisions.md) and corrected in one line.
// Evidence tags:
//   [OBS]        observed on real AWS
//   [unverified] the ruling of decisions.md where no recording exists; correct when evidence appears
// Two messages use a typographic apostrophe (U+2019) because AWS's recorded text does.

#include <cstddef>
#include <string>
#include <string_view>

#include "error.hpp"

namespace secretstage::messages {

namespace detail {
inline std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (auto p : parts) size += p.size();
  std::string out;
  out.reserve(size);
  for (auto p : parts) out.append(p);
  return out;
}
}  // namespace detail

// ---- request shape ------------------------------------------------------------------------

/// [OBS] AWS's standard constraint text (cluster-api-provider-aws #1531); member in lowerCamelCase.
inline error length_at_most(std::string_view member, std::size_t max) {
  return {errc::validation,
          detail::concat({"1 validation error detected: Value at '", member,
                          "' failed to satisfy constraint: Member must have length less than or "
                          "equal to ",
                          std::to_string(max)})};
}

/// [OBS] same template as length_at_most.
inline error length_at_least(std::string_view member, std::size_t min) {
  return {errc::validation,
          detail::concat({"1 validation error detected: Value at '", member,
                          "' failed to satisfy constraint: Member must have length greater than "
                          "or equal to ",
                          std::to_string(min)})};
}

/// [OBS] localstack test_invalid_secret_name (the list includes '!', the documentation does not).
inline error invalid_name() {
  return {errc::validation,
          "Invalid name. Must be a valid name containing alphanumeric characters, or any of the "
          "following: -/_+=.@!"};
}

/// [OBS] raw HTTP without ClientRequestToken: CreateSecret (with a value), PutSecretValue,
/// UpdateSecret (with a value).
inline error missing_client_request_token() {
  return {errc::invalid_request,
          "You must provide a ClientRequestToken value. We recommend a UUID-type value."};
}

/// [OBS] the same text as InvalidParameterException, for RotateSecret.
inline error missing_client_request_token_rotate() {
  return {errc::invalid_parameter,
          "You must provide a ClientRequestToken value. We recommend a UUID-type value."};
}

/// [OBS] aws-sdk-java #1556 (typographic apostrophe in "can’t").
inline error both_secret_string_and_binary() {
  return {errc::invalid_parameter,
          "You can\u2019t specify both a binary secret value and a string secret value in the "
          "same secret."};
}

/// [unverified] PutSecretValue with neither SecretString nor SecretBinary.
inline error missing_secret_value() {
  return {errc::invalid_request, "You must provide either SecretString or SecretBinary."};
}

// ---- secret resolution and state --------------------------------------------------------------

/// [OBS] localstack test_secret_not_found.
inline error secret_not_found() {
  return {errc::resource_not_found, "Secrets Manager can't find the specified secret."};
}

/// [OBS] TagResource/UntagResource (2026); decisions.md applies it to every operation refused on
/// a secret scheduled for deletion.
inline error marked_for_deletion() {
  return {errc::invalid_request,
          "You can't perform this operation on the secret because it was marked for deletion."};
}

// ---- version creation -------------------------------------------------------------------------

/// [OBS] moto @aws_verified tests (same token, different value).
inline error client_request_token_in_use(std::string_view token, std::string_view arn) {
  return {errc::resource_exists,
          detail::concat({"You can't use ClientRequestToken ", token,
                          " because that value is already in use for a version of secret ", arn,
                          "."})};
}

/// [OBS] CreateSecret on a live name.
inline error secret_already_exists(std::string_view name) {
  return {errc::resource_exists,
          detail::concat({"The operation failed because the secret ", name, " already exists."})};
}

/// [OBS] CreateSecret on a name scheduled for deletion.
inline error name_scheduled_for_deletion() {
  return {errc::invalid_request,
          "You can't create this secret because a secret with this name is already scheduled for "
          "deletion."};
}

// ---- UpdateSecretVersionStage -----------------------------------------------------------------

/// [unverified] neither MoveToVersionId nor RemoveFromVersionId.
inline error move_or_remove_required() {
  return {errc::invalid_parameter, "You must specify MoveToVersionId or RemoveFromVersionId."};
}

/// [unverified] a MoveToVersionId or RemoveFromVersionId that names no version of the secret.
inline error version_not_in_secret(std::string_view version_id, std::string_view name) {
  return {errc::invalid_parameter,
          detail::concat({"The version ", version_id, " doesn't exist in secret ", name, "."})};
}

/// [OBS for AWSCURRENT; decisions.md uses the same template for every label].
inline error remove_from_version_id_required(std::string_view label,
                                             std::string_view holder_version_id) {
  return {errc::invalid_parameter,
          detail::concat({"The parameter RemoveFromVersionId can't be empty. Staging label ", label,
                          " is currently attached to version ", holder_version_id,
                          ", so you must explicitly reference that version in "
                          "RemoveFromVersionId."})};
}

/// [unverified] RemoveFromVersionId does not hold the label (it is elsewhere or nowhere).
inline error remove_from_version_id_mismatch(std::string_view label) {
  return {errc::invalid_parameter,
          detail::concat({"When you move staging label ", label,
                          ", if you specify RemoveFromVersionId, it must be set to the version "
                          "that currently has the staging label ",
                          label, "."})};
}

/// [OBS, medium] terraform-provider-aws quoting AWS (typographic apostrophe in "can’t").
inline error awscurrent_cannot_be_removed() {
  return {errc::invalid_parameter,
          "You can only move staging label AWSCURRENT to a different secret version. It "
          "can\u2019t be completely removed."};
}

/// [unverified] more distinct staging labels attached across the secret than the quota.
inline error label_quota_exceeded(std::size_t quota) {
  return {errc::limit_exceeded,
          detail::concat({"You have exceeded the maximum number of staging labels (",
                          std::to_string(quota), ") that you can attach to a secret."})};
}

}  // namespace secretstage::messages

#endif  // SECRETSTAGE_MESSAGES_HPP
