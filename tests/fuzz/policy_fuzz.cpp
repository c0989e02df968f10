// Fuzz target of issue 15, item 2: arbitrary bytes as a resource policy document. The checks of
// policy.hpp must answer (never throw, never crash, no recursion on deep nesting), and:
//   - parse_document, validate_policy_document, validate_resource_policy and
//     check_put_resource_policy agree on whether the text is a policy, with the same error when
//     it is not (ValidationException or MalformedPolicyDocumentException, nothing else);
//   - a text parse_document accepts is one JSON object for nlohmann/json (the oracle);
//   - validating the same text twice gives the same answer;
//   - an accepted policy re-validates identically through its canonical form (to_json): it parses
//     again, to the same canonical text, with the same is_public_policy, locks_out and
//     ValidateResourcePolicy answer (when the canonical form still fits the length limit);
//   - check_put_resource_policy with BlockPublicPolicy fails exactly on public policies, with
//     PublicPolicyException; ValidateResourcePolicy passes exactly when it has no findings.
// Any violation aborts.
//
// Built with libFuzzer (clang++ -fsanitize=fuzzer) by scripts/fuzz.sh, and with
// tests/fuzz/replay_main.cpp as a plain test that replays tests/fuzz/corpus/policy/.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <secretstage/policy.hpp>

namespace ss = secretstage;
namespace pol = secretstage::policy;

namespace {

[[noreturn]] void violation(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "policy_fuzz: %s %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const auto parsed = pol::parse_document(text);
  const auto valid = pol::validate_policy_document(text);
  const auto validation = pol::validate_resource_policy(text);
  const auto put = pol::check_put_resource_policy(text, false);
  const auto put_blocking = pol::check_put_resource_policy(text, true);

  if (!parsed) {
    const ss::error& e = parsed.error();
    if (e.code != ss::errc::validation && e.code != ss::errc::malformed_policy_document)
      violation("an unexpected exception:", e.message);
    if (valid || validation || put || put_blocking) violation("a check accepted a refused text");
    if (!(valid.error() == e && validation.error() == e && put.error() == e &&
          put_blocking.error() == e))
      violation("the checks disagree on the error:", e.message);
    if (!(pol::parse_document(text).error() == e)) violation("a second parse differs");
    return 0;
  }

  if (!valid || !validation || !put) violation("a check refused an accepted text");
  const pol::document& doc = parsed.value();
  if (!nlohmann::json::accept(text)) violation("accepted text that is not JSON");
  if (!nlohmann::json::parse(text).is_object()) violation("accepted JSON that is not an object");

  const bool is_public = pol::is_public_policy(doc);
  if (is_public) {
    if (put_blocking || put_blocking.error().code != ss::errc::public_policy)
      violation("BlockPublicPolicy let a public policy through");
  } else if (!put_blocking) {
    violation("BlockPublicPolicy refused a policy that is not public:",
              put_blocking.error().message);
  }
  if (validation.value().passed != validation.value().errors.empty())
    violation("PolicyValidationPassed disagrees with ValidationErrors");
  if (is_public !=
      (!validation.value().errors.empty() &&
       validation.value().errors.front().check_name == ss::messages::broad_access_check))
    violation("the broad-access finding disagrees with is_public_policy");

  const auto again = pol::parse_document(text);
  if (!again || !(again.value() == doc)) violation("a second parse differs");
  const auto validation_again = pol::validate_resource_policy(text);
  if (!validation_again || !(validation_again.value() == validation.value()))
    violation("a second validation differs");

  const std::string canonical = pol::to_json(doc);
  if (pol::detail::utf16_length(canonical) > pol::max_document_length) return 0;
  const auto reparsed = pol::parse_document(canonical);
  if (!reparsed) violation("the canonical form is refused:", canonical);
  if (pol::to_json(reparsed.value()) != canonical)
    violation("to_json is not canonical:", canonical);
  if (pol::is_public_policy(reparsed.value()) != is_public)
    violation("the canonical form changes is_public_policy:", canonical);
  if (pol::locks_out(reparsed.value()) != pol::locks_out(doc))
    violation("the canonical form changes locks_out:", canonical);
  const auto revalidation = pol::validate_resource_policy(canonical);
  if (!revalidation || !(revalidation.value() == validation.value()))
    violation("the canonical form validates differently:", canonical);
  return 0;
}
