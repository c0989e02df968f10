// Model-based stateful property test: random sequences of PutSecretValue, UpdateSecret and
// UpdateSecretVersionStage on one secret (made by a random CreateSecret), each step compared with
// the naive reference model in tests/model/reference_model.hpp: success or the exact error (AWS
// type and message), the response, and the whole next state. Every step also checks, on the
// library alone: the invariants of the new state and of the step, that the same request on the
// same state gives the same result (twice directly, once through the operation variant), and that
// replaying a successful version-creating request changes nothing and names the same version.
//
// The number of sequences comes from RC_PARAMS (e.g. RC_PARAMS=max_success=1000). Set
// SECRETSTAGE_PROP_COVERAGE=1 to print how often every outcome was reached across all steps.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
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

#include "model/reference_model.hpp"
#include "support/rc_doctest.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace stateful_secret_test_property {

namespace ss = secretstage;

namespace {

// ---- alphabets ----------------------------------------------------------------------------------

const std::vector<std::string>& tokens() {
  static const std::vector<std::string> t = {
      "a1111111-1111-4111-8111-111111111111", "b2222222-2222-4222-8222-222222222222",
      "c3333333-3333-4333-8333-333333333333", "d4444444-4444-4444-8444-444444444444",
      "e5555555-5555-4555-8555-555555555555"};
  return t;
}
/// Many more valid ids, so that long sequences keep creating versions.
const std::vector<std::string>& cold_tokens() {
  static const std::vector<std::string> t = [] {
    std::vector<std::string> v;
    for (int i = 10; i < 50; ++i)
      v.push_back(std::to_string(i) + "000000-0000-4000-8000-0000000000" + std::to_string(i));
    return v;
  }();
  return t;
}
const std::string& short_token() {  // 31 characters
  static const std::string t(31, 's');
  return t;
}
const std::string& long_token() {  // 65 characters
  static const std::string t(65, 'l');
  return t;
}
const std::string& unknown_version() {  // valid length, never used as a token
  static const std::string t = "f0000000-0000-4000-8000-000000000000";
  return t;
}

const std::vector<std::string>& small_labels() {
  static const std::vector<std::string> l = {"AWSCURRENT", "AWSPREVIOUS", "AWSPENDING", "L1", "L2"};
  return l;
}
const std::vector<std::string>& bulk_labels() {  // enough custom labels to reach the quota
  static const std::vector<std::string> l = [] {
    std::vector<std::string> v;
    for (int i = 1; i <= 24; ++i) v.push_back("C" + std::to_string(i));
    return v;
  }();
  return l;
}

const std::vector<std::string>& valid_names() {
  // "svc-a1b2c3" ends in a hyphen and six characters: its partial ARN must not resolve.
  static const std::vector<std::string> n = {"db", "prod/app_1+x=y.z@w-q", "svc-a1b2c3", "Z"};
  return n;
}

// ---- generators ---------------------------------------------------------------------------------

template <class T>
rc::Gen<std::optional<T>> none() {
  return rc::gen::just(std::optional<T>());
}
template <class T>
rc::Gen<std::optional<T>> some(rc::Gen<T> g) {
  return rc::gen::map(std::move(g), [](T v) { return std::optional<T>(std::move(v)); });
}

/// A ClientRequestToken as a caller writes it: usually one of a few valid ids, sometimes absent,
/// sometimes of an invalid length.
rc::Gen<std::optional<std::string>> gen_token() {
  return rc::gen::weightedOneOf<std::optional<std::string>>({
      {40, some(rc::gen::elementOf(tokens()))},
      {25, some(rc::gen::elementOf(cold_tokens()))},
      {25, none<std::string>()},
      {4, rc::gen::just(std::optional<std::string>(short_token()))},
      {2, rc::gen::just(std::optional<std::string>(long_token()))},
  });
}

/// What an SDK would fill in for an absent token; absent = a raw HTTP request.
rc::Gen<std::optional<std::string>> gen_generated_token() {
  return rc::gen::weightedOneOf<std::optional<std::string>>({
      {40, some(rc::gen::elementOf(tokens()))},
      {35, some(rc::gen::elementOf(cold_tokens()))},
      {25, none<std::string>()},
  });
}

struct value_pair {
  std::optional<std::string> str;
  std::optional<ss::binary> bin;
};

ss::binary bytes(std::initializer_list<std::uint8_t> b) { return ss::binary(b); }

/// SecretString / SecretBinary: a tiny set, with invalid lengths, both, and neither.
rc::Gen<value_pair> gen_values(std::size_t weight_neither) {
  using vp = value_pair;
  const std::vector<ss::binary> bins = {bytes({'v', '1'}), bytes({0x00, 0xff}), bytes({0x7f})};
  return rc::gen::weightedOneOf<vp>({
      {55, rc::gen::map(rc::gen::elementOf(std::vector<std::string>{"v1", "v2", "v3"}),
                        [](std::string s) {
                          return vp{std::move(s), std::nullopt};
                        })},
      {15, rc::gen::map(rc::gen::elementOf(bins),
                        [](ss::binary b) {
                          return vp{std::nullopt, std::move(b)};
                        })},
      {3, rc::gen::just(vp{std::string(), std::nullopt})},
      {2, rc::gen::just(vp{std::nullopt, ss::binary()})},
      {1, rc::gen::just(vp{std::string(65537, 'x'), std::nullopt})},
      {1, rc::gen::just(vp{std::nullopt, ss::binary(65537, 0x01)})},
      {5, rc::gen::just(vp{std::string("v1"), bytes({'v', '1'})})},
      {weight_neither, rc::gen::just(vp{std::nullopt, std::nullopt})},
  });
}

rc::Gen<std::string> gen_invalid_label() {
  return rc::gen::element(std::string(), std::string(257, 'x'));
}

/// One label: the reserved ones and two custom ones, now and then a custom label from the
/// large pool, a 256-character one, or one of an invalid length.
rc::Gen<std::string> gen_label() {
  return rc::gen::weightedOneOf<std::string>({
      {80, rc::gen::elementOf(small_labels())},
      {10, rc::gen::elementOf(bulk_labels())},
      {2, rc::gen::just(std::string(256, 'M'))},
      {4, gen_invalid_label()},
  });
}

/// PutSecretValue.VersionStages.
rc::Gen<std::optional<std::vector<std::string>>> gen_version_stages() {
  using stages = std::optional<std::vector<std::string>>;
  auto list_of = [](rc::Gen<std::string> g, int lo, int hi) {
    return rc::gen::mapcat(rc::gen::inRange(lo, hi), [g](int n) {
      return rc::gen::map(
          rc::gen::container<std::vector<std::string>>(static_cast<std::size_t>(n), g),
          [](std::vector<std::string> v) { return stages(std::move(v)); });
    });
  };
  return rc::gen::weightedOneOf<stages>({
      {30, rc::gen::just(stages())},
      {48, list_of(rc::gen::elementOf(small_labels()), 1, 5)},
      {3, rc::gen::just(stages(std::vector<std::string>()))},
      {4, rc::gen::map(list_of(rc::gen::elementOf(small_labels()), 0, 3),
                       [](stages s) {
                         s->push_back(s->size() % 2 ? std::string() : std::string(257, 'x'));
                         return s;
                       })},
      {3, list_of(rc::gen::elementOf(small_labels()), 21, 22)},
      {20, list_of(rc::gen::weightedOneOf<std::string>({{9, rc::gen::elementOf(bulk_labels())},
                                                        {1, rc::gen::elementOf(small_labels())}}),
                   5, 21)},
  });
}

// ---- the model state, the system under test
// ------------------------------------------------------

struct model_state {
  refmodel::secret m;
  std::int64_t now_ms = 0;
  std::string region, account_id;
};

struct system_under_test {
  ss::secret s;
  std::string last_outcome = "no command";
};

/// A SecretId: the name, the ARN, the partial ARN, or something that names no secret or is not a
/// valid name.
rc::Gen<std::string> gen_secret_id(const model_state& st) {
  const std::string& name = st.m.name;
  const std::string& arn = st.m.arn;
  const std::string partial = arn.substr(0, arn.size() - 7);
  const std::string other_region = "arn:aws:secretsmanager:ap-south-1:" + st.account_id +
                                   ":secret:" + name + arn.substr(arn.size() - 7);
  return rc::gen::weightedOneOf<std::string>({
      {55, rc::gen::just(name)},
      {18, rc::gen::just(arn)},
      {10, rc::gen::just(partial)},
      {4, rc::gen::element(std::string("other"), name + "x", name + "-AbCdEf")},
      {3, rc::gen::just(other_region)},
      {5, rc::gen::element(std::string("bad name"), name + "!", std::string("a*b"),
                           std::string("db:1"))},
      {2, rc::gen::just(std::string())},
      {1, rc::gen::just(std::string(2049, 'n'))},
  });
}

// ---- conversions to the model's request shapes --------------------------------------------------

std::optional<std::string> as_bytes(const std::optional<ss::binary>& b) {
  if (!b) return std::nullopt;
  std::string out;
  for (std::uint8_t c : *b) out.push_back(static_cast<char>(c));
  return out;
}

refmodel::env to_env(const ss::context& c) {
  return {c.now.epoch_ms, c.generated_token, c.region, c.account_id};
}
refmodel::create_req to_model(const ss::create_secret& r) {
  return {r.name,       r.client_request_token, r.description,
          r.kms_key_id, r.secret_string,        as_bytes(r.secret_binary)};
}
refmodel::put_req to_model(const ss::put_secret_value& r) {
  return {r.secret_id, r.client_request_token, r.secret_string, as_bytes(r.secret_binary),
          r.version_stages};
}
refmodel::update_req to_model(const ss::update_secret& r) {
  return {r.secret_id,  r.client_request_token, r.description,
          r.kms_key_id, r.secret_string,        as_bytes(r.secret_binary)};
}
refmodel::stage_req to_model(const ss::update_secret_version_stage& r) {
  return {r.secret_id, r.version_stage, r.remove_from_version_id, r.move_to_version_id};
}

template <class Range>
std::set<std::string> to_set(const Range& labels) {
  return std::set<std::string>(labels.begin(), labels.end());
}

// ---- comparing the library with the model
// ---------------------------------------------------------

std::string show_labels(const std::set<std::string>& l) {
  std::string out = "[";
  for (const auto& x : l) out += (out.size() > 1 ? ", " : "") + x;
  return out + "]";
}
std::string show_opt(const std::optional<std::int64_t>& t) {
  return t ? std::to_string(*t) : std::string("none");
}

/// The first difference between the model's state and the library's, or "".
std::string diff(const refmodel::secret& m, const ss::secret& s) {
  std::ostringstream d;
  if (m.name != s.name().view()) d << "name: model " << m.name << ", library " << s.name() << '\n';
  if (m.arn != s.arn().view()) d << "arn: model " << m.arn << ", library " << s.arn() << '\n';
  if (m.description != s.description())
    d << "description: model \"" << m.description << "\", library \"" << s.description() << "\"\n";
  if (m.kms_key_id != s.kms_key_id()) d << "kms_key_id differs\n";
  if (m.created_ms != s.created_date().epoch_ms)
    d << "created_date: model " << m.created_ms << ", library " << s.created_date().epoch_ms
      << '\n';
  const std::optional<std::int64_t> lc =
      s.last_changed_date() ? std::optional<std::int64_t>(s.last_changed_date()->epoch_ms)
                            : std::nullopt;
  if (m.last_changed_ms != lc)
    d << "last_changed_date: model " << show_opt(m.last_changed_ms) << ", library " << show_opt(lc)
      << '\n';
  if (s.deleted_date()) d << "deleted_date set\n";

  std::vector<std::pair<std::string, const refmodel::version*>> mv;
  for (const auto& [id, v] : m.versions) mv.emplace_back(id, &v);
  std::sort(mv.begin(), mv.end(),
            [](const auto& a, const auto& b) { return a.second->order < b.second->order; });
  const auto lv = s.versions();
  if (mv.size() != lv.size() || s.version_count() != lv.size())
    d << "version count: model " << mv.size() << ", library " << lv.size() << '\n';
  for (std::size_t i = 0; i < std::min(mv.size(), lv.size()); ++i) {
    const auto& [id, v] = mv[i];
    const ss::version& w = *lv[i];
    if (id != w.id()) {
      d << "version #" << i << ": model " << id << ", library " << w.id() << '\n';
      continue;
    }
    if (v->order != w.sequence())
      d << id << ": sequence model " << v->order << ", library " << w.sequence() << '\n';
    if (v->created_ms != w.created_date().epoch_ms)
      d << id << ": created model " << v->created_ms << ", library " << w.created_date().epoch_ms
        << '\n';
    std::optional<refmodel::value> wv;
    if (const ss::secret_value* p = w.value())
      wv = p->is_string() ? refmodel::value{false, *p->string()}
                          : refmodel::value{true, *as_bytes(*p->bytes())};
    if (v->val != wv) d << id << ": value differs\n";
    const auto labels = to_set(s.labels_of(id));
    if (labels != v->labels)
      d << id << ": labels model " << show_labels(v->labels) << ", library " << show_labels(labels)
        << '\n';
    if (s.is_deprecated(id) != v->labels.empty()) d << id << ": is_deprecated wrong\n";
  }
  if (m.label_count() != s.label_count())
    d << "label_count: model " << m.label_count() << ", library " << s.label_count() << '\n';
  for (const auto& [label, id] : s.stages())
    if (m.holder(label) != std::optional<std::string>(id) ||
        s.version_of(label) != std::optional<std::string>(id))
      d << "stages(): " << label << " -> " << id << " disagrees\n";
  return d.str();
}

std::string show_error(const std::optional<refmodel::error>& e) {
  return e ? e->type + ": " + e->message : std::string("success");
}
template <class R>
std::string show_result(const R& r) {
  return r ? std::string("success") : std::string(r.error().name()) + ": " + r.error().message;
}

/// A short name for an outcome, for the coverage distribution.
std::string outcome_key(std::string_view op, const std::optional<refmodel::error>& e,
                        bool changed) {
  std::string k(op);
  if (!e) return k + (changed ? " ok" : " ok, nothing changed");
  std::string m = e->message;
  if (m.rfind("1 validation error detected: Value at ", 0) == 0) {
    const auto end = m.find("' failed");
    const bool at_most = m.find("less than") != std::string::npos;
    m = m.substr(38, end - 38 + 1) + (at_most ? " too long" : " too short");
  }
  // Drop the variable parts (ids, labels, ARNs) so that equal paths count together.
  for (const char* stem :
       {"You can't use ClientRequestToken", "The version", "The parameter RemoveFromVersionId",
        "When you move staging label", "You can only move staging label AWSCURRENT",
        "You have exceeded", "Invalid name", "You must provide a ClientRequestToken",
        "You can\u2019t specify both"})
    if (m.rfind(stem, 0) == 0) m = std::string(stem) + " ...";
  return k + " " + e->type + ": " + m;
}

std::map<std::string, std::size_t>& coverage() {
  static std::map<std::string, std::size_t> c;
  return c;
}

/// Counts the label paths a successful step took (seen from the model), for the coverage table.
void count_paths(std::string_view op, const refmodel::secret& before, const refmodel::secret& after,
                 const std::string& secret_id) {
  auto count = [&](const std::string& what) {
    ++coverage()["  path " + std::string(op) + ": " + what];
  };
  const auto c0 = before.holder(refmodel::awscurrent), c1 = after.holder(refmodel::awscurrent);
  if (c0 && c1 && c0 != c1) count("AWSCURRENT moved");
  if (!c0 && c1) count("AWSCURRENT attached for the first time");
  if (c0 && c1 && c0 != c1 && after.holder(refmodel::awsprevious) == c1)
    count("AWSPREVIOUS landed on the new current");
  if (before.holder(refmodel::awsprevious) &&
      before.holder(refmodel::awsprevious) != after.holder(refmodel::awsprevious))
    count("AWSPREVIOUS taken from its holder");
  if (before.holder(refmodel::awspending) && !after.holder(refmodel::awspending))
    count("AWSPENDING detached");
  std::size_t deprecated0 = 0, deprecated1 = 0;
  for (const auto& [id, v] : before.versions) {
    deprecated0 += v.labels.empty();
    const auto it = after.versions.find(id);
    if (v.labels.empty() && it != after.versions.end() && !it->second.labels.empty())
      count("a deprecated version got a label back");
  }
  for (const auto& [id, v] : after.versions) deprecated1 += v.labels.empty();
  if (deprecated1 > deprecated0) count("a version became deprecated");
  if (after.label_count() == refmodel::label_quota) count("secret now carries exactly 20 labels");
  if (after.description != before.description) count("description changed");
  if (secret_id == before.arn)
    count("resolved by full ARN");
  else if (secret_id != before.name)
    count("resolved by partial ARN");
}

bool same_failure(const ss::error& e, const std::optional<refmodel::error>& m) {
  return m && std::string(e.name()) == m->type && e.message == m->message;
}

/// Two library results of the same request agree (determinism).
template <class R>
void assert_same_result(const R& a, const R& b, const char* what) {
  if (a.has_value() != b.has_value())
    RC_FAIL(std::string(what) + ": success differs between two calls");
  if (!a) {
    if (!(a.error() == b.error()))
      RC_FAIL(std::string(what) + ": the error differs between two calls");
    return;
  }
  if (!(a.value().state == b.value().state))
    RC_FAIL(std::string(what) + ": the state differs between two calls");
  if (!(a.value().response == b.value().response))
    RC_FAIL(std::string(what) + ": the response differs between two calls");
}

template <class Response>
void assert_same_as_variant(
    const ss::result<ss::transition<ss::secret, Response>>& direct,
    const ss::result<ss::transition<ss::secret, ss::operation_response>>& via) {
  if (direct.has_value() != via.has_value())
    RC_FAIL("apply(operation) and apply(request) disagree on success");
  if (!direct) {
    if (!(direct.error() == via.error()))
      RC_FAIL("apply(operation) and apply(request) give different errors");
    return;
  }
  if (!(direct.value().state == via.value().state)) RC_FAIL("apply(operation) gives another state");
  const auto* resp = std::get_if<Response>(&via.value().response);
  if (resp == nullptr || !(*resp == direct.value().response))
    RC_FAIL("apply(operation) gives another response");
}

void assert_invariants(const ss::secret& before, const ss::secret& after) {
  const auto one = ss::check_invariants(after);
  if (!one.empty())
    RC_FAIL("invariant violated: " + std::string(one.front()) + "\n" + ss::format_table(after));
  const auto step = ss::check_transition_invariants(before, after);
  if (!step.empty())
    RC_FAIL("step invariant violated: " + std::string(step.front()) + "\nbefore:\n" +
            ss::format_table(before) + "after:\n" + ss::format_table(after));
}

// ---- one step, common to every command
// ---------------------------------------------------------------

/// Runs `req` on the library and checks it against the model's prediction `expected`;
/// `same_response(model_response, library_response)` compares responses. On success the system
/// under test moves to the new state.
template <class Request, class ModelOutcome, class SameResponse>
void run_step(std::string_view op, const model_state& st, system_under_test& sut,
              const Request& req, const ss::context& ctx, const ModelOutcome& expected,
              SameResponse same_response, bool creates_version) {
  const ss::secret before = sut.s;
  if (const auto d = diff(st.m, before); !d.empty())
    RC_FAIL("library and model disagree before the step:\n" + d);

  const auto r = ss::apply(before, req, ctx);
  assert_same_result(r, ss::apply(before, req, ctx), "apply twice");
  assert_same_as_variant(r, ss::apply(before, ss::operation(req), ctx));

  const std::string key = outcome_key(op, expected.err, expected.changed);
  sut.last_outcome = key;
  ++coverage()[key];

  if (expected.err) {
    if (r) RC_FAIL("expected " + show_error(expected.err) + ", the library succeeded");
    if (!same_failure(r.error(), expected.err))
      RC_FAIL("expected " + show_error(expected.err) + "\n     got " + show_result(r));
    // A failed call changes nothing: the input still is the model's state.
    if (const auto d = diff(st.m, before); !d.empty())
      RC_FAIL("a failed call changed the state:\n" + d);
    if (!ss::check_invariants(before).empty()) RC_FAIL("invariants broken after a failed call");
    return;
  }
  if (!r) RC_FAIL("expected success, got " + show_result(r));
  const ss::secret& after = r.value().state;
  if (const auto d = diff(expected.next, after); !d.empty())
    RC_FAIL("next state differs from the model:\n" + d + "library:\n" + ss::format_table(after));
  if (const auto d = same_response(expected.resp, r.value().response); !d.empty())
    RC_FAIL("response differs from the model: " + d);
  assert_invariants(before, after);
  if (!expected.changed && !(after == before))
    RC_FAIL("a no-op call changed the state (operator==)");
  if (expected.changed) count_paths(op, st.m, expected.next, req.secret_id);

  if (creates_version && expected.changed) {
    // Replaying the same request (same token, same value) later changes nothing and names the
    // same version.
    ss::context later = ctx;
    later.now.epoch_ms += 7777;
    const auto replay = ss::apply(after, req, later);
    if (!replay) RC_FAIL("replaying a successful request failed: " + show_result(replay));
    if (!(replay.value().state == after))
      RC_FAIL("replaying a successful request changed the state");
    if (const auto d = same_response(expected.resp, replay.value().response); !d.empty())
      RC_FAIL("replaying a successful request gave another response: " + d);
  }
  sut.s = after;
}

std::string value_text(const std::optional<std::string>& s, const std::optional<ss::binary>& b) {
  std::string out;
  if (s)
    out += " SecretString=\"" +
           (s->size() > 8 ? s->substr(0, 8) + "...(" + std::to_string(s->size()) + ")" : *s) + "\"";
  if (b) {
    out += " SecretBinary={";
    for (std::size_t i = 0; i < std::min<std::size_t>(b->size(), 8); ++i)
      out += (i ? "," : "") + std::to_string((*b)[i]);
    if (b->size() > 8) out += ",...(" + std::to_string(b->size()) + ")";
    out += "}";
  }
  return out;
}

void show_context(std::ostream& os, const std::optional<std::string>& generated) {
  os << (generated ? "  [SDK token " + *generated + "]" : std::string("  [raw request]"));
}

ss::context make_context(const model_state& st, const std::optional<std::string>& generated) {
  ss::context c;
  c.now = ss::timestamp{st.now_ms};
  c.generated_token = generated;
  c.region = st.region;
  c.account_id = st.account_id;
  return c;
}

using command = rc::state::Command<model_state, system_under_test>;

// ---- commands
// ------------------------------------------------------------------------------------------

struct put_secret_value_cmd final : command {
  ss::put_secret_value req;
  std::optional<std::string> generated;

  explicit put_secret_value_cmd(const model_state& st) {
    req.secret_id = *gen_secret_id(st);
    req.client_request_token = *gen_token();
    const auto v = *gen_values(4);
    req.secret_string = v.str;
    req.secret_binary = v.bin;
    req.version_stages = *gen_version_stages();
    generated = *gen_generated_token();
  }
  refmodel::outcome<refmodel::put_resp> predict(const model_state& st) const {
    return refmodel::put_secret_value(st.m, to_model(req), to_env(make_context(st, generated)));
  }
  void apply(model_state& st) const override {
    auto o = predict(st);
    if (!o.err) st.m = std::move(o.next);
  }
  void run(const model_state& st, system_under_test& sut) const override {
    const auto same = [](const refmodel::put_resp& m,
                         const ss::put_secret_value_response& l) -> std::string {
      if (m.arn != l.arn.view() || m.name != l.name.view()) return "ARN/Name";
      if (m.version_id != l.version_id)
        return "VersionId: model " + m.version_id + ", library " + l.version_id;
      if (m.version_stages != to_set(l.version_stages))
        return "VersionStages: model " + show_labels(m.version_stages) + ", library " +
               show_labels(to_set(l.version_stages));
      return "";
    };
    run_step("PutSecretValue", st, sut, req, make_context(st, generated), predict(st), same, true);
  }
  void show(std::ostream& os) const override {
    os << req << value_text(req.secret_string, req.secret_binary);
    show_context(os, generated);
  }
};

struct update_secret_cmd final : command {
  ss::update_secret req;
  std::optional<std::string> generated;

  explicit update_secret_cmd(const model_state& st) {
    req.secret_id = *gen_secret_id(st);
    req.client_request_token = *gen_token();
    const auto v = *gen_values(25);
    req.secret_string = v.str;
    req.secret_binary = v.bin;
    req.description = *rc::gen::weightedOneOf<std::optional<std::string>>({
        {70, none<std::string>()},
        {25, some(rc::gen::element(std::string("first"), std::string("second"), std::string()))},
        {1, rc::gen::just(std::optional<std::string>(std::string(2049, 'd')))},
    });
    req.kms_key_id = *rc::gen::weightedOneOf<std::optional<std::string>>({
        {85, none<std::string>()},
        {14, some(rc::gen::element(std::string("alias/k1"), std::string("alias/k2")))},
        {1, rc::gen::just(std::optional<std::string>(std::string(2049, 'k')))},
    });
    generated = *gen_generated_token();
  }
  refmodel::outcome<refmodel::update_resp> predict(const model_state& st) const {
    return refmodel::update_secret(st.m, to_model(req), to_env(make_context(st, generated)));
  }
  void apply(model_state& st) const override {
    auto o = predict(st);
    if (!o.err) st.m = std::move(o.next);
  }
  void run(const model_state& st, system_under_test& sut) const override {
    const auto same = [](const refmodel::update_resp& m,
                         const ss::update_secret_response& l) -> std::string {
      if (m.arn != l.arn.view() || m.name != l.name.view()) return "ARN/Name";
      if (m.version_id != l.version_id)
        return "VersionId: model " + m.version_id.value_or("none") + ", library " +
               l.version_id.value_or("none");
      return "";
    };
    const bool has_value = req.secret_string || req.secret_binary;
    run_step("UpdateSecret", st, sut, req, make_context(st, generated), predict(st), same,
             has_value);
  }
  void show(std::ostream& os) const override {
    os << req << value_text(req.secret_string, req.secret_binary);
    show_context(os, generated);
  }
};

struct update_secret_version_stage_cmd final : command {
  ss::update_secret_version_stage req;

  explicit update_secret_version_stage_cmd(const model_state& st) {
    req.secret_id = *gen_secret_id(st);
    req.version_stage = *gen_label();
    std::vector<std::string> ids;
    for (const auto& [id, v] : st.m.versions) ids.push_back(id);
    const auto holder = st.m.holder(req.version_stage);
    using opt = std::optional<std::string>;
    const auto any_token = rc::gen::elementOf(tokens());
    const auto existing = ids.empty() ? any_token : rc::gen::elementOf(ids);
    const auto odd =
        rc::gen::element(opt(unknown_version()), opt(short_token()), opt(long_token()));
    req.remove_from_version_id = *rc::gen::weightedOneOf<opt>({
        {35, none<std::string>()},
        {holder ? 35u : 0u, rc::gen::just(holder)},
        {20, some(existing)},
        {5, some(any_token)},
        {5, odd},
    });
    req.move_to_version_id = *rc::gen::weightedOneOf<opt>({
        {25, none<std::string>()},
        {55, some(existing)},
        {holder ? 8u : 0u, rc::gen::just(holder)},
        {6, some(any_token)},
        {6, odd},
    });
  }
  refmodel::outcome<refmodel::stage_resp> predict(const model_state& st) const {
    return refmodel::update_secret_version_stage(st.m, to_model(req),
                                                 to_env(make_context(st, std::nullopt)));
  }
  void apply(model_state& st) const override {
    auto o = predict(st);
    if (!o.err) st.m = std::move(o.next);
  }
  void run(const model_state& st, system_under_test& sut) const override {
    const auto same = [](const refmodel::stage_resp& m,
                         const ss::update_secret_version_stage_response& l) -> std::string {
      if (m.arn != l.arn.view() || m.name != l.name.view()) return "ARN/Name";
      return "";
    };
    run_step("UpdateSecretVersionStage", st, sut, req, make_context(st, std::nullopt), predict(st),
             same, false);
  }
  void show(std::ostream& os) const override { os << req; }
};

struct advance_clock_cmd final : command {
  std::int64_t ms;
  explicit advance_clock_cmd(const model_state&)
      : ms(*rc::gen::weightedOneOf<std::int64_t>(
            {{1, rc::gen::just<std::int64_t>(0)},
             {9, rc::gen::inRange<std::int64_t>(1, 86400000)}})) {}
  void apply(model_state& st) const override { st.now_ms += ms; }
  void run(const model_state&, system_under_test&) const override {}
  void show(std::ostream& os) const override { os << "AdvanceClock{" << ms << " ms}"; }
};

// ---- CreateSecret
// ----------------------------------------------------------------------------------------

struct create_setup {
  ss::create_secret req;
  ss::context ctx;
};

std::ostream& operator<<(std::ostream& os, const create_setup& c) {
  os << c.req << value_text(c.req.secret_string, c.req.secret_binary);
  show_context(os, c.ctx.generated_token);
  return os << "  [now " << c.ctx.now.epoch_ms << ", entropy " << c.ctx.entropy << ", "
            << c.ctx.region << ", " << c.ctx.account_id << "]";
}

/// A CreateSecret request and its context; `valid_only` keeps to requests that succeed.
rc::Gen<create_setup> gen_create(bool valid_only) {
  return rc::gen::exec([valid_only] {
    create_setup c;
    c.ctx.now = ss::timestamp{*rc::gen::inRange<std::int64_t>(1700000000000, 1700000100000)};
    c.ctx.entropy = *rc::gen::arbitrary<std::uint64_t>();
    c.ctx.region = *rc::gen::element(std::string("us-east-1"), std::string("eu-west-3"));
    c.ctx.account_id = *rc::gen::element(std::string("123456789012"), std::string("000000000042"));
    if (valid_only) {
      c.req.name = *rc::gen::elementOf(valid_names());
      c.req.client_request_token = *rc::gen::weightedOneOf<std::optional<std::string>>(
          {{3, some(rc::gen::elementOf(tokens()))}, {1, none<std::string>()}});
      c.ctx.generated_token = *rc::gen::elementOf(tokens());
      const auto v = *rc::gen::weightedOneOf<value_pair>({
          {5, rc::gen::just(value_pair{std::string("v1"), std::nullopt})},
          {2, rc::gen::just(value_pair{std::nullopt, bytes({'v', '1'})})},
          {3, rc::gen::just(value_pair{})},
      });
      c.req.secret_string = v.str;
      c.req.secret_binary = v.bin;
    } else {
      c.req.name = *rc::gen::weightedOneOf<std::string>({
          {70, rc::gen::elementOf(valid_names())},
          {10, rc::gen::element(std::string("bad name"), std::string("db!"), std::string("a:b"),
                                std::string("x*"))},
          {5, rc::gen::just(std::string())},
          {5, rc::gen::element(std::string(512, 'n'), std::string(513, 'n'))},
      });
      c.req.client_request_token = *gen_token();
      c.ctx.generated_token = *gen_generated_token();
      const auto v = *gen_values(25);
      c.req.secret_string = v.str;
      c.req.secret_binary = v.bin;
    }
    c.req.description = *rc::gen::weightedOneOf<std::optional<std::string>>({
        {6, none<std::string>()},
        {3, some(rc::gen::element(std::string("a secret"), std::string()))},
        {valid_only ? 0u : 1u,
         rc::gen::element(std::optional<std::string>(std::string(2048, 'd')),
                          std::optional<std::string>(std::string(2049, 'd')))},
    });
    c.req.kms_key_id = *rc::gen::weightedOneOf<std::optional<std::string>>({
        {8, none<std::string>()},
        {2, some(rc::gen::just(std::string("alias/k0")))},
        {valid_only ? 0u : 1u, rc::gen::just(std::optional<std::string>(std::string(2049, 'k')))},
    });
    return c;
  });
}

/// Runs CreateSecret on the library and checks it against the model. Returns the model's state
/// on success.
std::optional<refmodel::secret> check_create(const create_setup& c, std::optional<ss::secret>* out,
                                             bool tag) {
  const auto r = ss::apply(c.req, c.ctx);
  assert_same_result(r, ss::apply(c.req, c.ctx), "CreateSecret twice");
  const refmodel::env e = to_env(c.ctx);
  // The six random characters are the library's; the model checks their form and adopts them.
  std::string suffix = "AAAAAA";
  if (r) {
    const std::string arn = r.value().state.arn().str();
    if (!refmodel::arn_well_formed(arn, e, c.req.name)) RC_FAIL("malformed ARN " + arn);
    suffix = arn.substr(arn.size() - 6);
  }
  const auto expected = refmodel::create_secret(to_model(c.req), e, suffix);
  const std::string key = outcome_key("CreateSecret", expected.err, true);
  if (tag) RC_TAG(key);
  ++coverage()[key];
  if (expected.err) {
    if (r) RC_FAIL("expected " + show_error(expected.err) + ", the library succeeded");
    if (!same_failure(r.error(), expected.err))
      RC_FAIL("expected " + show_error(expected.err) + "\n     got " + show_result(r));
    return std::nullopt;
  }
  if (!r) RC_FAIL("expected success, got " + show_result(r));
  const auto& t = r.value();
  if (const auto d = diff(expected.next, t.state); !d.empty())
    RC_FAIL("CreateSecret state differs:\n" + d);
  if (t.response.arn.view() != expected.resp.arn || t.response.name.view() != expected.resp.name ||
      t.response.version_id != expected.resp.version_id)
    RC_FAIL("CreateSecret response differs");
  if (const auto v = ss::check_invariants(t.state); !v.empty())
    RC_FAIL("invariant violated: " + std::string(v.front()));
  // Another draw of randomness gives another suffix, nothing else.
  ss::context other = c.ctx;
  other.entropy ^= 0x5a5a5a5a5a5a5a5aull;
  const auto r2 = ss::apply(c.req, other);
  if (!r2 || !refmodel::arn_well_formed(r2.value().state.arn().str(), e, c.req.name))
    RC_FAIL("CreateSecret with other entropy failed or gave a malformed ARN");
  if (out) out->emplace(t.state);
  return expected.next;
}

}  // namespace

TEST_CASE("CreateSecret agrees with the reference model") {
  rc::doctest_prop("single CreateSecret requests", [] {
    const auto c = *gen_create(false);
    check_create(c, nullptr, true);
  });
}

TEST_CASE("random operation sequences agree with the reference model") {
  rc::doctest_prop("PutSecretValue / UpdateSecret / UpdateSecretVersionStage sequences", [] {
    const auto c = *gen_create(true);
    std::optional<ss::secret> s;
    const auto m = check_create(c, &s, false);
    RC_ASSERT(m.has_value());
    model_state initial{*m, c.ctx.now.epoch_ms, c.ctx.region, c.ctx.account_id};
    system_under_test sut{*s};
    rc::state::check(
        initial, sut,
        rc::state::gen::execOneOfWithArgs<put_secret_value_cmd, put_secret_value_cmd,
                                          update_secret_cmd, update_secret_version_stage_cmd,
                                          update_secret_version_stage_cmd, advance_clock_cmd>());
    // One tag per sequence: the outcome of its last step (a uniform sample of reachable outcomes).
    RC_TAG(sut.last_outcome);
  });
  if (std::getenv("SECRETSTAGE_PROP_COVERAGE") != nullptr) {
    std::cout << "outcomes over all steps:\n";
    for (const auto& [k, n] : coverage()) std::cout << "  " << n << "\t" << k << '\n';
  }
}

}  // namespace stateful_secret_test_property
