//===- SpirvBuilder.cpp - SPIR-V words, ids, sections, types, constants --===//
#include "SpirvBuilder.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"

#include <cassert>

using namespace vyre::emit;

void SpirvBuilder::emit(Words &out, spv::Op op,
                        llvm::ArrayRef<uint32_t> operands) {
  uint32_t count = static_cast<uint32_t>(operands.size() + 1);
  assert(count <= 0xFFFF && "instruction too long");
  out.push_back((count << 16) | static_cast<uint32_t>(op));
  // A push_back loop: operand lists are a few words, for which
  // vector::insert's general path cost more than the copy itself.
  for (uint32_t w : operands)
    out.push_back(w);
}

void SpirvBuilder::emit(Words &out, spv::Op op, uint32_t resultType,
                        uint32_t id, llvm::ArrayRef<uint32_t> operands) {
  uint32_t count = static_cast<uint32_t>(operands.size() + 3);
  assert(count <= 0xFFFF && "instruction too long");
  out.push_back((count << 16) | static_cast<uint32_t>(op));
  out.push_back(resultType);
  out.push_back(id);
  for (uint32_t w : operands)
    out.push_back(w);
}

void SpirvBuilder::appendString(Words &out, llvm::StringRef s) {
  // Little-endian bytes, nul-terminated, padded to a whole word.
  size_t nwords = s.size() / 4 + 1;
  size_t start = out.size();
  out.resize(start + nwords, 0);
  for (size_t i = 0; i < s.size(); ++i)
    out[start + i / 4] |= static_cast<uint32_t>(static_cast<uint8_t>(s[i]))
                          << (8 * (i % 4));
}

Words SpirvBuilder::stringWords(llvm::StringRef s) {
  Words w;
  appendString(w, s);
  return w;
}

void SpirvBuilder::capability(spv::Capability c) {
  if (caps.insert(static_cast<uint32_t>(c)).second)
    emit(capabilities, spv::Op::OpCapability, {static_cast<uint32_t>(c)});
}

void SpirvBuilder::extension(llvm::StringRef name) {
  if (exts.insert(name.str()).second)
    emit(extensions, spv::Op::OpExtension, stringWords(name));
}

uint32_t SpirvBuilder::glslStd450() {
  if (!glslId) {
    glslId = newId();
    Words ops{glslId};
    appendString(ops, "GLSL.std.450");
    emit(extInstImports, spv::Op::OpExtInstImport, ops);
  }
  return glslId;
}

// SPIRV-Tools' friendly-name mapper (spirv-val's messages, spirv-dis, and
// vyrec --emit=asm) turns the k-th repeat of a name into `name_j` by trying
// j = 0, 1, ... in turn: time quadratic in the repeats, minutes for the
// arg0..arg2 of 100,000 handlers. Writing the names it would choose makes
// each lookup succeed at once, and the disassembly stays the same.
llvm::StringRef SpirvBuilder::uniqueName(llvm::StringRef n,
                                         llvm::SmallVectorImpl<char> &storage) {
  // The mapper's Sanitize: characters other than [A-Za-z0-9_] become '_'.
  auto valid = [](char ch) { return llvm::isAlnum(ch) || ch == '_'; };
  llvm::StringRef base = n;
  if (n.empty() || !llvm::all_of(n, valid)) {
    storage.assign(n.begin(), n.end());
    if (storage.empty())
      storage.push_back('_');
    for (char &ch : storage)
      if (!valid(ch))
        ch = '_';
    base = llvm::StringRef(storage.data(), storage.size());
  }
  if (usedNames.insert(base).second)
    return n.empty() ? "_" : n;
  uint32_t &next = nextSuffix[base];
  llvm::SmallString<64> candidate;
  do {
    candidate = base;
    candidate += '_';
    candidate += llvm::utostr(next++);
  } while (!usedNames.insert(candidate).second);
  storage.assign(candidate.begin(), candidate.end());
  return llvm::StringRef(storage.data(), storage.size());
}

void SpirvBuilder::name(uint32_t id, llvm::StringRef n) {
  unnameable.insert(id);
  llvm::SmallString<64> storage;
  llvm::StringRef unique = uniqueName(n, storage);
  // OpName id "name", written in place.
  size_t start = debugNames.size();
  debugNames.push_back(0);
  debugNames.push_back(id);
  appendString(debugNames, unique);
  debugNames[start] = static_cast<uint32_t>(debugNames.size() - start) << 16 |
                      static_cast<uint32_t>(spv::Op::OpName);
}

void SpirvBuilder::memberName(uint32_t type, uint32_t member,
                              llvm::StringRef n) {
  Words ops{type, member};
  appendString(ops, n);
  emit(debugNames, spv::Op::OpMemberName, ops);
}

void SpirvBuilder::decorate(uint32_t id, spv::Decoration d,
                            llvm::ArrayRef<uint32_t> literals) {
  Words ops{id, static_cast<uint32_t>(d)};
  ops.insert(ops.end(), literals.begin(), literals.end());
  emit(annotations, spv::Op::OpDecorate, ops);
}

void SpirvBuilder::memberDecorate(uint32_t type, uint32_t member,
                                  spv::Decoration d,
                                  llvm::ArrayRef<uint32_t> literals) {
  Words ops{type, member, static_cast<uint32_t>(d)};
  ops.insert(ops.end(), literals.begin(), literals.end());
  emit(annotations, spv::Op::OpMemberDecorate, ops);
}

uint32_t SpirvBuilder::cachedType(spv::Op op,
                                  llvm::ArrayRef<uint32_t> operands) {
  std::vector<uint32_t> key{static_cast<uint32_t>(op)};
  key.insert(key.end(), operands.begin(), operands.end());
  auto it = typeCache.find(key);
  if (it != typeCache.end())
    return it->second;
  uint32_t id = newId();
  Words ops{id};
  ops.insert(ops.end(), operands.begin(), operands.end());
  emit(globals, op, ops);
  typeCache.emplace(std::move(key), id);
  return id;
}

uint32_t SpirvBuilder::typeVoid() {
  if (!voidId)
    voidId = cachedType(spv::Op::OpTypeVoid, {});
  return voidId;
}
uint32_t SpirvBuilder::typeBool() {
  if (!boolId)
    boolId = cachedType(spv::Op::OpTypeBool, {});
  return boolId;
}
uint32_t SpirvBuilder::typeU32() {
  if (!u32Id)
    u32Id = cachedType(spv::Op::OpTypeInt, {32, 0});
  return u32Id;
}
uint32_t SpirvBuilder::typeVec3U32() {
  return cachedType(spv::Op::OpTypeVector, {typeU32(), 3});
}
uint32_t SpirvBuilder::typeVec4U32() {
  return cachedType(spv::Op::OpTypeVector, {typeU32(), 4});
}

uint32_t SpirvBuilder::typeRuntimeArrayU32() {
  if (!runtimeArray) {
    runtimeArray = cachedType(spv::Op::OpTypeRuntimeArray, {typeU32()});
    decorate(runtimeArray, spv::Decoration::ArrayStride, {4});
  }
  return runtimeArray;
}

uint32_t SpirvBuilder::typeStruct(llvm::ArrayRef<uint32_t> members) {
  uint32_t id = newId();
  Words ops{id};
  ops.insert(ops.end(), members.begin(), members.end());
  emit(globals, spv::Op::OpTypeStruct, ops);
  return id;
}

uint32_t SpirvBuilder::typePointer(spv::StorageClass sc, uint32_t pointee) {
  uint32_t &id = pointerCache[(uint64_t(sc) << 32) | pointee];
  if (!id)
    id = cachedType(spv::Op::OpTypePointer,
                    {static_cast<uint32_t>(sc), pointee});
  return id;
}

uint32_t SpirvBuilder::typeFunction(uint32_t ret,
                                    llvm::ArrayRef<uint32_t> params) {
  Words ops{ret};
  ops.insert(ops.end(), params.begin(), params.end());
  return cachedType(spv::Op::OpTypeFunction, ops);
}

uint32_t SpirvBuilder::constU32(uint32_t v) {
  uint32_t &id = u32Cache[v];
  if (!id) {
    uint32_t type = typeU32(); // before the id: the type may be new
    id = newId();
    unnameable.insert(id);
    emit(globals, spv::Op::OpConstant, type, id, {v});
  }
  return id;
}

uint32_t SpirvBuilder::constBool(bool v) {
  uint32_t &slot = v ? trueId : falseId;
  if (!slot) {
    uint32_t type = typeBool();
    slot = newId();
    unnameable.insert(slot);
    emit(globals, v ? spv::Op::OpConstantTrue : spv::Op::OpConstantFalse,
         {type, slot});
  }
  return slot;
}

uint32_t SpirvBuilder::specConstU32(uint32_t specId, uint32_t defaultValue) {
  uint32_t type = typeU32();
  uint32_t id = newId();
  unnameable.insert(id);
  emit(globals, spv::Op::OpSpecConstant, {type, id, defaultValue});
  decorate(id, spv::Decoration::SpecId, {specId});
  return id;
}

uint32_t SpirvBuilder::globalVariable(uint32_t pointerType,
                                      spv::StorageClass sc) {
  uint32_t id = newId();
  emit(globals, spv::Op::OpVariable,
       {pointerType, id, static_cast<uint32_t>(sc)});
  return id;
}

Words SpirvBuilder::finish(unsigned major, unsigned minor) const {
  Words out{0x07230203u, (major << 16) | (minor << 8),
            0u /* generator: unregistered */, nextId, 0u};
  for (const Words *sec :
       {&capabilities, &extensions, &extInstImports, &memoryModel,
        &entryPoints, &executionModes, &debugStrings, &debugNames,
        &annotations, &globals, &functions})
    out.insert(out.end(), sec->begin(), sec->end());
  return out;
}

//===-- FunctionBuilder ---------------------------------------------------===//

FunctionBuilder::FunctionBuilder(SpirvBuilder &b, uint32_t resultId,
                                 uint32_t returnType, uint32_t functionType,
                                 spv::FunctionControlMask control)
    : b(b), fnId(resultId) {
  SpirvBuilder::emit(header, spv::Op::OpFunction,
                     {returnType, fnId, static_cast<uint32_t>(control),
                      functionType});
}

uint32_t FunctionBuilder::param(uint32_t type) {
  uint32_t id = b.newId();
  SpirvBuilder::emit(header, spv::Op::OpFunctionParameter, {type, id});
  return id;
}

void FunctionBuilder::beginBody() {
  SpirvBuilder::emit(header, spv::Op::OpLabel, {b.newId()});
  isOpen = true;
}

uint32_t FunctionBuilder::op(spv::Op op, uint32_t resultType,
                             llvm::ArrayRef<uint32_t> operands) {
  assert(isOpen && "instruction outside a block");
  uint32_t id = b.newId();
  SpirvBuilder::emit(body, op, resultType, id, operands);
  return id;
}

void FunctionBuilder::opVoid(spv::Op op, llvm::ArrayRef<uint32_t> operands) {
  assert(isOpen && "instruction outside a block");
  SpirvBuilder::emit(body, op, operands);
}

void FunctionBuilder::terminate(spv::Op op,
                                llvm::ArrayRef<uint32_t> operands) {
  assert(isOpen && "terminator outside a block");
  SpirvBuilder::emit(body, op, operands);
  isOpen = false;
}

void FunctionBuilder::block(uint32_t label) {
  assert(!isOpen && "previous block not terminated");
  SpirvBuilder::emit(body, spv::Op::OpLabel, {label});
  isOpen = true;
  curFile = curLine = curCol = 0; // OpLine scope ends with its block
}

void FunctionBuilder::ifElse(uint32_t cond, llvm::function_ref<void()> thenBody,
                             llvm::function_ref<void()> elseBody) {
  uint32_t thenL = b.newId(), elseL = elseBody ? b.newId() : 0,
           mergeL = b.newId();
  merge(spv::Op::OpSelectionMerge,
        {mergeL, uint32_t(spv::SelectionControlMask::MaskNone)});
  terminate(spv::Op::OpBranchConditional,
            {cond, thenL, elseBody ? elseL : mergeL});
  bool mergeReached = !elseBody;
  block(thenL);
  thenBody();
  if (isOpen) {
    terminate(spv::Op::OpBranch, {mergeL});
    mergeReached = true;
  }
  if (elseBody) {
    block(elseL);
    elseBody();
    if (isOpen) {
      terminate(spv::Op::OpBranch, {mergeL});
      mergeReached = true;
    }
  }
  block(mergeL);
  if (!mergeReached) // every arm left (a `break`): the rest is unreachable
    terminate(spv::Op::OpUnreachable);
}

void FunctionBuilder::loop(llvm::function_ref<uint32_t(const Loop &)> header,
                           llvm::function_ref<void(const Loop &)> body,
                           llvm::function_ref<void(const Loop &)> cont) {
  Loop l{b.newId(), b.newId(), b.newId(), b.newId()};
  terminate(spv::Op::OpBranch, {l.header});
  block(l.header);
  uint32_t more = header(l);
  merge(spv::Op::OpLoopMerge,
        {l.merge, l.cont, uint32_t(spv::LoopControlMask::MaskNone)});
  terminate(spv::Op::OpBranchConditional, {more, l.body, l.merge});
  block(l.body);
  body(l);
  if (isOpen)
    terminate(spv::Op::OpBranch, {l.cont});
  block(l.cont);
  cont(l);
  terminate(spv::Op::OpBranch, {l.header});
  block(l.merge);
}

uint32_t FunctionBuilder::localVariable(uint32_t pointerType) {
  uint32_t id = b.newId();
  SpirvBuilder::emit(vars, spv::Op::OpVariable,
                     {pointerType, id,
                      static_cast<uint32_t>(spv::StorageClass::Function)});
  return id;
}

uint32_t FunctionBuilder::entryOp(spv::Op op, uint32_t resultType,
                                  llvm::ArrayRef<uint32_t> operands) {
  std::vector<uint32_t> key{static_cast<uint32_t>(op), resultType};
  key.insert(key.end(), operands.begin(), operands.end());
  auto it = entryOps.find(key);
  if (it != entryOps.end())
    return it->second;
  uint32_t id = b.newId();
  SpirvBuilder::emit(prologue, op, resultType, id, operands);
  entryOps.emplace(std::move(key), id);
  return id;
}

void FunctionBuilder::line(uint32_t file, uint32_t lineNo, uint32_t col) {
  if (!isOpen || (file == curFile && lineNo == curLine && col == curCol))
    return;
  SpirvBuilder::emit(body, spv::Op::OpLine, {file, lineNo, col});
  curFile = file;
  curLine = lineNo;
  curCol = col;
}

void FunctionBuilder::finish() {
  if (isOpen)
    terminate(spv::Op::OpReturn);
  Words &out = b.functions;
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), vars.begin(), vars.end());
  out.insert(out.end(), prologue.begin(), prologue.end());
  out.insert(out.end(), body.begin(), body.end());
  SpirvBuilder::emit(out, spv::Op::OpFunctionEnd, {});
}
