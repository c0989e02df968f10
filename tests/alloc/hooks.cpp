// Replaces the global operator new / delete of the allocation_tests binary, with the hooks of
// hooks.hpp. Every form forwards to malloc/free, so sanitizers still see every block.

#include "hooks.hpp"

#include <cstddef>
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

// The block for one allocation, or nullptr when this is the one chosen to fail (or malloc fails).
void* try_allocate(std::size_t n, std::size_t alignment = 0) noexcept {
  if (hook::fail_at != 0 && ++hook::allocations == hook::fail_at) {
    hook::failed = true;
    return nullptr;
  }
  if (n == 0) n = 1;
  if (alignment <= alignof(std::max_align_t)) return std::malloc(n);
  return std::aligned_alloc(alignment, (n + alignment - 1) / alignment * alignment);
}

void* allocate(std::size_t n, std::size_t alignment = 0) {
  if (void* p = try_allocate(n, alignment)) return p;
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

// Every form, so that no block comes from the runtime's own operator new (the nothrow form, which
// std::stable_sort uses for its buffer, included) and goes back through ours, or the reverse.
void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return try_allocate(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return try_allocate(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  return allocate(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return allocate(n, static_cast<std::size_t>(a));
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return try_allocate(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return try_allocate(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
