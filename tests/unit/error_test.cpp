// error.hpp / result.hpp: the AWS exception names, the std::error_code integration, and what a
// failed result does when its value is taken anyway.
#include <ostream>  // doctest prints std::error_code through operator<<
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/error.hpp>
#include <secretstage/operations/create_secret.hpp>
#include <secretstage/result.hpp>

#include "support/aws_text.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace error_test {

namespace ss = secretstage;

namespace {
// Every enumerator and the AWS `__type` it stands for (spelling from docs/semantics.md#errors and
// the AWS JSON protocol's common errors).
const std::vector<std::pair<ss::errc, std::string>> all_exceptions = {
    {ss::errc::invalid_parameter, "InvalidParameterException"},
    {ss::errc::invalid_request, "InvalidRequestException"},
    {ss::errc::resource_not_found, "ResourceNotFoundException"},
    {ss::errc::resource_exists, "ResourceExistsException"},
    {ss::errc::limit_exceeded, "LimitExceededException"},
    {ss::errc::validation, "ValidationException"},
    {ss::errc::access_denied, "AccessDeniedException"},
    {ss::errc::decryption_failure, "DecryptionFailure"},
    {ss::errc::encryption_failure, "EncryptionFailure"},
    {ss::errc::internal_service_error, "InternalServiceError"},
    {ss::errc::invalid_next_token, "InvalidNextTokenException"},
    {ss::errc::malformed_policy_document, "MalformedPolicyDocumentException"},
    {ss::errc::precondition_not_met, "PreconditionNotMetException"},
    {ss::errc::public_policy, "PublicPolicyException"},
    {ss::errc::serialization, "SerializationException"},
    {ss::errc::unknown_operation, "UnknownOperationException"},
};
}  // namespace

TEST_CASE("exception_name spells every errc as AWS's __type") {
  for (const auto& entry : all_exceptions) {
    const auto code = entry.first;
    const std::string& name = entry.second;
    CAPTURE(name);
    CHECK(std::string(ss::exception_name(code)) == name);
    CHECK(std::string(ss::error{code, "m"}.name()) == name);
  }
}

TEST_CASE("exception_name is usable at compile time") {
  static_assert(ss::exception_name(ss::errc::validation) == "ValidationException");
  static_assert(ss::exception_name(ss::errc::limit_exceeded) == "LimitExceededException");
  CHECK(true);
}

TEST_CASE("the errc enumerators are distinct and none is zero (zero means success)") {
  for (std::size_t i = 0; i < all_exceptions.size(); ++i) {
    CHECK(static_cast<int>(all_exceptions[i].first) != 0);
    for (std::size_t j = i + 1; j < all_exceptions.size(); ++j)
      CHECK(all_exceptions[i].first != all_exceptions[j].first);
  }
}

TEST_CASE("error equality compares the exception and the message") {
  const ss::error a{ss::errc::validation, "x"};
  CHECK(a == ss::error{ss::errc::validation, "x"});
  CHECK_FALSE(a == ss::error{ss::errc::validation, "y"});
  CHECK_FALSE(a == ss::error{ss::errc::invalid_parameter, "x"});
  const ss::error copy = a;  // copyable (Outcome #291)
  CHECK(copy == a);
}

TEST_CASE("errc plugs into std::error_code") {
  static_assert(std::is_error_code_enum_v<ss::errc>);
  SUBCASE("the category is called secretsmanager and is a singleton") {
    CHECK(std::string(ss::secretsmanager_category().name()) == "secretsmanager");
    CHECK(&ss::secretsmanager_category() == &ss::secretsmanager_category());
  }
  SUBCASE("make_error_code keeps the value and the category") {
    for (const auto& entry : all_exceptions) {
      const auto code = entry.first;
      const std::string& name = entry.second;
      CAPTURE(name);
      const std::error_code ec = ss::make_error_code(code);
      CHECK(ec.value() == static_cast<int>(code));
      CHECK(&ec.category() == &ss::secretsmanager_category());
      CHECK(ec.message() == name);
      CHECK(static_cast<bool>(ec));
    }
  }
  SUBCASE("implicit conversion and comparison, as for any error-code enum") {
    const std::error_code ec = ss::errc::resource_not_found;
    CHECK(ec == ss::errc::resource_not_found);
    CHECK(ec != ss::errc::resource_exists);
    CHECK(ec != std::make_error_code(std::errc::no_such_file_or_directory));
    CHECK(ec.value() == static_cast<int>(ss::errc::resource_not_found));
  }
  SUBCASE("an error payload converts through its code") {
    const ss::error e{ss::errc::limit_exceeded, "too many"};
    CHECK(ss::make_error_code(e) == ss::errc::limit_exceeded);
  }
}

TEST_CASE("each errc compares equal to its portable std::errc condition (default_error_condition)") {
  using std::errc;
  CHECK(ss::make_error_code(ss::errc::resource_not_found) == errc::no_such_file_or_directory);
  CHECK(ss::make_error_code(ss::errc::access_denied) == errc::permission_denied);
  for (const auto code : {ss::errc::invalid_parameter, ss::errc::invalid_request,
                          ss::errc::validation, ss::errc::serialization,
                          ss::errc::invalid_next_token, ss::errc::malformed_policy_document}) {
    CAPTURE(ss::exception_name(code));
    CHECK(ss::make_error_code(code) == errc::invalid_argument);
  }
  CHECK(ss::make_error_code(ss::errc::resource_exists) == errc::file_exists);
  CHECK(ss::make_error_code(ss::errc::limit_exceeded) == errc::value_too_large);
  CHECK(ss::make_error_code(ss::errc::unknown_operation) == errc::operation_not_supported);

  SUBCASE("one condition each: no exception also matches another portable condition") {
    CHECK(ss::make_error_code(ss::errc::resource_not_found) != errc::invalid_argument);
    CHECK(ss::make_error_code(ss::errc::invalid_request) != errc::no_such_file_or_directory);
    CHECK(ss::make_error_code(ss::errc::limit_exceeded) != errc::resource_unavailable_try_again);
  }
  SUBCASE("the exceptions without a portable meaning keep their own condition") {
    for (const auto code :
         {ss::errc::internal_service_error, ss::errc::decryption_failure,
          ss::errc::encryption_failure, ss::errc::precondition_not_met, ss::errc::public_policy}) {
      CAPTURE(ss::exception_name(code));
      const auto condition = ss::make_error_code(code).default_error_condition();
      CHECK(&condition.category() == &ss::secretsmanager_category());
      CHECK(condition.value() == static_cast<int>(code));
      CHECK(ss::make_error_code(code) != errc::invalid_argument);
    }
  }
  SUBCASE("the code itself is unchanged: its category and value are still AWS's") {
    const std::error_code ec = ss::errc::resource_not_found;
    CHECK(&ec.category() == &ss::secretsmanager_category());
    CHECK(ec.message() == "ResourceNotFoundException");
    CHECK(ec.default_error_condition() ==
          std::make_error_condition(errc::no_such_file_or_directory));
  }
}

TEST_CASE("a failed result carries the error; .value() throws std::system_error with the AWS message") {
  const auto r = ss::apply(ss::create_secret{.name = "bad name"}, ss::context{});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.has_error());
  CHECK(r.error().code == ss::errc::validation);
  CHECK(r.error().message == ss::testing::aws_text::invalid_name);
  bool thrown = false;
  try {
    (void)r.value();
  } catch (const std::system_error& e) {
    thrown = true;
    CHECK(e.code() == ss::errc::validation);
    CHECK(&e.code().category() == &ss::secretsmanager_category());
    CHECK(std::string(e.what()).find(ss::testing::aws_text::invalid_name) != std::string::npos);
  }
  CHECK(thrown);
  CHECK_THROWS_AS((void)r.value(), std::system_error);
}

TEST_CASE("a successful result does not throw and has no error") {
  const auto r = ss::apply(ss::create_secret{.name = "good"}, ss::context{});
  REQUIRE(r.has_value());
  CHECK_FALSE(r.has_error());
  CHECK_NOTHROW((void)r.value());
}

TEST_CASE("ok() is a successful result<void>; an error converts to a failed one") {
  const ss::result<void> good = ss::ok();
  CHECK(good.has_value());
  const ss::result<void> bad = ss::error{ss::errc::invalid_request, "no"};
  REQUIRE(bad.has_error());
  CHECK(bad.error() == ss::error{ss::errc::invalid_request, "no"});
  CHECK_THROWS_AS(bad.value(), std::system_error);
}

}  // namespace error_test
