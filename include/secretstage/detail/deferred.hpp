#ifndef SECRETSTAGE_DETAIL_DEFERRED_HPP
#define SECRETSTAGE_DETAIL_DEFERRED_HPP

// detail::deferred_t: how a header keeps the code that a translation unit does not call out of its
// parse cost (benchmarks/README.md, header parse cost).

namespace secretstage::detail {

template <class T, class>
struct deferred {
  using type = T;
};

/// `T`, spelled as a type that depends on `D`. A header's plain (non-template) inline function is
/// compiled in every translation unit that includes it, used or not: a body that returns a
/// `result`, fills a `std::vector` or compares strings instantiates all of that there, and a
/// string comparison weighs every `operator==` template in scope. Such a function becomes
/// `template <class D = void>` with its parameter and return types (and the locals its heavy
/// expressions use) written `deferred_t<T, D>`: callers see the same signature (`D` cannot be
/// deduced, so it is always `void`), and the compiler checks the body only where it is called.
/// Inside such a function, calls to others like it pass `<D>` on.
template <class T, class D>
using deferred_t = typename deferred<T, D>::type;

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_DEFERRED_HPP
