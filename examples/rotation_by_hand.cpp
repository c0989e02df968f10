// A rotation done by hand, the way AWS's rotation template does it, one pure transition at a
// time: create the secret, put the new value as AWSPENDING, move AWSCURRENT onto it (AWSPREVIOUS
// follows), put once more, then remove a label. The versions × labels table is printed after
// every step, and one mistake shows the exact AWS error it gets.

#include <cstdlib>
#include <iostream>
#include <string>

#include <secretstage/io.hpp>
#include <secretstage/secretstage.hpp>

namespace ss = secretstage;

namespace {

// Version ids are ClientRequestTokens (32–64 characters); readable ones here.
std::string token(int n) { return "00000000-0000-4000-8000-00000000000" + std::to_string(n); }

// Applies one step, prints it and the table, and stops the demo on an unexpected error.
template <class Request>
ss::secret step(const ss::secret& s, const Request& request, const ss::context& ctx) {
  std::cout << "\n> " << request << '\n';
  auto r = ss::apply(s, request, ctx);
  if (!r) {
    std::cout << "  " << r.error() << '\n';
    std::exit(1);
  }
  std::cout << ss::format_table(r.value().state);
  return std::move(r).value().state;
}

}  // namespace

int main() {
  ss::context ctx;
  ctx.now = ss::timestamp::from_seconds(1'764'288'000);  // 2025-11-28T00:00:00Z
  ctx.entropy = 42;

  const ss::create_secret create{
      .name = "prod/db/password", .client_request_token = token(1), .secret_string = "hunter2"};
  std::cout << "> " << create << '\n';
  auto created = ss::apply(create, ctx);
  if (!created) return 1;
  ss::secret s = created.value().state;
  std::cout << "  ARN " << s.arn() << '\n' << ss::format_table(s);

  // createSecret step: the new value goes in as AWSPENDING; AWSCURRENT stays where it is.
  s = step(s,
           ss::put_secret_value{.secret_id = "prod/db/password",
                                .client_request_token = token(2),
                                .secret_string = "correct horse battery staple",
                                .version_stages = std::vector<std::string>{"AWSPENDING"}},
           ctx);

  // A mistake: moving AWSCURRENT without saying where it comes from.
  const ss::update_secret_version_stage careless{
      .secret_id = "prod/db/password", .version_stage = "AWSCURRENT", .move_to_version_id = token(2)};
  std::cout << "\n> " << careless << '\n';
  std::cout << "  " << ss::apply(s, careless, ctx).error() << '\n';

  // finishSecret step: AWSCURRENT moves, and AWSPREVIOUS follows it to the old version.
  s = step(s,
           ss::update_secret_version_stage{.secret_id = "prod/db/password",
                                           .version_stage = "AWSCURRENT",
                                           .remove_from_version_id = token(1),
                                           .move_to_version_id = token(2)},
           ctx);

  // A plain put: AWSCURRENT moves again, AWSPENDING leaves the old current, version 1 is
  // now deprecated (no label).
  s = step(s,
           ss::put_secret_value{.secret_id = "prod/db/password",
                                .client_request_token = token(3),
                                .secret_string = "Tr0ub4dor&3"},
           ctx);

  // Remove a label: AWSPREVIOUS comes off version 2, which becomes deprecated too.
  s = step(s,
           ss::update_secret_version_stage{.secret_id = "prod/db/password",
                                           .version_stage = "AWSPREVIOUS",
                                           .remove_from_version_id = token(2)},
           ctx);

  const auto violated = ss::check_invariants(s);
  std::cout << "\ninvariants: " << (violated.empty() ? "all hold" : "VIOLATED") << '\n';
  return violated.empty() ? 0 : 1;
}
