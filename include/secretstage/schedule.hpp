#ifndef SECRETSTAGE_SCHEDULE_HPP
#define SECRETSTAGE_SCHEDULE_HPP

// Rotation schedules as pure functions: RotationRules parsed and validated with AWS's error types
// and texts, the next rotation window from a rule, a last rotation and a time, NextRotationDate and
// AutomaticallyAfterDays as DescribeSecret shows them. Nothing here reads a clock. The rules, their
// sources and every ruling are in docs/rotation-schedules.md.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "messages.hpp"
#include "result.hpp"
#include "secret.hpp"
#include "value.hpp"

namespace secretstage {

/// A parsed `cron(Minutes Hours Day-of-month Month Day-of-week Year)`. Minutes is always 0 and Year
/// always `*` (Secrets Manager accepts nothing else), so neither is stored.
struct cron_schedule {
  /// Which days the day fields select: exactly one of Day-of-month / Day-of-week is `?`.
  enum class day_rule : std::uint8_t {
    days_of_month,          // Day-of-month: values, ranges, steps; Day-of-week `?`
    last_day_of_month,      // Day-of-month `L`
    days_of_week,           // Day-of-week: values, ranges, steps, or `L` (Saturday)
    last_weekday_of_month,  // Day-of-week `nL`, e.g. `FRIL`
    nth_weekday_of_month,   // Day-of-week `n#k`, e.g. `TUE#3`
  };
  std::uint32_t hours = 0;          // bit h: hour h (0–23)
  std::uint32_t days_of_month = 0;  // bit d: day d (1–31)
  std::uint16_t months = 0;         // bit m: month m (1–12)
  std::uint8_t days_of_week = 0;    // bit w: weekday w (1 = Sunday … 7 = Saturday)
  day_rule rule = day_rule::days_of_month;
  std::uint8_t weekday = 0;  // last_weekday_of_month, nth_weekday_of_month
  std::uint8_t nth = 0;      // nth_weekday_of_month: 1–5

  friend bool operator==(const cron_schedule&, const cron_schedule&) = default;
};

/// A validated rotation schedule: what RotationRules says, in a form the window functions use.
struct rotation_schedule {
  enum class kind : std::uint8_t {
    automatically_after_days,  // AutomaticallyAfterDays N
    rate_days,                 // rate(N day|days)
    rate_hours,                // rate(N hour|hours)
    cron,                      // cron(...)
  };
  kind type = kind::automatically_after_days;
  std::int64_t interval = 0;  // N: days, or hours for rate_hours; 0 for cron
  cron_schedule cron{};
  /// The Duration in hours; absent: the default window (one hour for a schedule in hours, to the
  /// end of the UTC day for a schedule in days).
  std::optional<std::int64_t> duration_hours{};

  /// A schedule "in hours" (several windows a day): rate in hours, or a cron whose Hours field
  /// selects more than one hour. Every other schedule is "in days".
  [[nodiscard]] bool in_hours() const noexcept;

  friend bool operator==(const rotation_schedule&, const rotation_schedule&) = default;
};

/// A rotation window `[start, end)`: Secrets Manager rotates the secret at some time inside it.
struct rotation_window {
  timestamp start;
  timestamp end;
  friend bool operator==(const rotation_window&, const rotation_window&) = default;
};

// The functions here that are not constexpr, and the parsers, are templates over an unused D
// (always void) with their types spelled deferred_t (detail/deferred.hpp): a translation unit that
// includes this header (the umbrella does) without computing a schedule does not compile them.
// Callers see the same signatures.

namespace detail::schedule {

inline constexpr std::int64_t ms_per_hour = 3'600'000;
inline constexpr std::int64_t min_hours_between_rotations = 4;
inline constexpr std::int64_t max_rate_days = 999;

// Howard Hinnant's days_from_civil / civil_from_days (public domain), proleptic Gregorian.
struct civil {
  std::int64_t year;
  unsigned month;  // 1–12
  unsigned day;    // 1–31
};

[[nodiscard]] constexpr civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {m <= 2 ? y + 1 : y, m, d};
}

[[nodiscard]] constexpr bool is_leap(std::int64_t y) noexcept {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

[[nodiscard]] constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  constexpr unsigned lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : lengths[m - 1];
}

/// Days since 1970-01-01 (floor), and the AWS weekday (1 = Sunday … 7 = Saturday) of such a day.
[[nodiscard]] constexpr std::int64_t day_of(timestamp t) noexcept {
  const std::int64_t d = t.epoch_ms / timestamp::ms_per_day;
  return t.epoch_ms % timestamp::ms_per_day < 0 ? d - 1 : d;
}
[[nodiscard]] constexpr unsigned weekday_of(std::int64_t day) noexcept {
  const std::int64_t w = (day + 4) % 7;  // 1970-01-01 was a Thursday (AWS 5)
  return static_cast<unsigned>(w < 0 ? w + 7 : w) + 1;
}
[[nodiscard]] constexpr timestamp at_day(std::int64_t day) noexcept {
  return {day * timestamp::ms_per_day};
}
[[nodiscard]] constexpr std::int64_t floor_hour(std::int64_t ms) noexcept {
  const std::int64_t r = ms % ms_per_hour;
  return ms - (r < 0 ? r + ms_per_hour : r);
}

[[nodiscard]] constexpr bool day_matches(const cron_schedule& c, std::int64_t day) noexcept {
  const civil cd = civil_from_days(day);
  if ((c.months >> cd.month & 1U) == 0) return false;
  const unsigned length = days_in_month(cd.year, cd.month);
  switch (c.rule) {
    case cron_schedule::day_rule::days_of_month:
      return (c.days_of_month >> cd.day & 1U) != 0;
    case cron_schedule::day_rule::last_day_of_month:
      return cd.day == length;
    case cron_schedule::day_rule::days_of_week:
      return (c.days_of_week >> weekday_of(day) & 1U) != 0;
    case cron_schedule::day_rule::last_weekday_of_month:
      return weekday_of(day) == c.weekday && cd.day + 7 > length;
    case cron_schedule::day_rule::nth_weekday_of_month:
      return weekday_of(day) == c.weekday && (cd.day - 1) / 7 + 1 == c.nth;
  }
  return false;
}

/// The longest run of days without a firing day, over one whole 400-year Gregorian cycle (after
/// which weekdays and leap years repeat), or a value above 400 years when no day ever fires.
template <class D = void>
[[nodiscard]] std::int64_t longest_gap_in_days(const deferred_t<cron_schedule, D>& c) noexcept {
  constexpr std::int64_t cycle = 146097;
  constexpr std::int64_t first = 10957;  // 2000-01-01
  std::int64_t previous = -1;
  std::int64_t first_match = -1;
  std::int64_t longest = 0;
  for (std::int64_t d = first; d < first + cycle; ++d) {
    if (!day_matches(c, d)) continue;
    if (previous >= 0 && d - previous > longest) longest = d - previous;
    if (first_match < 0) first_match = d;
    previous = d;
  }
  if (first_match < 0) return 2 * cycle;
  const std::int64_t wrap = first_match + cycle - previous;  // across the cycle's end
  return wrap > longest ? wrap : longest;
}

/// False when the day fields select a day in every selected month of every year (a day of month
/// up to 28, the last day, any weekday, its last or its first four occurrences), so that no two
/// firings are more than a year apart; true when only a calendar scan can tell (days 29–31, a
/// fifth weekday).
[[nodiscard]] constexpr bool may_skip_a_year(const cron_schedule& c) noexcept {
  switch (c.rule) {
    case cron_schedule::day_rule::days_of_month:
      return (c.days_of_month & 0x1FFFFFFEU) == 0;
    case cron_schedule::day_rule::nth_weekday_of_month:
      return c.nth == 5;
    default:
      return false;
  }
}

/// The first instant on the hour strictly after `t` that the cron selects. A validated cron
/// fires at least once every 366 days, so the search ends.
template <class D = void>
[[nodiscard]] timestamp next_firing(const deferred_t<cron_schedule, D>& c, timestamp t) noexcept {
  const std::int64_t from = floor_hour(t.epoch_ms) + ms_per_hour;
  std::int64_t day = day_of({from});
  auto hour = static_cast<unsigned>((from - day * timestamp::ms_per_day) / ms_per_hour);
  for (int i = 0; i < 2 * 367; ++i, ++day, hour = 0) {
    if (!day_matches(c, day)) continue;
    const std::uint32_t later = c.hours >> hour << hour;
    if (later == 0) continue;
    unsigned h = hour;
    while ((later >> h & 1U) == 0) ++h;
    return {day * timestamp::ms_per_day + static_cast<std::int64_t>(h) * ms_per_hour};
  }
  return {INT64_MAX};  // unreachable for a validated schedule
}

// ---- parsing ----------------------------------------------------------------------------------

[[nodiscard]] constexpr char upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

[[nodiscard]] constexpr bool equals_upper(std::string_view a, std::string_view upper_b) noexcept {
  if (a.size() != upper_b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (upper(a[i]) != upper_b[i]) return false;
  return true;
}

/// A number (1–2 digits) or, where `names` is given, a three-letter name; -1 when neither.
[[nodiscard]] constexpr int parse_value(std::string_view s, const std::string_view* names,
                                        int first_named) noexcept {
  if (s.empty()) return -1;
  if (names != nullptr) {
    for (int i = 0; i < 12 && !names[i].empty(); ++i)
      if (equals_upper(s, names[i])) return first_named + i;
  }
  if (s.size() > 2) return -1;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

inline constexpr std::string_view month_names[12] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                     "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
inline constexpr std::string_view weekday_names[12] = {"SUN", "MON", "TUE", "WED",
                                                       "THU", "FRI", "SAT"};

/// A field of values `lo`–`hi`: comma-separated items, each `*`, `v`, `a-b`, with an optional
/// `/step` (`*/s`, `v/s`: from v to hi). Returns the bit set, or nullopt when invalid.
template <class D = void>
[[nodiscard]] constexpr deferred_t<std::optional<std::uint32_t>, D> parse_set(
    deferred_t<std::string_view, D> field, int lo, int hi, const std::string_view* names) {
  std::uint32_t bits = 0;
  while (true) {
    const std::size_t comma = field.find(',');
    deferred_t<std::string_view, D> item = field.substr(0, comma);
    int step = 1;
    const std::size_t slash = item.find('/');
    const bool stepped = slash != std::string_view::npos;
    if (stepped) {
      step = parse_value(item.substr(slash + 1), nullptr, 0);
      if (step < 1) return std::nullopt;
      item = item.substr(0, slash);
    }
    int from = lo, to = hi;
    if (item != "*") {
      const std::size_t dash = item.find('-');
      from = parse_value(item.substr(0, dash), names, lo);
      if (dash != std::string_view::npos) {
        to = parse_value(item.substr(dash + 1), names, lo);
      } else if (!stepped) {
        to = from;
      }
      if (from < lo || to > hi || to < lo || from > to) return std::nullopt;
    }
    for (int v = from; v <= to; v += step) bits |= std::uint32_t{1} << v;
    if (comma == std::string_view::npos) break;
    field.remove_prefix(comma + 1);
  }
  return bits;
}

/// The distance in hours between consecutive selected hours, within the day (`circular`: also
/// from the last hour to the first hour of the next day); 24 for a single hour.
[[nodiscard]] constexpr int smallest_hour_gap(std::uint32_t hours, bool circular) noexcept {
  int first = -1, previous = -1, gap = 24;
  for (int h = 0; h < 24; ++h) {
    if ((hours >> h & 1U) == 0) continue;
    if (previous >= 0 && h - previous < gap) gap = h - previous;
    if (first < 0) first = h;
    previous = h;
  }
  if (circular && first != previous && first + 24 - previous < gap) gap = first + 24 - previous;
  return gap;
}

[[nodiscard]] constexpr int highest_hour(std::uint32_t hours) noexcept {
  int h = 23;
  while (h > 0 && (hours >> h & 1U) == 0) --h;
  return h;
}

/// Splits `s` at runs of spaces into exactly `n` fields; false when the count differs.
[[nodiscard]] constexpr bool split_fields(std::string_view s, std::string_view* out, int n) {
  int count = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    if (i == s.size()) break;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (count == n) return false;
    out[count++] = s.substr(start, i - start);
  }
  return count == n;
}

template <class D = void>
[[nodiscard]] deferred_t<result<cron_schedule>, D> parse_cron(
    deferred_t<std::string_view, D> expression, std::string_view body) {
  const auto invalid = [&] { return messages::invalid_schedule_expression(expression); };
  deferred_t<std::string_view, D> f[6];
  if (!split_fields(body, f, 6)) return invalid();
  if (f[0] != "0" || f[5] != "*") return invalid();
  cron_schedule c;
  const auto hours = parse_set<D>(f[1], 0, 23, nullptr);
  const auto months = parse_set<D>(f[3], 1, 12, month_names);
  if (!hours || !months) return invalid();
  c.hours = *hours;
  c.months = static_cast<std::uint16_t>(*months);
  const bool dom_any = f[2] == "?", dow_any = f[4] == "?";
  if (dom_any == dow_any) return invalid();
  if (dow_any) {
    if (f[2] == "L") {
      c.rule = cron_schedule::day_rule::last_day_of_month;
    } else {
      const auto days = parse_set<D>(f[2], 1, 31, nullptr);
      if (!days) return invalid();
      c.days_of_month = *days;
    }
  } else if (f[4] == "L") {
    c.rule = cron_schedule::day_rule::days_of_week;
    c.days_of_week = 1U << 7;
  } else if (const std::size_t hash = f[4].find('#'); hash != std::string_view::npos) {
    const int w = parse_value(f[4].substr(0, hash), weekday_names, 1);
    const int k = parse_value(f[4].substr(hash + 1), nullptr, 0);
    if (w < 1 || w > 7 || k < 1 || k > 5) return invalid();
    c.rule = cron_schedule::day_rule::nth_weekday_of_month;
    c.weekday = static_cast<std::uint8_t>(w);
    c.nth = static_cast<std::uint8_t>(k);
  } else if (f[4].size() >= 2 && upper(f[4].back()) == 'L') {
    const int w = parse_value(f[4].substr(0, f[4].size() - 1), weekday_names, 1);
    if (w < 1 || w > 7) return invalid();
    c.rule = cron_schedule::day_rule::last_weekday_of_month;
    c.weekday = static_cast<std::uint8_t>(w);
  } else {
    const auto days = parse_set<D>(f[4], 1, 7, weekday_names);
    if (!days) return invalid();
    c.rule = cron_schedule::day_rule::days_of_week;
    c.days_of_week = static_cast<std::uint8_t>(*days);
  }
  return c;
}

/// `rate(N unit)`: N a positive integer (at most 9 digits), unit hour, hours, day or days.
template <class D = void>
[[nodiscard]] deferred_t<result<rotation_schedule>, D> parse_rate(
    deferred_t<std::string_view, D> expression, std::string_view body) {
  deferred_t<std::string_view, D> f[2];
  if (!split_fields(body, f, 2) || f[0].size() > 9) {
    return messages::invalid_schedule_expression(expression);
  }
  std::int64_t n = 0;
  for (char c : f[0]) {
    if (c < '0' || c > '9') return messages::invalid_schedule_expression(expression);
    n = n * 10 + (c - '0');
  }
  if (n < 1) return messages::invalid_schedule_expression(expression);
  rotation_schedule s;
  s.interval = n;
  if (f[1] == "hour" || f[1] == "hours") {
    s.type = rotation_schedule::kind::rate_hours;
  } else if (f[1] == "day" || f[1] == "days") {
    s.type = rotation_schedule::kind::rate_days;
  } else {
    return messages::invalid_schedule_expression(expression);
  }
  return s;
}

}  // namespace detail::schedule

inline bool rotation_schedule::in_hours() const noexcept {
  if (type == kind::rate_hours) return true;
  return type == kind::cron && (cron.hours & (cron.hours - 1)) != 0;
}

/// Parses and validates a ScheduleExpression with an optional Duration (the RotationRules members
/// other than AutomaticallyAfterDays). Checks, in order (the first failure decides):
///   not `rate(N hour|hours|day|days)` nor a six-field `cron(...)` whose Minutes is 0, Year `*`,
///   exactly one of Day-of-month / Day-of-week `?`, values and wildcards as
///   docs/rotation-schedules.md lists, and firing at least once a year  InvalidParameterException
///                                                                      invalid_schedule_expression
///   windows less than four hours apart     InvalidParameterException rotation_too_frequent
///   a rate longer than 999 days            InvalidParameterException rotation_period_too_long
///   Duration not `Nh` with N 1–24          InvalidParameterException invalid_rotation_duration
///   a window reaching past midnight UTC    InvalidParameterException rotation_window_past_day_end
///   a window reaching into the next one    InvalidParameterException rotation_window_overlaps_next
/// Cost: O(1), except for a cron on days 29–31 or a fifth weekday, which is checked day by day
/// over one 400-year Gregorian cycle (about 146,000 cheap steps).
template <class D = void>
[[nodiscard]] detail::deferred_t<result<rotation_schedule>, D> parse_schedule_expression(
    detail::deferred_t<std::string_view, D> expression,
    const std::optional<std::string>& duration = std::nullopt) {
  namespace d = detail::schedule;
  detail::deferred_t<rotation_schedule, D> s;
  const auto body_of =
      [&](std::string_view prefix) -> detail::deferred_t<std::optional<std::string_view>, D> {
    if (expression.size() < prefix.size() + 1 || expression.substr(0, prefix.size()) != prefix ||
        expression.back() != ')')
      return std::nullopt;
    return expression.substr(prefix.size(), expression.size() - prefix.size() - 1);
  };
  if (const auto body = body_of("rate(")) {
    auto r = d::parse_rate<D>(expression, *body);
    if (!r) return r.error();
    s = r.value();
    const std::int64_t hours =
        s.type == rotation_schedule::kind::rate_hours ? s.interval : s.interval * 24;
    if (hours < d::min_hours_between_rotations) return messages::rotation_too_frequent();
    if (hours > d::max_rate_days * 24) return messages::rotation_period_too_long();
  } else if (const auto cron_body = body_of("cron(")) {
    auto c = d::parse_cron<D>(expression, *cron_body);
    if (!c) return c.error();
    s.type = rotation_schedule::kind::cron;
    s.cron = c.value();
    if (d::may_skip_a_year(s.cron) && d::longest_gap_in_days<D>(s.cron) > 366)
      return messages::invalid_schedule_expression(expression);
    if (d::smallest_hour_gap(s.cron.hours, true) < d::min_hours_between_rotations)
      return messages::rotation_too_frequent();
  } else {
    return messages::invalid_schedule_expression(expression);
  }

  if (duration) {
    const std::string_view text = *duration;
    std::int64_t hours = 0;
    bool digits = text.size() >= 2 && text.size() <= 3 && text.back() == 'h';
    for (std::size_t i = 0; digits && i + 1 < text.size(); ++i) {
      digits = text[i] >= '0' && text[i] <= '9';
      hours = hours * 10 + (text[i] - '0');
    }
    if (!digits || hours < 1 || hours > 24) return messages::invalid_rotation_duration(text);
    s.duration_hours = hours;
  }
  const std::int64_t window = s.duration_hours.value_or(s.in_hours() ? 1 : 24);
  switch (s.type) {
    case rotation_schedule::kind::rate_hours:
      if (window > s.interval) return messages::rotation_window_overlaps_next();
      break;
    case rotation_schedule::kind::cron:
      if (s.duration_hours && d::highest_hour(s.cron.hours) + window > 24)
        return messages::rotation_window_past_day_end();
      if (s.in_hours() && window > d::smallest_hour_gap(s.cron.hours, false))
        return messages::rotation_window_overlaps_next();
      break;
    default:
      break;
  }
  return s;
}

/// Parses and validates RotationRules as RotateSecret does after the shape checks of
/// rotate_secret.hpp: both AutomaticallyAfterDays and ScheduleExpression
/// (InvalidParameterException rotation_frequency_and_schedule); neither
/// (InvalidParameterException rotation_schedule_required); AutomaticallyAfterDays 1–1000
/// (ValidationException, AWS's range text); then parse_schedule_expression's checks, or, with
/// AutomaticallyAfterDays, the Duration's (1–24 hours; the window starts at midnight UTC).
template <class D = void>
[[nodiscard]] detail::deferred_t<result<rotation_schedule>, D> parse_rotation_rules(
    const detail::deferred_t<rotation_rules, D>& rules) {
  if (rules.automatically_after_days && rules.schedule_expression)
    return messages::rotation_frequency_and_schedule();
  if (rules.schedule_expression)
    return parse_schedule_expression<D>(*rules.schedule_expression, rules.duration);
  if (!rules.automatically_after_days) return messages::rotation_schedule_required();
  const std::int64_t days = *rules.automatically_after_days;
  constexpr std::string_view member = "rotationRules.automaticallyAfterDays";
  if (days < 1) return messages::value_at_least(member, days, 1);
  if (days > 1000) return messages::value_at_most(member, days, 1000);
  // The Duration is checked as a rate in days checks it; a rate of one day is always valid.
  auto r = parse_schedule_expression<D>("rate(1 day)", rules.duration);
  if (!r) return r.error();
  detail::deferred_t<rotation_schedule, D> s = r.value();
  s.type = rotation_schedule::kind::automatically_after_days;
  s.interval = days;
  return s;
}

/// The rotation window that is due: the first window of the schedule after `last_rotation` that
/// has not ended at `now` (it may have started: `now` inside it means the rotation is due now).
///
/// `last_rotation` is the time of the last rotation — the last successful rotation, or the last
/// PutSecretValue or UpdateSecret that changed the value ("Manually updating the secret value by
/// calling PutSecretValue or UpdateSecret is considered a valid rotation", RotationRulesType), or
/// the secret's creation when neither happened. The caller picks the latest of these.
///
/// Windows (UTC; docs/rotation-schedules.md has the sources and marks the rulings):
///   AutomaticallyAfterDays N, rate(N days):  the day N days after the last rotation's day, from
///       midnight for Duration hours (default: the whole day)
///   rate(N hours):  N hours after the hour of the last rotation, for Duration hours (default 1),
///       closed at midnight if it would run past it (ruling)
///   cron:  the first time the expression selects after the last rotation, for Duration hours
///       (default: 1 hour for a cron in hours, to the end of the day for a cron in days)
///   a window that ended before `now` without a rotation is skipped: the next one on the same
///   schedule is due (rate: every N days or hours on from the first; cron: its next time) (ruling)
/// Precondition: `s` comes from parse_schedule_expression or parse_rotation_rules.
/// Cost: O(1) for rates; a day-by-day search of at most two years for a cron.
template <class D = void>
[[nodiscard]] rotation_window next_rotation_window(const detail::deferred_t<rotation_schedule, D>& s,
                                                   timestamp last_rotation, timestamp now) {
  namespace d = detail::schedule;
  const std::int64_t day = timestamp::ms_per_day, hour = d::ms_per_hour;
  switch (s.type) {
    case rotation_schedule::kind::automatically_after_days:
    case rotation_schedule::kind::rate_days: {
      const std::int64_t period = s.interval * day;
      const std::int64_t length = s.duration_hours.value_or(24) * hour;
      std::int64_t start = last_rotation.start_of_day().epoch_ms + period;
      if (start + length <= now.epoch_ms)
        start += ((now.epoch_ms - start - length) / period + 1) * period;
      return {{start}, {start + length}};
    }
    case rotation_schedule::kind::rate_hours: {
      const std::int64_t period = s.interval * hour;
      const std::int64_t length = s.duration_hours.value_or(1) * hour;
      std::int64_t start = d::floor_hour(last_rotation.epoch_ms) + period;
      if (now.epoch_ms >= start) start += (now.epoch_ms - start) / period * period;
      while (true) {
        const std::int64_t midnight = timestamp{start}.start_of_day().epoch_ms + day;
        const std::int64_t end = start + length < midnight ? start + length : midnight;
        if (end > now.epoch_ms) return {{start}, {end}};
        start += period;
      }
    }
    case rotation_schedule::kind::cron: {
      // A window lasts at most a day, so none that starts a day before `now` is still open.
      timestamp after = last_rotation;
      if (now.epoch_ms - day > after.epoch_ms) after = {now.epoch_ms - day};
      while (true) {
        const timestamp start = d::next_firing<D>(s.cron, after);
        if (start.epoch_ms == INT64_MAX) return {start, start};  // a cron that never fires
        const std::int64_t length = s.duration_hours ? *s.duration_hours * hour
                                    : s.in_hours()
                                        ? hour
                                        : start.start_of_day().epoch_ms + day - start.epoch_ms;
        if (start.epoch_ms + length > now.epoch_ms) return {start, {start.epoch_ms + length}};
        after = start;
      }
    }
  }
  return {};
}

/// NextRotationDate as DescribeSecret shows it: the last second of the due window (its end minus
/// one second). One recording of real AWS shows exactly that for a day window ("T23:59:59"); the
/// same rule for every other kind of window, and inside a window, is a ruling.
template <class D = void>
[[nodiscard]] timestamp next_rotation_date(const detail::deferred_t<rotation_schedule, D>& s,
                                           timestamp last_rotation, timestamp now) {
  return {next_rotation_window<D>(s, last_rotation, now).end.epoch_ms - 1000};
}

/// AutomaticallyAfterDays as DescribeSecret computes it from the schedule "after every successful
/// rotation" (CloudFormation RotationRules): N for AutomaticallyAfterDays and rate in days; for a
/// cron in days, the whole days from the last rotation's day to the day of the due window, at
/// least 1 (ruling); absent for a schedule in hours, which no whole number of days 1–1000
/// describes (ruling).
template <class D = void>
[[nodiscard]] detail::deferred_t<std::optional<std::int64_t>, D> automatically_after_days(
    const detail::deferred_t<rotation_schedule, D>& s, timestamp last_rotation, timestamp now) {
  namespace d = detail::schedule;
  if (s.type == rotation_schedule::kind::automatically_after_days ||
      s.type == rotation_schedule::kind::rate_days)
    return s.interval;
  if (s.in_hours()) return std::nullopt;
  const std::int64_t days =
      d::day_of(next_rotation_window<D>(s, last_rotation, now).start) - d::day_of(last_rotation);
  return days < 1 ? 1 : days;
}

// ---- a secret's schedule ------------------------------------------------------------------------

/// The stored RotationRules of `s` as a schedule; std::nullopt when it has none, or when they do
/// not validate (only a hand-assembled state or an old snapshot can hold such rules: RotateSecret
/// refuses them).
template <class Traits>
[[nodiscard]] detail::deferred_t<std::optional<rotation_schedule>, Traits> schedule_of(
    const basic_secret<Traits>& s) {
  if (!s.rotation()) return std::nullopt;
  auto parsed = parse_rotation_rules(*s.rotation());
  if (!parsed) return std::nullopt;
  return parsed.value();
}

/// The last rotation the schedule counts from: the latest of LastRotatedDate, the CreatedDate of
/// the newest version when it has a value (a PutSecretValue or UpdateSecret that wrote one —
/// "considered a valid rotation" — or a rotation's own new version), and the secret's creation.
/// A newest version without a value (a rotation started and not finished) counts for nothing.
/// Nor does the version of a test of the rotation configuration (RotateImmediately false,
/// rotation_progress.hpp) while it runs: a test is no rotation, so the newest version before it
/// counts (ruling, docs/semantics.md#rotation-test).
/// Cost: O(log32 n).
template <class Traits>
[[nodiscard]] timestamp last_rotation(const basic_secret<Traits>& s) noexcept {
  timestamp last = s.created_date();
  if (s.last_rotated_date() && last < *s.last_rotated_date()) last = *s.last_rotated_date();
  const auto* v = s.newest_version();
  if (const auto& p = s.rotation_progress();
      v != nullptr && p && p->test_only && Traits::text(v->id()) == std::string_view(p->version_id))
    v = s.newest_version_before(v->sequence());
  if (v != nullptr && !v->is_placeholder() && last < v->created_date()) last = v->created_date();
  return last;
}

/// NextRotationDate of `s` at `now`: while rotation is enabled with valid rules,
/// next_rotation_date(its schedule, last_rotation(s), now); else absent.
template <class Traits>
[[nodiscard]] std::optional<timestamp> next_rotation_date(const basic_secret<Traits>& s,
                                                          timestamp now) {
  if (!s.rotation_enabled()) return std::nullopt;
  const auto schedule = schedule_of(s);
  if (!schedule) return std::nullopt;
  return next_rotation_date(*schedule, last_rotation(s), now);
}

/// RotationRules as DescribeSecret and ListSecrets show them: the stored rules, and, for a
/// ScheduleExpression once the secret has rotated (it has a LastRotatedDate), the
/// AutomaticallyAfterDays AWS computes "after every successful rotation":
/// automatically_after_days(schedule, last rotation, last rotation) (absent for a schedule in
/// hours). Before any rotation a ScheduleExpression is shown alone (ruling).
template <class Traits>
[[nodiscard]] std::optional<rotation_rules> shown_rotation_rules(const basic_secret<Traits>& s) {
  std::optional<rotation_rules> rules = s.rotation();
  if (!rules || rules->automatically_after_days || !rules->schedule_expression ||
      !s.last_rotated_date())
    return rules;
  if (const auto schedule = schedule_of(s)) {
    const timestamp last = last_rotation(s);
    rules->automatically_after_days = automatically_after_days(*schedule, last, last);
  }
  return rules;
}

}  // namespace secretstage

#endif  // SECRETSTAGE_SCHEDULE_HPP
