//===- HostLayout.h - what a host knows about a compiled megakernel ------===//
//
// Every buffer, protocol value, opcode and specialization constant, read
// either from a manifest (vyre-run) or from a SemaResult (the interpreter,
// Interp.h's layoutFromSema). Nothing here knows the IR or Vulkan.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_SCENARIO_HOSTLAYOUT_H
#define VYRE_SCENARIO_HOSTLAYOUT_H

#include "vyre/Protocol/Protocol.h"
#include "vyre/host/host.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vyre {

struct HostBuffer {
  std::string name;
  BufferRole role = BufferRole::User;
  uint32_t set = 0, binding = 0;
  std::optional<uint64_t> words; // nullopt: runtime-sized
};

struct HostSpecConstant {
  PV value;        // the protocol row it specializes
  uint32_t specId;
};

/// Everything a host knows about a compiled megakernel.
struct HostLayout {
  ProtocolValues protocol;
  uint32_t workgroupSize = 0;
  std::vector<HostBuffer> buffers; // sorted by (set, binding)
  std::vector<std::pair<std::string, uint32_t>> opcodes; // handler name, value
  std::vector<HostSpecConstant> specConstants;

  /// Index into buffers, or -1.
  int find(BufferRole role) const;
  int find(llvm::StringRef name) const;
};

/// Reads a "vyre-manifest/1" document (docs/manifest.md).
llvm::Expected<HostLayout> layoutFromManifest(const llvm::json::Value &manifest);

/// The vyre/host/host.h Layout of protocol values \p P (a layout's, or a
/// scenario's with its "spec" overrides): every field from \p P, none left
/// at the header's defaults.
host::Layout hostLayout(const ProtocolValues &P);

/// Reads and parses a JSON file.
llvm::Expected<llvm::json::Value> readJsonFile(llvm::StringRef path);

/// A manifest file as a host reads it: the document (for the fields a host
/// reads beyond the layout: requirements, entry points, skeleton) and its
/// layout.
struct ManifestFile {
  llvm::json::Value json;
  HostLayout layout;
};

/// Reads the manifest at \p path; every error names the file.
llvm::Expected<ManifestFile> readManifestFile(llvm::StringRef path);

} // namespace vyre

#endif
