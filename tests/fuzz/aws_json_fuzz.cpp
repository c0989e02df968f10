// Fuzz target (a) of issue 6: arbitrary bytes as the body of every operation of the AWS JSON
// adapter. The first byte picks the operation (16 known names and one unknown), the rest is the
// body. parse_request must answer (never throw, never crash); a parsed request is applied to a
// small fixed store through aws_json::handle, and:
//   - every answer is 200 with a JSON body (empty for TagResource/UntagResource) or 400 with an
//     error body, and nlohmann/json (the oracle) accepts every body as one JSON object;
//   - on an error the store handle answers with is the input store, unchanged;
//   - handle agrees with parse_request on whether the body was readable.
// Any violation aborts.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <secretstage/aws_json.hpp>
#include <secretstage/invariants.hpp>

namespace ss = secretstage;
namespace aj = secretstage::aws_json;

namespace {

[[noreturn]] void violation(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "aws_json_fuzz: %s %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

ss::context context() {
  ss::context ctx;
  ctx.now = ss::timestamp{1'700'000'000'000};
  ctx.generated_token = "00000000-0000-4000-8000-00000000ffff";
  ctx.functions = ss::rotation_functions{"arn:aws:lambda:us-east-1:123456789012:function:f"};
  return ctx;
}

// "a" with two versions (AWSCURRENT, AWSPREVIOUS), "b" binary, "c" scheduled for deletion.
const ss::store& fixture() {
  static const ss::store st = [] {
    const ss::context ctx = context();
    ss::store s;
    auto run = [&](std::string_view op, std::string_view body) {
      auto r = aj::handle(s, op, body, ctx);
      if (r.answer.status != 200) violation("fixture request failed:", r.answer.body);
      s = std::move(r.store);
    };
    run("CreateSecret", R"({"Name":"a","SecretString":"one","ClientRequestToken":"00000000-0000-4000-8000-000000000001"})");
    run("PutSecretValue", R"({"SecretId":"a","SecretString":"two","ClientRequestToken":"00000000-0000-4000-8000-000000000002"})");
    run("CreateSecret", R"({"Name":"b","SecretBinary":"AAEC","ClientRequestToken":"00000000-0000-4000-8000-000000000003"})");
    run("CreateSecret", R"({"Name":"c","SecretString":"x","ClientRequestToken":"00000000-0000-4000-8000-000000000004"})");
    run("DeleteSecret", R"({"SecretId":"c"})");
    return s;
  }();
  return st;
}

void check_json(std::string_view what, const std::string& body) {
  if (!nlohmann::json::accept(body)) violation("not JSON:", body.substr(0, 200));
  const auto parsed = nlohmann::json::parse(body);
  if (!parsed.is_object()) violation("not a JSON object:", what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t pick = data[0] % (aj::operation_names.size() + 1);
  const std::string_view operation = pick < aj::operation_names.size() ? aj::operation_names[pick] : "Nope";
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  const auto parsed = aj::parse_request(operation, body);
  if (!parsed) {
    const std::string error = aj::error_body(parsed.error());
    check_json("error body", error);
    if (aj::http_status(parsed.error()) != 400) violation("a bad body is not a 400:", error);
  }

  const ss::store& st = fixture();
  const ss::store before = st;
  const auto exchange = aj::handle(st, operation, body, context());
  if (!(st == before)) violation("handle changed its input store");
  if (exchange.answer.status == 200) {
    if (!parsed) violation("handle accepted a body parse_request refused");
    if (exchange.answer.body.empty()) {
      if (operation != "TagResource" && operation != "UntagResource") violation("an empty 200 body for", operation);
    } else {
      check_json("response body", exchange.answer.body);
    }
    if (!ss::check_store_invariants(exchange.store).empty()) violation("invariants of the new store");
  } else {
    if (exchange.answer.status != 400) violation("status other than 200/400:", exchange.answer.body);
    check_json("error body", exchange.answer.body);
    if (!(exchange.store == before)) violation("a failed request changed the store");
  }
  return 0;
}
