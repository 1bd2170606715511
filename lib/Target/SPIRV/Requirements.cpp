//===- Requirements.cpp - what the finished module asks of a device ------===//
//
// The manifest's `requires` and `module_sha256`, and the interface its
// `bindings` list, are read from the module's words after validation and
// -O, never from what the emitter meant to declare: the manifest describes
// exactly the module it ships with. Requirements.def maps each declaration
// to the Vulkan feature, subgroup operation or device extension a host must
// check and enable.
//
//===----------------------------------------------------------------------===//
#include "EmitInternal.h"

#include "llvm/ADT/StringExtras.h"

using namespace vyre;
using namespace vyre::emit;
using llvm::json::Array;
using llvm::json::Object;

namespace {

struct CapabilityRow {
  spv::Capability capability;
  const char *name, *feature, *subgroupOp;
};
const CapabilityRow kCapabilities[] = {
#define VYRE_CAPABILITY(Name, Feature, SubgroupOp)                             \
  {spv::Capability::Name, #Name, Feature, SubgroupOp},
#include "Requirements.def"
};

struct ExecutionModeRow {
  spv::ExecutionMode mode;
  const char *name, *feature;
};
const ExecutionModeRow kExecutionModes[] = {
#define VYRE_EXECUTION_MODE(Name, Feature)                                     \
  {spv::ExecutionMode::Name, #Name, Feature},
#include "Requirements.def"
};

struct ExtensionRow {
  const char *spirvName, *deviceName;
  unsigned coreMajor, coreMinor;
  const char *instanceDependency; // on a Vulkan 1.0 instance
};
const ExtensionRow kExtensions[] = {
#define VYRE_EXTENSION(SpirvName, DeviceName, CoreMajor, CoreMinor,          \
                       InstanceDependency)                                     \
  {SpirvName, DeviceName, CoreMajor, CoreMinor, InstanceDependency},
#include "Requirements.def"
};

std::string literalString(llvm::ArrayRef<uint32_t> operands) {
  std::string s;
  for (uint32_t w : operands)
    for (unsigned i = 0; i < 4; ++i) {
      char ch = static_cast<char>((w >> (8 * i)) & 0xFF);
      if (!ch)
        return s;
      s += ch;
    }
  return s;
}

void addUnique(Array &a, llvm::StringRef s) {
  for (const llvm::json::Value &v : a)
    if (v.getAsString() == s)
      return;
  a.push_back(s.str());
}

/// The row of \p table whose key (\p keyOf) is \p value; an error naming
/// \p what where Requirements.def has none.
template <typename Row, size_t N, typename KeyOf>
llvm::Expected<const Row *> findRow(const Row (&table)[N], uint32_t value,
                                    KeyOf keyOf, llvm::StringRef what) {
  for (const Row &r : table)
    if (uint32_t(keyOf(r)) == value)
      return &r;
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "the module declares " + what.str() + " " + std::to_string(value) +
          ", which has no row in lib/Target/SPIRV/Requirements.def");
}

} // namespace

ModuleFacts vyre::emit::scanModule(llvm::ArrayRef<uint32_t> words) {
  ModuleFacts facts;
  if (words.size() < 5)
    return facts;
  facts.version = {(words[1] >> 16) & 0xFF, (words[1] >> 8) & 0xFF};
  std::map<uint32_t, std::pair<int64_t, int64_t>> decorated; // id -> set, binding
  for (size_t i = 5; i < words.size();) {
    uint32_t count = words[i] >> 16;
    auto op = static_cast<spv::Op>(words[i] & 0xFFFF);
    if (count == 0 || i + count > words.size())
      break; // validated modules never get here
    llvm::ArrayRef<uint32_t> operands = words.slice(i + 1, count - 1);
    if (op == spv::Op::OpCapability && !operands.empty())
      facts.capabilities.push_back(operands[0]);
    else if ((op == spv::Op::OpExecutionMode ||
              op == spv::Op::OpExecutionModeId) &&
             operands.size() >= 2)
      facts.executionModes.push_back(operands[1]);
    else if (op == spv::Op::OpExtension)
      facts.extensions.push_back(literalString(operands));
    else if (op == spv::Op::OpDecorate && operands.size() == 3) {
      auto d = static_cast<spv::Decoration>(operands[1]);
      auto &sb = decorated.try_emplace(operands[0], -1, -1).first->second;
      if (d == spv::Decoration::DescriptorSet)
        sb.first = operands[2];
      else if (d == spv::Decoration::Binding)
        sb.second = operands[2];
    }
    i += count;
  }
  for (const auto &[id, sb] : decorated)
    if (sb.first >= 0 && sb.second >= 0)
      facts.bindings.insert({uint32_t(sb.first), uint32_t(sb.second)});
  return facts;
}

llvm::Expected<Object> vyre::emit::moduleRequirements(const ModuleFacts &facts,
                                                      TargetEnv env) {
  ApiVersion api = vulkanApiVersion(env);
  Array capabilities, features, subgroupOps, spirvExtensions, deviceExtensions,
      instanceExtensions;
  for (uint32_t cap : facts.capabilities) {
    auto found = findRow(
        kCapabilities, cap, [](const CapabilityRow &r) { return r.capability; },
        "capability");
    if (!found)
      return found.takeError();
    const CapabilityRow *row = *found;
    addUnique(capabilities, row->name);
    if (*row->feature)
      addUnique(features, row->feature);
    if (*row->subgroupOp)
      addUnique(subgroupOps, row->subgroupOp);
  }
  for (uint32_t mode : facts.executionModes) {
    auto found = findRow(
        kExecutionModes, mode, [](const ExecutionModeRow &r) { return r.mode; },
        "execution mode");
    if (!found)
      return found.takeError();
    const ExecutionModeRow *row = *found;
    if (*row->feature)
      addUnique(features, row->feature);
  }
  for (const std::string &ext : facts.extensions) {
    const ExtensionRow *row = nullptr;
    for (const ExtensionRow &r : kExtensions)
      if (ext == r.spirvName)
        row = &r;
    if (!row)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "the module declares extension " + ext +
              ", which has no row in lib/Target/SPIRV/Requirements.def");
    addUnique(spirvExtensions, ext);
    if (std::make_pair(api.major, api.minor) <
        std::make_pair(row->coreMajor, row->coreMinor)) {
      addUnique(deviceExtensions, row->deviceName);
      if (*row->instanceDependency && api.major == 1 && api.minor == 0)
        addUnique(instanceExtensions, row->instanceDependency);
    }
  }
  Object out;
  out["vulkan_api"] =
      std::to_string(api.major) + "." + std::to_string(api.minor);
  out["spirv_version"] = std::to_string(facts.version.major) + "." +
                         std::to_string(facts.version.minor);
  out["capabilities"] = std::move(capabilities);
  out["spirv_extensions"] = std::move(spirvExtensions);
  out["instance_extensions"] = std::move(instanceExtensions);
  out["device_extensions"] = std::move(deviceExtensions);
  out["device_features"] = std::move(features);
  out["subgroup_operations"] = std::move(subgroupOps);
  return out;
}

std::string vyre::moduleSha256(llvm::ArrayRef<uint32_t> words) {
  // The .spv file's bytes: the words in little-endian order, as vyrec
  // writes them (SPIR-V files are little-endian on every host Vulkan runs
  // on; vyrec writes host order, so hash the same bytes it writes).
  return sha256Hex(llvm::StringRef(reinterpret_cast<const char *>(words.data()),
                                   words.size() * sizeof(uint32_t)));
}

llvm::Expected<TargetFacts> vyre::spirvTargetFacts(llvm::ArrayRef<uint32_t> words,
                                                   const EmitOptions &opts) {
  ModuleFacts module = scanModule(words);
  llvm::Expected<Object> requirements = moduleRequirements(module, opts.targetEnv);
  if (!requirements)
    return requirements.takeError();
  TargetFacts facts;
  facts.targetEnv = spelling(opts.targetEnv).str();
  facts.spirvVersion = spelling(moduleSpirvVersion(opts));
  facts.memoryModel =
      opts.memoryModel == MemoryModelKind::Vulkan ? "vulkan" : "glsl450";
  facts.moduleSha256 = moduleSha256(words);
  // Only the skeleton uses subgroup operations, so they are the ones the
  // module's capabilities need (requires.subgroup_operations).
  if (const llvm::json::Array *ops = requirements->getArray("subgroup_operations"))
    facts.subgroupOperations = *ops;
  facts.requirements = std::move(*requirements);
  facts.bindings = std::move(module.bindings);
  return facts;
}

llvm::Expected<llvm::json::Value>
vyre::buildManifest(const Module &module, const SemaResult &sema,
                    const EmitOptions &opts, llvm::SourceMgr &sm,
                    llvm::ArrayRef<uint32_t> words) {
  llvm::Expected<TargetFacts> facts = spirvTargetFacts(words, opts);
  if (!facts)
    return facts.takeError();
  return buildManifest(module, sema, opts, sm, *facts);
}
