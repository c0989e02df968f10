// Shared by the three consumer projects (cmake/, pkgconfig/, meson/), which build it against an
// installed copy of secretstage: it instantiates the templates, applies operations and checks the
// invariants, so a consumer that finds the headers but cannot use them fails here.
#include <secretstage/secretstage.hpp>

#include <cstdio>
#include <string>

int main() {
  namespace ss = secretstage;
  const ss::context ctx{.now = ss::timestamp::from_seconds(1'764'288'000)};
  const std::string v1(32, 'a'), v2(32, 'b');
  auto created = ss::apply(
      ss::create_secret{.name = "consumer", .client_request_token = v1, .secret_string = "one"}, ctx);
  if (!created) return 1;
  auto put = ss::apply(created.value().state,
                       ss::put_secret_value{.secret_id = "consumer", .client_request_token = v2,
                                            .secret_string = "two"},
                       ctx);
  if (!put) return 2;
  const ss::secret& s = put.value().state;
  if (s.version_of("AWSCURRENT") != v2 || s.version_of("AWSPREVIOUS") != v1) return 3;
  if (!ss::check_invariants(s).empty()) return 4;
  std::puts("consumer ok");
  return 0;
}
