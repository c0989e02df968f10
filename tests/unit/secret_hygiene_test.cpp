// Secret-value hygiene in text (issue 6, item 5): a secret value never appears in an error
// message, nor in any printed request, response, version, secret or store. Every value below is
// (or contains) a sentinel; every request runs on a store holding sentinel values, on its success
// path and on error paths, and everything that can be turned into text is searched for it.

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/io.hpp>
#include <secretstage/rotation.hpp>
#include <secretstage/secretstage.hpp>

#include "support/given.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace secret_hygiene_test {

namespace ss = secretstage;
using ss::testing::vid;

namespace {

const std::string sentinel = "SENTINEL-c0ffee-value";
// A second sentinel that only ever travels as SecretBinary.
const std::string binary_sentinel = "BINARY-SENTINEL-beef";

ss::binary bytes_of(std::string_view text) { return ss::binary(text.begin(), text.end()); }

template <class T>
std::string text_of(const T& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

void check_clean(std::string_view where, const std::string& text) {
  CAPTURE(where);
  CAPTURE(text);
  CHECK(text.find(sentinel) == std::string::npos);
  CHECK(text.find(binary_sentinel) == std::string::npos);
}

ss::context ctx_at(std::int64_t seconds, bool sdk = true) {
  ss::context c = ss::testing::at(seconds);
  if (sdk) c.generated_token = vid(999);
  c.functions = ss::rotation_functions{"arn:aws:lambda:us-east-1:123456789012:function:rot"};
  return c;
}

// Runs `op` on `st`, prints everything it produced, and returns the new store (or `st`).
ss::store run(const ss::store& st, const ss::store_operation& op, const ss::context& ctx,
              int* failures = nullptr) {
  check_clean("request", text_of(op));
  auto r = ss::apply(st, op, ctx);
  if (!r) {
    if (failures != nullptr) ++*failures;
    check_clean("error message", r.error().message);
    check_clean("printed error", text_of(r.error()));
    check_clean("error_code message", ss::make_error_code(r.error()).message());
    return st;
  }
  check_clean("response", text_of(r.value().response));
  check_clean("state", text_of(r.value().state));
  return std::move(r.value().state);
}

}  // namespace

TEST_CASE("no secret value appears in requests, responses, states or errors") {
  ss::store st;
  int failures = 0;
  std::int64_t t = 1'700'000'000;
  const auto step = [&](const ss::store_operation& op, bool sdk = true) {
    st = run(st, op, ctx_at(++t, sdk), &failures);
  };

  // Success paths that store, move and read sentinel values.
  step(ss::create_secret{.name = "db", .client_request_token = vid(1), .secret_string = sentinel});
  step(ss::create_secret{.name = "bin", .client_request_token = vid(2), .secret_binary = bytes_of(binary_sentinel)});
  step(ss::put_secret_value{.secret_id = "db", .client_request_token = vid(3), .secret_string = sentinel + "-2"});
  step(ss::put_secret_value{.secret_id = "db", .client_request_token = vid(4), .secret_string = sentinel + "-3",
                            .version_stages = std::vector<std::string>{"AWSPENDING"}});
  step(ss::update_secret{.secret_id = "bin", .client_request_token = vid(5), .secret_binary = bytes_of(binary_sentinel + "2")});
  step(ss::get_secret_value{.secret_id = "db"});
  step(ss::get_secret_value{.secret_id = "bin"});
  step(ss::get_secret_value{.secret_id = "db", .version_stage = "AWSPENDING"});
  step(ss::batch_get_secret_value{.secret_id_list = std::vector<std::string>{"db", "bin", "missing"}});
  step(ss::list_secret_version_ids{.secret_id = "db", .include_deprecated = true});
  step(ss::describe_secret{.secret_id = "db"});
  step(ss::list_secrets{});
  step(ss::update_secret_version_stage{.secret_id = "db", .version_stage = "AWSPENDING", .remove_from_version_id = vid(4)});
  step(ss::rotate_secret{.secret_id = "db", .client_request_token = vid(6),
                         .rotation_lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:rot",
                         .rotate_immediately = false});
  step(ss::tag_resource{.secret_id = "db", .tags = {{"team", "a"}}});
  step(ss::untag_resource{.secret_id = "db", .tag_keys = {"team"}});
  REQUIRE(failures == 0);

  // Error paths, each with a sentinel value in the request or in the secret it names.
  step(ss::create_secret{.name = "db", .client_request_token = vid(10), .secret_string = sentinel});  // exists
  step(ss::create_secret{.name = "bad name!", .client_request_token = vid(11), .secret_string = sentinel});
  step(ss::create_secret{.name = "both", .client_request_token = vid(12), .secret_string = sentinel,
                         .secret_binary = bytes_of(binary_sentinel)});
  step(ss::create_secret{.name = "raw", .secret_string = sentinel}, /*sdk=*/false);  // no token
  step(ss::create_secret{.name = "long", .client_request_token = vid(13),
                         .secret_string = sentinel + std::string(65'536, 'x')});
  step(ss::put_secret_value{.secret_id = "db", .client_request_token = vid(3), .secret_string = sentinel + "-other"});  // token reused
  step(ss::put_secret_value{.secret_id = "nothing", .client_request_token = vid(14), .secret_string = sentinel});
  step(ss::put_secret_value{.secret_id = "db", .client_request_token = vid(15), .secret_string = sentinel,
                            .secret_binary = bytes_of(binary_sentinel)});
  step(ss::put_secret_value{.secret_id = "db", .client_request_token = vid(16),
                            .secret_binary = bytes_of(binary_sentinel + std::string(65'536, 'y'))});
  std::vector<std::string> many;
  for (int i = 0; i < 21; ++i) many.push_back("L" + std::to_string(i));
  step(ss::put_secret_value{.secret_id = "db", .client_request_token = vid(17), .secret_string = sentinel,
                            .version_stages = many});
  step(ss::update_secret{.secret_id = "db", .client_request_token = vid(1), .secret_string = sentinel + "-changed"});
  step(ss::rotate_secret{.secret_id = "db", .rotation_lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:nope"});
  step(ss::get_secret_value{.secret_id = "db", .version_id = vid(4), .version_stage = "AWSCURRENT"});
  step(ss::delete_secret{.secret_id = "bin", .recovery_window_in_days = 7});
  step(ss::put_secret_value{.secret_id = "bin", .client_request_token = vid(18), .secret_binary = bytes_of(binary_sentinel)});
  step(ss::get_secret_value{.secret_id = "bin"});
  step(ss::batch_get_secret_value{.secret_id_list = std::vector<std::string>{"bin"}});
  CHECK(failures == 15);

  check_clean("final store", text_of(st));
  for (const auto* s : st.secrets()) {
    check_clean("secret", text_of(*s));
    check_clean("table", ss::format_table(*s));
    for (const auto* v : s->versions()) check_clean("version", text_of(*v));
  }
}

TEST_CASE("the rotation steps never print or report the new value") {
  ss::store st = run(ss::store{}, ss::create_secret{.name = "r", .client_request_token = vid(1), .secret_string = "old"},
                     ctx_at(1));
  const auto ctx = ctx_at(2);
  const ss::rotate_secret rotate{.secret_id = "r", .client_request_token = vid(2),
                                 .rotation_lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:rot"};
  auto rotated = ss::rotate_synchronously(st, rotate, ctx, ctx.functions,
                                          ss::secret_value(ss::secret_value::string_tag{}, sentinel));
  REQUIRE(rotated.has_value());
  check_clean("rotated state", text_of(rotated.value().state));
  check_clean("rotate response", text_of(rotated.value().response));
  // A step on a token that names no version fails without echoing the value.
  auto created = ss::rotation::create_secret(rotated.value().state, ss::rotation_event{"r", vid(77)},
                                             ss::secret_value(ss::secret_value::string_tag{}, sentinel), ctx);
  REQUIRE_FALSE(created.has_value());
  check_clean("rotation step error", created.error().message);
}

TEST_CASE("GetRandomPassword's password is printed redacted") {
  auto r = ss::apply(ss::store{}, ss::get_random_password{.password_length = 40}, ctx_at(1));
  REQUIRE(r.has_value());
  const std::string password = r.value().response.random_password;
  REQUIRE(password.size() == 40);
  const std::string printed = text_of(r.value().response);
  CHECK(printed.find(password) == std::string::npos);
  CHECK(printed == "GetRandomPasswordResponse{RandomPassword=<redacted 40 bytes>}");
}

TEST_CASE("values print as their size only") {
  CHECK(text_of(ss::secret_value(ss::secret_value::string_tag{}, sentinel)) == "<redacted 21 bytes>");
  CHECK(text_of(ss::secret_value(ss::secret_value::binary_tag{}, bytes_of("abc"))) == "<redacted 3 bytes>");
  CHECK(text_of(ss::timestamp{1'700'000'000'250}) == "1700000000.250");
  CHECK(text_of(ss::timestamp{-1}) == "-0.001");
}

}  // namespace secret_hygiene_test
