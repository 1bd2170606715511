//===- DebugInfo.cpp - -g: OpString, OpSource and OpLine -----------------===//
#include "EmitInternal.h"

using namespace vyre;
using namespace vyre::emit;

std::string ModuleContext::bufferPath(unsigned bufferId) const {
  for (const auto &f : module.files)
    if (f->bufferId == bufferId && !f->path.empty())
      return f->path;
  if (opts.sm && bufferId >= 1 && bufferId <= opts.sm->getNumBuffers())
    return opts.sm->getMemoryBuffer(bufferId)->getBufferIdentifier().str();
  return "<unknown>";
}

uint32_t ModuleContext::fileString(unsigned bufferId) {
  auto it = fileStrings.find(bufferId);
  if (it != fileStrings.end())
    return it->second;
  uint32_t id = b.newId();
  Words ops{id};
  SpirvBuilder::appendString(ops, bufferPath(bufferId));
  SpirvBuilder::emit(b.debugStrings, spv::Op::OpString, ops);
  SpirvBuilder::emit(b.debugStrings, spv::Op::OpSource,
                     {uint32_t(spv::SourceLanguage::Unknown), 0, id});
  fileStrings.emplace(bufferId, id);
  return id;
}

void ModuleContext::line(FunctionBuilder &fb, llvm::SMLoc loc) {
  if (!opts.debugInfo || !opts.sm || !loc.isValid())
    return;
  unsigned buf = opts.sm->FindBufferContainingLoc(loc);
  if (!buf)
    return;
  auto [lineNo, col] = opts.sm->getLineAndColumn(loc, buf);
  fb.line(fileString(buf), lineNo, col);
}
