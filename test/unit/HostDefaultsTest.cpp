//===- HostDefaultsTest.cpp - host.h's defaults are the prelude's values ---===//
//
// include/vyre/host/host.h must stay dependency-free C++17, so its Layout
// defaults are written out by hand rather than generated from the prelude.
// This test is their one check: the prelude, validated, gives protocol
// values whose host::Layout (hostLayout, the one field mapping) must equal
// a default-constructed host::Layout, field for field.
//
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include "vyre/Prelude/Prelude.h"
#include "vyre/Scenario/HostLayout.h"
#include "vyre/Sema/Sema.h"
#include "vyre/host/host.h"

#include <doctest/doctest.h>

#include <cstring>
#include <type_traits>

using namespace vyre;

TEST_CASE("host.h's Layout defaults are the prelude's protocol values") {
  test::InMemoryModule m;
  m.addFile(preludeSource(), "<prelude>/builtins.vyre", /*prelude=*/true);
  m.addFile("", "root.vyre", /*prelude=*/false);
  SemaResult sema;
  REQUIRE_MESSAGE(runSema(m.module, m.diags, sema), m.diagText);

  // Layout holds only u32 fields: compare them as words.
  static_assert(std::is_trivially_copyable_v<host::Layout> &&
                sizeof(host::Layout) % sizeof(uint32_t) == 0);
  constexpr size_t kWords = sizeof(host::Layout) / sizeof(uint32_t);
  host::Layout fromPrelude = hostLayout(sema.protocol), defaults;
  uint32_t a[kWords], b[kWords];
  std::memcpy(a, &fromPrelude, sizeof a);
  std::memcpy(b, &defaults, sizeof b);
  for (size_t i = 0; i < kWords; ++i) {
    INFO("host::Layout field #" << i << " (in declaration order)");
    CHECK(a[i] == b[i]);
  }
}
