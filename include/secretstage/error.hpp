#ifndef SECRETSTAGE_ERROR_HPP
#define SECRETSTAGE_ERROR_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace secretstage {

/// The AWS exception types a Secrets Manager call can fail with. Each enumerator is one
/// `__type` on the wire; `exception_name()` gives the exact spelling.
enum class errc : std::uint8_t {
  invalid_parameter = 1,      // InvalidParameterException
  invalid_request,            // InvalidRequestException
  resource_not_found,         // ResourceNotFoundException
  resource_exists,            // ResourceExistsException
  limit_exceeded,             // LimitExceededException
  validation,                 // ValidationException
  access_denied,              // AccessDeniedException
  decryption_failure,         // DecryptionFailure
  encryption_failure,         // EncryptionFailure
  internal_service_error,     // InternalServiceError
  invalid_next_token,         // InvalidNextTokenException
  malformed_policy_document,  // MalformedPolicyDocumentException
  precondition_not_met,       // PreconditionNotMetException
  public_policy,              // PublicPolicyException
  serialization,              // SerializationException
  unknown_operation,          // UnknownOperationException
};

/// The AWS `__type` of an exception, e.g. "InvalidParameterException".
[[nodiscard]] constexpr std::string_view exception_name(errc code) noexcept {
  switch (code) {
    case errc::invalid_parameter: return "InvalidParameterException";
    case errc::invalid_request: return "InvalidRequestException";
    case errc::resource_not_found: return "ResourceNotFoundException";
    case errc::resource_exists: return "ResourceExistsException";
    case errc::limit_exceeded: return "LimitExceededException";
    case errc::validation: return "ValidationException";
    case errc::access_denied: return "AccessDeniedException";
    case errc::decryption_failure: return "DecryptionFailure";
    case errc::encryption_failure: return "EncryptionFailure";
    case errc::internal_service_error: return "InternalServiceError";
    case errc::invalid_next_token: return "InvalidNextTokenException";
    case errc::malformed_policy_document: return "MalformedPolicyDocumentException";
    case errc::precondition_not_met: return "PreconditionNotMetException";
    case errc::public_policy: return "PublicPolicyException";
    case errc::serialization: return "SerializationException";
    case errc::unknown_operation: return "UnknownOperationException";
  }
  return "UnknownError";
}

/// The one error type of the library: the AWS exception and its exact message. Messages are built
/// in messages.hpp and nowhere else.
struct error {
  errc code;
  std::string message;

  [[nodiscard]] std::string_view name() const noexcept { return exception_name(code); }
  friend bool operator==(const error&, const error&) = default;
};

namespace detail {
class secretsmanager_category_impl final : public std::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "secretsmanager"; }
  [[nodiscard]] std::string message(int value) const override {
    return std::string(exception_name(static_cast<errc>(value)));
  }
  /// The portable condition of each exception, so that generic code can compare an error_code
  /// with std::errc (docs/semantics.md#errors):
  ///   resource_not_found            no_such_file_or_directory  the thing named does not exist
  ///   access_denied                 permission_denied
  ///   invalid_parameter, invalid_request, validation, serialization, invalid_next_token,
  ///   malformed_policy_document     invalid_argument           wrong for the call or the state
  ///   resource_exists               file_exists
  ///   limit_exceeded                value_too_large            a quota bounds a size: retrying
  ///                                                            does not help, so not
  ///                                                            resource_unavailable_try_again
  ///   unknown_operation             operation_not_supported
  /// The others (internal_service_error, decryption_failure, encryption_failure,
  /// precondition_not_met, public_policy) have no portable meaning and stay in this category.
  [[nodiscard]] std::error_condition default_error_condition(int value) const noexcept override {
    switch (static_cast<errc>(value)) {
      case errc::resource_not_found: return std::errc::no_such_file_or_directory;
      case errc::access_denied: return std::errc::permission_denied;
      case errc::invalid_parameter:
      case errc::invalid_request:
      case errc::validation:
      case errc::serialization:
      case errc::invalid_next_token:
      case errc::malformed_policy_document: return std::errc::invalid_argument;
      case errc::resource_exists: return std::errc::file_exists;
      case errc::limit_exceeded: return std::errc::value_too_large;
      case errc::unknown_operation: return std::errc::operation_not_supported;
      default: return {value, *this};
    }
  }
};
}  // namespace detail

/// The `std::error_category` of Secrets Manager exceptions (`name()` is "secretsmanager").
[[nodiscard]] inline const std::error_category& secretsmanager_category() noexcept {
  static const detail::secretsmanager_category_impl category;
  return category;
}

[[nodiscard]] inline std::error_code make_error_code(errc code) noexcept {
  return {static_cast<int>(code), secretsmanager_category()};
}

/// Outcome's ADL hook: the `std::error_code` of an error payload.
[[nodiscard]] inline std::error_code make_error_code(const error& e) noexcept {
  return make_error_code(e.code);
}

/// Outcome's ADL hook: `.value()` on a failed result throws `std::system_error` carrying the AWS
/// message.
[[noreturn]] inline void outcome_throw_as_system_error_with_payload(const error& e) {
  throw std::system_error(make_error_code(e), e.message);
}

}  // namespace secretstage

template <>
struct std::is_error_code_enum<secretstage::errc> : std::true_type {};

#endif  // SECRETSTAGE_ERROR_HPP
