// value.hpp: timestamps, shared text (names and ARNs) and secret values.
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include <secretstage/value.hpp>

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace value_test {

namespace ss = secretstage;

namespace {
template <class T>
constexpr bool comparable_with_literal_lhs = requires(const T& t) { t == "app"; };
template <class T>
constexpr bool comparable_with_literal_rhs = requires(const T& t) { "app" == t; };
}  // namespace

TEST_CASE("timestamp: milliseconds since the epoch, ordered") {
  static_assert(ss::timestamp::from_seconds(3).epoch_ms == 3000);
  CHECK(ss::timestamp{} == ss::timestamp{0});
  CHECK(ss::timestamp::from_seconds(1) < ss::timestamp::from_seconds(2));
  CHECK(ss::timestamp{999} < ss::timestamp::from_seconds(1));
}

TEST_CASE("shared_text: copies share one buffer and compare by content") {
  const ss::shared_text empty;
  CHECK(empty.empty());
  CHECK(empty.size() == 0);
  CHECK(empty.view().empty());
  const ss::shared_text a(std::string("app/db"));
  const ss::shared_text copy = a;
  CHECK(copy.view().data() == a.view().data());  // no characters copied
  CHECK(a.str() == "app/db");
  CHECK(a.size() == 6);
  CHECK(a == ss::shared_text(std::string_view("app/db")));
  CHECK(a == std::string_view("app/db"));
  CHECK_FALSE(a == std::string_view("app"));
  const std::string_view as_view = a;
  CHECK(as_view == "app/db");
  CHECK(ss::shared_text("x") == ss::shared_text(std::string("x")));
}

TEST_CASE("shared_text compares with a string literal, in either order") {
  // `state.name() == "app"` is the natural way to write a check; it must compile.
  CHECK(comparable_with_literal_lhs<ss::shared_text>);
  CHECK(comparable_with_literal_rhs<ss::shared_text>);
}

TEST_CASE("secret_value: exactly one of string and binary") {
  const ss::secret_value s(ss::secret_value::string_tag{}, "abc");
  CHECK(s.is_string());
  CHECK_FALSE(s.is_binary());
  REQUIRE(s.string() != nullptr);
  CHECK(*s.string() == "abc");
  CHECK(s.bytes() == nullptr);
  CHECK(s.size() == 3);
  const ss::secret_value b(ss::secret_value::binary_tag{}, ss::binary{'a', 'b', 'c', 0});
  CHECK(b.is_binary());
  CHECK(b.string() == nullptr);
  REQUIRE(b.bytes() != nullptr);
  CHECK(b.size() == 4);
}

TEST_CASE("secret_value equality: same kind and same content") {
  const ss::secret_value s(ss::secret_value::string_tag{}, "abc");
  CHECK(s == ss::secret_value(ss::secret_value::string_tag{}, "abc"));
  CHECK_FALSE(s == ss::secret_value(ss::secret_value::string_tag{}, "abd"));
  CHECK_FALSE(s == ss::secret_value(ss::secret_value::binary_tag{}, ss::binary{'a', 'b', 'c'}));
  const ss::secret_value copy = s;
  CHECK(copy == s);
  ss::secret_value moved = ss::secret_value(ss::secret_value::binary_tag{}, ss::binary{1});
  moved = copy;
  CHECK(moved == s);
}

TEST_CASE("values are copied byte for byte, at every length and alignment") {
  // copy_value_bytes copies in 32-byte steps and a tail: every length around the step and the
  // sizes of real values, from every offset of a 32-byte window on both sides.
  std::string source(5000 + 64, '\0');
  for (std::size_t i = 0; i < source.size(); ++i) source[i] = static_cast<char>('A' + (i * 7919) % 26);  // never '#'
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{31}, std::size_t{32}, std::size_t{33},
                              std::size_t{63}, std::size_t{64}, std::size_t{65}, std::size_t{4096}, std::size_t{4097},
                              std::size_t{5000}}) {
    for (std::size_t from = 0; from < 32; ++from) {
      for (std::size_t to = 0; to < 32; ++to) {
        std::string target(n + 64, '#');
        secretstage::detail::copy_value_bytes(target.data() + to, source.data() + from, n);
        CAPTURE(n);
        CAPTURE(from);
        CAPTURE(to);
        CHECK(target.compare(to, n, source, from, n) == 0);
        CHECK(target.find_first_not_of('#', 0) == (n == 0 ? std::string::npos : to));  // nothing before
        CHECK(target.find_first_not_of('#', to + n) == std::string::npos);              // nothing after
      }
    }
    const std::string text = source.substr(3, n);
    CHECK(secretstage::detail::copy_value_text(text) == text);
    const secretstage::binary bytes(text.begin(), text.end());
    CHECK(secretstage::detail::copy_value_binary(bytes) == bytes);
  }
}

}  // namespace value_test
