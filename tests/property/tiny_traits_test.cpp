// The generic properties of the stateful test, for the second traits type (tests/support/
// tiny_traits.hpp: char labels, int version ids, a quota of four labels, no reserved labels), so
// that the transitions are checked as templates and not only for the AWS domain:
//   - the invariants of every state and of every step;
//   - a call never modifies its input state, and a failed call leaves the state as it was;
//   - the same request on the same state gives the same result (twice directly, once through the
//     operation variant);
//   - replaying a successful version-creating request changes nothing and names the same version;
//   - a tiny model of the label effects (without reserved labels every label moves only when it is
//     named) predicts the next labels of every successful step, and the quota decides
//     LimitExceededException.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <secretstage/io.hpp>
#include <secretstage/secretstage.hpp>

#include "support/rc_doctest.hpp"
#include "support/tiny_traits.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace tiny_traits_test_property {

namespace ss = secretstage;
using tiny = ss::testing::tiny_traits;

namespace {

using tiny_secret = ss::basic_secret<tiny>;
using tiny_context = ss::basic_context<tiny>;
using tiny_put = ss::basic_put_secret_value<tiny>;
using tiny_update = ss::basic_update_secret<tiny>;
using tiny_stage = ss::basic_update_secret_version_stage<tiny>;
using tiny_create = ss::basic_create_secret<tiny>;
using tiny_operation = ss::basic_operation<tiny>;
using tiny_operation_response = ss::basic_operation_response<tiny>;

// ---- a plain copy of a state, shared with nothing ---------------------------------------------

struct version_dump {
  int id;
  bool placeholder;
  bool binary;
  std::string bytes;
  std::int64_t created;
  std::uint64_t sequence;
  std::set<char> labels;
  friend bool operator==(const version_dump&, const version_dump&) = default;
};
struct secret_dump {
  std::string name, arn, description;
  std::optional<std::string> kms_key_id;
  std::int64_t created;
  std::optional<std::int64_t> last_changed, deleted;
  std::vector<version_dump> versions;
  std::vector<std::pair<char, int>> stages;
  friend bool operator==(const secret_dump&, const secret_dump&) = default;
};

secret_dump dump(const tiny_secret& s) {
  secret_dump d{s.name().str(),
                s.arn().str(),
                s.description(),
                s.kms_key_id(),
                s.created_date().epoch_ms,
                std::nullopt,
                std::nullopt,
                {},
                s.stages()};
  if (s.last_changed_date()) d.last_changed = s.last_changed_date()->epoch_ms;
  if (s.deleted_date()) d.deleted = s.deleted_date()->epoch_ms;
  for (const auto* v : s.versions()) {
    version_dump vd{
        v->id(), v->is_placeholder(), false, {}, v->created_date().epoch_ms, v->sequence(), {}};
    if (const auto* val = v->value()) {
      vd.binary = val->is_binary();
      if (val->is_string())
        vd.bytes = *val->string();
      else
        for (std::uint8_t c : *val->bytes()) vd.bytes.push_back(static_cast<char>(c));
    }
    const auto labels = s.labels_of(v->id());
    vd.labels = std::set<char>(labels.begin(), labels.end());
    d.versions.push_back(std::move(vd));
  }
  return d;
}

/// label -> version id, the tiny model's view of a state.
using label_map = std::map<char, int>;

label_map labels_of(const tiny_secret& s) {
  label_map m;
  for (const auto& [l, id] : s.stages()) m[l] = id;
  return m;
}

// ---- generators ---------------------------------------------------------------------------------

const std::vector<char> label_alphabet = {'a', 'b', 'c', 'd', 'e', 'f'};

rc::Gen<char> gen_label() {
  return rc::gen::weightedOneOf<char>(
      {{92, rc::gen::elementOf(label_alphabet)}, {8, rc::gen::element('A', '0', ' ')}});
}
rc::Gen<int> gen_id() {
  return rc::gen::weightedOneOf<int>({{90, rc::gen::inRange(1, 9)}, {10, rc::gen::element(0, -3)}});
}
rc::Gen<std::optional<int>> gen_opt_id(std::size_t weight_none) {
  return rc::gen::weightedOneOf<std::optional<int>>(
      {{weight_none, rc::gen::just(std::optional<int>())},
       {100 - weight_none, rc::gen::map(gen_id(), [](int i) { return std::optional<int>(i); })}});
}

/// The SDK's token: absent (raw request) or a valid id; the context is trusted input.
rc::Gen<std::optional<int>> gen_generated() {
  return rc::gen::weightedOneOf<std::optional<int>>(
      {{20, rc::gen::just(std::optional<int>())},
       {80, rc::gen::map(rc::gen::inRange(1, 9), [](int i) { return std::optional<int>(i); })}});
}

struct value_pair {
  std::optional<std::string> str;
  std::optional<ss::binary> bin;
};
rc::Gen<value_pair> gen_values(std::size_t weight_neither) {
  using vp = value_pair;
  return rc::gen::weightedOneOf<vp>({
      {60, rc::gen::map(rc::gen::element(std::string("v1"), std::string("v2")),
                        [](std::string s) {
                          return vp{std::move(s), std::nullopt};
                        })},
      {15, rc::gen::just(vp{std::nullopt, ss::binary{'v', '1'}})},
      {4, rc::gen::just(vp{std::string(), std::nullopt})},
      {4, rc::gen::just(vp{std::string("v1"), ss::binary{'v', '1'}})},
      {weight_neither, rc::gen::just(vp{})},
  });
}

rc::Gen<std::string> gen_secret_id(const std::string& name, const std::string& arn) {
  return rc::gen::weightedOneOf<std::string>({
      {70, rc::gen::just(name)},
      {15, rc::gen::just(arn)},
      {5, rc::gen::just(arn.substr(0, arn.size() - 7))},
      {5, rc::gen::just(std::string("other"))},
      {5, rc::gen::element(std::string("bad name"), std::string())},
  });
}

std::string values_text(const std::optional<std::string>& s, const std::optional<ss::binary>& b) {
  std::string out;
  if (s) out += " SecretString=\"" + *s + "\"";
  if (b) out += " SecretBinary=" + std::to_string(b->size()) + " bytes";
  return out;
}

// ---- model state, system under test
// ----------------------------------------------------------------

struct model_state {
  std::string name, arn;
  std::int64_t now_ms = 0;
  label_map labels;                   // the tiny model: which version carries each label
  std::set<int> versions;             // ids of the versions that exist
  std::map<int, std::string> values;  // id -> "s:<string>" / "b:<bytes>"
};

struct system_under_test {
  tiny_secret s;
  std::string last_outcome = "no command";
};

std::string value_key(const std::optional<std::string>& s, const std::optional<ss::binary>& b) {
  if (s) return "s:" + *s;
  std::string out = "b:";
  for (std::uint8_t c : *b) out.push_back(static_cast<char>(c));
  return out;
}

std::string show_map(const label_map& m) {
  std::ostringstream os;
  os << '{';
  for (const auto& [l, id] : m) os << l << "->" << id << ' ';
  return os.str() + '}';
}

template <class R>
void assert_same_result(const R& a, const R& b) {
  RC_ASSERT(a.has_value() == b.has_value());
  if (!a) {
    RC_ASSERT(a.error() == b.error());
    return;
  }
  RC_ASSERT(a.value().state == b.value().state);
  RC_ASSERT(a.value().response == b.value().response);
}

/// The generic checks of one step. `predicted` is the tiny model's label map after the step when
/// the model knows the request to be valid (nullopt otherwise); `expect_ok` whether it must
/// succeed. `creates_version` is the version id a version-creating request would make.
template <class Request>
void run_step(const model_state& st, system_under_test& sut, const Request& req,
              const tiny_context& ctx, const std::optional<label_map>& predicted, bool expect_ok,
              std::optional<int> creates_version) {
  const tiny_secret before = sut.s;
  const secret_dump snapshot = dump(before);
  RC_ASSERT(labels_of(before) == st.labels);

  const auto r = ss::apply(before, req, ctx);
  RC_ASSERT(dump(before) == snapshot);  // the input is never modified
  assert_same_result(r, ss::apply(before, req, ctx));
  {
    using response = std::decay_t<decltype(r.value().response)>;
    const auto via = ss::apply(before, tiny_operation(req), ctx);
    RC_ASSERT(r.has_value() == via.has_value());
    if (r) {
      RC_ASSERT(via.value().state == r.value().state);
      const auto* resp = std::get_if<response>(&via.value().response);
      RC_ASSERT(resp != nullptr);
      RC_ASSERT(*resp == r.value().response);
    } else {
      RC_ASSERT(via.error() == r.error());
    }
  }
  sut.last_outcome =
      std::string(ss::operation_name(req)) + (r ? " ok" : " " + std::string(r.error().name()));

  if (!r) {
    if (expect_ok)
      RC_FAIL("expected success, got " + std::string(r.error().name()) + ": " + r.error().message);
    if (r.error().code == ss::errc::limit_exceeded) {
      // Only the quota: the model's effect would have attached more than four labels.
      RC_ASSERT(predicted.has_value());
      RC_ASSERT(predicted->size() > tiny::label_quota);
    }
    RC_ASSERT(dump(sut.s) == snapshot);  // a failed call leaves the state as it was
    RC_ASSERT(ss::check_invariants(before).empty());
    return;
  }
  if (!expect_ok) RC_FAIL("the library succeeded where the tiny model expects a failure");
  const tiny_secret& after = r.value().state;
  const auto one = ss::check_invariants(after);
  if (!one.empty())
    RC_FAIL("invariant violated: " + std::string(one.front()) + "\n" + ss::format_table(after));
  const auto step = ss::check_transition_invariants(before, after);
  if (!step.empty()) RC_FAIL("step invariant violated: " + std::string(step.front()));
  if (predicted && labels_of(after) != *predicted)
    RC_FAIL("labels: model " + show_map(*predicted) + ", library " + show_map(labels_of(after)));
  if (creates_version && after.find_version(*creates_version) != nullptr &&
      before.find_version(*creates_version) == nullptr) {
    tiny_context later = ctx;
    later.now.epoch_ms += 1234;
    const auto replay = ss::apply(after, req, later);
    if (!replay) RC_FAIL("replaying a successful request failed: " + replay.error().message);
    RC_ASSERT(replay.value().state == after);
    RC_ASSERT(replay.value().response == r.value().response);
  }
  sut.s = after;
}

/// The tiny model of a version-creating step: if `token` is new, the listed labels move to it.
std::optional<label_map> version_labels(const model_state& st, int token,
                                        const std::optional<std::vector<char>>& stages) {
  if (st.versions.count(token) != 0)
    return st.labels;  // retry (or ResourceExists: no prediction used)
  label_map m = st.labels;
  if (stages)
    for (char l : *stages) m[l] = token;
  return m;
}

/// Applies a predicted successful step to the model (used by the commands' apply()).
void apply_success(model_state& st, const label_map& labels, std::optional<int> new_version,
                   const std::string& value) {
  st.labels = labels;
  if (new_version && st.versions.insert(*new_version).second) st.values[*new_version] = value;
}

/// Whether a version-creating request with this token and value would succeed (shape aside).
bool token_ok(const model_state& st, int token, const std::string& value) {
  const auto it = st.values.find(token);
  return it == st.values.end() || it->second == value;
}

bool valid_label(char l) { return l >= 'a' && l <= 'z'; }

bool resolves(const model_state& st, const std::string& id) {
  return id == st.name || id == st.arn || id == st.arn.substr(0, st.arn.size() - 7);
}

using command = rc::state::Command<model_state, system_under_test>;

struct put_cmd final : command {
  tiny_put req;
  std::optional<int> generated;
  explicit put_cmd(const model_state& st) {
    req.secret_id = *gen_secret_id(st.name, st.arn);
    req.client_request_token = *gen_opt_id(25);
    const auto v = *gen_values(4);
    req.secret_string = v.str;
    req.secret_binary = v.bin;
    req.version_stages = *rc::gen::weightedOneOf<std::optional<std::vector<char>>>({
        {30, rc::gen::just(std::optional<std::vector<char>>())},
        {70, rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, 6),
                             [](std::size_t n) {
                               return rc::gen::map(
                                   rc::gen::container<std::vector<char>>(n, gen_label()),
                                   [](std::vector<char> l) {
                                     return std::optional<std::vector<char>>(std::move(l));
                                   });
                             })},
    });
    generated = *gen_generated();
  }
  /// Whether the model expects success, and then the labels afterwards.
  std::optional<label_map> predict(const model_state& st) const {
    const auto token = req.client_request_token ? req.client_request_token : generated;
    if (!token || *token <= 0 || (req.secret_string.has_value() == req.secret_binary.has_value()))
      return std::nullopt;
    if ((req.secret_string && req.secret_string->empty()) || !resolves(st, req.secret_id))
      return std::nullopt;
    if (req.version_stages) {
      if (req.version_stages->empty() || req.version_stages->size() > tiny::max_labels_per_request)
        return std::nullopt;
      if (!std::all_of(req.version_stages->begin(), req.version_stages->end(), valid_label))
        return std::nullopt;
    }
    if (!token_ok(st, *token, value_key(req.secret_string, req.secret_binary))) return std::nullopt;
    return version_labels(st, *token, req.version_stages);
  }
  void apply(model_state& st) const override {
    const auto p = predict(st);
    if (p && p->size() <= tiny::label_quota) {
      const auto token = req.client_request_token ? req.client_request_token : generated;
      apply_success(st, *p, token, value_key(req.secret_string, req.secret_binary));
    }
  }
  void run(const model_state& st, system_under_test& sut) const override {
    tiny_context ctx;
    ctx.now = ss::timestamp{st.now_ms};
    ctx.generated_token = generated;
    const auto p = predict(st);
    const auto token = req.client_request_token ? req.client_request_token : generated;
    // The model predicts success exactly when it has a prediction within the quota.
    run_step(st, sut, req, ctx, p, p && p->size() <= tiny::label_quota, token);
  }
  void show(std::ostream& os) const override {
    os << req << values_text(req.secret_string, req.secret_binary)
       << (generated ? "  [SDK token " + std::to_string(*generated) + "]"
                     : std::string("  [raw request]"));
  }
};

struct update_cmd final : command {
  tiny_update req;
  std::optional<int> generated;
  explicit update_cmd(const model_state& st) {
    req.secret_id = *gen_secret_id(st.name, st.arn);
    req.client_request_token = *gen_opt_id(25);
    const auto v = *gen_values(30);
    req.secret_string = v.str;
    req.secret_binary = v.bin;
    req.description =
        *rc::gen::element(std::optional<std::string>(), std::optional<std::string>("d"));
    generated = *gen_generated();
  }
  std::optional<label_map> predict(const model_state& st) const {
    if (req.client_request_token && *req.client_request_token <= 0) return std::nullopt;
    if (req.secret_string && req.secret_string->empty()) return std::nullopt;
    if (req.secret_string && req.secret_binary) return std::nullopt;
    if (!resolves(st, req.secret_id)) return std::nullopt;
    if (!req.secret_string && !req.secret_binary) return st.labels;
    const auto token = req.client_request_token ? req.client_request_token : generated;
    if (!token || !token_ok(st, *token, value_key(req.secret_string, req.secret_binary)))
      return std::nullopt;
    return version_labels(st, *token, std::nullopt);  // no reserved labels: nothing moves
  }
  void apply(model_state& st) const override {
    const auto p = predict(st);
    if (!p) return;
    const bool has_value = req.secret_string || req.secret_binary;
    const auto token = req.client_request_token ? req.client_request_token : generated;
    apply_success(st, *p, has_value ? token : std::nullopt,
                  has_value ? value_key(req.secret_string, req.secret_binary) : std::string());
  }
  void run(const model_state& st, system_under_test& sut) const override {
    tiny_context ctx;
    ctx.now = ss::timestamp{st.now_ms};
    ctx.generated_token = generated;
    const auto p = predict(st);
    const bool has_value = req.secret_string || req.secret_binary;
    const auto token = req.client_request_token ? req.client_request_token : generated;
    run_step(st, sut, req, ctx, p, p.has_value(), has_value ? token : std::nullopt);
  }
  void show(std::ostream& os) const override {
    os << req << values_text(req.secret_string, req.secret_binary)
       << (generated ? "  [SDK token " + std::to_string(*generated) + "]"
                     : std::string("  [raw request]"));
  }
};

struct stage_cmd final : command {
  tiny_stage req;
  explicit stage_cmd(const model_state& st) {
    req.secret_id = *gen_secret_id(st.name, st.arn);
    req.version_stage = *gen_label();
    const auto it = st.labels.find(req.version_stage);
    const std::optional<int> holder =
        it == st.labels.end() ? std::nullopt : std::optional<int>(it->second);
    req.remove_from_version_id = *rc::gen::weightedOneOf<std::optional<int>>(
        {{holder ? 40u : 0u, rc::gen::just(holder)}, {60, gen_opt_id(50)}});
    req.move_to_version_id = *gen_opt_id(25);
  }
  /// The table of docs/semantics.md#updatesecretversionstage without the AWSCURRENT rows.
  std::optional<label_map> predict(const model_state& st) const {
    const auto& a = req.remove_from_version_id;
    const auto& b = req.move_to_version_id;
    if (!valid_label(req.version_stage) || (a && *a <= 0) || (b && *b <= 0)) return std::nullopt;
    if (!resolves(st, req.secret_id) || (!a && !b)) return std::nullopt;
    if ((a && st.versions.count(*a) == 0) || (b && st.versions.count(*b) == 0)) return std::nullopt;
    const auto it = st.labels.find(req.version_stage);
    const std::optional<int> c =
        it == st.labels.end() ? std::nullopt : std::optional<int>(it->second);
    if (!a && c && c != b) return std::nullopt;
    if (a && c != a) return std::nullopt;
    label_map m = st.labels;
    if (b)
      m[req.version_stage] = *b;
    else
      m.erase(req.version_stage);
    return m;
  }
  void apply(model_state& st) const override {
    const auto p = predict(st);
    if (p && p->size() <= tiny::label_quota) st.labels = *p;
  }
  void run(const model_state& st, system_under_test& sut) const override {
    tiny_context ctx;
    ctx.now = ss::timestamp{st.now_ms};
    const auto p = predict(st);
    run_step(st, sut, req, ctx, p, p && p->size() <= tiny::label_quota, std::nullopt);
  }
  void show(std::ostream& os) const override { os << req; }
};

struct clock_cmd final : command {
  std::int64_t ms;
  explicit clock_cmd(const model_state&) : ms(*rc::gen::inRange<std::int64_t>(0, 100000)) {}
  void apply(model_state& st) const override { st.now_ms += ms; }
  void run(const model_state&, system_under_test&) const override {}
  void show(std::ostream& os) const override { os << "AdvanceClock{" << ms << " ms}"; }
};

}  // namespace

TEST_CASE("tiny_traits: generic properties of random operation sequences") {
  rc::doctest_prop("tiny_traits sequences", [] {
    tiny_create create;
    create.name = *rc::gen::element(std::string("t"), std::string("tiny/one"));
    const bool with_value = *rc::gen::arbitrary<bool>();
    if (with_value) create.secret_string = "v1";
    create.client_request_token = *rc::gen::inRange(1, 9);
    tiny_context ctx;
    ctx.now = ss::timestamp{1700000000000};
    ctx.entropy = *rc::gen::arbitrary<std::uint64_t>();
    const auto created = ss::apply(create, ctx);
    RC_ASSERT(created.has_value());
    RC_ASSERT(ss::check_invariants(created.value().state).empty());
    assert_same_result(created, ss::apply(create, ctx));

    model_state initial;
    initial.name = create.name;
    initial.arn = created.value().state.arn().str();
    initial.now_ms = ctx.now.epoch_ms;
    if (with_value) {
      initial.versions.insert(*create.client_request_token);
      initial.values[*create.client_request_token] = "s:v1";
    }
    system_under_test sut{created.value().state};
    rc::state::check(initial, sut,
                     rc::state::gen::execOneOfWithArgs<put_cmd, put_cmd, update_cmd, stage_cmd,
                                                       stage_cmd, clock_cmd>());
    RC_TAG(sut.last_outcome);  // one tag per sequence: the outcome of its last step
  });
}

}  // namespace tiny_traits_test_property
