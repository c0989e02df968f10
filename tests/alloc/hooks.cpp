// Replaces the global operator new / delete of the allocation_tests binary, with the hooks of
// hooks.hpp. Every form forwards to malloc/free, so sanitizers still see every block.

#include "hooks.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace secretstage::testing::alloc {

std::size_t fail_at = 0;
std::size_t allocations = 0;
bool failed = false;
const void* watched = nullptr;
std::size_t watched_size = 0;
bool watched_freed = false;
std::vector<unsigned char> freed_bytes;

}  // namespace secretstage::testing::alloc

namespace {

namespace hook = secretstage::testing::alloc;

void* allocate(std::size_t n) {
  if (hook::fail_at != 0 && ++hook::allocations == hook::fail_at) {
    hook::failed = true;
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}

void release(void* p) noexcept {
  if (p != nullptr && p == hook::watched) {
    hook::watched = nullptr;  // before the copy below, which may allocate and free
    hook::watched_freed = true;
    const auto* bytes = static_cast<const unsigned char*>(p);
    hook::freed_bytes.assign(bytes, bytes + hook::watched_size);
  }
  std::free(p);
}

}  // namespace

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
