#ifndef SECRETSTAGE_DETAIL_ROTATION_TEST_HPP
#define SECRETSTAGE_DETAIL_ROTATION_TEST_HPP

// The end of a test of a rotation configuration (a rotation progress with `test_only`:
// RotateSecret with RotateImmediately false and a function the service invokes;
// rotation_progress.hpp, docs/semantics.md#rotation-progress). Shared by the transitions that end
// a test: its outcome recorded, settling, CancelRotateSecret and DeleteSecret. And the one way
// the transitions of rotation_progress.hpp set a secret's progress (set_progress).

#include <optional>
#include <utility>

#include "../secret.hpp"
#include "secret_builder.hpp"

namespace secretstage::detail {

/// Gives the secret that `b` builds the rotation progress `progress` (or none), in a metadata block
/// of its own.
template <class Traits>
void set_progress(secret_builder<Traits>& b, std::optional<rotation_progress> progress) {
  auto meta = make_ref<secret_meta>(b.meta());
  meta->extras.edit()->progress = std::move(progress);
  b.set_meta(std::move(meta));
}

/// `s` without its test: the progress cleared, the test's version T taken out again with its
/// AWSPENDING. Should a label other than AWSPENDING have been attached to T meanwhile (another
/// client's UpdateSecretVersionStage), T stays and only AWSPENDING leaves it (ruling). Neither
/// LastChangedDate nor LastRotatedDate changes: a test is no change and no rotation. `s` itself
/// when it runs no test.
template <class Traits>
[[nodiscard]] basic_secret<Traits> without_rotation_test(const basic_secret<Traits>& s) {
  const auto& p = s.rotation_progress();
  if (!p || !p->test_only) return s;
  secret_builder<Traits> b(s);
  set_progress(b, std::nullopt);
  if constexpr (Traits::has_reserved_labels) {
    const typename Traits::version_id_type id(p->version_id);
    if (const auto* v = s.find_version(id)) {
      const bool pending = s.holder(Traits::pending()) == v;
      if (pending) b.detach(Traits::pending());
      if (s.labels_of(id).size() == (pending ? 1u : 0u)) b.erase_version(id);
    }
  }
  auto next = std::move(b).finish();  // labels only leave: the quota cannot fail
  return next ? std::move(next.value()) : s;
}

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_ROTATION_TEST_HPP
