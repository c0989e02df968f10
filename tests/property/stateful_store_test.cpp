// Model-based stateful property test of a whole store: random sequences over 2–3 secret names of
// every store operation (the 20 of store_operation.hpp), the four rotation steps of rotation.hpp,
// "advance the clock" (minutes, ~24 h, ~7 and ~30 days, ±1 ms around the boundaries) and "run the
// background transitions" (collect_deprecated_versions + purge_deleted_secrets), each compared
// with the naive store model in tests/model/store_model.hpp: success or the exact error (AWS type
// and message), the response fields, and the whole next store. After every step, on the library
// alone: check_store_invariants is empty, check_store_transition_invariants(before, after) is
// empty, a call the model says changes nothing leaves the store == before (a failed call returns
// no store at all, so the caller keeps `before`), and the same request on the same store gives
// the same result (applied twice directly, and once through the store_operation variant).
//
// NextTokens are opaque: the model names the item the next page starts at, the test keeps the
// library's token and a later "continue listing" step sends it back (with the same query).
//
// Also: rotate_synchronously (RotateSecret and the four steps in one call, all or nothing) and a
// "bulk" step (101 PutSecretValue calls leaving deprecated versions) so that deprecated-version
// collection (more than 100 versions, 24 h old) is reached.
//
// RC_PARAMS=max_success=1000 for 1000 sequences (about 2–4 s at -O1). Each sequence is tagged with
// the operation of its last step; the outcome of every step (operation × success / no-op / each
// error) is counted over all sequences and printed at the end.

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <secretstage/io.hpp>
#include <secretstage/secretstage.hpp>

#include "model/store_model.hpp"
#include "support/rc_doctest.hpp"
#include "support/snapshot_check.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace stateful_store_test_property {

namespace ss = secretstage;
namespace sm = storemodel;

namespace {

// ---- alphabets ----------------------------------------------------------------------------------

// "svc-a1b2c3" ends like an ARN suffix: its partial ARN must not resolve.
const std::vector<std::string> names = {"db", "svc-a1b2c3", "p/q"};
const std::vector<std::string> tokens = {
    "a1111111-1111-4111-8111-111111111111", "b2222222-2222-4222-8222-222222222222",
    "c3333333-3333-4333-8333-333333333333", "d4444444-4444-4444-8444-444444444444",
    "e5555555-5555-4555-8555-555555555555", "f6666666-6666-4666-8666-666666666666"};
const std::string unknown_version = "00000000-0000-4000-8000-000000000000";
const std::string short_token(31, 's');
const std::string good_fn = "arn:aws:lambda:us-east-1:123456789012:function:rotate";
const std::string bad_fn = "arn:aws:lambda:us-east-1:123456789012:function:unregistered";
const std::vector<std::string> labels = {"AWSCURRENT", "AWSPREVIOUS", "AWSPENDING", "L1", "L2"};
constexpr std::int64_t start_ms = 1700000000000;  // 2023-11-14T22:13:20Z
constexpr std::uint64_t entropy = 7;
constexpr std::int64_t minute = 60'000, day = sm::day_ms;

template <class T>
rc::Gen<std::optional<T>> none() {
  return rc::gen::just(std::optional<T>());
}
template <class T>
rc::Gen<std::optional<T>> some(rc::Gen<T> g) {
  return rc::gen::map(std::move(g), [](T v) { return std::optional<T>(std::move(v)); });
}

// ---- model state, system under test ---------------------------------------------------------------

/// The query of the last listing that returned a NextToken, and the model's key for its next page.
struct pending_page {
  enum kind_t { list_secrets, list_versions, batch } kind = list_secrets;
  ss::list_secrets ls;
  ss::list_secret_version_ids lv;
  ss::batch_get_secret_value bg;
  std::string key;
};

struct model_state {
  sm::store st;
  std::int64_t now_ms = start_ms;
  std::vector<std::string> arns_ever;  // every ARN a secret ever had (stale SecretIds)
  std::optional<pending_page> cursor;
  std::uint64_t bulk = 0;  // bulk tokens used so far
};

struct system_under_test {
  ss::store st;
  /// The same store, moved on by apply_in_place from request to request as a service keeps its
  /// store (its trie nodes changed in place where it alone holds them): it must stay equal to `st`.
  ss::store moving;
  std::optional<std::string> last_token;  // the library's NextToken matching model_state::cursor
  std::string last_outcome = "no command";

  /// After a step that only `st` took (rotation steps, background transitions): `moving` catches
  /// up by a copy, which shares every node, so its next apply_in_place copies the path again.
  void catch_up() {
    if (!(moving == st)) moving = st;
  }
};

ss::context make_context(const model_state& m, const std::optional<std::string>& generated) {
  ss::context c;
  c.now = ss::timestamp{m.now_ms};
  c.generated_token = generated;
  c.entropy = entropy;
  c.functions = ss::rotation_functions{good_fn};
  return c;
}
sm::env to_env(const ss::context& c) {
  return {c.now.epoch_ms, c.generated_token, c.region, c.account_id, c.functions.arns()};
}

// ---- generators ---------------------------------------------------------------------------------

std::vector<const sm::secret*> existing(const model_state& m) {
  std::vector<const sm::secret*> out;
  for (const auto& [n, s] : m.st.secrets) out.push_back(&s);
  return out;
}

/// A SecretId: a name of the alphabet (existing or not), an existing secret's ARN or partial ARN, a
/// stale ARN, an unknown id, or an invalid one.
rc::Gen<std::string> gen_secret_id(const model_state& m) {
  std::vector<std::string> arns, partials, present;
  for (const auto* s : existing(m)) {
    present.push_back(s->name);
    arns.push_back(s->arn);
    partials.push_back(s->arn.substr(0, s->arn.size() - 7));
  }
  const auto& stale = m.arns_ever.empty() ? names : m.arns_ever;
  return rc::gen::weightedOneOf<std::string>({
      {present.empty() ? 0u : 40u, rc::gen::elementOf(present.empty() ? names : present)},
      {15, rc::gen::elementOf(names)},
      {arns.empty() ? 0u : 14u, rc::gen::elementOf(arns.empty() ? names : arns)},
      {partials.empty() ? 0u : 8u, rc::gen::elementOf(partials.empty() ? names : partials)},
      {3, rc::gen::elementOf(stale)},
      {4, rc::gen::element(std::string("other"), std::string("arn:aws:secretsmanager:us-east-1:123456789012:secret:db"),
                           std::string("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"))},
      {3, rc::gen::element(std::string("bad name"), std::string("db!"), std::string())},
  });
}

rc::Gen<std::optional<std::string>> gen_token() {
  return rc::gen::weightedOneOf<std::optional<std::string>>({
      {60, some(rc::gen::elementOf(tokens))},
      {30, none<std::string>()},
      {3, rc::gen::just(std::optional<std::string>(short_token))},
  });
}
rc::Gen<std::optional<std::string>> gen_generated() {
  return rc::gen::weightedOneOf<std::optional<std::string>>({
      {80, some(rc::gen::elementOf(tokens))},
      {20, none<std::string>()},
  });
}

struct value_pair {
  std::optional<std::string> str;
  std::optional<ss::binary> bin;
};
rc::Gen<value_pair> gen_values(unsigned weight_neither) {
  using vp = value_pair;
  return rc::gen::weightedOneOf<vp>({
      {60, rc::gen::map(rc::gen::element(std::string("v1"), std::string("v2")),
                        [](std::string s) { return vp{std::move(s), std::nullopt}; })},
      {15, rc::gen::just(vp{std::nullopt, ss::binary{0x00, 0xff}})},
      {3, rc::gen::just(vp{std::string(), std::nullopt})},
      {4, rc::gen::just(vp{std::string("v1"), ss::binary{'v', '1'}})},
      {weight_neither, rc::gen::just(vp{})},
  });
}

/// Version ids worth naming: those of the secrets, the alphabet's tokens, one unknown id, one of an
/// invalid length.
rc::Gen<std::string> gen_version_id(const model_state& m) {
  std::vector<std::string> ids;
  for (const auto* s : existing(m))
    for (const auto& [id, v] : s->versions) ids.push_back(id);
  return rc::gen::weightedOneOf<std::string>({
      {ids.empty() ? 0u : 60u, rc::gen::elementOf(ids.empty() ? tokens : ids)},
      {25, rc::gen::elementOf(tokens)},
      {5, rc::gen::just(unknown_version)},
      {3, rc::gen::just(short_token)},
  });
}

rc::Gen<std::vector<ss::tag>> gen_tags() {
  const auto one = rc::gen::weightedOneOf<ss::tag>({
      {10, rc::gen::map(rc::gen::pair(rc::gen::element(std::string("env"), std::string("team")),
                                      rc::gen::element(std::string("prod"), std::string("dev"), std::string())),
                        [](std::pair<std::string, std::string> p) { return ss::tag{p.first, p.second}; })},
      {1, rc::gen::just(ss::tag{std::string(), std::string("x")})},
  });
  return rc::gen::mapcat(rc::gen::inRange(0, 3), [one](int n) {
    return rc::gen::container<std::vector<ss::tag>>(static_cast<std::size_t>(n), one);
  });
}

rc::Gen<std::optional<std::vector<ss::filter>>> gen_filters(bool required) {
  using out = std::optional<std::vector<ss::filter>>;
  const auto one = rc::gen::oneOf(
      rc::gen::map(rc::gen::element(std::string("d"), std::string("svc"), std::string("!db"), std::string("p/")),
                   [](std::string v) { return ss::filter{ss::filter_key::name, {v}}; }),
      rc::gen::map(rc::gen::element(std::string("env"), std::string("t")),
                   [](std::string v) { return ss::filter{ss::filter_key::tag_key, {v}}; }),
      rc::gen::map(rc::gen::element(std::string("pro"), std::string("!dev")),
                   [](std::string v) { return ss::filter{ss::filter_key::tag_value, {v}}; }),
      rc::gen::map(rc::gen::element(std::string("A"), std::string("sec")),
                   [](std::string v) { return ss::filter{ss::filter_key::description, {v}}; }),
      rc::gen::just(ss::filter{ss::filter_key::name, {}}));
  return rc::gen::weightedOneOf<out>({
      {required ? 0u : 50u, rc::gen::just(out())},
      {required ? 60u : 10u, rc::gen::just(out(std::vector<ss::filter>{}))},
      {40, rc::gen::map(rc::gen::container<std::vector<ss::filter>>(1, one), [](std::vector<ss::filter> f) { return out(f); })},
  });
}

/// A NextToken as a caller writes one from scratch: absent, never issued, or empty.
rc::Gen<sm::page_token::kind_t> gen_token_kind() {
  return rc::gen::weightedOneOf<sm::page_token::kind_t>({
      {90, rc::gen::just(sm::page_token::none)},
      {6, rc::gen::just(sm::page_token::garbage)},
      {4, rc::gen::just(sm::page_token::empty)},
  });
}
std::optional<std::string> token_text(sm::page_token::kind_t k) {
  if (k == sm::page_token::garbage) return std::string("never-issued-token");
  if (k == sm::page_token::empty) return std::string();
  return std::nullopt;
}
sm::page_token::kind_t kind_of(const std::optional<std::string>& t) {
  if (!t) return sm::page_token::none;
  return t->empty() ? sm::page_token::empty : sm::page_token::garbage;
}

rc::Gen<std::optional<int>> gen_max(int max) {
  return rc::gen::weightedOneOf<std::optional<int>>({
      {50, none<int>()},
      {40, some(rc::gen::inRange(1, 3))},
      {4, rc::gen::element(std::optional<int>(0), std::optional<int>(max + 1))},
      {5, rc::gen::just(std::optional<int>(max))},
  });
}

// ---- conversions --------------------------------------------------------------------------------------

std::optional<std::string> as_bytes(const std::optional<ss::binary>& b) {
  if (!b) return std::nullopt;
  return std::string(b->begin(), b->end());
}
std::vector<std::pair<std::string, std::string>> to_model(const std::vector<ss::tag>& tags) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : tags) out.emplace_back(t.key, t.value);
  return out;
}
std::optional<std::vector<sm::filter>> to_model(const std::optional<std::vector<ss::filter>>& fs) {
  if (!fs) return std::nullopt;
  std::vector<sm::filter> out;
  for (const auto& f : *fs) out.push_back({std::string(ss::filter_key_name(f.key)), f.values});
  return out;
}
std::optional<sm::rules> to_model(const std::optional<ss::rotation_rules>& r) {
  if (!r) return std::nullopt;
  return sm::rules{r->automatically_after_days, r->schedule_expression};
}
template <class T>
std::optional<std::int64_t> ms(const std::optional<T>& t) {
  return t ? std::optional<std::int64_t>(t->epoch_ms) : std::nullopt;
}
template <class Range>
std::set<std::string> to_set(const Range& r) {
  return std::set<std::string>(r.begin(), r.end());
}
std::optional<sm::value> value_of(const ss::secret_value* p) {
  if (p == nullptr) return std::nullopt;
  return p->is_string() ? sm::value{false, *p->string()} : sm::value{true, *as_bytes(*p->bytes())};
}
std::string show_opt(const std::optional<std::int64_t>& t) { return t ? std::to_string(*t) : "none"; }
std::string show_labels(const std::set<std::string>& l) {
  std::string out = "[";
  for (const auto& x : l) out += (out.size() > 1 ? "," : "") + x;
  return out + "]";
}

// ---- comparing a store with the model -------------------------------------------------------------------

std::string diff(const sm::store& m, const ss::store& l) {
  std::ostringstream d;
  if (m.creations != l.creations()) d << "creations: model " << m.creations << ", library " << l.creations() << '\n';
  const auto secrets = l.secrets();
  std::vector<std::string> lnames;
  for (const auto* s : secrets) lnames.push_back(s->name().str());
  std::vector<std::string> mnames;
  for (const auto& [n, s] : m.secrets) mnames.push_back(n);
  if (lnames != mnames) {
    d << "secrets: model {";
    for (const auto& n : mnames) d << n << ' ';
    d << "}, library {";
    for (const auto& n : lnames) d << n << ' ';
    d << "}\n";
    return d.str();
  }
  for (const auto* ls : secrets) {
    const sm::secret& s = m.secrets.at(ls->name().str());
    const std::string p = s.name + ": ";
    if (s.arn != ls->arn().view()) d << p << "arn: model " << s.arn << ", library " << ls->arn() << '\n';
    if (s.description != ls->description()) d << p << "description differs\n";
    if (s.kms_key_id != ls->kms_key_id()) d << p << "kms_key_id differs\n";
    if (s.created_ms != ls->created_date().epoch_ms) d << p << "created_date differs\n";
    auto date = [&](const char* what, const std::optional<std::int64_t>& a, const std::optional<std::int64_t>& b) {
      if (a != b) d << p << what << ": model " << show_opt(a) << ", library " << show_opt(b) << '\n';
    };
    date("last_changed_date", s.last_changed_ms, ms(ls->last_changed_date()));
    date("deleted_date", s.deleted_ms, ms(ls->deleted_date()));
    date("last_accessed_date", s.last_accessed_ms, ms(ls->last_accessed_date()));
    date("last_rotated_date", s.last_rotated_ms, ms(ls->last_rotated_date()));
    if (s.tags != to_model(ls->tags())) d << p << "tags differ\n";
    if (s.ever_tagged != ls->ever_tagged()) d << p << "ever_tagged differs\n";
    if (s.resource_policy != ls->resource_policy()) d << p << "resource policies differ\n";
    if (s.rotation_enabled != ls->rotation_enabled()) d << p << "rotation_enabled differs\n";
    if (s.lambda != ls->rotation_lambda_arn()) d << p << "rotation_lambda_arn differs\n";
    if (s.rotation != to_model(ls->rotation())) d << p << "rotation rules differ\n";
    std::vector<std::pair<std::uint64_t, std::string>> mv;
    for (const auto& [id, v] : s.versions) mv.emplace_back(v.order, id);
    std::sort(mv.begin(), mv.end());
    const auto lv = ls->versions();
    if (mv.size() != lv.size()) d << p << "version count: model " << mv.size() << ", library " << lv.size() << '\n';
    for (std::size_t i = 0; i < std::min(mv.size(), lv.size()); ++i) {
      const auto& id = mv[i].second;
      const sm::version& v = s.versions.at(id);
      const ss::version& w = *lv[i];
      if (id != w.id()) {
        d << p << "version #" << i << ": model " << id << ", library " << w.id() << '\n';
        continue;
      }
      if (v.order != w.sequence()) d << p << id << ": sequence differs\n";
      if (v.created_ms != w.created_date().epoch_ms) d << p << id << ": created date differs\n";
      if (v.val != value_of(w.value())) d << p << id << ": value differs\n";
      if (v.accessed_ms != ms(w.last_accessed_date()))
        d << p << id << ": last accessed: model " << show_opt(v.accessed_ms) << ", library "
          << show_opt(ms(w.last_accessed_date())) << '\n';
      const auto lab = to_set(ls->labels_of(id));
      if (lab != v.labels) d << p << id << ": labels model " << show_labels(v.labels) << ", library " << show_labels(lab) << '\n';
    }
    if (s.label_count() != ls->label_count()) d << p << "label count differs\n";
  }
  return d.str();
}

// ---- responses ------------------------------------------------------------------------------------------

std::string same_id(const sm::id_resp& m, std::string_view arn, std::string_view name,
                    const std::optional<std::string>& vid) {
  if (m.arn != arn || m.name != name) return "ARN/Name: model " + m.arn + " " + m.name + ", library " + std::string(arn) + " " + std::string(name);
  if (m.version_id != vid) return "VersionId: model " + m.version_id.value_or("none") + ", library " + vid.value_or("none");
  return "";
}
std::string same_get(const sm::get_resp& m, const ss::get_secret_value_response& l) {
  if (m.arn != l.arn.view() || m.name != l.name.view()) return "ARN/Name";
  if (m.version_id != l.version_id) return "VersionId: model " + m.version_id + ", library " + l.version_id;
  if (std::optional<sm::value>(m.val) != value_of(l.value.get())) return "value";
  if (m.version_stages != to_set(l.version_stages))
    return "VersionStages: model " + show_labels(m.version_stages) + ", library " + show_labels(to_set(l.version_stages));
  if (m.created_ms != l.created_date.epoch_ms) return "CreatedDate";
  return "";
}
template <class Entry, class Stages>
std::string same_description(const sm::description& m, const Entry& l, const Stages& stages) {
  if (m.arn != l.arn.view() || m.name != l.name.view()) return "ARN/Name";
  if (m.description != l.description) return "Description";
  if (m.kms_key_id != l.kms_key_id) return "KmsKeyId";
  if (m.rotation_enabled != l.rotation_enabled) return "RotationEnabled";
  if (m.lambda != l.rotation_lambda_arn) return "RotationLambdaARN";
  if (m.rotation != to_model(l.rotation_rules)) return "RotationRules";
  if (m.last_rotated_ms != ms(l.last_rotated_date)) return "LastRotatedDate";
  if (m.last_changed_ms != ms(l.last_changed_date)) return "LastChangedDate";
  if (m.last_accessed_ms != ms(l.last_accessed_date)) return "LastAccessedDate";
  if (m.deleted_ms != ms(l.deleted_date)) return "DeletedDate";
  if (m.next_rotation_ms != ms(l.next_rotation_date))
    return "NextRotationDate: model " + show_opt(m.next_rotation_ms) + ", library " + show_opt(ms(l.next_rotation_date));
  if (m.tags.has_value() != l.tags.has_value() || (m.tags && *m.tags != to_model(*l.tags)))
    return "Tags";
  if (m.created_ms != l.created_date.epoch_ms) return "CreatedDate";
  if (m.stages.size() != stages.size()) return "VersionIdsToStages size";
  for (std::size_t i = 0; i < stages.size(); ++i)
    if (m.stages[i].first != stages[i].version_id || m.stages[i].second != to_set(stages[i].version_stages))
      return "VersionIdsToStages entry " + std::to_string(i);
  return "";
}

// ---- one step ---------------------------------------------------------------------------------------------

std::map<std::string, std::size_t>& coverage() {
  static std::map<std::string, std::size_t> c;
  return c;
}

std::string outcome_key(std::string_view op, const sm::opt_error& e, bool changed) {
  std::string k(op);
  if (!e) return k + (changed ? " ok" : " ok, nothing changed");
  std::string m = e->message;
  if (m.rfind("1 validation error detected: ", 0) == 0) {
    const auto at = m.find(" at '");
    m = "validation " + m.substr(at + 4, m.find('\'', at + 5) - at - 3);
  }
  for (const char* stem : {"You can't use ClientRequestToken", "The version", "The parameter RemoveFromVersionId",
                           "When you move staging label", "The operation failed because the secret",
                           "Secrets Manager can't find the specified secret value for VersionId",
                           "Secrets Manager can't find the specified secret value for staging label"})
    if (m.rfind(stem, 0) == 0) m = std::string(stem) + " ...";
  return k + " " + e->type + ": " + m;
}

std::string show_error(const sm::opt_error& e) { return e ? e->type + ": " + e->message : std::string("success"); }
template <class R>
std::string show_result(const R& r) {
  return r ? std::string("success") : std::string(r.error().name()) + ": " + r.error().message;
}

void assert_store_invariants(const ss::store& before, const ss::store& after) {
  const auto one = ss::check_store_invariants(after);
  if (!one.empty()) RC_FAIL("store invariant violated: " + one.front());
  const auto step = ss::check_store_transition_invariants(before, after);
  if (!step.empty()) RC_FAIL("store step invariant violated: " + step.front());
  std::size_t versions = 0;
  for (const auto* s : after.secrets()) versions += s->version_count();
  if (const auto d = snapshot_check::round_trip_defect(after, versions <= 12); !d.empty())
    RC_FAIL("snapshot round trip: " + d);
}

/// Checks a library result `r` (and its repetition `again`) against the model's outcome; on
/// success `same(model response, library response)` compares the responses, and the system under
/// test moves to the new store.
template <class Result, class Outcome, class Same>
void check_step(std::string_view op, const Outcome& expected, const Result& r, const Result& again,
                system_under_test& sut, Same same) {
  if (r.has_value() != again.has_value()) RC_FAIL(std::string(op) + ": success differs between two identical calls");
  if (!r) {
    if (!(r.error() == again.error())) RC_FAIL(std::string(op) + ": the error differs between two identical calls");
  } else {
    if (!(r.value().state == again.value().state)) RC_FAIL(std::string(op) + ": the store differs between two identical calls");
  }
  const std::string key = outcome_key(op, expected.err, expected.changed);
  sut.last_outcome = key;
  ++coverage()[key];

  const ss::store& before = sut.st;
  if (expected.err) {
    if (r) RC_FAIL("expected " + show_error(expected.err) + ", the library succeeded");
    if (std::string(r.error().name()) != expected.err->type || r.error().message != expected.err->message)
      RC_FAIL("expected " + show_error(expected.err) + "\n     got " + show_result(r));
    // A failed call returns no state: the caller keeps `before`, which still agrees with the model.
    if (const auto d = diff(expected.next, before); !d.empty()) RC_FAIL("the model changed on a failed call:\n" + d);
    return;
  }
  if (!r) RC_FAIL("expected success, got " + show_result(r));
  const ss::store& after = r.value().state;
  if (const auto d = diff(expected.next, after); !d.empty()) RC_FAIL("next store differs from the model:\n" + d);
  if (const auto d = same(expected.resp, r.value().response); !d.empty()) RC_FAIL("response differs from the model: " + d);
  assert_store_invariants(before, after);
  if (!expected.changed && !(after == before)) RC_FAIL("a call that changes nothing changed the store (operator==)");
  sut.st = after;
  sut.catch_up();
}

/// An API request: applied directly and through the store_operation variant.
template <class Request, class Outcome, class Same>
void run_api(std::string_view op, system_under_test& sut, const Request& req, const ss::context& ctx,
             const Outcome& expected, Same same) {
  using Response = typename std::decay_t<decltype(ss::apply(sut.st, req, ctx).value().response)>;
  const auto direct = ss::apply(sut.st, req, ctx);
  const auto via = ss::apply(sut.st, ss::store_operation(req), ctx);
  if (direct.has_value() != via.has_value()) RC_FAIL("apply(store_operation) and apply(request) disagree on success");
  if (direct) {
    if (!(direct.value().state == via.value().state)) RC_FAIL("apply(store_operation) gives another store");
    const auto* resp = std::get_if<Response>(&via.value().response);
    if (resp == nullptr || !(*resp == direct.value().response)) RC_FAIL("apply(store_operation) gives another response");
  } else if (!(direct.error() == via.error())) {
    RC_FAIL("apply(store_operation) gives another error");
  }
  // The same request on the store moved on in place: the same outcome, and the same store after
  // it — or, on a failure, exactly the store before it.
  const auto moved = ss::apply_in_place(sut.moving, req, ctx);
  if (direct.has_value() != moved.has_value()) RC_FAIL("apply_in_place and apply disagree on success");
  if (direct) {
    if (!(moved.value() == direct.value().response)) RC_FAIL("apply_in_place gives another response");
    if (!(sut.moving == direct.value().state)) RC_FAIL("apply_in_place gives another store");
  } else {
    if (!(moved.error() == direct.error())) RC_FAIL("apply_in_place gives another error");
    if (!(sut.moving == sut.st)) RC_FAIL("a failed apply_in_place changed the store");
  }
  const bool ok = !expected.err;
  check_step(op, expected, direct, ss::apply(sut.st, req, ctx), sut, same);
  // A listing's NextToken, kept for a later "continue listing" step (the model keeps its key).
  if constexpr (requires { direct.value().response.next_token; }) {
    if (ok) sut.last_token = direct.value().response.next_token;
  }
}

std::string value_text(const std::optional<std::string>& s, const std::optional<ss::binary>& b) {
  std::string out;
  if (s) out += " SecretString=\"" + *s + "\"";
  if (b) {
    out += " SecretBinary={";
    for (std::size_t i = 0; i < b->size(); ++i) out += (i ? "," : "") + std::to_string((*b)[i]);
    out += "}";
  }
  return out;
}
void show_generated(std::ostream& os, const std::optional<std::string>& g) {
  os << (g ? "  [SDK token " + *g + "]" : std::string("  [raw request]"));
}

using command = rc::state::Command<model_state, system_under_test>;

/// The common shape of a command: `predict(model)` gives the model's outcome; apply() adopts its
/// next store on success.
template <class Derived>
struct api_command : command {
  void apply(model_state& m) const override {
    auto o = static_cast<const Derived*>(this)->predict(m);
    if (!o.err) m.st = std::move(o.next);
    static_cast<const Derived*>(this)->after_apply(m, o);
  }
  template <class O>
  void after_apply(model_state&, const O&) const {}
};

// ---- commands: secrets and versions ------------------------------------------------------------------------

struct create_cmd final : api_command<create_cmd> {
  ss::create_secret req;
  std::optional<std::string> generated;
  explicit create_cmd(const model_state&) {
    req.name = *rc::gen::weightedOneOf<std::string>({{90, rc::gen::elementOf(names)},
                                                     {5, rc::gen::just(std::string("bad name"))},
                                                     {2, rc::gen::just(std::string())}});
    req.client_request_token = *gen_token();
    const auto v = *gen_values(30);
    req.secret_string = v.str;
    req.secret_binary = v.bin;
    req.description = *rc::gen::weightedOneOf<std::optional<std::string>>(
        {{5, none<std::string>()}, {3, some(rc::gen::element(std::string("A secret"), std::string()))}});
    req.kms_key_id = *rc::gen::weightedOneOf<std::optional<std::string>>(
        {{8, none<std::string>()}, {2, rc::gen::just(std::optional<std::string>("alias/k"))}});
    if (*rc::gen::inRange(0, 3) == 0) req.tags = *gen_tags();
    generated = *gen_generated();
  }
  sm::outcome<sm::id_resp> predict(const model_state& m) const {
    // The six random characters are the library's (its entropy mixed with the creation count): the
    // model takes them from there and checks their form through the ARN invariant (I19).
    const std::string suffix = ss::detail::arn_suffix(ss::detail::mix_entropy(entropy, m.st.creations));
    sm::create_req r{req.name, req.client_request_token, req.description, req.kms_key_id, req.secret_string,
                     as_bytes(req.secret_binary), std::nullopt};
    if (req.tags) r.tags = to_model(*req.tags);
    return sm::create_secret(m.st, r, to_env(make_context(m, generated)), suffix);
  }
  void after_apply(model_state& m, const sm::outcome<sm::id_resp>& o) const {
    if (!o.err && o.changed) m.arns_ever.push_back(o.resp.arn);
  }
  void run(const model_state& m, system_under_test& sut) const override {
    const auto o = predict(m);
    // I19: a secret created again under a used name gets an ARN no earlier secret had.
    if (!o.err && o.changed && std::find(m.arns_ever.begin(), m.arns_ever.end(), o.resp.arn) != m.arns_ever.end())
      RC_FAIL("CreateSecret reuses the ARN of an earlier secret: " + o.resp.arn);
    if (!o.err && o.changed && !refmodel::arn_well_formed(o.resp.arn, {m.now_ms, std::nullopt, "us-east-1", "123456789012"}, req.name))
      RC_FAIL("malformed ARN " + o.resp.arn);
    run_api("CreateSecret", sut, req, make_context(m, generated), o,
            [](const sm::id_resp& e, const ss::create_secret_response& l) { return same_id(e, l.arn, l.name, l.version_id); });
  }
  void show(std::ostream& os) const override {
    os << req << value_text(req.secret_string, req.secret_binary);
    show_generated(os, generated);
  }
};

struct put_cmd final : api_command<put_cmd> {
  ss::put_secret_value req;
  std::optional<std::string> generated;
  explicit put_cmd(const model_state& m) {
    req.secret_id = *gen_secret_id(m);
    req.client_request_token = *gen_token();
    const auto v = *gen_values(4);
    req.secret_string = v.str;
    req.secret_binary = v.bin;
    req.version_stages = *rc::gen::weightedOneOf<std::optional<std::vector<std::string>>>({
        {40, rc::gen::just(std::optional<std::vector<std::string>>())},
        {50, some(rc::gen::mapcat(rc::gen::inRange(1, 4), [](int n) {
           return rc::gen::container<std::vector<std::string>>(static_cast<std::size_t>(n), rc::gen::elementOf(labels));
         }))},
        {5, some(rc::gen::mapcat(rc::gen::inRange(15, 22), [](int n) {  // towards the quota of 20 labels
           std::vector<std::string> custom;
           for (int i = 1; i <= n; ++i) custom.push_back("C" + std::to_string(i));
           return rc::gen::just(custom);
         }))},
        {3, rc::gen::just(std::optional<std::vector<std::string>>(std::vector<std::string>{}))},
        {3, rc::gen::just(std::optional<std::vector<std::string>>(std::vector<std::string>{std::string()}))},
    });
    generated = *gen_generated();
  }
  sm::outcome<sm::put_resp> predict(const model_state& m) const {
    return sm::put_secret_value(m.st, {req.secret_id, req.client_request_token, req.secret_string,
                                       as_bytes(req.secret_binary), req.version_stages},
                                to_env(make_context(m, generated)));
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("PutSecretValue", sut, req, make_context(m, generated), predict(m),
            [](const sm::put_resp& e, const ss::put_secret_value_response& l) -> std::string {
              if (e.arn != l.arn.view() || e.name != l.name.view() || e.version_id != l.version_id) return "ARN/Name/VersionId";
              if (e.version_stages != to_set(l.version_stages))
                return "VersionStages: model " + show_labels(e.version_stages) + ", library " + show_labels(to_set(l.version_stages));
              return "";
            });
  }
  void show(std::ostream& os) const override {
    os << req << value_text(req.secret_string, req.secret_binary);
    show_generated(os, generated);
  }
};

struct update_cmd final : api_command<update_cmd> {
  ss::update_secret req;
  std::optional<std::string> generated;
  explicit update_cmd(const model_state& m) {
    req.secret_id = *gen_secret_id(m);
    req.client_request_token = *gen_token();
    const auto v = *gen_values(30);
    req.secret_string = v.str;
    req.secret_binary = v.bin;
    req.description = *rc::gen::weightedOneOf<std::optional<std::string>>(
        {{6, none<std::string>()}, {3, some(rc::gen::element(std::string("Another"), std::string()))}});
    req.kms_key_id = *rc::gen::weightedOneOf<std::optional<std::string>>(
        {{8, none<std::string>()}, {2, rc::gen::just(std::optional<std::string>("alias/k2"))}});
    generated = *gen_generated();
  }
  sm::outcome<sm::id_resp> predict(const model_state& m) const {
    return sm::update_secret(m.st, {req.secret_id, req.client_request_token, req.description, req.kms_key_id,
                                    req.secret_string, as_bytes(req.secret_binary)},
                             to_env(make_context(m, generated)));
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("UpdateSecret", sut, req, make_context(m, generated), predict(m),
            [](const sm::id_resp& e, const ss::update_secret_response& l) { return same_id(e, l.arn, l.name, l.version_id); });
  }
  void show(std::ostream& os) const override {
    os << req << value_text(req.secret_string, req.secret_binary);
    show_generated(os, generated);
  }
};

struct stage_cmd final : api_command<stage_cmd> {
  ss::update_secret_version_stage req;
  explicit stage_cmd(const model_state& m) {
    req.secret_id = *gen_secret_id(m);
    req.version_stage = *rc::gen::weightedOneOf<std::string>({{95, rc::gen::elementOf(labels)}, {3, rc::gen::just(std::string())}});
    using opt = std::optional<std::string>;
    // The label's holder in the secret the id names by name (the usual case), for the valid moves.
    opt holder;
    if (auto it = m.st.secrets.find(req.secret_id); it != m.st.secrets.end()) holder = it->second.holder(req.version_stage);
    req.remove_from_version_id = *rc::gen::weightedOneOf<opt>(
        {{35, none<std::string>()}, {holder ? 40u : 0u, rc::gen::just(holder)}, {25, some(gen_version_id(m))}});
    req.move_to_version_id = *rc::gen::weightedOneOf<opt>({{25, none<std::string>()}, {75, some(gen_version_id(m))}});
  }
  sm::outcome<sm::id_resp> predict(const model_state& m) const {
    return sm::update_secret_version_stage(
        m.st, {req.secret_id, req.version_stage, req.remove_from_version_id, req.move_to_version_id},
        to_env(make_context(m, std::nullopt)));
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("UpdateSecretVersionStage", sut, req, make_context(m, std::nullopt), predict(m),
            [](const sm::id_resp& e, const ss::update_secret_version_stage_response& l) {
              return same_id(e, l.arn, l.name, std::nullopt);
            });
  }
  void show(std::ostream& os) const override { os << req; }
};

// ---- commands: rotation ------------------------------------------------------------------------------------

struct rotate_cmd final : api_command<rotate_cmd> {
  ss::rotate_secret req;
  std::optional<std::string> generated;
  explicit rotate_cmd(const model_state& m) {
    req.secret_id = *gen_secret_id(m);
    req.client_request_token = *rc::gen::weightedOneOf<std::optional<std::string>>(
        {{50, gen_token()}, {30, some(gen_version_id(m))}});
    req.rotation_lambda_arn = *rc::gen::weightedOneOf<std::optional<std::string>>({
        {35, none<std::string>()},
        {40, rc::gen::just(std::optional<std::string>(good_fn))},
        {15, rc::gen::just(std::optional<std::string>(bad_fn))},
        {5, rc::gen::just(std::optional<std::string>(std::string()))},
    });
    using rr = std::optional<ss::rotation_rules>;
    req.rotation_rules = *rc::gen::weightedOneOf<rr>({
        {60, rc::gen::just(rr())},
        {25, rc::gen::map(rc::gen::element<std::int64_t>(1, 30), [](std::int64_t d) { return rr(ss::rotation_rules{d, {}, {}}); })},
        {5, rc::gen::map(rc::gen::element<std::int64_t>(0, 1001), [](std::int64_t d) { return rr(ss::rotation_rules{d, {}, {}}); })},
        {5, rc::gen::just(rr(ss::rotation_rules{{}, {}, std::string("rate(4 hours)")}))},
        {5, rc::gen::just(rr(ss::rotation_rules{7, {}, std::string("rate(4 hours)")}))},
    });
    req.rotate_immediately = *rc::gen::weightedOneOf<std::optional<bool>>(
        {{70, none<bool>()}, {15, rc::gen::just(std::optional<bool>(true))}, {15, rc::gen::just(std::optional<bool>(false))}});
    generated = *gen_generated();
  }
  sm::outcome<sm::id_resp> predict(const model_state& m) const {
    return sm::rotate_secret(m.st, {req.secret_id, req.client_request_token, req.rotation_lambda_arn,
                                    to_model(req.rotation_rules), req.rotate_immediately},
                             to_env(make_context(m, generated)));
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("RotateSecret", sut, req, make_context(m, generated), predict(m),
            [](const sm::id_resp& e, const ss::rotate_secret_response& l) {
              return same_id(e, l.arn, l.name, std::optional<std::string>(l.version_id));
            });
  }
  void show(std::ostream& os) const override {
    os << req;
    show_generated(os, generated);
  }
};

struct cancel_cmd final : api_command<cancel_cmd> {
  ss::cancel_rotate_secret req;
  explicit cancel_cmd(const model_state& m) { req.secret_id = *gen_secret_id(m); }
  sm::outcome<sm::id_resp> predict(const model_state& m) const {
    return sm::cancel_rotate_secret(m.st, req.secret_id, to_env(make_context(m, std::nullopt)));
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("CancelRotateSecret", sut, req, make_context(m, std::nullopt), predict(m),
            [](const sm::id_resp& e, const ss::cancel_rotate_secret_response& l) { return same_id(e, l.arn, l.name, l.version_id); });
  }
  void show(std::ostream& os) const override { os << req; }
};

const char* step_name(sm::step s) {
  switch (s) {
    case sm::step::create: return "createSecret";
    case sm::step::set: return "setSecret";
    case sm::step::test: return "testSecret";
    case sm::step::finish: return "finishSecret";
  }
  return "?";
}

/// One step of the rotation function, for the token of the pending version (usually).
struct step_cmd final : api_command<step_cmd> {
  sm::step which;
  ss::rotation_event event;
  std::string new_value;
  bool keep_pending;
  explicit step_cmd(const model_state& m) {
    // Usually a secret with a pending version and that version's token (the event Secrets Manager
    // sends), the step that fits its state most often; sometimes any id and any version id.
    std::vector<std::pair<std::string, std::string>> pending;  // (ARN, token)
    bool placeholder = false;
    for (const auto* s : existing(m))
      if (auto p = s->holder(sm::awspending)) pending.emplace_back(s->arn, *p);
    const bool coherent = !pending.empty() && *rc::gen::weightedOneOf<bool>({{4, rc::gen::just(true)}, {1, rc::gen::just(false)}});
    if (coherent) {
      const auto [arn, token] = *rc::gen::elementOf(pending);
      event.secret_id = arn;
      event.client_request_token = token;
      for (const auto* s : existing(m))
        if (s->arn == arn) placeholder = !s->versions.at(token).val;
    } else {
      event.secret_id = *gen_secret_id(m);
      event.client_request_token = *gen_version_id(m);
    }
    which = *rc::gen::weightedOneOf<sm::step>({{placeholder ? 60u : 15u, rc::gen::just(sm::step::create)},
                                              {15, rc::gen::just(sm::step::set)},
                                              {15, rc::gen::just(sm::step::test)},
                                              {placeholder ? 10u : 55u, rc::gen::just(sm::step::finish)}});
    new_value = *rc::gen::element(std::string("r1"), std::string("r2"));
    keep_pending = *rc::gen::weightedOneOf<bool>({{4, rc::gen::just(false)}, {1, rc::gen::just(true)}});
  }
  sm::outcome<sm::id_resp> predict(const model_state& m) const {
    return sm::rotation_step(m.st, which, event.secret_id, event.client_request_token, sm::value{false, new_value},
                             keep_pending, to_env(make_context(m, std::nullopt)));
  }
  ss::result<ss::transition<ss::store, ss::rotation_step_response>> call(const ss::store& st, const ss::context& ctx) const {
    switch (which) {
      case sm::step::create:
        return ss::rotation::create_secret(st, event, ss::secret_value(ss::secret_value::string_tag{}, new_value), ctx);
      case sm::step::set: return ss::rotation::set_secret(st, event, ctx);
      case sm::step::test: return ss::rotation::test_secret(st, event, ctx);
      case sm::step::finish:
        return ss::rotation::finish_secret(st, event, ctx,
                                           keep_pending ? ss::finish_variant::keep_pending : ss::finish_variant::remove_pending);
    }
    return ss::rotation::set_secret(st, event, ctx);
  }
  void run(const model_state& m, system_under_test& sut) const override {
    const auto ctx = make_context(m, std::nullopt);
    check_step(std::string("rotation ") + step_name(which), predict(m), call(sut.st, ctx), call(sut.st, ctx), sut,
               [](const sm::id_resp& e, const ss::rotation_step_response& l) {
                 return same_id(e, l.arn, l.name, std::optional<std::string>(l.version_id));
               });
  }
  void show(std::ostream& os) const override {
    os << "Rotation." << step_name(which) << "{SecretId=" << event.secret_id << ", ClientRequestToken="
       << event.client_request_token << "}";
    if (which == sm::step::create) os << " new value \"" << new_value << "\"";
    if (which == sm::step::finish && keep_pending) os << " (keep_pending)";
  }
};

/// RotateSecret and the four steps in one call (rotate_synchronously), all or nothing.
struct rotate_sync_cmd final : api_command<rotate_sync_cmd> {
  rotate_cmd base;
  std::string new_value;
  bool keep_pending;
  explicit rotate_sync_cmd(const model_state& m) : base(m) {
    new_value = *rc::gen::weightedOneOf<std::string>({{9, rc::gen::just(std::string("s1"))}, {1, rc::gen::just(std::string())}});
    keep_pending = *rc::gen::weightedOneOf<bool>({{4, rc::gen::just(false)}, {1, rc::gen::just(true)}});
  }
  sm::outcome<sm::id_resp> predict(const model_state& m) const {
    const auto& req = base.req;
    return sm::rotate_synchronously(m.st, {req.secret_id, req.client_request_token, req.rotation_lambda_arn,
                                           to_model(req.rotation_rules), req.rotate_immediately},
                                    sm::value{false, new_value}, keep_pending, to_env(make_context(m, base.generated)));
  }
  ss::result<ss::transition<ss::store, ss::rotate_secret_response>> call(const ss::store& st, const ss::context& ctx) const {
    return ss::rotate_synchronously(st, base.req, ctx, ctx.functions,
                                    ss::secret_value(ss::secret_value::string_tag{}, new_value),
                                    keep_pending ? ss::finish_variant::keep_pending : ss::finish_variant::remove_pending);
  }
  void run(const model_state& m, system_under_test& sut) const override {
    const auto ctx = make_context(m, base.generated);
    check_step("rotate_synchronously", predict(m), call(sut.st, ctx), call(sut.st, ctx), sut,
               [](const sm::id_resp& e, const ss::rotate_secret_response& l) {
                 return same_id(e, l.arn, l.name, std::optional<std::string>(l.version_id));
               });
  }
  void show(std::ostream& os) const override {
    os << "rotate_synchronously{";
    base.show(os);
    os << ", new value \"" << new_value << "\"" << (keep_pending ? ", keep_pending" : "") << "}";
  }
};

// ---- commands: deletion -------------------------------------------------------------------------------------

struct delete_cmd final : api_command<delete_cmd> {
  ss::delete_secret req;
  explicit delete_cmd(const model_state& m) {
    req.secret_id = *gen_secret_id(m);
    req.recovery_window_in_days = *rc::gen::weightedOneOf<std::optional<std::int64_t>>({
        {30, none<std::int64_t>()},
        {50, some(rc::gen::element<std::int64_t>(7, 30))},
        {10, some(rc::gen::element<std::int64_t>(6, 31, 0))},
    });
    req.force_delete_without_recovery = *rc::gen::weightedOneOf<bool>({{4, rc::gen::just(false)}, {1, rc::gen::just(true)}});
  }
  sm::outcome<sm::delete_resp> predict(const model_state& m) const {
    return sm::delete_secret(m.st, {req.secret_id, req.recovery_window_in_days, req.force_delete_without_recovery},
                             to_env(make_context(m, std::nullopt)));
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("DeleteSecret", sut, req, make_context(m, std::nullopt), predict(m),
            [](const sm::delete_resp& e, const ss::delete_secret_response& l) -> std::string {
              if (e.arn != l.arn.view() || e.name != l.name.view()) return "ARN/Name: model " + e.arn + ", library " + l.arn.str();
              if (e.deletion_ms != l.deletion_date.epoch_ms) return "DeletionDate";
              return "";
            });
  }
  void show(std::ostream& os) const override { os << req; }
};

struct restore_cmd final : api_command<restore_cmd> {
  ss::restore_secret req;
  explicit restore_cmd(const model_state& m) { req.secret_id = *gen_secret_id(m); }
  sm::outcome<sm::id_resp> predict(const model_state& m) const { return sm::restore_secret(m.st, req.secret_id); }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("RestoreSecret", sut, req, make_context(m, std::nullopt), predict(m),
            [](const sm::id_resp& e, const ss::restore_secret_response& l) { return same_id(e, l.arn, l.name, std::nullopt); });
  }
  void show(std::ostream& os) const override { os << req; }
};

// ---- commands: reads ----------------------------------------------------------------------------------------

struct get_cmd final : api_command<get_cmd> {
  ss::get_secret_value req;
  explicit get_cmd(const model_state& m) {
    req.secret_id = *gen_secret_id(m);
    req.version_id = *rc::gen::weightedOneOf<std::optional<std::string>>({{60, none<std::string>()}, {40, some(gen_version_id(m))}});
    req.version_stage = *rc::gen::weightedOneOf<std::optional<std::string>>(
        {{60, none<std::string>()}, {37, some(rc::gen::elementOf(labels))}, {3, rc::gen::just(std::optional<std::string>(""))}});
  }
  sm::outcome<sm::get_resp> predict(const model_state& m) const {
    return sm::get_secret_value(m.st, {req.secret_id, req.version_id, req.version_stage}, to_env(make_context(m, std::nullopt)));
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("GetSecretValue", sut, req, make_context(m, std::nullopt), predict(m), same_get);
  }
  void show(std::ostream& os) const override { os << req; }
};

/// Records (or clears) the model's listing cursor after a listing.
template <class Setter>
void update_cursor(model_state& m, const std::optional<std::string>& next_key, Setter set) {
  if (!next_key) {
    m.cursor.reset();
    return;
  }
  pending_page p;
  set(p);
  p.key = *next_key;
  m.cursor = p;
}

std::string same_batch(const sm::batch_resp& e, const ss::batch_get_secret_value_response& l) {
  if (e.values.size() != l.secret_values.size()) return "SecretValues size";
  for (std::size_t i = 0; i < e.values.size(); ++i)
    if (auto d = same_get(e.values[i], l.secret_values[i]); !d.empty()) return "SecretValues[" + std::to_string(i) + "]: " + d;
  if (e.errors.size() != l.errors.size()) return "Errors size";
  for (std::size_t i = 0; i < e.errors.size(); ++i)
    if (e.errors[i].secret_id != l.errors[i].secret_id || e.errors[i].type != ss::exception_name(l.errors[i].error_code) ||
        e.errors[i].message != l.errors[i].message)
      return "Errors[" + std::to_string(i) + "]: model " + e.errors[i].type + " " + e.errors[i].message + ", library " +
             std::string(ss::exception_name(l.errors[i].error_code)) + " " + l.errors[i].message;
  if (e.next_key.has_value() != l.next_token.has_value()) return "NextToken presence";
  return "";
}

sm::batch_req to_model(const ss::batch_get_secret_value& r, sm::page_token t) {
  return {r.secret_id_list, to_model(r.filters), r.max_results, std::move(t)};
}

struct batch_cmd final : api_command<batch_cmd> {
  ss::batch_get_secret_value req;
  explicit batch_cmd(const model_state& m) {
    const int mode = *rc::gen::weightedOneOf<int>({{60, rc::gen::just(0)}, {30, rc::gen::just(1)}, {5, rc::gen::just(2)}, {5, rc::gen::just(3)}});
    if (mode == 0 || mode == 2)
      // The generator is built now and captured by value: rapidcheck calls the lambda again while
      // shrinking, after `m` is gone (capturing `m` by reference crashed the shrink).
      req.secret_id_list = *rc::gen::mapcat(rc::gen::inRange(mode == 2 ? 0 : 1, 4), [ids = gen_secret_id(m)](int n) {
        return rc::gen::container<std::vector<std::string>>(static_cast<std::size_t>(n), ids);
      });
    if (mode == 1 || mode == 2) req.filters = *gen_filters(true);
    req.max_results = *rc::gen::weightedOneOf<std::optional<int>>({{mode == 1 ? 50u : 90u, none<int>()}, {mode == 1 ? 50u : 10u, gen_max(20)}});
    req.next_token = token_text(*gen_token_kind());
  }
  sm::outcome<sm::batch_resp> predict(const model_state& m) const {
    return sm::batch_get_secret_value(m.st, to_model(req, {kind_of(req.next_token), ""}), to_env(make_context(m, std::nullopt)));
  }
  void after_apply(model_state& m, const sm::outcome<sm::batch_resp>& o) const {
    if (!o.err) update_cursor(m, o.resp.next_key, [&](pending_page& p) { p.kind = pending_page::batch; p.bg = req; });
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("BatchGetSecretValue", sut, req, make_context(m, std::nullopt), predict(m), same_batch);
  }
  void show(std::ostream& os) const override { os << req; }
};

std::string same_versions(const sm::versions_resp& e, const ss::list_secret_version_ids_response& l) {
  if (e.arn != l.arn.view() || e.name != l.name.view()) return "ARN/Name";
  if (e.versions.size() != l.versions.size()) return "Versions size: model " + std::to_string(e.versions.size()) + ", library " + std::to_string(l.versions.size());
  for (std::size_t i = 0; i < e.versions.size(); ++i) {
    const auto& a = e.versions[i];
    const auto& b = l.versions[i];
    if (a.version_id != b.version_id) return "Versions[" + std::to_string(i) + "]: model " + a.version_id + ", library " + b.version_id;
    if (a.version_stages != to_set(b.version_stages) || a.accessed_ms != ms(b.last_accessed_date) ||
        a.created_ms != b.created_date.epoch_ms || std::vector<std::string>{a.kms} != b.kms_key_ids)
      return "Versions[" + std::to_string(i) + "] fields";
  }
  if (e.next_key.has_value() != l.next_token.has_value()) return "NextToken presence";
  return "";
}

struct versions_cmd final : api_command<versions_cmd> {
  ss::list_secret_version_ids req;
  explicit versions_cmd(const model_state& m) {
    req.secret_id = *gen_secret_id(m);
    req.max_results = *gen_max(100);
    req.next_token = token_text(*gen_token_kind());
    req.include_deprecated = *rc::gen::weightedOneOf<std::optional<bool>>(
        {{50, none<bool>()}, {40, rc::gen::just(std::optional<bool>(true))}, {10, rc::gen::just(std::optional<bool>(false))}});
  }
  sm::outcome<sm::versions_resp> predict(const model_state& m) const {
    return sm::list_secret_version_ids(m.st, {req.secret_id, req.max_results, {kind_of(req.next_token), ""}, req.include_deprecated});
  }
  void after_apply(model_state& m, const sm::outcome<sm::versions_resp>& o) const {
    if (!o.err) update_cursor(m, o.resp.next_key, [&](pending_page& p) { p.kind = pending_page::list_versions; p.lv = req; });
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("ListSecretVersionIds", sut, req, make_context(m, std::nullopt), predict(m), same_versions);
  }
  void show(std::ostream& os) const override { os << req; }
};

struct describe_cmd final : api_command<describe_cmd> {
  ss::describe_secret req;
  explicit describe_cmd(const model_state& m) { req.secret_id = *gen_secret_id(m); }
  sm::outcome<sm::description> predict(const model_state& m) const { return sm::describe_secret(m.st, req.secret_id, m.now_ms); }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("DescribeSecret", sut, req, make_context(m, std::nullopt), predict(m),
            [](const sm::description& e, const ss::describe_secret_response& l) {
              return same_description(e, l, l.version_ids_to_stages);
            });
  }
  void show(std::ostream& os) const override { os << req; }
};

std::string same_list(const sm::list_resp& e, const ss::list_secrets_response& l) {
  if (e.secrets.size() != l.secret_list.size())
    return "SecretList size: model " + std::to_string(e.secrets.size()) + ", library " + std::to_string(l.secret_list.size());
  for (std::size_t i = 0; i < e.secrets.size(); ++i)
    if (auto d = same_description(e.secrets[i], l.secret_list[i], l.secret_list[i].secret_versions_to_stages); !d.empty())
      return "SecretList[" + std::to_string(i) + "]: " + d;
  if (e.next_key.has_value() != l.next_token.has_value()) return "NextToken presence";
  return "";
}

sm::list_req to_model(const ss::list_secrets& r, sm::page_token t) {
  return {r.include_planned_deletion, r.max_results, std::move(t), to_model(r.filters),
          r.sort_order.value_or(ss::sort_order::asc) == ss::sort_order::desc};
}

struct list_cmd final : api_command<list_cmd> {
  ss::list_secrets req;
  explicit list_cmd(const model_state&) {
    req.include_planned_deletion = *rc::gen::weightedOneOf<std::optional<bool>>(
        {{50, none<bool>()}, {40, rc::gen::just(std::optional<bool>(true))}, {10, rc::gen::just(std::optional<bool>(false))}});
    req.max_results = *gen_max(100);
    req.next_token = token_text(*gen_token_kind());
    req.filters = *gen_filters(false);
    req.sort_order = *rc::gen::weightedOneOf<std::optional<ss::sort_order>>(
        {{50, none<ss::sort_order>()}, {25, rc::gen::just(std::optional<ss::sort_order>(ss::sort_order::asc))},
         {25, rc::gen::just(std::optional<ss::sort_order>(ss::sort_order::desc))}});
  }
  sm::outcome<sm::list_resp> predict(const model_state& m) const {
    return sm::list_secrets(m.st, to_model(req, {kind_of(req.next_token), ""}), m.now_ms);
  }
  void after_apply(model_state& m, const sm::outcome<sm::list_resp>& o) const {
    if (!o.err) update_cursor(m, o.resp.next_key, [&](pending_page& p) { p.kind = pending_page::list_secrets; p.ls = req; });
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("ListSecrets", sut, req, make_context(m, std::nullopt), predict(m), same_list);
  }
  void show(std::ostream& os) const override { os << req; }
};

/// Sends the NextToken of the last listing back with the same query.
struct continue_cmd final : command {
  explicit continue_cmd(const model_state&) {}
  void checkPreconditions(const model_state& m) const override { RC_PRE(m.cursor.has_value()); }
  void apply(model_state& m) const override {
    const pending_page p = *m.cursor;
    const sm::page_token t{sm::page_token::issued, p.key};
    std::optional<std::string> next;
    switch (p.kind) {
      case pending_page::list_secrets: {
        auto o = sm::list_secrets(m.st, to_model(p.ls, t), m.now_ms);
        if (o.err) return;
        next = o.resp.next_key;
        break;
      }
      case pending_page::list_versions: {
        auto o = sm::list_secret_version_ids(m.st, {p.lv.secret_id, p.lv.max_results, t, p.lv.include_deprecated});
        if (o.err) return;
        next = o.resp.next_key;
        break;
      }
      case pending_page::batch: {
        auto o = sm::batch_get_secret_value(m.st, to_model(p.bg, t), to_env(make_context(m, std::nullopt)));
        if (o.err) return;
        m.st = std::move(o.next);
        next = o.resp.next_key;
        break;
      }
    }
    update_cursor(m, next, [&](pending_page& q) { q = p; });
  }
  void run(const model_state& m, system_under_test& sut) const override {
    const pending_page p = *m.cursor;
    if (!sut.last_token) RC_FAIL("the model expects a NextToken, the library issued none");
    const sm::page_token t{sm::page_token::issued, p.key};
    const auto ctx = make_context(m, std::nullopt);
    switch (p.kind) {
      case pending_page::list_secrets: {
        auto req = p.ls;
        req.next_token = sut.last_token;
        run_api("ListSecrets (next page)", sut, req, ctx, sm::list_secrets(m.st, to_model(p.ls, t), m.now_ms), same_list);
        break;
      }
      case pending_page::list_versions: {
        auto req = p.lv;
        req.next_token = sut.last_token;
        run_api("ListSecretVersionIds (next page)", sut, req, ctx,
                sm::list_secret_version_ids(m.st, {p.lv.secret_id, p.lv.max_results, t, p.lv.include_deprecated}), same_versions);
        break;
      }
      case pending_page::batch: {
        auto req = p.bg;
        req.next_token = sut.last_token;
        run_api("BatchGetSecretValue (next page)", sut, req, ctx,
                sm::batch_get_secret_value(m.st, to_model(p.bg, t), to_env(ctx)), same_batch);
        break;
      }
    }
  }
  void show(std::ostream& os) const override { os << "ContinueListing{the last NextToken, the same query}"; }
};

// ---- commands: tags, passwords ---------------------------------------------------------------------------------

struct tag_cmd final : api_command<tag_cmd> {
  ss::tag_resource req;
  explicit tag_cmd(const model_state& m) {
    req.secret_id = *gen_secret_id(m);
    req.tags = *gen_tags();
  }
  sm::outcome<sm::none_resp> predict(const model_state& m) const {
    return sm::tag_resource(m.st, req.secret_id, to_model(req.tags), to_env(make_context(m, std::nullopt)));
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("TagResource", sut, req, make_context(m, std::nullopt), predict(m),
            [](const sm::none_resp&, const ss::tag_resource_response&) { return std::string(); });
  }
  void show(std::ostream& os) const override { os << req; }
};

struct untag_cmd final : api_command<untag_cmd> {
  ss::untag_resource req;
  explicit untag_cmd(const model_state& m) {
    req.secret_id = *gen_secret_id(m);
    req.tag_keys = *rc::gen::mapcat(rc::gen::inRange(0, 3), [](int n) {
      return rc::gen::container<std::vector<std::string>>(
          static_cast<std::size_t>(n), rc::gen::weightedOneOf<std::string>({{10, rc::gen::element(std::string("env"), std::string("team"), std::string("none"))},
                                                                            {1, rc::gen::just(std::string())}}));
    });
  }
  sm::outcome<sm::none_resp> predict(const model_state& m) const {
    return sm::untag_resource(m.st, req.secret_id, req.tag_keys, to_env(make_context(m, std::nullopt)));
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("UntagResource", sut, req, make_context(m, std::nullopt), predict(m),
            [](const sm::none_resp&, const ss::untag_resource_response&) { return std::string(); });
  }
  void show(std::ostream& os) const override { os << req; }
};

// ---- commands: resource policies ----------------------------------------------------------------------

/// Documents and what docs/resource-policies.md says of each (typed by hand, not computed).
const std::vector<sm::policy_doc>& policy_docs() {
  static const std::vector<sm::policy_doc> docs = {
      {R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]})"},
      {R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}})",
       false, true},
      {R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"secretsmanager:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}})"},
      {R"({"Statement":[{"Effect":"Deny","Principal":"*","Action":"secretsmanager:*","Resource":"*"}]})", false, false,
       true},
      {R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"secretsmanager:DeleteResourcePolicy","Resource":"*"}]})",
       false, true, true},
      {"not json", true},
      {R"({"Version":"2019-10-19","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}})", true},
      {"{}", true},
      {""},  // too short: the length check comes first
  };
  return docs;
}

struct put_policy_cmd final : api_command<put_policy_cmd> {
  ss::put_resource_policy req;
  sm::policy_doc doc;
  explicit put_policy_cmd(const model_state& m) {
    req.secret_id = *gen_secret_id(m);
    doc = *rc::gen::elementOf(policy_docs());
    req.resource_policy = doc.text;
    req.block_public_policy = *rc::gen::arbitrary<bool>();
  }
  sm::outcome<sm::id_resp> predict(const model_state& m) const {
    return sm::put_resource_policy(m.st, req.secret_id, doc, req.block_public_policy,
                                   to_env(make_context(m, std::nullopt)));
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("PutResourcePolicy", sut, req, make_context(m, std::nullopt), predict(m),
            [](const sm::id_resp& e, const ss::put_resource_policy_response& l) {
              return same_id(e, l.arn, l.name, std::nullopt);
            });
  }
  void show(std::ostream& os) const override { os << req; }
};

struct get_policy_cmd final : api_command<get_policy_cmd> {
  ss::get_resource_policy req;
  explicit get_policy_cmd(const model_state& m) { req.secret_id = *gen_secret_id(m); }
  sm::outcome<sm::policy_resp> predict(const model_state& m) const {
    return sm::get_resource_policy(m.st, req.secret_id);
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("GetResourcePolicy", sut, req, make_context(m, std::nullopt), predict(m),
            [](const sm::policy_resp& e, const ss::get_resource_policy_response& l) {
              if (e.arn != l.arn.view() || e.name != l.name.view()) return std::string("ARN or Name differ");
              if (e.policy != l.resource_policy) return std::string("ResourcePolicy differs");
              return std::string();
            });
  }
  void show(std::ostream& os) const override { os << req; }
};

struct delete_policy_cmd final : api_command<delete_policy_cmd> {
  ss::delete_resource_policy req;
  explicit delete_policy_cmd(const model_state& m) { req.secret_id = *gen_secret_id(m); }
  sm::outcome<sm::id_resp> predict(const model_state& m) const {
    return sm::delete_resource_policy(m.st, req.secret_id, to_env(make_context(m, std::nullopt)));
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("DeleteResourcePolicy", sut, req, make_context(m, std::nullopt), predict(m),
            [](const sm::id_resp& e, const ss::delete_resource_policy_response& l) {
              return same_id(e, l.arn, l.name, std::nullopt);
            });
  }
  void show(std::ostream& os) const override { os << req; }
};

struct validate_policy_cmd final : api_command<validate_policy_cmd> {
  ss::validate_resource_policy req;
  sm::policy_doc doc;
  explicit validate_policy_cmd(const model_state& m) {
    if (*rc::gen::inRange(0, 3) != 0) req.secret_id = *gen_secret_id(m);
    doc = *rc::gen::elementOf(policy_docs());
    req.resource_policy = doc.text;
  }
  sm::outcome<sm::validation_resp> predict(const model_state& m) const {
    return sm::validate_resource_policy(m.st, req.secret_id, doc);
  }
  void run(const model_state& m, system_under_test& sut) const override {
    run_api("ValidateResourcePolicy", sut, req, make_context(m, std::nullopt), predict(m),
            [](const sm::validation_resp& e, const ss::validate_resource_policy_response& l) {
              if (e.passed != l.policy_validation_passed) return std::string("PolicyValidationPassed differs");
              std::vector<std::pair<std::string, std::string>> got;
              for (const auto& v : l.validation_errors) got.emplace_back(v.check_name, v.error_message);
              if (e.errors != got) return std::string("ValidationErrors differ");
              return std::string();
            });
  }
  void show(std::ostream& os) const override { os << req; }
};

struct password_cmd final : command {
  ss::get_random_password req;
  explicit password_cmd(const model_state&) {
    req.password_length = *rc::gen::weightedOneOf<std::optional<std::int64_t>>(
        {{30, none<std::int64_t>()}, {50, some(rc::gen::element<std::int64_t>(1, 3, 4, 12))}, {10, some(rc::gen::element<std::int64_t>(0, 4097))}});
    req.exclude_characters = *rc::gen::weightedOneOf<std::optional<std::string>>(
        {{60, none<std::string>()}, {40, some(rc::gen::element(std::string("0123456789"), std::string("abc"), std::string(" ")))}});
    req.exclude_numbers = *rc::gen::element(false, false, true);
    req.exclude_punctuation = *rc::gen::element(false, false, true);
    req.exclude_uppercase = *rc::gen::element(false, false, true);
    req.exclude_lowercase = *rc::gen::element(false, false, true);
    req.include_space = *rc::gen::element(false, true);
    req.require_each_included_type = *rc::gen::element(true, true, false);
  }
  sm::password_req to_model() const {
    return {req.password_length, req.exclude_characters, req.exclude_numbers, req.exclude_punctuation,
            req.exclude_uppercase, req.exclude_lowercase, req.include_space, req.require_each_included_type};
  }
  void apply(model_state&) const override {}
  void run(const model_state& m, system_under_test& sut) const override {
    const auto r = to_model();
    sm::outcome<std::string> o;
    o.next = m.st;
    o.err = sm::get_random_password(r);
    const auto ctx = make_context(m, std::nullopt);
    run_api("GetRandomPassword", sut, req, ctx, o, [&](const std::string&, const ss::get_random_password_response& l) -> std::string {
      const std::string& pw = l.random_password;
      if (static_cast<std::int64_t>(pw.size()) != r.length.value_or(32)) return "length " + std::to_string(pw.size());
      const auto types = sm::password_types(r);
      for (char c : pw) {
        const bool in_type = std::any_of(types.begin(), types.end(), [c](const std::string& t) { return t.find(c) != std::string::npos; });
        if (!in_type && !(c == ' ' && sm::space_allowed(r))) return std::string("character '") + c + "' not allowed";
      }
      if (r.each)
        for (const auto& t : types)
          if (std::none_of(pw.begin(), pw.end(), [&](char c) { return t.find(c) != std::string::npos; }))
            return "a required type is missing";
      return "";
    });
  }
  void show(std::ostream& os) const override { os << req; }
};

// ---- commands: time, background, bulk -------------------------------------------------------------------------

struct clock_cmd final : command {
  std::int64_t ms_ = 0;
  explicit clock_cmd(const model_state&) {
    const std::int64_t base = *rc::gen::weightedOneOf<std::int64_t>({
        {40, rc::gen::map(rc::gen::inRange<std::int64_t>(1, 180), [](std::int64_t n) { return n * minute; })},
        {20, rc::gen::just(day)},
        {20, rc::gen::just(7 * day)},
        {15, rc::gen::just(30 * day)},
        {5, rc::gen::just<std::int64_t>(0)},
    });
    ms_ = base == 0 ? 0 : base + *rc::gen::element<std::int64_t>(0, -1, 1, -minute, minute);
  }
  void apply(model_state& m) const override { m.now_ms += ms_; }
  void run(const model_state&, system_under_test&) const override {}
  void show(std::ostream& os) const override {
    os << "AdvanceClock{" << ms_ << " ms";
    if (ms_ >= day - minute) os << " ≈ " << (ms_ + day / 2) / day << " d";
    os << "}";
  }
};

struct background_cmd final : command {
  explicit background_cmd(const model_state&) {}
  void apply(model_state& m) const override { m.st = sm::purge(sm::collect(m.st, m.now_ms), m.now_ms); }
  void run(const model_state& m, system_under_test& sut) const override {
    const ss::timestamp now{m.now_ms};
    auto step = [&](const ss::store& st) {
      const auto collected = ss::collect_deprecated_versions(st, now);
      return ss::purge_deleted_secrets(collected.state, now).state;
    };
    const ss::store after = step(sut.st);
    if (!(after == step(sut.st))) RC_FAIL("background transitions: the store differs between two identical runs");
    const sm::store expected = sm::purge(sm::collect(m.st, m.now_ms), m.now_ms);
    if (const auto d = diff(expected, after); !d.empty()) RC_FAIL("background transitions differ from the model:\n" + d);
    assert_store_invariants(sut.st, after);
    const std::string key = std::string("Background ") +
                            (expected.secrets.size() < m.st.secrets.size() ? "purged a secret"
                             : !(expected == m.st)                          ? "collected versions"
                                                                            : "nothing to do");
    ++coverage()[key];
    sut.last_outcome = key;
    sut.st = after;
    sut.catch_up();
  }
  void show(std::ostream& os) const override { os << "RunBackgroundTransitions{collect, purge}"; }
};

/// 101 PutSecretValue calls with VersionStages [L1] on one secret, each leaving the previous
/// version deprecated: brings the secret over the 100 versions at which collection starts.
struct bulk_cmd final : command {
  std::string secret_id;
  explicit bulk_cmd(const model_state&) { secret_id = *rc::gen::elementOf(names); }
  static std::string bulk_token(std::uint64_t n) {
    std::string digits = std::to_string(n);
    return "bulk" + std::string(32 - digits.size(), '0') + digits;
  }
  std::vector<ss::put_secret_value> requests(const model_state& m) const {
    std::vector<ss::put_secret_value> out;
    for (std::uint64_t i = 0; i < 101; ++i)
      out.push_back({secret_id, bulk_token(m.bulk + i), std::string("b"), std::nullopt, std::vector<std::string>{"L1"}});
    return out;
  }
  void apply(model_state& m) const override {
    const auto env = to_env(make_context(m, std::nullopt));
    for (const auto& r : requests(m)) {
      auto o = sm::put_secret_value(m.st, {r.secret_id, r.client_request_token, r.secret_string, std::nullopt, r.version_stages}, env);
      if (!o.err) m.st = std::move(o.next);
    }
    m.bulk += 101;
  }
  void run(const model_state& m, system_under_test& sut) const override {
    const auto ctx = make_context(m, std::nullopt);
    const auto env = to_env(ctx);
    sm::store st = m.st;
    for (const auto& r : requests(m)) {
      const auto o = sm::put_secret_value(st, {r.secret_id, r.client_request_token, r.secret_string, std::nullopt, r.version_stages}, env);
      const auto l = ss::apply(sut.st, r, ctx);
      const auto moved = ss::apply_in_place(sut.moving, r, ctx);  // checked against sut.st below
      if (moved.has_value() != l.has_value()) RC_FAIL("bulk PutSecretValue: apply_in_place and apply disagree");
      if (o.err) {
        if (l || std::string(l.error().name()) != o.err->type || l.error().message != o.err->message)
          RC_FAIL("bulk PutSecretValue: expected " + show_error(o.err) + ", got " + show_result(l));
        continue;
      }
      if (!l) RC_FAIL("bulk PutSecretValue: expected success, got " + show_result(l));
      if (!(moved.value() == l.value().response)) RC_FAIL("bulk PutSecretValue: apply_in_place gives another response");
      assert_store_invariants(sut.st, l.value().state);
      sut.st = l.value().state;
      st = o.next;
    }
    if (const auto d = diff(st, sut.st); !d.empty()) RC_FAIL("bulk PutSecretValue differs from the model:\n" + d);
    if (!(sut.moving == sut.st)) RC_FAIL("bulk PutSecretValue: apply_in_place gives another store");
    ++coverage()["Bulk PutSecretValue x101"];
  }
  void show(std::ostream& os) const override {
    os << "Bulk{101 x PutSecretValue{SecretId=" << secret_id << ", VersionStages=[L1], SecretString=\"b\"}}";
  }
};

}  // namespace

TEST_CASE("store: random operation sequences agree with the store model") {
  rc::doctest_prop("store sequences over every operation, rotation steps, time and background transitions", [] {
    model_state initial;
    system_under_test sut;
    rc::state::check(
        initial, sut,
        rc::state::gen::execOneOfWithArgs<create_cmd, create_cmd, create_cmd, put_cmd, put_cmd, update_cmd, stage_cmd,
                                          stage_cmd, rotate_cmd, rotate_cmd, rotate_sync_cmd, cancel_cmd, step_cmd, step_cmd, step_cmd,
                                          delete_cmd, delete_cmd, restore_cmd, get_cmd, batch_cmd, versions_cmd,
                                          describe_cmd, list_cmd, list_cmd, continue_cmd, continue_cmd, continue_cmd,
                                          continue_cmd, tag_cmd, untag_cmd, password_cmd, put_policy_cmd,
                                          put_policy_cmd, get_policy_cmd, delete_policy_cmd, validate_policy_cmd,
                                          clock_cmd, clock_cmd, background_cmd, bulk_cmd>());
    RC_TAG(sut.last_outcome.substr(0, sut.last_outcome.find(' ')));
  });
  std::cout << "store property: outcomes over all steps\n";
  for (const auto& [k, n] : coverage()) std::cout << "  " << n << "\t" << k << '\n';
}

}  // namespace stateful_store_test_property
