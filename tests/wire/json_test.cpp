// detail/json.hpp, the adapter's JSON reader and writer, checked against nlohmann/json as the
// oracle: validity on hand-picked, generated and mutated text; what the reader returns against
// nlohmann's parse; string escaping against nlohmann's dump with error_handler_t::replace. Base64
// against the RFC 4648 vectors and the bytes the AWS CLI sent.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <secretstage/detail/json.hpp>

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace json_test {

namespace sj = secretstage::detail::json;
using njson = nlohmann::json;

namespace {

/// nlohmann's verdict, except that it stops reading at a NUL byte (its lexer's end-of-input for
/// C strings) and so accepts `{}` followed by NUL and anything; RFC 8259 allows no raw NUL at all.
bool oracle_accepts(std::string_view text) {
  return text.find('\0') == std::string_view::npos && njson::accept(text.begin(), text.end());
}

/// The value read by our reader, rebuilt as an nlohmann value (numbers re-read from their text).
njson rebuild(sj::value v) {
  switch (v.type()) {
    case sj::kind::null:
      return nullptr;
    case sj::kind::boolean:
      return v.boolean();
    case sj::kind::number:
      return njson::parse(v.raw());
    case sj::kind::string:
      return v.string();
    case sj::kind::array: {
      njson out = njson::array();
      v.for_each_element([&](sj::value e) { out.push_back(rebuild(e)); });
      return out;
    }
    case sj::kind::object: {
      njson out = njson::object();
      v.for_each_member([&](const std::string& key, sj::value m) { out[key] = rebuild(m); });
      return out;
    }
  }
  return nullptr;
}

/// Random text biased toward what breaks JSON strings: quotes, backslashes, control characters,
/// multi-byte and ill-formed UTF-8.
std::string random_bytes(std::mt19937& rng, std::size_t max_length, bool valid_utf8) {
  static const std::vector<std::string> pieces = {"a",
                                                  "Z",
                                                  "0",
                                                  " ",
                                                  "\"",
                                                  "\\",
                                                  "/",
                                                  "\b",
                                                  "\f",
                                                  "\n",
                                                  "\r",
                                                  "\t",
                                                  std::string(1, '\0'),
                                                  "\x01",
                                                  "\x1f",
                                                  "\x7f",
                                                  "\xc3\xa9",
                                                  "\xe2\x80\x99",
                                                  "\xef\xbf\xbd",
                                                  "\xf0\x9f\x98\x80",
                                                  "\xf4\x8f\xbf\xbf",
                                                  "\xed\x9f\xbf",
                                                  "\xee\x80\x80"};
  static const std::vector<std::string> broken = {"\x80",
                                                  "\xbf",
                                                  "\xc0\xaf",
                                                  "\xc1\xbf",
                                                  "\xc2",
                                                  "\xe0\x80\x80",
                                                  "\xe0\xa0",
                                                  "\xed\xa0\x80",
                                                  "\xf0\x8f\xbf\xbf",
                                                  "\xf4\x90\x80\x80",
                                                  "\xf5\x80\x80\x80",
                                                  "\xff",
                                                  "\xfe",
                                                  "\xe2\x28\xa1",
                                                  "\xf0\x9f\x98"};
  std::uniform_int_distribution<std::size_t> length(0, max_length);
  std::string out;
  for (std::size_t n = length(rng); n > 0; --n) {
    if (!valid_utf8 && rng() % 4 == 0) {
      out += broken[rng() % broken.size()];
    } else if (!valid_utf8 && rng() % 8 == 0) {
      out.push_back(static_cast<char>(rng() & 0xFF));
    } else {
      out += pieces[rng() % pieces.size()];
    }
  }
  return out;
}

njson random_value(std::mt19937& rng, int depth) {
  switch (rng() % (depth > 0 ? 8 : 5)) {
    case 0:
      return nullptr;
    case 1:
      return rng() % 2 == 0;
    case 2: {
      switch (rng() % 4) {
        case 0:
          return static_cast<std::int64_t>(rng()) - 2'000'000'000;
        case 1:
          return static_cast<std::uint64_t>(rng()) << 31;
        case 2:
          return static_cast<double>(static_cast<int>(rng() % 2'000'000) - 1'000'000) / 1024.0;
        default:
          return 1.523477145713e9;
      }
    }
    case 3:
    case 4:
      return random_bytes(rng, 12, true);
    case 5: {
      njson a = njson::array();
      for (auto n = rng() % 5; n > 0; --n) a.push_back(random_value(rng, depth - 1));
      return a;
    }
    default: {
      njson o = njson::object();
      for (auto n = rng() % 5; n > 0; --n)
        o[random_bytes(rng, 6, true)] = random_value(rng, depth - 1);
      return o;
    }
  }
}

std::string random_document(std::mt19937& rng) {
  const njson v = random_value(rng, 4);
  switch (rng() % 3) {
    case 0:
      return v.dump();
    case 1:
      return v.dump(2);  // with whitespace
    default:
      return v.dump(-1, ' ', true);  // \u escapes, surrogate pairs for non-BMP
  }
}

}  // namespace

TEST_CASE("is_valid agrees with nlohmann on hand-picked text") {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"{}", true},
      {"[]", true},
      {" \t\r\n{ } \n", true},
      {"\xEF\xBB\xBF{}", true},
      {"0", true},
      {"-0", true},
      {"-0.5e-3", true},
      {"1E+5", true},
      {"true", true},
      {"false", true},
      {"null", true},
      {"\"\"", true},
      {R"({"a":[1,{"b":null}],"c":"d"})", true},
      {R"("\"\\\/\b\f\n\r\t\u0000\u00e9")", true},
      {R"("\ud83d\ude00")", true},
      {"\"\xf4\x8f\xbf\xbf\"", true},
      {"\"\x7f\"", true},
      {R"({"a":1,"a":2})", true},
      {"", false},
      {" ", false},
      {"{", false},
      {"}", false},
      {"[1,]", false},
      {"[,1]", false},
      {R"({"a":1,})", false},
      {R"({"a" 1})", false},
      {R"({a:1})", false},
      {"{'a':1}", false},
      {"01", false},
      {"-", false},
      {"1.", false},
      {".5", false},
      {"1e", false},
      {"1e+", false},
      {"+1", false},
      {"tru", false},
      {"nul", false},
      {"True", false},
      {"NaN", false},
      {"Infinity", false},
      {R"("\x")", false},
      {R"("\u12")", false},
      {R"("\u12g4")", false},
      {R"("\ud800")", false},
      {R"("\udc00")", false},
      {R"("\ud800\u0041")", false},
      {R"("\ud800x")", false},
      {"\"\x01\"", false},
      {"\"\n\"", false},
      {"\"\xff\"", false},
      {"\"\xc0\xaf\"", false},
      {"\"\xed\xa0\x80\"", false},
      {"\"\xf4\x90\x80\x80\"", false},
      {"\"\xe2\x82\"", false},
      {"{}\xff", false},
      {"\xff{}", false},
      {"{} {}", false},
      {"{}x", false},
      {"/*c*/{}", false},
      {"{\"a\":1}//", false},
      {"\"abc", false},
      {std::string("{\"a\":1}\0", 8), false},
      {std::string("\"a\0b\"", 5), false},
      {"[1 2]", false},
      {R"({"a":1 "b":2})", false},
      {"[", false},
      {"]", false}};
  for (const auto& c : cases) {
    const std::string& text = c.first;
    const bool valid = c.second;
    CAPTURE(text);
    CHECK(oracle_accepts(text) == valid);  // the expectation itself is right
    CHECK(sj::is_valid(text) == valid);
  }
}

TEST_CASE("the reader returns what nlohmann parses, on generated documents") {
  std::mt19937 rng(20240601);
  for (int i = 0; i < 3000; ++i) {
    const std::string text = random_document(rng);
    CAPTURE(text);
    REQUIRE(sj::is_valid(text));
    CHECK(rebuild(sj::root(text)) == njson::parse(text));
  }
}

TEST_CASE("is_valid agrees with nlohmann on truncated, corrupted and random text") {
  std::mt19937 rng(7);
  std::size_t valid = 0, invalid = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = random_document(rng);
    switch (rng() % 4) {
      case 0:
        text.resize(rng() % (text.size() + 1));
        break;
      case 1:
        if (!text.empty()) text[rng() % text.size()] = static_cast<char>(rng() & 0xFF);
        break;
      case 2:
        text.insert(rng() % (text.size() + 1), random_bytes(rng, 2, false));
        break;
      default:
        text = random_bytes(rng, 16, false);
        break;
    }
    CAPTURE(text);
    const bool expected = oracle_accepts(text);
    CHECK(sj::is_valid(text) == expected);
    if (expected) {
      ++valid;
      CHECK(rebuild(sj::root(text)) == njson::parse(text));
    } else {
      ++invalid;
    }
  }
  CHECK(valid > 100);  // both outcomes are exercised
  CHECK(invalid > 1000);
}

TEST_CASE("nesting deeper than 64 is rejected without recursion") {
  const auto nested = [](std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
  };
  CHECK(sj::is_valid(nested(64)));
  CHECK_FALSE(sj::is_valid(nested(65)));
  CHECK(sj::is_valid("{\"a\":" + nested(63) + "}"));
  CHECK_FALSE(sj::is_valid("{\"a\":" + nested(64) + "}"));
  // Ten MiB of '[' (and of '{"a":') must neither overflow the stack nor take long.
  CHECK_FALSE(sj::is_valid(std::string(10u << 20, '[')));
  std::string objects;
  while (objects.size() < (10u << 20)) objects += "{\"a\":";
  CHECK_FALSE(sj::is_valid(objects));
  // Brackets inside strings are not nesting.
  CHECK(sj::is_valid("[\"" + std::string(1000, '[') + "\"]"));
}

TEST_CASE("strings decode escapes and surrogate pairs to UTF-8") {
  const std::string text =
      R"(["a\"b\\c\/d\b\f\n\r\t", "\u0000\u00e9\u2019\ud83d\ude00", "\u0041\u004A"])";
  REQUIRE(sj::is_valid(text));
  std::vector<std::string> out;
  sj::root(text).for_each_element([&](sj::value v) { out.push_back(v.string()); });
  REQUIRE(out.size() == 3);
  CHECK(out[0] == "a\"b\\c/d\b\f\n\r\t");
  CHECK(out[1] == std::string("\0\xc3\xa9\xe2\x80\x99\xf0\x9f\x98\x80", 10));
  CHECK(out[2] == "AJ");
}

TEST_CASE("object members: keys decoded, order kept, repeats visible to the caller") {
  const std::string text = R"({"Secret\u0049d": 1, "b": {"c": []}, "Secret\u0049d": 2})";
  REQUIRE(sj::is_valid(text));
  std::vector<std::pair<std::string, std::string>> seen;
  sj::root(text).for_each_member(
      [&](const std::string& key, sj::value v) { seen.emplace_back(key, std::string(v.raw())); });
  CHECK(seen == std::vector<std::pair<std::string, std::string>>{
                    {"SecretId", "1"}, {"b", "{\"c\": []}"}, {"SecretId", "2"}});
}

TEST_CASE("numbers to integers: truncated toward zero, clamped to the type") {
  const auto value = [](std::string_view text, std::int64_t min, std::int64_t max) {
    REQUIRE(sj::is_valid(text));
    return sj::root(text).to_integer(min, max);
  };
  constexpr std::int64_t i32min = -2147483648LL, i32max = 2147483647LL;
  constexpr std::int64_t i64min = INT64_MIN, i64max = INT64_MAX;
  CHECK(value("0", i32min, i32max) == 0);
  CHECK(value("-0", i32min, i32max) == 0);
  CHECK(value("7", i32min, i32max) == 7);
  CHECK(value("7.9", i32min, i32max) == 7);
  CHECK(value("-7.9", i32min, i32max) == -7);
  CHECK(value("1e3", i32min, i32max) == 1000);
  CHECK(value("1.5E1", i32min, i32max) == 15);
  CHECK(value("12e-1", i32min, i32max) == 1);
  CHECK(value("1e-5", i32min, i32max) == 0);
  CHECK(value("0.0000000000000000000001e30", i32min, i32max) == 100000000);
  CHECK(value("2147483647", i32min, i32max) == i32max);
  CHECK(value("2147483648", i32min, i32max) == i32max);
  CHECK(value("-2147483648", i32min, i32max) == i32min);
  CHECK(value("-2147483649", i32min, i32max) == i32min);
  CHECK(value("9223372036854775807", i64min, i64max) == i64max);
  CHECK(value("9223372036854775808", i64min, i64max) == i64max);
  CHECK(value("-9223372036854775808", i64min, i64max) == i64min);
  CHECK(value("-9223372036854775809", i64min, i64max) == i64min);
  CHECK(value("123456789012345678901234567890", i64min, i64max) == i64max);
  CHECK(value("1e400", i64min, i64max) == i64max);
  CHECK(value("-1e400", i64min, i64max) == i64min);
  CHECK(value("0e99999999999", i64min, i64max) == 0);
  CHECK(sj::root("3").is_integral());
  CHECK_FALSE(sj::root("3.0").is_integral());
  CHECK_FALSE(sj::root("3e0").is_integral());
}

TEST_CASE("append_string writes what nlohmann's dump with error_handler_t::replace writes") {
  std::mt19937 rng(99);
  for (int i = 0; i < 20000; ++i) {
    const std::string s = random_bytes(rng, 10, false);
    CAPTURE(s);
    const std::string expected = njson(s).dump(-1, ' ', false, njson::error_handler_t::replace);
    CHECK(sj::quoted(s) == expected);
  }
  // Spelled out, from RFC 8259 and the replacement rule (one U+FFFD per maximal ill-formed part).
  CHECK(sj::quoted("a\"b\\c/\x01\x1f\x7f") == "\"a\\\"b\\\\c/\\u0001\\u001f\x7f\"");
  CHECK(sj::quoted("\b\f\n\r\t") == R"("\b\f\n\r\t")");
  CHECK(sj::quoted("\xe2\x80\x99") == "\"\xe2\x80\x99\"");
  CHECK(sj::quoted("x\xff"
                   "y") == "\"x\xef\xbf\xbdy\"");
  CHECK(sj::quoted("\xe2\x82"
                   "A") ==
        "\"\xef\xbf\xbd"
        "A\"");
  CHECK(sj::quoted("\xed\xa0\x80") == "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
}

TEST_CASE("object_writer orders members by key") {
  sj::object_writer o;
  o.add("VersionId", "\"v\"");
  o.add("ARN", "\"a\"");
  o.add("Name", "\"n\"");
  o.add("CreatedDate", "1.0E9");
  CHECK(std::move(o).str() == R"({"ARN":"a","CreatedDate":1.0E9,"Name":"n","VersionId":"v"})");
}

TEST_CASE("base64: RFC 4648 vectors, every byte value, and the defects") {
  const auto bytes = [](std::string_view s) {
    return std::vector<std::uint8_t>(s.begin(), s.end());
  };
  const std::vector<std::pair<std::string, std::string>> vectors = {{"", ""},
                                                                    {"f", "Zg=="},
                                                                    {"fo", "Zm8="},
                                                                    {"foo", "Zm9v"},
                                                                    {"foob", "Zm9vYg=="},
                                                                    {"fooba", "Zm9vYmE="},
                                                                    {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(sj::base64_encode(bytes(plain)) == encoded);
    const auto decoded = sj::base64_decode(encoded);
    CHECK(decoded.defect == sj::base64_defect::none);
    CHECK(decoded.bytes == bytes(plain));
  }
  // The AWS CLI sent the file 00 01 FE FF as "AAH+/w==".
  CHECK(sj::base64_encode({0x00, 0x01, 0xFE, 0xFF}) == "AAH+/w==");
  std::vector<std::uint8_t> all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<std::uint8_t>(b));
  for (std::size_t n = 0; n <= all.size(); ++n) {
    const std::vector<std::uint8_t> prefix(all.begin(), all.begin() + static_cast<long>(n));
    const auto decoded = sj::base64_decode(sj::base64_encode(prefix));
    REQUIRE(decoded.defect == sj::base64_defect::none);
    CHECK(decoded.bytes == prefix);
  }
  CHECK(sj::base64_decode("Zg=").defect == sj::base64_defect::length);
  CHECK(sj::base64_decode("Zg===").defect == sj::base64_defect::length);
  CHECK(sj::base64_decode("Zh==").defect == sj::base64_defect::last_character);
  CHECK(sj::base64_decode("Zm9=").defect == sj::base64_defect::last_character);
  CHECK(sj::base64_decode("=+/=").defect == sj::base64_defect::last_character);
  CHECK(sj::base64_decode("+/+=").defect == sj::base64_defect::last_character);
  const auto bad = sj::base64_decode("Zm_v");
  CHECK(bad.defect == sj::base64_defect::character);
  CHECK(bad.position == 2);
  CHECK(sj::base64_decode("====").defect == sj::base64_defect::character);
  CHECK(sj::base64_decode("Zm9v\nZm9v").defect == sj::base64_defect::length);
  CHECK(sj::base64_decode("Zm9vZm9\n").defect == sj::base64_defect::character);
}

}  // namespace json_test
