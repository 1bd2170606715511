// Uses the generated header (SPIR-V words + manifest constants) and the host
// header the way an engine would before handing them to Vulkan or wgpu.
#include "counter.h"
#include "vyre/host/host.h"

#include <cstdio>
#include <vector>

int main() {
  if (sizeof(counter) == 0 || counter[0] != 0x07230203u) {
    std::puts("consumer: the module does not start with the SPIR-V magic number");
    return 1;
  }
  vyre::host::Layout layout; // the defaults are vyre's protocol
  layout.slotCount = counter_slot_COUNT;
  layout.slotWords = counter_slot_WORDS;
  std::vector<uint32_t> ring(layout.slotCount * layout.slotWords, 0);
  uint32_t args[1] = {5};
  if (!vyre::host::publishSlot(layout, ring.data(), 0, counter_opcode_COUNT, args, 1))
    return 1;
  std::printf("consumer: %zu SPIR-V words, opcode COUNT = 0x%X, %u ring slots\n",
              sizeof(counter) / sizeof(counter[0]), counter_opcode_COUNT,
              layout.slotCount);
  return 0;
}
