// schedule.hpp: RotationRules validation (each failure with its exception type and text, typed
// here from docs/rotation-schedules.md and docs/semantics.md, never copied from the library), the due
// rotation window for every kind of rule (month ends, leap years, year boundaries, L, #, nL, day
// of week against day of month), NextRotationDate and AutomaticallyAfterDays. Calendar facts used
// below (checked against a printed calendar): 2026-01-01 is a Thursday, 2026-02-01 and
// 2026-03-01 are Sundays, 2026-04-01 is a Wednesday; 2024 is a leap year, 2023 and 2100 are not.
#include <cstdint>
#include <optional>
#include <string>

#include <doctest/doctest.h>

#include <secretstage/schedule.hpp>

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace schedule_test {

namespace ss = secretstage;
using kind = ss::rotation_schedule::kind;

namespace {

// Days since 1970-01-01, counted the slow way (whole years, then whole months), so that the
// expected instants share nothing with the library's calendar arithmetic.
bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  const unsigned lengths[] = {31, leap(y) ? 29U : 28U, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::int64_t days = 0;
  for (std::int64_t year = 1970; year < y; ++year) days += leap(year) ? 366 : 365;
  for (unsigned month = 1; month < m; ++month) days += lengths[month - 1];
  return days + d - 1;
}

ss::timestamp at(std::int64_t y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return {((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60'000 + s * 1000};
}

ss::rotation_window window(ss::timestamp start, ss::timestamp end) { return {start, end}; }

ss::rotation_schedule parse(const std::string& expression,
                            std::optional<std::string> duration = std::nullopt) {
  auto r = ss::parse_schedule_expression(expression, duration);
  REQUIRE_MESSAGE(r.has_value(), expression << ": " << r.error().message);
  return r.value();
}

ss::rotation_schedule days(std::int64_t n, std::optional<std::string> duration = std::nullopt) {
  auto r = ss::parse_rotation_rules({n, duration, std::nullopt});
  REQUIRE(r.has_value());
  return r.value();
}

ss::error failure(const std::string& expression,
                  std::optional<std::string> duration = std::nullopt) {
  auto r = ss::parse_schedule_expression(expression, duration);
  REQUIRE_MESSAGE(r.has_error(), expression << " was accepted");
  return r.error();
}

ss::error rules_failure(const ss::rotation_rules& rules) {
  auto r = ss::parse_rotation_rules(rules);
  REQUIRE(r.has_error());
  return r.error();
}

// The texts, from docs/rotation-schedules.md (rulings, [unverified]) and docs/semantics.md ([OBS]).
const std::string both =
    "You cannot specify both rotation frequency and schedule expression together.";
const std::string neither = "You must specify either AutomaticallyAfterDays or ScheduleExpression.";
const std::string too_frequent = "You can't rotate a secret more often than every four hours.";
const std::string too_long = "The rotation period can't be longer than 999 days.";
const std::string past_day_end = "The rotation window must not extend into the next UTC day.";
const std::string overlaps = "The rotation window must not extend into the next rotation window.";
std::string invalid(const std::string& expression) {
  return "The schedule expression " + expression + " isn't valid.";
}
std::string bad_duration(const std::string& d) {
  return "The rotation window duration " + d + " isn't valid. Specify a duration from 1h to 24h.";
}

void check_invalid(const std::string& expression) {
  const ss::error e = failure(expression);
  CHECK_MESSAGE(e.code == ss::errc::invalid_parameter, expression);
  CHECK_MESSAGE(e.message == invalid(expression), expression);
}

}  // namespace

TEST_CASE("RotationRules: AutomaticallyAfterDays or ScheduleExpression, one of them, in range") {
  CHECK(rules_failure({30, std::nullopt, std::string("rate(10 days)")}) ==
        ss::error{ss::errc::invalid_parameter, both});
  CHECK(rules_failure({std::nullopt, std::string("3h"), std::nullopt}) ==
        ss::error{ss::errc::invalid_parameter, neither});
  const std::string range =
      "' at 'rotationRules.automaticallyAfterDays' failed to satisfy "
      "constraint: Member must have value ";
  CHECK(rules_failure({0, std::nullopt, std::nullopt}) ==
        ss::error{ss::errc::validation,
                  "1 validation error detected: Value '0" + range + "greater than or equal to 1"});
  CHECK(rules_failure({1001, std::nullopt, std::nullopt}) ==
        ss::error{ss::errc::validation, "1 validation error detected: Value '1001" + range +
                                            "less than or equal to 1000"});

  CHECK(days(1).type == kind::automatically_after_days);
  CHECK(days(1000).interval == 1000);
  CHECK(rules_failure({7, std::string("25h"), std::nullopt}) ==
        ss::error{ss::errc::invalid_parameter, bad_duration("25h")});
}

TEST_CASE("rate(): N hours or days, every four hours at most often, 999 days at most") {
  CHECK(parse("rate(4 hours)").type == kind::rate_hours);
  CHECK(parse("rate(4 hours)").interval == 4);
  CHECK(parse("rate(1 day)").type == kind::rate_days);
  CHECK(parse("rate(10 days)").interval == 10);
  CHECK(parse("rate(999 days)").interval == 999);
  // The documentation lists hour, hours, day and days without tying them to the number (ruling).
  CHECK(parse("rate(1 days)").interval == 1);
  CHECK(parse("rate(12 hour)").interval == 12);

  CHECK(failure("rate(3 hours)") == ss::error{ss::errc::invalid_parameter, too_frequent});
  CHECK(failure("rate(1 hour)") == ss::error{ss::errc::invalid_parameter, too_frequent});
  CHECK(failure("rate(1000 days)") == ss::error{ss::errc::invalid_parameter, too_long});
  CHECK(failure("rate(23977 hours)") == ss::error{ss::errc::invalid_parameter, too_long});
  CHECK(parse("rate(23976 hours)").interval == 23976);

  for (const char* e : {"rate(0 days)", "rate(5 minutes)", "rate(1 week)", "rate(-1 days)",
                        "rate(1day)", "rate(10 days", "Rate(1 day)", "rate(1.5 days)", "rate()",
                        "rate(days)", "rate(1 day extra)", "every(1 day)", ""})
    check_invalid(e);
}

TEST_CASE("cron(): Secrets Manager's six fields and their wildcards") {
  // The User Guide's examples that follow its own rules.
  for (const char* e : {"cron(0 10 * * ? *)", "cron(0 18 ? * SAT *)", "cron(0 8 1 * ? *)",
                        "cron(0 17 L * ? *)", "cron(0 8 ? * MON-FRI *)", "cron(0 16 1,15 * ? *)",
                        "cron(0 0 ? * SUN#1 *)", "cron(0 4/12 * * ? *)", "cron(0 8/8 * * ? *)",
                        "cron(0 2/10 * * ? *)", "cron(0 8 1/7 * ? *)"})
    CHECK_MESSAGE(ss::parse_schedule_expression(e).has_value(), e);

  // Minutes must be 0, Year must be *, exactly one of the day fields is ?, no W, no L-n, names and
  // numbers in range, six fields.
  for (const char* e :
       {"cron(30 10 * * ? *)",      "cron(0 10 * * ? 2027)",    "cron(0 10 * * * *)",
        "cron(0 10 ? * ? *)",       "cron(0 10 1 * MON *)",     "cron(0 24 * * ? *)",
        "cron(0 10 32 * ? *)",      "cron(0 10 0 * ? *)",       "cron(0 10 15W * ? *)",
        "cron(0 10 LW * ? *)",      "cron(0 10 L-2 * ? *)",     "cron(0 10 1,L * ? *)",
        "cron(0 10 ? * MON#6 *)",   "cron(0 10 ? * MON#0 *)",   "cron(0 10 ? * 8 *)",
        "cron(0 10 ? * 0 *)",       "cron(0 10 ? * FRI-MON *)", "cron(0 10 * 13 ? *)",
        "cron(0 10 * JANUARY ? *)", "cron(0 10 * * ?)",         "cron(0 10 * * ? * *)",
        "cron(0 10 */0 * ? *)",     "cron(0 10 1,,2 * ? *)",    "cron(0 10 5-1 * ? *)",
        "cron 0 10 * * ? *",        "CRON(0 10 * * ? *)"})
    check_invalid(e);
  // The User Guide's "every three months on Sunday" example gives a value in both day fields, which
  // its own rule (and EventBridge) forbids: rejected (ruling).
  check_invalid("cron(0 1 * 1/3 SUN *)");
}

TEST_CASE("cron(): a schedule that leaves more than a year between rotations is invalid") {
  check_invalid("cron(0 0 30 2 ? *)");     // never
  check_invalid("cron(0 0 31 4 ? *)");     // April has 30 days
  check_invalid("cron(0 0 29 2 ? *)");     // only in leap years
  check_invalid("cron(0 0 ? 2 MON#5 *)");  // a fifth Monday in February: leap years only
  CHECK(parse("cron(0 0 L 2 ? *)").cron.months == 1U << 2);  // every year, 28th or 29th
  CHECK(parse("cron(0 0 1 JAN ? *)").cron.hours == 1U);      // once a year
}

TEST_CASE("cron(): windows at least four hours apart, counting across midnight") {
  CHECK(failure("cron(0 0,2 * * ? *)") == ss::error{ss::errc::invalid_parameter, too_frequent});
  CHECK(failure("cron(0 1,23 * * ? *)") == ss::error{ss::errc::invalid_parameter, too_frequent});
  CHECK(failure("cron(0 */3 * * ? *)") == ss::error{ss::errc::invalid_parameter, too_frequent});
  CHECK(failure("cron(0 * * * ? *)") == ss::error{ss::errc::invalid_parameter, too_frequent});
  CHECK(parse("cron(0 */4 * * ? *)").cron.hours == 0x111111U);
  CHECK(parse("cron(0 3/10 * * ? *)").cron.hours == ((1U << 3) | (1U << 13) | (1U << 23)));
}

TEST_CASE("Duration: 1h to 24h, inside the UTC day and before the next window") {
  CHECK(failure("rate(10 days)", "0h") ==
        ss::error{ss::errc::invalid_parameter, bad_duration("0h")});
  CHECK(failure("rate(10 days)", "25h") ==
        ss::error{ss::errc::invalid_parameter, bad_duration("25h")});
  CHECK(failure("rate(10 days)", "h") == ss::error{ss::errc::invalid_parameter, bad_duration("h")});
  CHECK(failure("rate(10 days)", "3") == ss::error{ss::errc::invalid_parameter, bad_duration("3")});
  CHECK(parse("rate(10 days)", "24h").duration_hours == 24);
  CHECK(parse("rate(10 days)", "03h").duration_hours == 3);

  CHECK(failure("cron(0 22 * * ? *)", "3h") ==
        ss::error{ss::errc::invalid_parameter, past_day_end});
  CHECK(parse("cron(0 21 * * ? *)", "3h").duration_hours == 3);
  CHECK(failure("cron(0 0,12 * * ? *)", "13h") ==
        ss::error{ss::errc::invalid_parameter, past_day_end});
  CHECK(failure("cron(0 4,10 * * ? *)", "7h") == ss::error{ss::errc::invalid_parameter, overlaps});
  CHECK(parse("cron(0 0/6 * * ? *)", "6h").duration_hours == 6);
  CHECK(failure("rate(4 hours)", "5h") == ss::error{ss::errc::invalid_parameter, overlaps});
  CHECK(parse("rate(4 hours)", "4h").duration_hours == 4);
  CHECK(parse("rate(30 hours)", "24h").duration_hours == 24);
  // An invalid expression is reported before an invalid Duration.
  check_invalid("rate(10 weeks)");
  CHECK(failure("rate(10 weeks)", "99h").message == invalid("rate(10 weeks)"));
}

TEST_CASE("AutomaticallyAfterDays: the day N days after the last rotation's day, all day") {
  // Real AWS (docs/rotation-schedules.md, R4): AutomaticallyAfterDays 30, value last changed
  // 2026-02-03 17:34 UTC, NextRotationDate 2026-03-05T23:59:59Z (2026 is not a leap year).
  const auto s = days(30);
  const auto last = at(2026, 2, 3, 17, 34, 2);
  CHECK(ss::next_rotation_window(s, last, last) == window(at(2026, 3, 5), at(2026, 3, 6)));
  CHECK(ss::next_rotation_date(s, last, last) == at(2026, 3, 5, 23, 59, 59));
  // With a Duration the window opens at midnight and lasts that long.
  CHECK(
      ss::next_rotation_window(days(1, "2h"), at(2026, 12, 31, 23, 59), at(2026, 12, 31, 23, 59)) ==
      window(at(2027, 1, 1), at(2027, 1, 1, 2)));
}

TEST_CASE("rate(N days): leap days, month ends and year boundaries") {
  const auto one = parse("rate(1 day)");
  CHECK(ss::next_rotation_window(one, at(2024, 2, 28, 23), at(2024, 2, 28, 23)) ==
        window(at(2024, 2, 29), at(2024, 3, 1)));
  CHECK(ss::next_rotation_window(one, at(2023, 2, 28, 1), at(2023, 2, 28, 1)) ==
        window(at(2023, 3, 1), at(2023, 3, 2)));
  CHECK(ss::next_rotation_window(one, at(2100, 2, 28, 1), at(2100, 2, 28, 1)) ==
        window(at(2100, 3, 1), at(2100, 3, 2)));
  const auto ten = parse("rate(10 days)", "3h");
  CHECK(ss::next_rotation_window(ten, at(2025, 12, 28, 5), at(2025, 12, 28, 5)) ==
        window(at(2026, 1, 7), at(2026, 1, 7, 3)));
}

TEST_CASE("rate(N days): a missed window is skipped for the next one on the same schedule") {
  const auto ten = parse("rate(10 days)");
  const auto last = at(2026, 1, 1, 10);
  // Windows: Jan 11, Jan 21, Jan 31, ...
  CHECK(ss::next_rotation_window(ten, last, at(2026, 1, 11, 23, 59)) ==
        window(at(2026, 1, 11), at(2026, 1, 12)));
  CHECK(ss::next_rotation_window(ten, last, at(2026, 1, 12)) ==
        window(at(2026, 1, 21), at(2026, 1, 22)));
  CHECK(ss::next_rotation_window(ten, last, at(2026, 1, 25, 12)) ==
        window(at(2026, 1, 31), at(2026, 2, 1)));
  // Inside a window NextRotationDate is that window's last second (ruling).
  CHECK(ss::next_rotation_date(ten, last, at(2026, 1, 21, 5)) == at(2026, 1, 21, 23, 59, 59));
}

TEST_CASE("rate(N hours): N hours after the hour of the last rotation, closed at midnight") {
  const auto six = parse("rate(6 hours)");
  CHECK(ss::next_rotation_window(six, at(2026, 5, 10, 13, 25), at(2026, 5, 10, 13, 25)) ==
        window(at(2026, 5, 10, 19), at(2026, 5, 10, 20)));
  CHECK(ss::next_rotation_window(parse("rate(6 hours)", "6h"), at(2026, 5, 10, 20, 10),
                                 at(2026, 5, 10, 20, 10)) ==
        window(at(2026, 5, 11, 2), at(2026, 5, 11, 8)));
  CHECK(ss::next_rotation_window(parse("rate(6 hours)", "5h"), at(2026, 12, 31, 16, 10),
                                 at(2026, 12, 31, 16, 10)) ==
        window(at(2026, 12, 31, 22), at(2027, 1, 1)));
  // Missed windows: 19:00, 01:00, 07:00, ... ; at 08:30 the 13:00 window is due.
  CHECK(ss::next_rotation_window(six, at(2026, 5, 10, 13, 25), at(2026, 5, 11, 8, 30)) ==
        window(at(2026, 5, 11, 13), at(2026, 5, 11, 14)));
  CHECK(ss::next_rotation_window(six, at(2026, 5, 10, 13, 25), at(2026, 5, 11, 7, 30)) ==
        window(at(2026, 5, 11, 7), at(2026, 5, 11, 8)));
}

TEST_CASE("cron in days: the next selected hour after the last rotation, to the end of the day") {
  const auto ten = parse("cron(0 10 * * ? *)");
  CHECK(ss::next_rotation_window(ten, at(2026, 5, 10, 10, 23), at(2026, 5, 10, 10, 23)) ==
        window(at(2026, 5, 11, 10), at(2026, 5, 12)));
  CHECK(ss::next_rotation_window(ten, at(2026, 5, 10, 9, 59), at(2026, 5, 10, 9, 59)) ==
        window(at(2026, 5, 10, 10), at(2026, 5, 11)));
  // A rotation exactly at the window's opening belongs to that window.
  CHECK(ss::next_rotation_window(ten, at(2026, 5, 10, 10), at(2026, 5, 10, 10)) ==
        window(at(2026, 5, 11, 10), at(2026, 5, 12)));
  // Missed windows are skipped; an open one is due.
  CHECK(ss::next_rotation_window(ten, at(2026, 1, 1, 10, 30), at(2026, 3, 10, 12)) ==
        window(at(2026, 3, 10, 10), at(2026, 3, 11)));
  CHECK(ss::next_rotation_window(ten, at(2026, 1, 1, 10, 30), at(2026, 3, 10, 9)) ==
        window(at(2026, 3, 10, 10), at(2026, 3, 11)));
  CHECK(ss::next_rotation_window(parse("cron(0 10 * * ? *)", "2h"), at(2026, 5, 10, 10, 23),
                                 at(2026, 5, 10, 10, 23)) ==
        window(at(2026, 5, 11, 10), at(2026, 5, 11, 12)));
}

TEST_CASE("cron: L in Day-of-month, in February of leap and common years and at year end") {
  const auto last_day = parse("cron(0 17 L * ? *)");
  CHECK(ss::next_rotation_window(last_day, at(2024, 2, 10), at(2024, 2, 10)) ==
        window(at(2024, 2, 29, 17), at(2024, 3, 1)));
  CHECK(ss::next_rotation_window(last_day, at(2023, 2, 10), at(2023, 2, 10)) ==
        window(at(2023, 2, 28, 17), at(2023, 3, 1)));
  CHECK(ss::next_rotation_window(last_day, at(2026, 12, 31, 18), at(2026, 12, 31, 18)) ==
        window(at(2027, 1, 31, 17), at(2027, 2, 1)));
  CHECK(ss::next_rotation_window(last_day, at(2026, 4, 29), at(2026, 4, 29)) ==
        window(at(2026, 4, 30, 17), at(2026, 5, 1)));
}

TEST_CASE("cron: # and nL and L in Day-of-week, names and numbers alike") {
  // First Sunday: 2026-03-01 is one; the next first Sunday is 2026-04-05.
  CHECK(ss::next_rotation_window(parse("cron(0 0 ? * SUN#1 *)"), at(2026, 3, 1, 0, 30),
                                 at(2026, 3, 1, 0, 30)) == window(at(2026, 4, 5), at(2026, 4, 6)));
  // Third Tuesday of January 2026: the 6th, 13th, 20th.
  CHECK(ss::next_rotation_window(parse("cron(0 9 ? * 3#3 *)"), at(2026, 1, 1), at(2026, 1, 1)) ==
        window(at(2026, 1, 20, 9), at(2026, 1, 21)));
  CHECK(parse("cron(0 9 ? * TUE#3 *)") == parse("cron(0 9 ? * 3#3 *)"));
  // Last Friday of January 2026: Fridays are the 2nd, 9th, 16th, 23rd, 30th.
  CHECK(ss::next_rotation_window(parse("cron(0 8 ? * FRIL *)"), at(2026, 1, 1), at(2026, 1, 1)) ==
        window(at(2026, 1, 30, 8), at(2026, 1, 31)));
  CHECK(parse("cron(0 8 ? * 6L *)") == parse("cron(0 8 ? * FRIL *)"));
  // L alone in Day-of-week: the last day of the week, Saturday.
  CHECK(ss::next_rotation_window(parse("cron(0 8 ? * L *)"), at(2026, 1, 1), at(2026, 1, 1)) ==
        window(at(2026, 1, 3, 8), at(2026, 1, 4)));
  // MON-FRI from a Friday morning after the window: Monday.
  CHECK(ss::next_rotation_window(parse("cron(0 8 ? * MON-FRI *)"), at(2026, 1, 2, 9),
                                 at(2026, 1, 2, 9)) == window(at(2026, 1, 5, 8), at(2026, 1, 6)));
  // Names are case-insensitive.
  CHECK(parse("cron(0 8 ? * mon-fri *)") == parse("cron(0 8 ? * 2-6 *)"));
  CHECK(parse("cron(0 6 1 jan,Jul ? *)") == parse("cron(0 6 1 1,7 ? *)"));
}

TEST_CASE("cron: Day-of-month steps and lists, months across the year boundary") {
  const auto every_ten = parse("cron(0 8 1/10 * ? *)");  // 1, 11, 21, 31
  CHECK(ss::next_rotation_window(every_ten, at(2026, 1, 21, 9), at(2026, 1, 21, 9)) ==
        window(at(2026, 1, 31, 8), at(2026, 2, 1)));
  CHECK(ss::next_rotation_window(every_ten, at(2026, 1, 31, 9), at(2026, 1, 31, 9)) ==
        window(at(2026, 2, 1, 8), at(2026, 2, 2)));
  CHECK(ss::next_rotation_window(parse("cron(0 6 1 JAN ? *)"), at(2026, 6, 1), at(2026, 6, 1)) ==
        window(at(2027, 1, 1, 6), at(2027, 1, 2)));
  // Ranges do not wrap (ruling): NOV-FEB is invalid, a list says it.
  check_invalid("cron(0 6 15 NOV-FEB ? *)");
  CHECK(ss::next_rotation_window(parse("cron(0 6 15 JAN,NOV,DEC ? *)"), at(2026, 12, 15, 7),
                                 at(2026, 12, 15, 7)) ==
        window(at(2027, 1, 15, 6), at(2027, 1, 16)));
}

TEST_CASE("cron in hours: one-hour windows, resetting each day") {
  const auto twice = parse("cron(0 4/12 * * ? *)");  // 04:00 and 16:00
  CHECK(twice.in_hours());
  CHECK(ss::next_rotation_window(twice, at(2026, 5, 10, 4, 30), at(2026, 5, 10, 4, 30)) ==
        window(at(2026, 5, 10, 16), at(2026, 5, 10, 17)));
  CHECK(ss::next_rotation_window(twice, at(2026, 5, 10, 16, 20), at(2026, 5, 10, 16, 20)) ==
        window(at(2026, 5, 11, 4), at(2026, 5, 11, 5)));
  const auto three = parse("cron(0 2/10 * * ? *)");  // 02, 12, 22
  CHECK(ss::next_rotation_window(three, at(2026, 12, 31, 13), at(2026, 12, 31, 13)) ==
        window(at(2026, 12, 31, 22), at(2026, 12, 31, 23)));
  CHECK(ss::next_rotation_window(three, at(2026, 12, 31, 22, 30), at(2026, 12, 31, 22, 30)) ==
        window(at(2027, 1, 1, 2), at(2027, 1, 1, 3)));
  // A Duration may not carry the 22:00 window past midnight.
  CHECK(failure("cron(0 2/10 * * ? *)", "3h") ==
        ss::error{ss::errc::invalid_parameter, past_day_end});
}

TEST_CASE("NextRotationDate: the last second of the due window, for every kind of rule") {
  const auto last = at(2026, 5, 10, 13, 25);
  CHECK(ss::next_rotation_date(days(7), last, last) == at(2026, 5, 17, 23, 59, 59));
  CHECK(ss::next_rotation_date(parse("rate(2 days)", "1h"), last, last) ==
        at(2026, 5, 12, 0, 59, 59));
  CHECK(ss::next_rotation_date(parse("rate(8 hours)"), last, last) == at(2026, 5, 10, 21, 59, 59));
  CHECK(ss::next_rotation_date(parse("cron(0 18 ? * SAT *)"), last, last) ==
        at(2026, 5, 16, 23, 59, 59));
  CHECK(ss::next_rotation_date(parse("cron(0 8/8 * * ? *)"), last, last) ==
        at(2026, 5, 10, 16, 59, 59));
}

TEST_CASE("AutomaticallyAfterDays as DescribeSecret computes it from the schedule") {
  const auto t = at(2026, 1, 5, 8, 10);  // a Monday
  CHECK(ss::automatically_after_days(days(30), t, t) == 30);
  CHECK(ss::automatically_after_days(parse("rate(7 days)"), t, t) == 7);
  CHECK(ss::automatically_after_days(parse("rate(6 hours)"), t, t) == std::nullopt);
  CHECK(ss::automatically_after_days(parse("cron(0 4/12 * * ? *)"), t, t) == std::nullopt);
  CHECK(ss::automatically_after_days(parse("cron(0 8 ? * MON *)"), t, t) == 7);
  const auto early = at(2026, 1, 5, 9);
  CHECK(ss::automatically_after_days(parse("cron(0 10 * * ? *)"), early, early) == 1);
  CHECK(ss::automatically_after_days(parse("cron(0 0 1 * ? *)"), t, t) == 27);
}

}  // namespace schedule_test
