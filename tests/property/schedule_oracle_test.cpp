// schedule.hpp against a brute-force oracle: random valid cron and rate expressions (with and
// without a Duration), random last rotations between 2000 and 2099 and random `now`s after them;
// the oracle steps minute by minute from the last rotation on a calendar of its own (a
// year/month/day/hour/minute counter with carries, nothing shared with the library), reads each
// cron field's text at every whole hour, and applies the window rules of
// docs/rotation-schedules.md directly. next_rotation_window and next_rotation_date must agree
// with it exactly.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include <secretstage/schedule.hpp>

#include "support/rc_doctest.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace schedule_oracle_test_property {

namespace ss = secretstage;

namespace {

// ---- the oracle's calendar: a counter, advanced one minute at a time ----------------------------

constexpr std::int64_t minute_ms = 60'000;

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int month_length(int y, int m) {
  if (m == 2) return leap(y) ? 29 : 28;
  return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

struct clock {
  int year, month, day, hour, minute;
  int weekday;  // 1 = Sunday … 7 = Saturday
  std::int64_t ms;

  /// The minute that contains `t` (t ≥ 1970).
  static clock at(std::int64_t t) {
    clock c{1970, 1, 1, 0, 0, 5, 0};  // 1970-01-01 was a Thursday
    std::int64_t days = t / (1440 * minute_ms);
    c.weekday = static_cast<int>((days + 4) % 7) + 1;
    while (days >= (leap(c.year) ? 366 : 365)) days -= leap(c.year) ? 366 : 365, ++c.year;
    while (days >= month_length(c.year, c.month)) days -= month_length(c.year, c.month), ++c.month;
    c.day = static_cast<int>(days) + 1;
    const std::int64_t in_day = t % (1440 * minute_ms);
    c.hour = static_cast<int>(in_day / (60 * minute_ms));
    c.minute = static_cast<int>(in_day / minute_ms % 60);
    c.ms = t - t % minute_ms;
    return c;
  }
  void tick() {
    ms += minute_ms;
    if (++minute < 60) return;
    minute = 0;
    if (++hour < 24) return;
    hour = 0;
    weekday = weekday % 7 + 1;
    if (++day <= month_length(year, month)) return;
    day = 1;
    if (++month <= 12) return;
    month = 1;
    ++year;
  }
  [[nodiscard]] std::int64_t to_midnight() const {
    return ((23 - hour) * 60 + (60 - minute)) * minute_ms;
  }
};

// ---- the oracle's reading of a cron field, from its text, for one value ---------------------

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

int number(const std::string& s) {
  static const char* names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL",
                                "AUG", "SEP", "OCT", "NOV", "DEC", "SUN", "MON",
                                "TUE", "WED", "THU", "FRI", "SAT"};
  std::string u;
  for (char c : s) u += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  for (int i = 0; i < 19; ++i)
    if (u == names[i]) return i < 12 ? i + 1 : i - 11;
  return std::stoi(s);
}

/// `*`, `v`, `a-b`, each with an optional `/step`, comma-separated.
bool in_field(const std::string& field, int value, int lo, int hi) {
  for (const std::string& item : split(field, ',')) {
    const auto parts = split(item, '/');
    const int step = parts.size() == 2 ? number(parts[1]) : 1;
    int from = lo, to = hi;
    if (parts[0] != "*") {
      const auto range = split(parts[0], '-');
      from = number(range[0]);
      to = range.size() == 2 ? number(range[1]) : parts.size() == 2 ? hi : from;
    }
    if (value >= from && value <= to && (value - from) % step == 0) return true;
  }
  return false;
}

/// A cron's fields read once into tables (value -> selected) and the special day forms.
struct cron_text {
  std::vector<std::string> f;
  bool hour[24] = {}, month[13] = {}, month_day[32] = {}, weekday[8] = {};
  int nth = 0, last_weekday = 0, nth_weekday = 0;

  explicit cron_text(std::vector<std::string> fields) : f(std::move(fields)) {
    for (int v = 0; v < 24; ++v) hour[v] = in_field(f[1], v, 0, 23);
    for (int v = 1; v <= 12; ++v) month[v] = in_field(f[3], v, 1, 12);
    if (f[2] != "?" && f[2] != "L")
      for (int v = 1; v <= 31; ++v) month_day[v] = in_field(f[2], v, 1, 31);
    const std::string& w = f[4];
    if (w == "?") return;
    if (w == "L") {
      weekday[7] = true;
    } else if (const auto hash = w.find('#'); hash != std::string::npos) {
      nth_weekday = number(w.substr(0, hash));
      nth = std::stoi(w.substr(hash + 1));
    } else if (w.back() == 'L' || w.back() == 'l') {
      last_weekday = number(w.substr(0, w.size() - 1));
    } else {
      for (int v = 1; v <= 7; ++v) weekday[v] = in_field(w, v, 1, 7);
    }
  }

  [[nodiscard]] bool day(const clock& c) const {
    if (!month[c.month]) return false;
    const int length = month_length(c.year, c.month);
    if (f[4] == "?") return f[2] == "L" ? c.day == length : month_day[c.day];
    if (nth != 0) {
      // The k-th such weekday: exactly k-1 of them earlier in the month.
      int earlier = 0;
      for (int d = c.day - 7; d >= 1; d -= 7) ++earlier;
      return c.weekday == nth_weekday && earlier == nth - 1;
    }
    if (last_weekday != 0) {
      for (int d = c.day + 7; d <= length; d += 7) return false;
      return c.weekday == last_weekday;
    }
    return weekday[c.weekday];
  }
};

/// The oracle's window: steps minute by minute from the minute after `last`.
ss::rotation_window oracle(const std::string& expression, std::optional<int> duration,
                           std::int64_t last, std::int64_t now, std::optional<int> after_days) {
  clock c = clock::at(last);
  const clock first = c;
  const std::int64_t hour_ms = 60 * minute_ms;
  bool is_cron = false, hours_rate = false;
  std::int64_t n = 0;
  std::optional<cron_text> cron;
  if (after_days) {
    n = *after_days;
  } else if (expression.rfind("cron(", 0) == 0) {
    is_cron = true;
    cron.emplace(split(expression.substr(5, expression.size() - 6), ' '));
  } else {
    const auto parts = split(expression.substr(5, expression.size() - 6), ' ');
    n = std::stoi(parts[0]);
    hours_rate = parts[1].rfind("hour", 0) == 0;
  }
  int selected_hours = 0;
  if (is_cron)
    for (bool h : cron->hour) selected_hours += h;
  std::int64_t days_since = 0;
  while (true) {
    c.tick();
    if (c.minute != 0) continue;
    if (c.hour == 0) ++days_since;
    std::optional<std::int64_t> length;
    if (is_cron) {
      if (cron->hour[c.hour] && cron->day(c))
        length = duration ? *duration * hour_ms : selected_hours > 1 ? hour_ms : c.to_midnight();
    } else if (hours_rate) {
      // Counted from the hour of the last rotation.
      const std::int64_t elapsed = (c.ms - (first.ms - first.minute * minute_ms)) / hour_ms;
      if (elapsed % n == 0) {
        const std::int64_t want = duration ? *duration * hour_ms : hour_ms;
        length = want < c.to_midnight() ? want : c.to_midnight();
      }
    } else if (c.hour == 0 && days_since % n == 0) {
      length = duration ? *duration * hour_ms : 24 * hour_ms;
    }
    if (length && c.ms + *length > now) return {{c.ms}, {c.ms + *length}};
  }
}

// ---- generators of expressions Secrets Manager accepts (mostly) ------------------------------

/// Uniform over [lo, hi) at every size (rc::gen::inRange narrows the range at small sizes).
template <class T>
T uniform(T lo, T hi) {
  return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<T>(lo, hi));
}

std::string pick(const std::vector<std::string>& v) { return v[uniform<std::size_t>(0, v.size())]; }
std::string num(int lo, int hi) { return std::to_string(uniform(lo, hi + 1)); }

const std::vector<std::string> months = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                         "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const std::vector<std::string> weekdays = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

std::string hours_field() {
  switch (uniform(0, 5)) {
    case 0:
      return num(0, 23);
    case 1:
      return num(0, 23) + "/" + num(4, 13);
    case 2:
      return "*/" + num(4, 12);
    case 3: {
      const int a = uniform(0, 10);
      return std::to_string(a) + "," + std::to_string(a + uniform(4, 11));
    }
    default: {
      const int a = uniform(0, 12);
      return std::to_string(a) + "-" + num(a, 23) + "/" + num(4, 9);
    }
  }
}

std::string month_field() {
  switch (uniform(0, 6)) {
    case 0:
    case 1:
      return "*";
    case 2:
      return *rc::gen::arbitrary<bool>() ? num(1, 12) : pick(months);
    case 3: {
      const int a = uniform(1, 13);
      return std::to_string(a) + "-" + num(a, 12);
    }
    case 4:
      return num(1, 12) + "/" + num(1, 6);
    default:
      return pick(months) + "," + num(1, 12);
  }
}

std::string dom_field() {
  switch (uniform(0, 7)) {
    case 0:
      return "*";
    case 1:
      return num(1, 28);
    case 2:
      return num(29, 31);
    case 3: {
      const int a = uniform(1, 32);
      return std::to_string(a) + "-" + num(a, 31);
    }
    case 4:
      return num(1, 31) + "/" + num(1, 15);
    case 5:
      return "L";
    default:
      return num(1, 31) + "," + num(1, 31);
  }
}

std::string dow_field() {
  const auto day = [] { return *rc::gen::arbitrary<bool>() ? num(1, 7) : pick(weekdays); };
  switch (uniform(0, 8)) {
    case 0:
      return "*";
    case 1:
      return day();
    case 2: {
      const int a = uniform(1, 8);
      return weekdays[static_cast<std::size_t>(a - 1)] + "-" + num(a, 7);
    }
    case 3:
      return day() + "L";
    case 4:
      return day() + "#" + num(1, 5);
    case 5:
      return "L";
    case 6:
      return num(1, 7) + "/" + num(1, 3);
    default:
      return day() + "," + day();
  }
}

std::string cron_expression() {
  const bool by_month_day = *rc::gen::arbitrary<bool>();
  return "cron(0 " + hours_field() + " " + (by_month_day ? dom_field() : "?") + " " +
         month_field() + " " + (by_month_day ? "?" : dow_field()) + " *)";
}

std::optional<int> duration() {
  if (uniform(0, 3) == 0) return std::nullopt;
  return uniform(1, 25);
}

/// A last rotation between 2000 and 2099 (any millisecond) and a `now` up to 60 days after it.
std::pair<std::int64_t, std::int64_t> times() {
  const std::int64_t y2000 = 946'684'800'000, y2100 = 4'102'444'800'000;
  const std::int64_t last = uniform(y2000, y2100);
  // now = last, or up to 6 hours later, or up to 60 days later.
  const std::int64_t reach[] = {0, 6 * 3'600'000LL, 60 * 86'400'000LL};
  const std::int64_t range = reach[uniform(0, 3)];
  const std::int64_t offset = range == 0 ? 0 : uniform<std::int64_t>(0, range);
  return {last, last + offset};
}

void check_against_oracle(const ss::rotation_schedule& s, const std::string& expression,
                          std::optional<int> d, std::optional<int> after_days) {
  const auto [last, now] = times();
  const ss::rotation_window expected = oracle(expression, d, last, now, after_days);
  const ss::rotation_window actual = ss::next_rotation_window(s, {last}, {now});
  RC_LOG() << expression << (d ? " Duration " + std::to_string(*d) + "h" : "") << " last " << last
           << " now " << now << " oracle [" << expected.start.epoch_ms << ", "
           << expected.end.epoch_ms << ") library [" << actual.start.epoch_ms << ", "
           << actual.end.epoch_ms << ")\n";
  RC_ASSERT(actual == expected);
  RC_ASSERT(ss::next_rotation_date(s, {last}, {now}).epoch_ms == expected.end.epoch_ms - 1000);
}

std::optional<std::string> as_text(std::optional<int> d) {
  if (!d) return std::nullopt;
  return std::to_string(*d) + "h";
}

}  // namespace

TEST_CASE("schedule: cron windows agree with a minute-by-minute oracle") {
  rc::doctest_prop("cron", [] {
    const std::string e = cron_expression();
    const std::optional<int> d = duration();
    const auto s = ss::parse_schedule_expression(e, as_text(d));
    RC_PRE(s.has_value());
    RC_TAG(s.value().in_hours() ? "in hours" : "in days");
    check_against_oracle(s.value(), e, d, std::nullopt);
  });
}

TEST_CASE("schedule: rate and AutomaticallyAfterDays windows agree with the oracle") {
  rc::doctest_prop("rate", [] {
    const int kind = uniform(0, 3);
    const std::optional<int> d = duration();
    if (kind == 2) {
      const int n = uniform(1, 41);
      const auto s = ss::parse_rotation_rules({n, as_text(d), std::nullopt});
      RC_ASSERT(s.has_value());
      check_against_oracle(s.value(), "", d, n);
      return;
    }
    const std::string e =
        kind == 0 ? "rate(" + num(4, 72) + " hours)" : "rate(" + num(1, 40) + " days)";
    const auto s = ss::parse_schedule_expression(e, as_text(d));
    RC_PRE(s.has_value());
    RC_TAG(kind == 0 ? "hours" : "days");
    check_against_oracle(s.value(), e, d, std::nullopt);
  });
}

}  // namespace schedule_oracle_test_property
