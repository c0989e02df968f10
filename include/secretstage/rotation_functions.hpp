#ifndef SECRETSTAGE_ROTATION_FUNCTIONS_HPP
#define SECRETSTAGE_ROTATION_FUNCTIONS_HPP

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/algorithm.hpp"
#include "detail/deferred.hpp"

namespace secretstage {

/// The rotation functions Secrets Manager can invoke, by ARN: what the service would otherwise
/// learn from Lambda (the function exists and its policy lets secretsmanager.amazonaws.com invoke
/// it). An input of RotateSecret, so that the transition stays a function of its arguments; a
/// server registers its built-in functions here. A value: sorted, without duplicates.
///
/// A template over an unused D (always void; `rotation_functions` names it) so that its members,
/// which sort and copy vectors of strings, are compiled only where they are used
/// (detail/deferred.hpp explains the parse cost this saves).
template <class D = void>
class basic_rotation_functions {
  using strings = detail::deferred_t<std::vector<std::string>, D>;

 public:
  basic_rotation_functions() = default;
  basic_rotation_functions(std::initializer_list<std::string> arns)
      : basic_rotation_functions(strings(arns)) {}
  explicit basic_rotation_functions(strings arns) : arns_(std::move(arns)) {
    detail::stable_sort(arns_.begin(), arns_.end());
    arns_.erase(detail::unique(arns_.begin(), arns_.end()), arns_.end());
  }

  /// Stands for every Lambda function ARN (`arn:aws:lambda:…:function:…`): a service that
  /// invokes any function through a Lambda endpoint (secretstage-server's --lambda-endpoint).
  static constexpr std::string_view any_lambda = "arn:aws:lambda:*";

  /// Whether a function with exactly this ARN can be invoked (or, with `any_lambda` in the set,
  /// any Lambda function ARN).
  [[nodiscard]] bool can_invoke(detail::deferred_t<std::string_view, D> arn) const noexcept {
    const auto at =
        detail::lower_bound(arns_.begin(), arns_.end(), arn,
                         [](const std::string& a, std::string_view b) { return a.compare(b) < 0; });
    if (at != arns_.end() && *at == arn) return true;
    return arn.substr(0, 15) == any_lambda.substr(0, 15) && arn.find(":function:") != arn.npos &&
           arn != any_lambda && contains(any_lambda);
  }
  /// The same set with `arn` added.
  [[nodiscard]] basic_rotation_functions with(std::string arn) const {
    strings arns = arns_;
    arns.push_back(std::move(arn));
    return basic_rotation_functions(std::move(arns));
  }
  [[nodiscard]] const strings& arns() const noexcept { return arns_; }

  friend bool operator==(const basic_rotation_functions&,
                         const basic_rotation_functions&) = default;

 private:
  [[nodiscard]] bool contains(std::string_view arn) const noexcept {
    for (const auto& a : arns_)
      if (a == arn) return true;
    return false;
  }

  strings arns_;
};

using rotation_functions = basic_rotation_functions<>;

}  // namespace secretstage

#endif  // SECRETSTAGE_ROTATION_FUNCTIONS_HPP
