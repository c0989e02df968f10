#ifndef SECRETSTAGE_TOOLS_BUILTIN_FUNCTION_HPP
#define SECRETSTAGE_TOOLS_BUILTIN_FUNCTION_HPP

// A built-in rotation function (`--rotation-function ARN=remove-pending|keep-pending[,value=…]`)
// run the way Secrets Manager runs a rotation Lambda: asynchronously, one step per invocation,
// each step calling back into the endpoint with ordinary requests, as AWS's rotation template
// (SecretsManagerRotationTemplate/lambda_function.py) calls Secrets Manager. secretstage-server's
// rotation workers run these steps with no lock held, exactly where they would invoke an exec: or
// Lambda function, so a built-in rotation and a user's function go through the same progress,
// retries, journal records and leases (docs/semantics.md#built-in-rotation-functions).
//
// Every step first does what the template's handler does with the event (ARN A, token T):
//   DescribeSecret(A); rotation not enabled, or T not among VersionIdsToStages   failed step
//   T carries AWSCURRENT                                                          success, nothing done
//   T does not carry AWSPENDING                                                   failed step
// then
//   createSecret   GetSecretValue(A, AWSCURRENT) must answer; GetSecretValue(A, VersionId=T,
//                  AWSPENDING) answering means the step already ran (success); otherwise the
//                  value (`value`, or GetRandomPassword with its defaults) is put with
//                  PutSecretValue(A, ClientRequestToken=T, SecretString, VersionStages=[AWSPENDING])
//   setSecret      nothing: a built-in function has no database to set
//   testSecret     GetSecretValue(A, VersionId=T, AWSPENDING) must answer
//   finishSecret   UpdateSecretVersionStage(A, AWSCURRENT, MoveToVersionId=T,
//                  RemoveFromVersionId=the current version); remove_pending: then
//                  UpdateSecretVersionStage(A, AWSPENDING, RemoveFromVersionId=T)
// A failed step's reason names the call and the error code AWS answered, never a value.

#include <chrono>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <secretstage/detail/json.hpp>
#include <secretstage/rotation_invoker.hpp>
#include <secretstage/service.hpp>

namespace secretstage::tools {

/// One request into the endpoint the function rotates through: the operation name (the part of
/// X-Amz-Target after "secretsmanager.") and the AWS JSON body; the endpoint's reply.
using endpoint_call = std::function<service_reply(std::string_view operation, const std::string& body)>;

namespace builtin_detail {

namespace json = secretstage::detail::json;

/// A request body: SecretId A and the string members `strings`, through the adapter's writer;
/// add other members to the writer before taking str().
struct string_member {
  std::string_view name;
  std::string_view text;
};
inline json::object_writer request_of(std::string_view arn,
                                      std::initializer_list<string_member> strings = {}) {
  json::object_writer w;
  w.add("SecretId", json::quoted(arn));
  for (const string_member& m : strings) w.add(m.name, json::quoted(m.text));
  return w;
}

/// `body` as a JSON object, if it is one (validated once; read its members with member_of).
inline std::optional<json::value> object_of(std::string_view body) {
  if (!json::is_valid(body)) return std::nullopt;
  const json::value root = json::root(body);
  if (root.type() != json::kind::object) return std::nullopt;
  return root;
}

/// The member `name` of `object`, if present.
inline std::optional<json::value> member_of(json::value object, std::string_view name) {
  std::optional<json::value> found;
  object.for_each_member([&](std::string key, json::value v) {
    if (!found && key == name) found = v;
  });
  return found;
}

/// The string member `name` of the object `body`, if it has one.
inline std::optional<std::string> string_member_of(std::string_view body, std::string_view name) {
  const auto object = object_of(body);
  if (!object) return std::nullopt;
  const auto v = member_of(*object, name);
  if (!v || v->type() != json::kind::string) return std::nullopt;
  return v->string();
}

/// The reason of a failed call: "<Operation> answered <status> <__type>".
inline std::string call_failed(std::string_view operation, const service_reply& reply) {
  std::string out = std::string(operation) + " answered HTTP " + std::to_string(reply.status);
  if (auto type = string_member_of(reply.body, "__type"); type && !type->empty()) out += ' ' + *type;
  return out;
}

/// DescribeSecret's VersionIdsToStages and RotationEnabled.
struct described {
  bool rotation_enabled = false;
  std::vector<std::pair<std::string, std::vector<std::string>>> stages;

  [[nodiscard]] const std::vector<std::string>* of(std::string_view version) const {
    for (const auto& [id, labels] : stages)
      if (id == version) return &labels;
    return nullptr;
  }
  [[nodiscard]] std::optional<std::string> holder(std::string_view label) const {
    for (const auto& [id, labels] : stages)
      for (const std::string& l : labels)
        if (l == label) return id;
    return std::nullopt;
  }
};

inline std::optional<described> parse_described(std::string_view body) {
  const auto object = object_of(body);
  if (!object) return std::nullopt;
  described out;
  if (auto enabled = member_of(*object, "RotationEnabled"))
    out.rotation_enabled = enabled->type() == json::kind::boolean && enabled->boolean();
  if (auto stages = member_of(*object, "VersionIdsToStages");
      stages && stages->type() == json::kind::object) {
    stages->for_each_member([&](std::string id, json::value labels) {
      std::vector<std::string> names;
      if (labels.type() == json::kind::array)
        labels.for_each_element([&](json::value l) {
          if (l.type() == json::kind::string) names.push_back(l.string());
        });
      out.stages.emplace_back(std::move(id), std::move(names));
    });
  }
  return out;
}

inline bool has(const std::vector<std::string>& labels, std::string_view label) {
  for (const std::string& l : labels)
    if (l == label) return true;
  return false;
}

}  // namespace builtin_detail

/// Runs step `step` of the built-in function `f` for the rotation of version `token` of the secret
/// `arn`, through `call`. std::nullopt: the step succeeded; otherwise why it failed (a few words).
[[nodiscard]] inline std::optional<std::string> run_builtin_step(
    invoker::step step, std::string_view arn, std::string_view token,
    const builtin_rotation_function& f, const endpoint_call& call) {
  using builtin_detail::request_of;
  const std::string current_label(aws_traits::current());
  const std::string pending_label(aws_traits::pending());

  const service_reply described_reply = call("DescribeSecret", request_of(arn).str());
  if (described_reply.status != 200) return builtin_detail::call_failed("DescribeSecret", described_reply);
  const auto described = builtin_detail::parse_described(described_reply.body);
  if (!described) return std::string("DescribeSecret answered a body that is not JSON");
  if (!described->rotation_enabled) return std::string("rotation is not enabled for the secret");
  const std::vector<std::string>* labels = described->of(token);
  if (labels == nullptr) return "version " + std::string(token) + " has no stage for rotation";
  if (builtin_detail::has(*labels, current_label)) return std::nullopt;  // already current: done
  if (!builtin_detail::has(*labels, pending_label))
    return "version " + std::string(token) + " is not set as AWSPENDING for rotation";

  const std::string read_pending =
      request_of(arn, {{"VersionId", token}, {"VersionStage", pending_label}}).str();
  switch (step) {
    case invoker::step::create_secret: {
      const service_reply current =
          call("GetSecretValue", request_of(arn, {{"VersionStage", current_label}}).str());
      if (current.status != 200) return builtin_detail::call_failed("GetSecretValue", current);
      const service_reply pending = call("GetSecretValue", read_pending);
      if (pending.status == 200) return std::nullopt;  // the value is there: this step ran
      std::string value;
      if (f.value) {
        value = *f.value;
      } else {
        const service_reply drawn = call("GetRandomPassword", "{}");
        if (drawn.status != 200) return builtin_detail::call_failed("GetRandomPassword", drawn);
        auto password = builtin_detail::string_member_of(drawn.body, "RandomPassword");
        if (!password) return std::string("GetRandomPassword answered no RandomPassword");
        value = std::move(*password);
      }
      auto put_request = request_of(arn, {{"ClientRequestToken", token}, {"SecretString", value}});
      put_request.add("VersionStages", '[' + builtin_detail::json::quoted(pending_label) + ']');
      const service_reply put = call("PutSecretValue", std::move(put_request).str());
      if (put.status != 200) return builtin_detail::call_failed("PutSecretValue", put);
      return std::nullopt;
    }
    case invoker::step::set_secret:
      return std::nullopt;
    case invoker::step::test_secret: {
      const service_reply pending = call("GetSecretValue", read_pending);
      if (pending.status != 200) return builtin_detail::call_failed("GetSecretValue", pending);
      return std::nullopt;
    }
    case invoker::step::finish_secret: {
      auto move = request_of(arn, {{"VersionStage", current_label}, {"MoveToVersionId", token}});
      const auto holder = described->holder(current_label);
      if (holder) move.add("RemoveFromVersionId", builtin_detail::json::quoted(*holder));
      const service_reply moved = call("UpdateSecretVersionStage", std::move(move).str());
      if (moved.status != 200) return builtin_detail::call_failed("UpdateSecretVersionStage", moved);
      if (f.finish == finish_variant::remove_pending) {
        const service_reply removed =
            call("UpdateSecretVersionStage",
                 request_of(arn, {{"VersionStage", pending_label}, {"RemoveFromVersionId", token}}).str());
        if (removed.status != 200) return builtin_detail::call_failed("UpdateSecretVersionStage", removed);
      }
      return std::nullopt;
    }
  }
  return std::string("unknown step");
}

/// `run_builtin_step` as an invocation (outcome, duration, reason), for the worker's log line.
[[nodiscard]] inline invoker::invocation invoke_builtin(invoker::step step, std::string_view arn,
                                                        std::string_view token,
                                                        const builtin_rotation_function& f,
                                                        const endpoint_call& call) {
  const auto start = std::chrono::steady_clock::now();
  invoker::invocation out;
  std::optional<std::string> failure;
  try {
    failure = run_builtin_step(step, arn, token, f, call);
  } catch (const std::exception&) {  // resource exhaustion in a call: a failed step, retried
    failure = std::string("the step could not complete (out of resources)");
  }
  out.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  out.outcome = failure ? invoker::outcome::failed : invoker::outcome::succeeded;
  if (failure) out.reason = std::move(*failure);
  return out;
}

}  // namespace secretstage::tools

#endif  // SECRETSTAGE_TOOLS_BUILTIN_FUNCTION_HPP
