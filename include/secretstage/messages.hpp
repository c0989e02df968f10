#ifndef SECRETSTAGE_MESSAGES_HPP
#define SECRETSTAGE_MESSAGES_HPP

// Every error the library returns is built here, and only here, so that each text can be checked
// against the evidence (docs/semantics.md gives each one's source) and corrected in one line.
// Evidence tags:
//   [OBS]        observed on real AWS
//   [unverified] a ruling (docs/semantics.md, marked Ruling) where no recording exists; correct
//                when evidence appears
// Two messages use a typographic apostrophe (U+2019) because AWS's recorded text does.

#include <cstddef>
#include <string>
#include <string_view>

#include "detail/deferred.hpp"
#include "error.hpp"

namespace secretstage::messages {

namespace detail {
using secretstage::detail::deferred_t;

inline std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (auto p : parts) size += p.size();
  std::string out;
  out.reserve(size);
  for (auto p : parts) out.append(p);
  return out;
}
}  // namespace detail

// Each message is a template over an unused D (always void) returning detail::deferred_t<error, D>
// (detail/deferred.hpp), so that a translation unit builds only the messages it uses; callers
// write messages::name(...) as before.

// ---- request shape ------------------------------------------------------------------------

/// [OBS] AWS's standard constraint text (cluster-api-provider-aws #1531); member in lowerCamelCase.
template <class D = void>
detail::deferred_t<error, D> length_at_most(std::string_view member, std::size_t max) {
  return {errc::validation,
          detail::concat({"1 validation error detected: Value at '", member,
                          "' failed to satisfy constraint: Member must have length less than or "
                          "equal to ",
                          std::to_string(max)})};
}

/// [OBS] same template as length_at_most.
template <class D = void>
detail::deferred_t<error, D> length_at_least(std::string_view member, std::size_t min) {
  return {errc::validation,
          detail::concat({"1 validation error detected: Value at '", member,
                          "' failed to satisfy constraint: Member must have length greater than "
                          "or equal to ",
                          std::to_string(min)})};
}

/// [OBS] localstack test_invalid_secret_name (the list includes '!', the documentation does not).
template <class D = void>
detail::deferred_t<error, D> invalid_name() {
  return {errc::validation,
          "Invalid name. Must be a valid name containing alphanumeric characters, or any of the "
          "following: -/_+=.@!"};
}

/// [OBS] raw HTTP without ClientRequestToken: CreateSecret (with a value), PutSecretValue,
/// UpdateSecret (with a value).
template <class D = void>
detail::deferred_t<error, D> missing_client_request_token() {
  return {errc::invalid_request,
          "You must provide a ClientRequestToken value. We recommend a UUID-type value."};
}

/// [OBS] the same text as InvalidParameterException, for RotateSecret.
template <class D = void>
detail::deferred_t<error, D> missing_client_request_token_rotate() {
  return {errc::invalid_parameter,
          "You must provide a ClientRequestToken value. We recommend a UUID-type value."};
}

/// [OBS] aws-sdk-java #1556 (typographic apostrophe in "can’t").
template <class D = void>
detail::deferred_t<error, D> both_secret_string_and_binary() {
  return {errc::invalid_parameter,
          "You can\u2019t specify both a binary secret value and a string secret value in the "
          "same secret."};
}

/// [unverified] PutSecretValue with neither SecretString nor SecretBinary.
template <class D = void>
detail::deferred_t<error, D> missing_secret_value() {
  return {errc::invalid_request, "You must provide either SecretString or SecretBinary."};
}

// ---- secret resolution and state --------------------------------------------------------------

/// [OBS] localstack test_secret_not_found.
template <class D = void>
detail::deferred_t<error, D> secret_not_found() {
  return {errc::resource_not_found, "Secrets Manager can't find the specified secret."};
}

// ---- replication (docs/semantics.md#replication) ------------------------------------------------

/// [OBS] real AWS's answer to a write to a replica (DeleteSecret, PutResourcePolicy; recorded
/// by cloud-nuke #435 and terraform-aws-secrets-manager #188: InvalidParameterException).
template <class D = void>
detail::deferred_t<error, D> replica_write() {
  return {errc::invalid_parameter,
          "Operation not permitted on a replica secret. Call must be made in primary secret's "
          "region."};
}

/// [OBS] DeleteSecret of a primary that still has replicas (cloud-nuke #435:
/// InvalidParameterException, the Regions listed in brackets); the Regions' order (sorted by
/// name, as the recorded list is) is [unverified].
template <class D = void>
detail::deferred_t<error, D> delete_primary_with_replicas(std::string_view arn, std::string_view regions) {
  return {errc::invalid_parameter,
          detail::concat({"You can't delete secret ", arn, " that still has replica regions [",
                          regions, "]."})};
}

/// [OBS] a replica Region that is the secret's own Region (CreateSecret AddReplicaRegions;
/// aws-samples/aws-health-aware #32); the same for ReplicateSecretToRegions is [unverified].
template <class D = void>
detail::deferred_t<error, D> invalid_replica_region() {
  return {errc::invalid_parameter, "Invalid replica region."};
}

/// [unverified] StopReplicationToReplica on a secret that is not a replica.
template <class D = void>
detail::deferred_t<error, D> not_a_replica() {
  return {errc::invalid_parameter, "The secret is not a replica secret."};
}

/// [unverified] RemoveRegionsFromReplication naming a Region the secret is not replicated to,
/// and ReplicateSecretToRegions naming one it already is.
template <class D = void>
detail::deferred_t<error, D> replica_region_not_listed(std::string_view region) {
  return {errc::invalid_parameter,
          detail::concat({"The secret isn't replicated to the Region ", region, "."})};
}
template <class D = void>
detail::deferred_t<error, D> replica_region_listed(std::string_view region) {
  return {errc::invalid_parameter,
          detail::concat({"The secret is already replicated to the Region ", region, "."})};
}

/// The StatusMessage of a replication that failed because the Region has a secret of that name
/// and ForceOverwriteReplicaSecret was not given: the API reference's example text for
/// ReplicationStatusType.StatusMessage [API]; that AWS sends exactly it is [unverified].
inline constexpr std::string_view replica_name_taken = "Secret with this name already exists in this region";

/// [OBS] TagResource/UntagResource (2026); [OBS/INF] GetResourcePolicy and DeleteResourcePolicy
/// (Terraform's provider matches this text from them); by ruling, every operation refused on a
/// secret scheduled for deletion uses it (docs/semantics.md#validation), [unverified] for
/// PutResourcePolicy and ValidateResourcePolicy with a SecretId (docs/semantics.md#resource-policies).
template <class D = void>
detail::deferred_t<error, D> marked_for_deletion() {
  return {errc::invalid_request,
          "You can't perform this operation on the secret because it was marked for deletion."};
}

// ---- version creation -------------------------------------------------------------------------

/// [OBS] moto @aws_verified tests (same token, different value).
template <class D = void>
detail::deferred_t<error, D> client_request_token_in_use(std::string_view token, std::string_view arn) {
  return {errc::resource_exists,
          detail::concat({"You can't use ClientRequestToken ", token,
                          " because that value is already in use for a version of secret ", arn,
                          "."})};
}

/// [OBS] CreateSecret on a live name.
template <class D = void>
detail::deferred_t<error, D> secret_already_exists(std::string_view name) {
  return {errc::resource_exists,
          detail::concat({"The operation failed because the secret ", name, " already exists."})};
}

/// [OBS] CreateSecret on a name scheduled for deletion.
template <class D = void>
detail::deferred_t<error, D> name_scheduled_for_deletion() {
  return {errc::invalid_request,
          "You can't create this secret because a secret with this name is already scheduled for "
          "deletion."};
}

// ---- UpdateSecretVersionStage -----------------------------------------------------------------

/// [unverified] neither MoveToVersionId nor RemoveFromVersionId.
template <class D = void>
detail::deferred_t<error, D> move_or_remove_required() {
  return {errc::invalid_parameter, "You must specify MoveToVersionId or RemoveFromVersionId."};
}

/// [unverified] a MoveToVersionId or RemoveFromVersionId that names no version of the secret.
template <class D = void>
detail::deferred_t<error, D> version_not_in_secret(std::string_view version_id, std::string_view name) {
  return {errc::invalid_parameter,
          detail::concat({"The version ", version_id, " doesn't exist in secret ", name, "."})};
}

/// [OBS for AWSCURRENT; by ruling the same template for every label,
/// docs/semantics.md#updatesecretversionstage].
template <class D = void>
detail::deferred_t<error, D> remove_from_version_id_required(std::string_view label,
                                                     std::string_view holder_version_id) {
  return {errc::invalid_parameter,
          detail::concat({"The parameter RemoveFromVersionId can't be empty. Staging label ", label,
                          " is currently attached to version ", holder_version_id,
                          ", so you must explicitly reference that version in "
                          "RemoveFromVersionId."})};
}

/// [unverified] RemoveFromVersionId does not hold the label (it is elsewhere or nowhere).
template <class D = void>
detail::deferred_t<error, D> remove_from_version_id_mismatch(std::string_view label) {
  return {errc::invalid_parameter,
          detail::concat({"When you move staging label ", label,
                          ", if you specify RemoveFromVersionId, it must be set to the version "
                          "that currently has the staging label ",
                          label, "."})};
}

/// [OBS, medium] terraform-provider-aws quoting AWS (typographic apostrophe in "can’t").
template <class D = void>
detail::deferred_t<error, D> awscurrent_cannot_be_removed() {
  return {errc::invalid_parameter,
          "You can only move staging label AWSCURRENT to a different secret version. It "
          "can\u2019t be completely removed."};
}

/// [unverified] more distinct staging labels attached across the secret than the quota.
template <class D = void>
detail::deferred_t<error, D> label_quota_exceeded(std::size_t quota) {
  return {errc::limit_exceeded,
          detail::concat({"You have exceeded the maximum number of staging labels (",
                          std::to_string(quota), ") that you can attach to a secret."})};
}

// ---- numeric ranges -----------------------------------------------------------------------------

/// [OBS format] AWS's standard range text, e.g. MaxResults 0 ("Member must have value greater than
/// or equal to 1"). Unlike the length text it quotes the value, as AWS does for numbers.
template <class D = void>
detail::deferred_t<error, D> value_at_least(std::string_view member, long long value, long long min) {
  return {errc::validation,
          detail::concat({"1 validation error detected: Value '", std::to_string(value), "' at '",
                          member, "' failed to satisfy constraint: Member must have value greater "
                          "than or equal to ", std::to_string(min)})};
}

/// [OBS format] see value_at_least.
template <class D = void>
detail::deferred_t<error, D> value_at_most(std::string_view member, long long value, long long max) {
  return {errc::validation,
          detail::concat({"1 validation error detected: Value '", std::to_string(value), "' at '",
                          member, "' failed to satisfy constraint: Member must have value less than "
                          "or equal to ", std::to_string(max)})};
}

// ---- reads --------------------------------------------------------------------------------------

/// [OBS] GetSecretValue: no version carries the label (the default AWSCURRENT included), or the
/// version with that label has no value yet (a rotation placeholder; aws-sdk-js-v3 #7701).
template <class D = void>
detail::deferred_t<error, D> no_value_for_stage(std::string_view label) {
  return {errc::resource_not_found,
          detail::concat({"Secrets Manager can't find the specified secret value for staging label: ",
                          label})};
}

/// [OBS] GetSecretValue: no such VersionId. [unverified] also used for a placeholder read by id.
template <class D = void>
detail::deferred_t<error, D> no_value_for_version(std::string_view version_id) {
  return {errc::resource_not_found,
          detail::concat({"Secrets Manager can't find the specified secret value for VersionId: ",
                          version_id})};
}

/// [OBS] GetSecretValue: VersionId and VersionStage name different versions.
template <class D = void>
detail::deferred_t<error, D> stage_not_on_version() {
  return {errc::invalid_request,
          "You provided a VersionStage that is not associated to the provided VersionId."};
}

/// [unverified] a NextToken this store did not issue, or one that no longer fits the listing.
template <class D = void>
detail::deferred_t<error, D> invalid_next_token() {
  return {errc::invalid_next_token, "The NextToken value is invalid."};
}

/// [unverified, moto's text] BatchGetSecretValue with both or neither of SecretIdList and Filters.
template <class D = void>
detail::deferred_t<error, D> batch_ids_or_filters() {
  return {errc::invalid_parameter,
          "Either 'SecretIdList' or 'Filters' must be provided, but not both."};
}

/// [unverified, moto's text] BatchGetSecretValue with MaxResults but no Filters.
template <class D = void>
detail::deferred_t<error, D> batch_max_results_needs_filters() {
  return {errc::invalid_parameter,
          "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is "
          "provided."};
}

/// [unverified; not an AWS case] GetSecretValue with neither VersionId nor VersionStage in a domain
/// without reserved labels (no AWSCURRENT to default to). AWS itself never returns it.
template <class D = void>
detail::deferred_t<error, D> version_selector_required() {
  return {errc::invalid_parameter, "You must specify VersionId or VersionStage."};
}

// ---- rotation -----------------------------------------------------------------------------------

/// [OBS] terraform-provider-aws #35023, aws-cdk #28539.
template <class D = void>
detail::deferred_t<error, D> rotation_in_progress() {
  return {errc::invalid_request,
          "A previous rotation isn't complete. That rotation will be reattempted."};
}

/// [OBS] localstack test_first_rotate_secret_with_missing_lambda_arn.
template <class D = void>
detail::deferred_t<error, D> no_rotation_function() {
  return {errc::invalid_request, "No Lambda rotation function ARN is associated with this secret."};
}

/// [OBS] localstack test_rotate_secret_invalid_lambda_arn (HTTP 400).
template <class D = void>
detail::deferred_t<error, D> cannot_invoke_rotation_function() {
  return {errc::access_denied,
          "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function "
          "policy grants access to the principal secretsmanager.amazonaws.com."};
}

/// [OBS] terraform-provider-aws #30540, #33329 (users quoting AWS): RotationRules with both
/// AutomaticallyAfterDays and ScheduleExpression.
template <class D = void>
detail::deferred_t<error, D> rotation_frequency_and_schedule() {
  return {errc::invalid_parameter,
          "You cannot specify both rotation frequency and schedule expression together."};
}

/// [unverified] RotationRules with neither AutomaticallyAfterDays nor ScheduleExpression (ruling).
template <class D = void>
detail::deferred_t<error, D> rotation_schedule_required() {
  return {errc::invalid_parameter,
          "You must specify either AutomaticallyAfterDays or ScheduleExpression."};
}

/// [unverified] a ScheduleExpression that is neither a rate() nor a cron() Secrets Manager
/// accepts (docs/rotation-schedules.md lists the syntax); no recording of AWS's text exists.
template <class D = void>
detail::deferred_t<error, D> invalid_schedule_expression(std::string_view expression) {
  return {errc::invalid_parameter,
          detail::concat({"The schedule expression ", expression, " isn't valid."})};
}

/// [unverified] windows less than four hours apart ("You can rotate a secret as often as every
/// four hours", User Guide, rotate-secrets_schedule).
template <class D = void>
detail::deferred_t<error, D> rotation_too_frequent() {
  return {errc::invalid_parameter, "You can't rotate a secret more often than every four hours."};
}

/// [unverified] a rate longer than 999 days ("The maximum rotation period is 999 days").
template <class D = void>
detail::deferred_t<error, D> rotation_period_too_long() {
  return {errc::invalid_parameter, "The rotation period can't be longer than 999 days."};
}

/// [unverified] a Duration that is not 1h–24h (the window is "as small as one hour" and must not
/// pass the end of the UTC day).
template <class D = void>
detail::deferred_t<error, D> invalid_rotation_duration(std::string_view duration) {
  return {errc::invalid_parameter,
          detail::concat({"The rotation window duration ", duration,
                          " isn't valid. Specify a duration from 1h to 24h."})};
}

/// [unverified] the window's start hour plus Duration is more than 24 ("The rotation window must
/// not extend into the next UTC day", RotationRulesType).
template <class D = void>
detail::deferred_t<error, D> rotation_window_past_day_end() {
  return {errc::invalid_parameter, "The rotation window must not extend into the next UTC day."};
}

/// [unverified] Duration longer than the time between two windows ("The rotation window must not
/// extend into the next rotation window", RotationRulesType).
template <class D = void>
detail::deferred_t<error, D> rotation_window_overlaps_next() {
  return {errc::invalid_parameter,
          "The rotation window must not extend into the next rotation window."};
}

/// [unverified] AWS's standard text for a pattern constraint, not recorded for this API
/// (RotationRules.Duration, RotationRules.ScheduleExpression); member in lowerCamelCase.
template <class D = void>
detail::deferred_t<error, D> pattern_mismatch(std::string_view member, std::string_view value,
                                      std::string_view pattern) {
  return {errc::validation,
          detail::concat({"1 validation error detected: Value '", value, "' at '", member,
                          "' failed to satisfy constraint: Member must satisfy regular expression "
                          "pattern: ",
                          pattern})};
}

// ---- deletion -----------------------------------------------------------------------------------

/// [OBS] moto #6461 (a user running it against AWS).
template <class D = void>
detail::deferred_t<error, D> recovery_window_out_of_range() {
  return {errc::invalid_parameter,
          "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."};
}

/// [unverified] RecoveryWindowInDays together with ForceDeleteWithoutRecovery.
template <class D = void>
detail::deferred_t<error, D> force_delete_with_recovery_window() {
  return {errc::invalid_parameter,
          "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."};
}

// ---- GetRandomPassword --------------------------------------------------------------------------

/// [unverified] every character class excluded, or nothing left to draw from.
template <class D = void>
detail::deferred_t<error, D> password_no_characters() {
  return {errc::invalid_parameter,
          "The password cannot be generated because every character type was excluded."};
}

/// [unverified] RequireEachIncludedType with a length shorter than the number of included types.
template <class D = void>
detail::deferred_t<error, D> password_too_short_for_types() {
  return {errc::invalid_parameter,
          "The password length is too short to include a character of each required type."};
}

// ---- the wire (aws_json.hpp) ----------------------------------------------------------------------
// AWS's JSON 1.1 front end (Coral) reads the whole body before the service sees it; what it cannot
// read is a SerializationException. No recording of these from Secrets Manager exists: the texts
// are those recorded from DynamoDB, which sits behind the same deserializer (dynalite's
// test/helpers.js assertType, run against AWS), and are tagged [unverified for Secrets Manager].
// Exceptions without a message are sent with no Message member (error_body).

/// [OBS DynamoDB and Kinesis answer an unparseable body with no message] a body that is not one
/// JSON value: a syntax error, truncation, invalid UTF-8, or nesting deeper than the adapter reads.
template <class D = void>
detail::deferred_t<error, D> malformed_body() {
  return {errc::serialization, ""};
}

/// [OBS DynamoDB and Kinesis answer with no message] an X-Amz-Target naming no operation.
template <class D = void>
detail::deferred_t<error, D> unknown_operation() {
  return {errc::unknown_operation, ""};
}

/// [unverified for Secrets Manager] a scalar of the wrong type, e.g. "NUMBER_VALUE cannot be
/// converted to String" (token: NUMBER_VALUE, DECIMAL_VALUE, STRING_VALUE, TRUE_VALUE, FALSE_VALUE).
template <class D = void>
detail::deferred_t<error, D> cannot_convert(std::string_view token, std::string_view type) {
  return {errc::serialization, detail::concat({token, " cannot be converted to ", type})};
}

/// [unverified for Secrets Manager] a string where a boolean is expected.
template <class D = void>
detail::deferred_t<error, D> unexpected_token() {
  return {errc::serialization, "Unexpected token received from parser"};
}

/// [unverified for Secrets Manager] an array where a scalar or a structure is expected; the Java
/// class of the expected type, e.g. "java.lang.String".
template <class D = void>
detail::deferred_t<error, D> unrecognized_collection(std::string_view java_class) {
  return {errc::serialization, detail::concat({"Unrecognized collection type class ", java_class})};
}

/// [unverified for Secrets Manager] an object where anything but a structure is expected.
template <class D = void>
detail::deferred_t<error, D> unexpected_structure() {
  return {errc::serialization, "Start of structure or map found where not expected"};
}

/// [unverified for Secrets Manager] a scalar where a list or a structure is expected.
template <class D = void>
detail::deferred_t<error, D> unexpected_field_type() {
  return {errc::serialization, "Unexpected field type"};
}

/// [unverified for Secrets Manager] a number or boolean where a blob (base64 text) is expected.
template <class D = void>
detail::deferred_t<error, D> not_base64() {
  return {errc::serialization, "only base-64-encoded strings are convertible to bytes"};
}

/// [unverified for Secrets Manager] base64 whose length is not a multiple of 4.
template <class D = void>
detail::deferred_t<error, D> base64_length(std::size_t length) {
  return {errc::serialization,
          detail::concat({"Base64 encoded length is expected a multiple of 4 bytes but found: ",
                          std::to_string(length)})};
}

/// [unverified for Secrets Manager] base64 whose last character before the padding has bits the
/// decoded bytes do not use. The misspelling "dectected" is AWS's.
template <class D = void>
detail::deferred_t<error, D> base64_last_character() {
  return {errc::serialization, "Invalid last non-pad Base64 character dectected"};
}

/// [unverified] a character outside the base64 alphabet. No current recording; this is the tail
/// of DynamoDB's older text ("'<value>' can not be converted to a Blob: Invalid Base64
/// character: 'c'"), without the echo of the value, which would be the secret.
template <class D = void>
detail::deferred_t<error, D> base64_character(std::string_view character) {
  return {errc::serialization,
          detail::concat({"Invalid Base64 character: '", character, "'"})};
}

/// [OBS] a required member that is absent or null, one violation of validation_failed
/// (aws-sdk-kotlin #1469: "Value null at 'secretId' failed to satisfy constraint: Member must not
/// be null" from Secrets Manager). [unverified] also used for a null element of a list
/// ("versionStages.2.member") and for a structure member the model needs (Filter.Key).
template <class D = void>
detail::deferred_t<std::string, D> null_violation(std::string_view member) {
  return detail::concat({"Value null at '", member,
                         "' failed to satisfy constraint: Member must not be null"});
}

/// [OBS format, AWS's enum constraint text] one violation of validation_failed; `allowed` is the
/// model's value set, comma-separated ("asc, desc").
template <class D = void>
detail::deferred_t<std::string, D> enum_violation(std::string_view member, std::string_view value,
                                          std::string_view allowed) {
  return detail::concat({"Value '", value, "' at '", member,
                         "' failed to satisfy constraint: Member must satisfy enum value set: [",
                         allowed, "]"});
}

/// [OBS format] every constraint violation of a request, as AWS reports them together:
/// "1 validation error detected: <v>" or "2 validation errors detected: <v1>; <v2>".
template <class Range>
error validation_failed(const Range& violations) {
  std::size_t n = 0;
  std::string joined;
  for (const auto& v : violations) {
    if (n++ != 0) joined.append("; ");
    joined.append(v);
  }
  return {errc::validation, detail::concat({std::to_string(n), n == 1 ? " validation error" :
                                            " validation errors", " detected: ", joined})};
}

// ---- the service around the model ---------------------------------------------------------------

/// [unverified] a failure inside the service itself (service.hpp: an exception such as memory
/// exhaustion), answered with HTTP 500. The text is the API reference's description of
/// InternalServiceError; no recorded message exists.
template <class D = void>
detail::deferred_t<error, D> internal_service_error() {
  return {errc::internal_service_error, "An error occurred on the server side."};
}

// ---- resource policies (policy.hpp) -------------------------------------------------------------
// Sources: the API model (botocore service-2.json: NonEmptyResourcePolicyType 1..20480, the
// exceptions of PutResourcePolicy and ValidateResourcePolicy), the archived User Guide page
// manage_secret-policy.md (awsdocs/aws-secrets-manager-docs @ 9cb4d407), and one recorded answer.
// docs/resource-policies.md lists every rule with its evidence.

/// [OBS] a policy document that is not a policy: awsdocs/aws-cloudformation-user-guide #623
/// (2020), PutResourcePolicy through CloudFormation with "Version": "2019-10-19". [unverified]
/// the same text for every other syntax failure (no JSON, a wrong member, a wrong type).
template <class D = void>
detail::deferred_t<error, D> malformed_policy() {
  return {errc::malformed_policy_document, "This policy has invalid syntax."};
}

/// [UG] PutResourcePolicy with BlockPublicPolicy and a policy that grants broad access; the
/// User Guide quotes the CLI's output, naming the exception "BlockPublicPolicyException", which
/// the API model does not have: the model's exception for this case is PublicPolicyException
/// ([ruling] the name from the model, the text from the guide).
template <class D = void>
detail::deferred_t<error, D> public_policy_blocked() {
  return {errc::public_policy,
          "You can't attach a resource-based policy that allows broad access to the secret."};
}

/// [unverified] the CheckName of ValidateResourcePolicy's broad-access finding: AWS publishes no
/// check names; this one is named after the User Guide's "Broad Access" case.
inline constexpr std::string_view broad_access_check = "BROAD_ACCESS";

/// [UG] the ErrorMessage of the broad-access finding, as the console shows it.
template <class D = void>
detail::deferred_t<std::string, D> broad_access_text() {
  return "This resource policy grants broad access to your secret. Secrets Manager does not allow "
         "creating and applying such policies in the console.";
}

/// [unverified] the CheckName of the lockout finding, named after the User Guide's "Lockout" case.
inline constexpr std::string_view lockout_check = "LOCKOUT";

/// [UG] the ErrorMessage of the lockout finding.
template <class D = void>
detail::deferred_t<std::string, D> lockout_text() {
  return "Your requested changes will not allow you to manage this secret in the future.";
}

}  // namespace secretstage::messages

#endif  // SECRETSTAGE_MESSAGES_HPP
