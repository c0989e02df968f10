// Shared by the four resource-policy operation tests: documents and the texts they expect, typed
// from docs/resource-policies.md and docs/semantics.md#resource-policies (never from the library).
#ifndef SECRETSTAGE_TESTS_RESOURCE_POLICY_SUPPORT_HPP
#define SECRETSTAGE_TESTS_RESOURCE_POLICY_SUPPORT_HPP

#include <cstdint>
#include <string>

#include <secretstage/context.hpp>

namespace secretstage::testing::policy_text {

inline const std::string malformed = "This policy has invalid syntax.";
inline const std::string public_blocked =
    "You can't attach a resource-based policy that allows broad access to the secret.";
inline const std::string marked_for_deletion =
    "You can't perform this operation on the secret because it was marked for deletion.";
inline const std::string broad_access_text =
    "This resource policy grants broad access to your secret. Secrets Manager does not allow "
    "creating and applying such policies in the console.";
inline const std::string lockout_text =
    "Your requested changes will not allow you to manage this secret in the future.";

/// One account may read the secret: not public.
inline const std::string account_read =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
    R"("Principal":{"AWS":"arn:aws:iam::123456789012:root"},)"
    R"("Action":"secretsmanager:GetSecretValue","Resource":"*"}]})";
/// Everyone may read the secret (LocalStack's AWS-validated test_resource_policy): public.
inline const std::string everyone_read =
    "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": "
    "\"*\", \"Action\": \"secretsmanager:GetSecretValue\", \"Resource\": \"*\"}]\n}";
/// Everyone, but only from one account: not public.
inline const std::string everyone_from_account =
    R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*",)"
    R"("Action":"secretsmanager:GetSecretValue","Resource":"*",)"
    R"("Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}})";
/// The User Guide's lockout example.
inline const std::string lockout =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",)"
    R"("Action":"secretsmanager:*","Resource":"*"}]})";

inline context at_ms(std::int64_t ms) {
  context c;
  c.now = timestamp{ms};
  return c;
}
inline constexpr std::int64_t t0 = 1'800'000'000'000;

}  // namespace secretstage::testing::policy_text

#endif
