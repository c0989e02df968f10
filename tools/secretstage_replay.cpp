// secretstage-replay: replays AWS Secrets Manager requests, one JSON object per line, against one
// in-memory store, and prints AWS's answer to each. Built on service.hpp, so it answers exactly
// as secretstage-server does. `secretstage-replay --help` describes the input and output.

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <secretstage/io.hpp>
#include <secretstage/service.hpp>

#include "rotation_function_spec.hpp"

namespace ss = secretstage;
using json = nlohmann::json;

namespace {

constexpr std::string_view usage = R"(Usage: secretstage-replay [OPTION]... [FILE]
Replays AWS Secrets Manager requests against one in-memory store and prints AWS's answer to each.

Input (FILE, or standard input when FILE is absent or -): JSON Lines, one step per line:
  {"action": "PutSecretValue", "request": {"SecretId": "app/db", "SecretString": "..."},
   "now": "2026-01-01T09:30:00Z", "repeat": 3, "note": "free text"}
  action   the operation, as in X-Amz-Target (required)
  request  the request body, AWS field names (default {})
  now      the time of this step and of every later one: ISO-8601 UTC
           (2026-01-01T09:30:00Z, optional fraction) or epoch seconds (a number).
           Without it the clock stays where it was; it starts at 2026-01-01T00:00:00Z.
  repeat   send the request this many times, 1-10000 (default 1)
  note     ignored, except that --table prints it in the step's heading
Blank lines are skipped.

Output: one line per request, {"ok": <response body>} ({} for an empty body) or
{"error": {"__type": "<Code>", "Message": "<text>"}} (no Message where AWS sends none).
A line that is not a step (invalid JSON, no action, an unknown member, a bad "now" or
"repeat") gets an error line too, and the replay goes on: SerializationException for the
line's JSON, UnknownOperationException for a missing action, ValidationException for the
others; each of these messages starts with "line N:".

Options:
  --table             after each step, also print a heading and the versions x labels table
                      of the secret the request names (SecretId, or CreateSecret's Name)
  --seed N            seed of every generated value: ARN characters, ClientRequestTokens,
                      rotated passwords (default 0)
  --raw               generate no ClientRequestToken, so version-creating requests without one
                      fail as AWS fails a raw HTTP request
  --rotation-function ARN=remove-pending|keep-pending[,value=TEXT]
                      register a built-in rotation function (repeatable): RotateSecret with
                      this ARN runs the rotation at once; finishSecret removes AWSPENDING or
                      keeps it; value=TEXT fixes the new value (default: a fresh password with
                      GetRandomPassword's defaults)
  --region R          Region of the ARNs (default us-east-1)
  --account-id A      account of the ARNs (default 123456789012)
  --help              print this help and exit

Exit status: 0 when every line was a step (whatever AWS answered), 1 when some line was not,
2 on a usage error or an unreadable FILE.
)";

/// 2026-01-01T00:00:00Z: the replay clock before any "now".
constexpr std::int64_t start_epoch_seconds = 1'767'225'600;
constexpr std::int64_t max_repeat = 10'000;

// ---- time ------------------------------------------------------------------------------------

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// The inverse of days_from_civil.
struct civil {
  std::int64_t year;
  unsigned month, day;
};
constexpr civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}
static_assert(days_from_civil(2026, 1, 1) * 86400 == start_epoch_seconds);

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}
unsigned to_unsigned(std::string_view digits) {
  unsigned n = 0;
  for (char c : digits) n = n * 10 + static_cast<unsigned>(c - '0');
  return n;
}

/// YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00), UTC only.
std::optional<ss::timestamp> parse_iso8601(std::string_view s) {
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':')
    return std::nullopt;
  const std::string_view fields[] = {s.substr(0, 4),  s.substr(5, 2),  s.substr(8, 2),
                                     s.substr(11, 2), s.substr(14, 2), s.substr(17, 2)};
  for (auto f : fields)
    if (!is_digits(f)) return std::nullopt;
  const unsigned year = to_unsigned(fields[0]), month = to_unsigned(fields[1]),
                 day = to_unsigned(fields[2]), hour = to_unsigned(fields[3]),
                 minute = to_unsigned(fields[4]), second = to_unsigned(fields[5]);
  std::string_view rest = s.substr(19);
  std::int64_t millis = 0;
  if (!rest.empty() && rest.front() == '.') {
    std::size_t n = 1;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    if (n == 1) return std::nullopt;
    std::string_view fraction = rest.substr(1, n - 1);
    for (std::size_t i = 0; i < 3; ++i)
      millis = millis * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    rest = rest.substr(n);
  }
  if (rest != "Z" && rest != "z" && rest != "+00:00") return std::nullopt;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  constexpr unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day < 1 || day > month_days[month - 1] || (month == 2 && day == 29 && !leap))
    return std::nullopt;
  const std::int64_t seconds =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return ss::timestamp{seconds * 1000 + millis};
}

std::string format_iso8601(ss::timestamp t) {
  const std::int64_t ms = t.epoch_ms;
  const std::int64_t days =
      (ms >= 0 ? ms : ms - ss::timestamp::ms_per_day + 1) / ss::timestamp::ms_per_day;
  const std::int64_t in_day = ms - days * ss::timestamp::ms_per_day;
  const civil c = civil_from_days(days);
  char text[64];  // room for any value the formats below can take, so GCC sees no truncation
  const auto seconds = in_day / 1000;
  const auto millis = in_day % 1000;
  std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                static_cast<long long>(c.year), c.month, c.day,
                static_cast<long long>(seconds / 3600), static_cast<long long>(seconds / 60 % 60),
                static_cast<long long>(seconds % 60));
  std::string out = text;
  if (millis != 0) {
    std::snprintf(text, sizeof text, ".%03lld", static_cast<long long>(millis));
    out += text;
  }
  return out + 'Z';
}

/// "now": an ISO-8601 string or epoch seconds.
std::optional<ss::timestamp> parse_now(const json& now) {
  if (now.is_string()) return parse_iso8601(now.get_ref<const std::string&>());
  if (now.is_number_integer()) {
    const auto s = now.get<std::int64_t>();
    if (s < 0 || s > 253'402'300'799) return std::nullopt;  // up to 9999-12-31T23:59:59Z
    return ss::timestamp::from_seconds(s);
  }
  if (now.is_number_float()) {
    const double s = now.get<double>();
    if (!std::isfinite(s) || s < 0 || s > 253'402'300'799.0) return std::nullopt;
    return ss::timestamp{static_cast<std::int64_t>(std::llround(s * 1000.0))};
  }
  return std::nullopt;
}

// ---- the replay ------------------------------------------------------------------------------

struct options {
  bool table = false;
  ss::service_options service;
  std::string file = "-";
};

/// Parses the command line; exits with 0 (--help) or 2 (a usage error).
options parse_arguments(int argc, char** argv) {
  options out;
  auto fail = [](const std::string& message) {
    std::cerr << "secretstage-replay: " << message << "\nTry 'secretstage-replay --help'.\n";
    std::exit(2);
  };
  bool file_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--help") {
      std::cout << usage;
      std::exit(0);
    } else if (arg == "--table") {
      out.table = true;
    } else if (arg == "--raw") {
      out.service.raw = true;
    } else if (arg == "--seed") {
      const std::string text = value();
      if (!is_digits(text) || text.size() > 20) fail("--seed needs a non-negative integer");
      errno = 0;
      const unsigned long long seed = std::strtoull(text.c_str(), nullptr, 10);
      if (errno == ERANGE) fail("--seed is out of range");
      out.service.seed = seed;
    } else if (arg == "--rotation-function") {
      const std::string text = value();
      auto spec = ss::tools::parse_rotation_function_spec(text);
      if (!spec) fail("--rotation-function needs ARN=remove-pending|keep-pending[,value=TEXT]");
      out.service.rotation_functions[spec->arn] = spec->function;
    } else if (arg == "--region") {
      out.service.region = value();
    } else if (arg == "--account-id") {
      out.service.account_id = value();
    } else if (arg.size() > 1 && arg.front() == '-' && arg != "-") {
      fail("unknown option " + std::string(arg));
    } else {
      if (file_given) fail("only one FILE can be given");
      out.file = std::string(arg);
      file_given = true;
    }
  }
  return out;
}

/// The error line of an input line that is not a step.
std::string line_error(ss::errc code, std::size_t line, std::string_view what) {
  return ss::aws_json::error_body(
      ss::error{code, "line " + std::to_string(line) + ": " + std::string(what)});
}

/// The SecretId (or CreateSecret's Name) a request names, if any.
std::optional<std::string> touched_secret(const json& request) {
  if (!request.is_object()) return std::nullopt;
  for (const char* member : {"SecretId", "Name"}) {
    const auto at = request.find(member);
    if (at != request.end() && at->is_string()) return at->get<std::string>();
  }
  return std::nullopt;
}

class replay {
 public:
  explicit replay(options o) : options_(std::move(o)), service_(options_.service) {}

  /// Runs one input line; false when it was not a step.
  bool line(std::string_view text, std::size_t number) {
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) return true;

    const json step = json::parse(text, nullptr, false);
    if (step.is_discarded() || !step.is_object())
      return reject(ss::errc::serialization, number,
                    step.is_discarded() ? "invalid JSON" : "not a JSON object");
    for (const auto& [key, value] : step.items()) {
      if (key != "action" && key != "request" && key != "now" && key != "repeat" && key != "note")
        return reject(ss::errc::validation, number, "unknown member \"" + key + "\"");
    }
    const auto action = step.find("action");
    if (action == step.end() || !action->is_string())
      return reject(ss::errc::unknown_operation, number, "no \"action\" string");
    const std::string operation = action->get<std::string>();

    std::optional<ss::timestamp> now;
    if (const auto at = step.find("now"); at != step.end()) {
      now = parse_now(*at);
      if (!now)
        return reject(
            ss::errc::validation, number,
            "\"now\" must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z, or epoch seconds");
    }
    std::int64_t repeat = 1;
    if (const auto at = step.find("repeat"); at != step.end()) {
      if (!at->is_number_integer() || at->get<std::int64_t>() < 1 ||
          at->get<std::int64_t>() > max_repeat)
        return reject(ss::errc::validation, number,
                      "\"repeat\" must be an integer from 1 to 10000");
      repeat = at->get<std::int64_t>();
    }
    if (now) clock_ = *now;

    json request = json::object();
    if (const auto at = step.find("request"); at != step.end()) request = *at;
    const std::string body = request.dump();
    const std::optional<std::string> secret = touched_secret(request);

    if (options_.table) {
      std::string heading = "# " + format_iso8601(clock_) + " " + operation;
      if (secret) heading += " " + *secret;
      if (repeat > 1) heading += " x" + std::to_string(repeat);
      if (const auto note = step.find("note"); note != step.end() && note->is_string())
        heading += ": " + note->get<std::string>();
      std::cout << heading << '\n';
    }
    for (std::int64_t i = 0; i < repeat; ++i) {
      const ss::service_reply reply = service_.handle(operation, body, clock_);
      // TagResource and UntagResource answer an empty body: shown as {}.
      std::cout << (reply.status == 200 ? "{\"ok\": " : "{\"error\": ")
                << (reply.body.empty() ? std::string_view("{}") : std::string_view(reply.body))
                << "}\n";
    }
    if (options_.table) print_table(secret);
    return true;
  }

 private:
  bool reject(ss::errc code, std::size_t number, std::string_view what) {
    std::cout << "{\"error\": " << line_error(code, number, what) << "}\n";
    if (options_.table) std::cout << '\n';
    return false;
  }

  void print_table(const std::optional<std::string>& secret) {
    if (secret) {
      const ss::store st = service_.store();
      auto found = st.resolve(*secret);
      if (found) {
        std::cout << ss::format_table(*found.value());
      } else {
        std::cout << "(no secret " << *secret << ")\n";
      }
    }
    std::cout << '\n';
  }

  options options_;
  ss::service service_;
  ss::timestamp clock_ = ss::timestamp::from_seconds(start_epoch_seconds);
};

}  // namespace

int main(int argc, char** argv) {
  options o = parse_arguments(argc, argv);
  std::ifstream file;
  std::istream* in = &std::cin;
  if (o.file != "-") {
    file.open(o.file);
    if (!file) {
      std::cerr << "secretstage-replay: cannot read " << o.file << '\n';
      return 2;
    }
    in = &file;
  }
  replay r(std::move(o));
  bool all_steps = true;
  std::string text;
  for (std::size_t number = 1; std::getline(*in, text); ++number)
    all_steps = r.line(text, number) && all_steps;
  std::cout.flush();
  return all_steps ? 0 : 1;
}
