// secretstage::service behind a request handler of your own, with no HTTP library: the handler
// takes what any transport hands it (the X-Amz-Target header and the body) and gives back the
// status, headers and body to send. The service parses AWS JSON 1.1, serializes concurrent
// callers, answers AWS's exact bodies and never reads a clock: the handler passes the time in.
// Every answer is checked: a wrong one exits with 1.

#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>

#include <secretstage/service.hpp>

namespace ss = secretstage;

namespace {

/// What an HTTP layer would send back.
struct answer {
  int status;
  std::string request_id;  // for the x-amzn-RequestId header
  std::string body;        // Content-Type: application/x-amz-json-1.1
};

/// The handler an embedding program writes: one service, a clock, and a log of commits.
class secrets_handler {
 public:
  secrets_handler()
      : service_(ss::service_options{.seed = 7},
                 [this](std::uint64_t sequence, std::string_view, std::string_view operation) {
                   std::cout << "  commit " << sequence << ": " << operation << '\n';
                   ++commits_;
                 }) {}

  answer handle(std::string_view target, std::string_view body) {
    now_.epoch_ms += 1000;  // a second per request; a real program reads its clock here
    auto reply = service_.handle_target(target, body, now_);
    return {reply.status, std::move(reply.request_id), std::move(reply.body)};
  }
  [[nodiscard]] int commits() const { return commits_; }

 private:
  ss::timestamp now_ = ss::timestamp::from_seconds(1'764'288'000);  // 2025-11-28T00:00:00Z
  int commits_ = 0;
  ss::service service_;  // last: its observer uses commits_
};

int failures = 0;

/// Sends one request and checks the status and a piece of the body.
void exchange(secrets_handler& handler, std::string_view operation, std::string_view body,
              int status, std::string_view expected) {
  std::cout << "> " << operation << ' ' << body << '\n';
  const answer a = handler.handle("secretsmanager." + std::string(operation), body);
  std::cout << "  " << a.status << ' ' << a.body << '\n';
  const bool ok =
      a.status == status && a.body.find(expected) != std::string::npos && a.request_id.size() == 36;
  if (!ok) {
    std::cout << "  WRONG: expected " << status << " with " << expected << '\n';
    ++failures;
  }
}

}  // namespace

int main() {
  secrets_handler handler;
  const std::string v1(32, '1'), v2(32, '2');

  exchange(handler, "CreateSecret",
           R"({"Name":"app/db","SecretString":"old","ClientRequestToken":")" + v1 + R"("})", 200,
           R"("VersionId":")" + v1);
  exchange(handler, "PutSecretValue",
           R"({"SecretId":"app/db","SecretString":"new","ClientRequestToken":")" + v2 +
               R"(","VersionStages":["AWSPENDING"]})",
           200, R"("VersionStages":["AWSPENDING"])");
  // The classic mistake: AWSCURRENT moved without RemoveFromVersionId. Nothing is committed.
  exchange(handler, "UpdateSecretVersionStage",
           R"({"SecretId":"app/db","VersionStage":"AWSCURRENT","MoveToVersionId":")" + v2 + R"("})",
           400, R"("__type":"InvalidParameterException")");
  exchange(handler, "UpdateSecretVersionStage",
           R"({"SecretId":"app/db","VersionStage":"AWSCURRENT","MoveToVersionId":")" + v2 +
               R"(","RemoveFromVersionId":")" + v1 + R"("})",
           200, R"("Name":"app/db")");
  exchange(handler, "GetSecretValue", R"({"SecretId":"app/db","VersionStage":"AWSPREVIOUS"})", 200,
           R"("SecretString":"old")");
  // A malformed body and an unknown operation get AWS's answers too, and reach no store.
  exchange(handler, "GetSecretValue", R"({"SecretId":)", 400,
           R"("__type":"SerializationException")");
  exchange(handler, "Teleport", "{}", 400, R"("__type":"UnknownOperationException")");

  if (handler.commits() != 3) {
    std::cout << "WRONG: " << handler.commits() << " commits, expected 3\n";
    ++failures;
  }
  return failures == 0 ? 0 : 1;
}
