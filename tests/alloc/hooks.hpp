#ifndef SECRETSTAGE_TESTS_ALLOC_HOOKS_HPP
#define SECRETSTAGE_TESTS_ALLOC_HOOKS_HPP

// The replaced global operator new / delete of the allocation_tests binary (hooks.cpp).

#include <cstddef>
#include <vector>

namespace secretstage::testing::alloc {

/// 0: disarmed. Otherwise the number (1-based, counted from arming) of the allocation that throws
/// std::bad_alloc.
extern std::size_t fail_at;
/// Allocations since arming; reset it when arming.
extern std::size_t allocations;
/// Whether the armed allocation was reached.
extern bool failed;

/// When `watched` is freed, its first `watched_size` bytes are copied into `freed_bytes` (before
/// the memory goes back to malloc), and `watched_freed` is set.
extern const void* watched;
extern std::size_t watched_size;
extern bool watched_freed;
extern std::vector<unsigned char> freed_bytes;

}  // namespace secretstage::testing::alloc

#endif  // SECRETSTAGE_TESTS_ALLOC_HOOKS_HPP
