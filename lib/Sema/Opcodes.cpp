//===- Opcodes.cpp - pass 6: opcode numbers ------------------------------===//
//
// Every handler needs its own opcode; no handler may take PACKED_SLOT; user
// handlers stay out of the system's reserved ranges (high bit set,
// 0xFFF0..=0xFFFF, 0..=7) and learn, by a note, when their opcode gets no
// metrics counter. Duplicate handler NAMES are reported by the Names pass.
//
//===----------------------------------------------------------------------===//
#include "SemaContext.h"

#include <map>

using namespace vyre;
using namespace vyre::sema;

void vyre::sema::runOpcodeChecks(SemaContext &ctx) {
  DiagnosticEngine &diags = ctx.diags;
  std::optional<uint32_t> packed = ctx.protocolValue(PV::opcode_PACKED_SLOT);
  std::optional<uint32_t> metricsSlots =
      ctx.protocolValue(PV::control_METRICS_SLOTS);

  std::map<uint32_t, const HandlerDecl *> seen;
  for (auto &f : ctx.module.files) {
    bool user = !ctx.privileged(*f);
    for (auto &h : f->handlers) {
      if (!h->opcodeValue || ctx.handlers.lookup(h->name) != h.get())
        continue; // not evaluated, or a redefinition: already reported
      uint32_t op = *h->opcodeValue;
      llvm::SMLoc at = h->opcode ? exprStart(*h->opcode) : h->loc;
      auto [it, inserted] = seen.try_emplace(op, h.get());
      if (!inserted) {
        const HandlerDecl *prev = it->second;
        diags.error(at, "opcode " + hex(op) + " of handler '" + h->name +
                            "' is already used by handler '" + prev->name +
                            "'");
        if (prev->fromPrelude && !h->fromPrelude)
          diags.note(prev->loc, "built-in handler '" + prev->name +
                                    "' is defined in the prelude here");
        else
          diags.note(prev->loc, "'" + prev->name + "' is defined here");
        continue;
      }
      if (packed && op == *packed) {
        diags.error(at, "opcode " + hex(op) + " of handler '" + h->name +
                            "' is opcode.PACKED_SLOT, which the dispatcher "
                            "reserves for packed slots");
        continue;
      }
      if (!user)
        continue;
      const char *range = nullptr;
      if (op & 0x80000000u)
        range = "opcodes with the high bit set are reserved for the system";
      else if (op >= 0xFFF0 && op <= 0xFFFF)
        range = "opcodes 0xFFF0..=0xFFFF are reserved for the system";
      else if (op <= 7)
        range = "opcodes 0..=7 are reserved for the built-in handlers";
      if (range) {
        diags.error(at, "opcode " + hex(op) + " of handler '" + h->name +
                            "' is reserved: " + range);
        continue;
      }
      if (metricsSlots && op >= *metricsSlots)
        diags.warning(DiagGroup::UncountedOpcode, at,
                      "opcode " + llvm::Twine(op) + " >= METRICS_SLOTS (" +
                          llvm::Twine(*metricsSlots) +
                          "): no metrics counter");
    }
  }
}
