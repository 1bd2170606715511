//===- vyre-run.cpp - run a compiled megakernel on a Vulkan device -------===//
//
//   vyre-run MODULE.spv MANIFEST.json SCENARIO.json [--device=N]
//   vyre-run --list-devices
//   vyre-run MODULE.spv MANIFEST.json --build-only [--build-threads=N]
//
// A minimal, complete host: every binding, size, word offset, status value,
// opcode and specialization-constant id comes from the manifest. It
// allocates host-visible coherent storage buffers (device-local where the
// device allows: docs/embedding.md, "Buffer placement"), writes the scenario's
// initial words (docs/scenario.md), creates the compute pipeline with the
// scenario's specialization values (on llvmpipe, a workgroup of one
// subgroup: fitWorkgroupsToFibers; on a CPU device, the portable loop:
// chooseLoop), dispatches, and while it waits for the
// fence it services the IO queue the way a host must for LOAD_MISS (a
// PUBLISHED request becomes io_status.OK). It prints the final words as the
// same JSON vyre-interp prints. A sharded module's pipelines (one per
// entry point of the manifest's "shards") are built on parallel threads and
// all dispatched; --build-only times only that build. The protocol work
// (publishing slots, encoding packed slots, servicing IO, shutdown) is
// vyre/host/host.h's, over a host::Layout filled from the manifest
// (hostLayout, Scenario.h).
//
// It checks the module (or, with --translated-from, the module it was
// translated from) against the manifest's module_sha256 and builds its
// instance and device from the manifest's `requires` (API version, device
// features, extensions, subgroup operations), refusing a device that lacks
// any of them. --validate (or VYRE_RUN_VALIDATE=1) runs under the Khronos
// validation layer and fails on any validation message.
//
// Exit codes: 0 ok; 1 bad input (files, manifest, scenario, command line, a
// module that does not match its manifest); 2 a Vulkan error (its VkResult
// name is printed); 3 hang (the kernel did not finish within the scenario's
// timeout_ms, or a driver cut it short); 4 the device lacks something the
// module requires (each missing item is named); 5 the validation layer
// reported an error (--validate).
//
//===----------------------------------------------------------------------===//
#include "vyre/Basic/OutputFile.h"
#include "vyre/Scenario/Scenario.h"
#include "vyre/host/host.h"
#include "Latency.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>
#include <spirv/unified1/spirv.hpp11>
#include <vulkan/vulkan.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace vyre;

namespace {

const char *resultName(VkResult r) {
  switch (r) {
#define NAME(x) case x: return #x;
    NAME(VK_SUCCESS) NAME(VK_NOT_READY) NAME(VK_TIMEOUT) NAME(VK_EVENT_SET)
    NAME(VK_EVENT_RESET) NAME(VK_INCOMPLETE)
    NAME(VK_ERROR_OUT_OF_HOST_MEMORY) NAME(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    NAME(VK_ERROR_INITIALIZATION_FAILED) NAME(VK_ERROR_DEVICE_LOST)
    NAME(VK_ERROR_MEMORY_MAP_FAILED) NAME(VK_ERROR_LAYER_NOT_PRESENT)
    NAME(VK_ERROR_EXTENSION_NOT_PRESENT) NAME(VK_ERROR_FEATURE_NOT_PRESENT)
    NAME(VK_ERROR_INCOMPATIBLE_DRIVER) NAME(VK_ERROR_TOO_MANY_OBJECTS)
    NAME(VK_ERROR_FORMAT_NOT_SUPPORTED) NAME(VK_ERROR_FRAGMENTED_POOL)
    NAME(VK_ERROR_UNKNOWN) NAME(VK_ERROR_OUT_OF_POOL_MEMORY)
    NAME(VK_ERROR_INVALID_EXTERNAL_HANDLE) NAME(VK_ERROR_FRAGMENTATION)
    NAME(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
    NAME(VK_ERROR_INVALID_SHADER_NV)
#undef NAME
  default:
    return "VK_ERROR_(unknown)";
  }
}

/// A failed Vulkan call: exit code 2.
struct VulkanError {
  std::string call;
  VkResult result;
};

void check(VkResult r, const char *call) {
  if (r != VK_SUCCESS)
    throw VulkanError{std::string(call).substr(0, std::string(call).find('(')), r};
}
#define VK(call) check((call), #call)

/// A failed precondition that is the input's fault: exit code 1.
struct InputError {
  std::string message;
};

/// The device lacks what the module requires: exit code 4.
struct MissingRequirement {
  std::string message;
};

/// The manifest's `requires` (docs/manifest.md).
llvm::Expected<host::Requirements> readRequirements(const llvm::json::Object &m) {
  auto fail = [](const std::string &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "manifest: " + msg);
  };
  host::Requirements r;
  if (auto sha = m.getString("module_sha256"))
    r.moduleSha256 = sha->str();
  else
    return fail("missing \"module_sha256\" (a manifest from an older vyrec? "
                "rebuild it)");
  const llvm::json::Object *req = m.getObject("requires");
  if (!req)
    return fail("missing \"requires\"");
  auto api = req->getString("vulkan_api");
  unsigned major = 0, minor = 0;
  if (!api || api->split('.').first.getAsInteger(10, major) ||
      api->split('.').second.getAsInteger(10, minor))
    return fail("requires.vulkan_api is not \"MAJOR.MINOR\"");
  r.apiMajor = major;
  r.apiMinor = minor;
  auto list = [&](const char *key, std::vector<std::string> &out) -> bool {
    const llvm::json::Array *a = req->getArray(key);
    if (!a)
      return false;
    for (const llvm::json::Value &v : *a) {
      auto s = v.getAsString();
      if (!s)
        return false;
      out.push_back(s->str());
    }
    return true;
  };
  if (!list("instance_extensions", r.instanceExtensions) ||
      !list("device_extensions", r.deviceExtensions) ||
      !list("device_features", r.deviceFeatures) ||
      !list("subgroup_operations", r.subgroupOperations) ||
      !list("capabilities", r.capabilities))
    return fail("requires: a list is missing or holds a non-string");
  return r;
}

/// The feature structs vyre-run can check and enable, by the member names
/// `requires.device_features` uses (lib/Target/SPIRV/Requirements.def's column).
struct DeviceFeatures {
  VkPhysicalDeviceFeatures2 core{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  VkPhysicalDeviceVulkanMemoryModelFeatures memoryModel{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES};
  VkPhysicalDeviceShaderFloat16Int8Features float16Int8{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
  VkPhysicalDeviceShaderAtomicInt64Features atomicInt64{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_INT64_FEATURES};
  VkPhysicalDeviceMaintenance4Features maintenance4{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_4_FEATURES};

  /// The VkBool32 named \p name and the struct holding it, or null.
  std::pair<VkBool32 *, void *> find(llvm::StringRef name) {
#define FIELD(str, member, field)                                              \
  if (name == #field)                                                          \
    return {&str.member field, &str};
    FIELD(core, features., shaderInt64)
    FIELD(core, features., shaderInt16)
    FIELD(core, features., shaderFloat64)
    FIELD(memoryModel, , vulkanMemoryModel)
    FIELD(memoryModel, , vulkanMemoryModelDeviceScope)
    FIELD(float16Int8, , shaderInt8)
    FIELD(float16Int8, , shaderFloat16)
    FIELD(atomicInt64, , shaderBufferInt64Atomics)
    FIELD(maintenance4, , maintenance4)
#undef FIELD
    return {nullptr, nullptr};
  }

  /// Chains the extension structs holding any of \p names behind core.
  void chain(const std::vector<std::string> &names) {
    core.pNext = nullptr;
    for (void *s : {static_cast<void *>(&memoryModel),
                    static_cast<void *>(&float16Int8),
                    static_cast<void *>(&atomicInt64),
                    static_cast<void *>(&maintenance4)}) {
      bool used = false;
      for (const std::string &n : names)
        used |= find(n).second == s;
      if (!used)
        continue;
      auto *base = static_cast<VkBaseOutStructure *>(s);
      base->pNext = static_cast<VkBaseOutStructure *>(core.pNext);
      core.pNext = s;
    }
  }
};

const std::pair<const char *, VkSubgroupFeatureFlagBits> kSubgroupOps[] = {
    {"basic", VK_SUBGROUP_FEATURE_BASIC_BIT},
    {"vote", VK_SUBGROUP_FEATURE_VOTE_BIT},
    {"arithmetic", VK_SUBGROUP_FEATURE_ARITHMETIC_BIT},
    {"ballot", VK_SUBGROUP_FEATURE_BALLOT_BIT},
    {"shuffle", VK_SUBGROUP_FEATURE_SHUFFLE_BIT},
    {"shuffle_relative", VK_SUBGROUP_FEATURE_SHUFFLE_RELATIVE_BIT},
    {"clustered", VK_SUBGROUP_FEATURE_CLUSTERED_BIT},
    {"quad", VK_SUBGROUP_FEATURE_QUAD_BIT},
};

/// --validate: every message of severity error from the validation layer.
VKAPI_ATTR VkBool32 VKAPI_CALL
onValidationMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                    VkDebugUtilsMessageTypeFlagsEXT,
                    const VkDebugUtilsMessengerCallbackDataEXT *data,
                    void *user) {
  if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
    ++*static_cast<unsigned *>(user);
    llvm::errs() << "vyre-run: validation error: "
                 << (data && data->pMessage ? data->pMessage : "(no message)")
                 << "\n";
  }
  return VK_FALSE;
}

/// The manifest's `skeleton`: the module's loop, and the portable loop's
/// entry point beside it (a subgroup or grouped module's).
struct Skeleton {
  std::string kind = "portable";
  std::optional<std::string> portableEntryPoint;
};

Skeleton readSkeleton(const llvm::json::Object &m) {
  Skeleton s;
  const llvm::json::Object *o = m.getObject("skeleton");
  if (!o)
    return s;
  if (auto kind = o->getString("kind"))
    s.kind = kind->str();
  if (auto entry = o->getString("portable_entry_point"))
    s.portableEntryPoint = entry->str();
  return s;
}

static_assert(host::kPhysicalDeviceTypeCpu == VK_PHYSICAL_DEVICE_TYPE_CPU);

const char *deviceTypeName(VkPhysicalDeviceType t) {
  switch (t) {
  case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
  case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
  case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
  case VK_PHYSICAL_DEVICE_TYPE_CPU: return "CPU";
  default: return "other";
  }
}

struct Buffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  uint32_t *words = nullptr;
  uint64_t count = 0;
  host::Placement placement = host::Placement::None;
};

class Host {
public:
  /// --time: bracket the dispatch with timestamp queries.
  bool timing = false;
  /// --memory=host: system memory even where device-local host-visible
  /// memory exists (to measure what placement is worth).
  bool hostMemory = false;
  /// --pipeline-stats: print the driver's statistics of each pipeline.
  bool pipelineStats = false;

  ~Host() { destroy(); }
  /// Destroys every object now (so --validate sees the whole run).
  void close() {
    destroy();
    device = VK_NULL_HANDLE;
    instance = VK_NULL_HANDLE;
    messenger = VK_NULL_HANDLE;
    queryPool = VK_NULL_HANDLE;
  }

  /// --validate: run under VK_LAYER_KHRONOS_validation; errors it reports
  /// are counted in validationErrors.
  bool validation = false;
  unsigned validationErrors = 0;

  /// An instance for \p req's API version (with the validation layer and
  /// a messenger under --validate).
  void createInstance(const host::Requirements &req) {
    required = req;
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "vyre-run";
    app.apiVersion = VK_MAKE_API_VERSION(0, req.apiMajor, req.apiMinor, 0);
    VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    ci.pApplicationInfo = &app;
    const char *layer = "VK_LAYER_KHRONOS_validation";
    const char *debugUtils = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
    VkDebugUtilsMessengerCreateInfoEXT mci{
        VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    mci.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT;
    mci.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    mci.pfnUserCallback = onValidationMessage;
    mci.pUserData = &validationErrors;
    std::vector<const char *> extensions;
    if (!req.instanceExtensions.empty()) {
      uint32_t n = 0;
      VK(vkEnumerateInstanceExtensionProperties(nullptr, &n, nullptr));
      std::vector<VkExtensionProperties> have(n);
      VK(vkEnumerateInstanceExtensionProperties(nullptr, &n, have.data()));
      std::string missing;
      for (const std::string &e : req.instanceExtensions) {
        bool found = false;
        for (const VkExtensionProperties &x : have)
          found |= e == x.extensionName;
        if (!found)
          missing += (missing.empty() ? " " : "; ") + e;
        extensions.push_back(e.c_str());
      }
      if (!missing.empty())
        throw MissingRequirement{"the Vulkan instance lacks the instance "
                                 "extensions the module requires:" + missing};
    }
    if (validation) {
      uint32_t n = 0;
      vkEnumerateInstanceLayerProperties(&n, nullptr);
      std::vector<VkLayerProperties> layers(n);
      vkEnumerateInstanceLayerProperties(&n, layers.data());
      bool found = false;
      for (const VkLayerProperties &l : layers)
        found |= llvm::StringRef(l.layerName) == layer;
      if (!found)
        throw InputError{"--validate: the Khronos validation layer is not "
                         "installed (Debian: vulkan-validationlayers)"};
      ci.enabledLayerCount = 1;
      ci.ppEnabledLayerNames = &layer;
      extensions.push_back(debugUtils);
      ci.pNext = &mci; // also covers vkCreateInstance/vkDestroyInstance
    }
    ci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    ci.ppEnabledExtensionNames = extensions.data();
    VK(vkCreateInstance(&ci, nullptr, &instance));
    if (validation) {
      auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
          vkGetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT"));
      if (create)
        VK(create(instance, &mci, nullptr, &messenger));
    }
    uint32_t n = 0;
    VK(vkEnumeratePhysicalDevices(instance, &n, nullptr));
    physicalDevices.resize(n);
    VK(vkEnumeratePhysicalDevices(instance, &n, physicalDevices.data()));
  }

  void listDevices(llvm::raw_ostream &os) {
    for (unsigned i = 0; i < physicalDevices.size(); ++i) {
      VkPhysicalDeviceProperties p;
      vkGetPhysicalDeviceProperties(physicalDevices[i], &p);
      os << i << ": " << p.deviceName << " (" << deviceTypeName(p.deviceType)
         << ", Vulkan " << VK_API_VERSION_MAJOR(p.apiVersion) << "."
         << VK_API_VERSION_MINOR(p.apiVersion) << "."
         << VK_API_VERSION_PATCH(p.apiVersion) << ")\n";
    }
  }

  void createDevice(unsigned index) {
    if (physicalDevices.empty())
      throw VulkanError{"vkEnumeratePhysicalDevices: no device",
                        VK_ERROR_INITIALIZATION_FAILED};
    if (index >= physicalDevices.size())
      throw InputError{"--device=" + std::to_string(index) + ": there are " +
                       std::to_string(physicalDevices.size()) + " devices"};
    physical = physicalDevices[index];
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(physical, &p);
    DeviceFeatures enable = checkRequirements(index, p);
    maxStorageRange = p.limits.maxStorageBufferRange;
    maxWorkgroupCount = p.limits.maxComputeWorkGroupCount[0];
    deviceType = p.deviceType;
    readDriverFacts(p);
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &n, nullptr);
    std::vector<VkQueueFamilyProperties> families(n);
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &n, families.data());
    queueFamily = UINT32_MAX;
    for (uint32_t i = 0; i < n && queueFamily == UINT32_MAX; ++i)
      if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT)
        queueFamily = i;
    if (queueFamily == UINT32_MAX)
      throw VulkanError{"no compute queue", VK_ERROR_FEATURE_NOT_PRESENT};
    timestampBits = families[queueFamily].timestampValidBits;
    timestampPeriod = p.limits.timestampPeriod;
    float priority = 1.0f;
    VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    qci.queueFamilyIndex = queueFamily;
    qci.queueCount = 1;
    qci.pQueuePriorities = &priority;
    std::vector<const char *> extensions;
    for (const std::string &e : required.deviceExtensions)
      extensions.push_back(e.c_str());
    VkDeviceCreateInfo dci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    dci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    dci.ppEnabledExtensionNames = extensions.data();
    // Exactly the features `requires` lists; none: no VkPhysicalDeviceFeatures2
    // at all (a Vulkan 1.0 device without the properties2 extension does
    // not know the struct).
    if (!required.deviceFeatures.empty())
      dci.pNext = &enable.core;
    VkPhysicalDevicePipelineExecutablePropertiesFeaturesKHR executableInfo{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PIPELINE_EXECUTABLE_PROPERTIES_FEATURES_KHR};
    // The extension needs Vulkan 1.1 (or an instance extension vyre-run
    // does not enable): a vulkan1.0 module's instance is 1.0.
    bool instance11 = std::make_pair(required.apiMajor, required.apiMinor) >=
                      std::make_pair(1u, 1u);
    if (pipelineStats && instance11 &&
        hasDeviceExtension(VK_KHR_PIPELINE_EXECUTABLE_PROPERTIES_EXTENSION_NAME)) {
      extensions.push_back(VK_KHR_PIPELINE_EXECUTABLE_PROPERTIES_EXTENSION_NAME);
      dci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
      dci.ppEnabledExtensionNames = extensions.data();
      executableInfo.pipelineExecutableInfo = VK_TRUE;
      executableInfo.pNext = const_cast<void *>(dci.pNext);
      dci.pNext = &executableInfo;
      capturesStats = true;
    } else if (pipelineStats) {
      llvm::errs() << (instance11 ? "stats: none (the device lacks "
                                    VK_KHR_PIPELINE_EXECUTABLE_PROPERTIES_EXTENSION_NAME
                                    ")\n"
                                  : "stats: none (a Vulkan 1.0 module)\n");
    }
    VK(vkCreateDevice(physical, &dci, nullptr, &device));
    vkGetDeviceQueue(device, queueFamily, 0, &queue);
  }

  /// Whether the physical device has device extension \p name.
  bool hasDeviceExtension(const char *name) {
    uint32_t n = 0;
    VK(vkEnumerateDeviceExtensionProperties(physical, nullptr, &n, nullptr));
    std::vector<VkExtensionProperties> all(n);
    VK(vkEnumerateDeviceExtensionProperties(physical, nullptr, &n, all.data()));
    for (const VkExtensionProperties &e : all)
      if (std::strcmp(e.extensionName, name) == 0)
        return true;
    return false;
  }

  /// llvmpipe and its subgroup size, from the properties the instance's
  /// and the device's API versions let vyre-run query: the driver ID from
  /// Vulkan 1.2, the subgroup size from 1.1; else the device name and 4,
  /// the narrowest vector llvmpipe compiles for (a workgroup no larger than
  /// a subgroup is still one fiber).
  void readDriverFacts(const VkPhysicalDeviceProperties &p) {
    auto atLeast = [&](uint32_t major, uint32_t minor) {
      auto pair = [](uint32_t a, uint32_t b) { return std::make_pair(a, b); };
      return pair(required.apiMajor, required.apiMinor) >= pair(major, minor) &&
             pair(VK_API_VERSION_MAJOR(p.apiVersion),
                  VK_API_VERSION_MINOR(p.apiVersion)) >= pair(major, minor);
    };
    llvmpipe = llvm::StringRef(p.deviceName).contains("llvmpipe");
    subgroupSize = 4;
    if (!atLeast(1, 1))
      return;
    VkPhysicalDeviceSubgroupProperties sp{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    VkPhysicalDeviceDriverProperties dp{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
    VkPhysicalDeviceProperties2 p2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    p2.pNext = &sp;
    if (atLeast(1, 2))
      sp.pNext = &dp;
    vkGetPhysicalDeviceProperties2(physical, &p2);
    subgroupSize = std::max(sp.subgroupSize, 1u);
    if (atLeast(1, 2))
      llvmpipe = dp.driverID == VK_DRIVER_ID_MESA_LLVMPIPE;
  }

  /// On llvmpipe, a workgroup of one subgroup, with as many invocations in
  /// all: llvmpipe runs a workgroup's subgroups as cooperative fibers and
  /// abandons the unfinished ones once one of them finishes (their
  /// invocations never complete, and the dispatch still succeeds), which
  /// the persistent kernel's loops hit. Sets kernel.WORKGROUP_SIZE's value
  /// in \p specValues to the subgroup size and returns the workgroups to
  /// dispatch (rounded up), unless the scenario sets the size itself, the
  /// module cannot specialize it, or it is already no larger than a
  /// subgroup; returns \p workgroups and says why in \p note otherwise.
  uint32_t fitWorkgroupsToFibers(const HostLayout &layout,
                                 const Scenario &scenario,
                                 std::vector<std::pair<uint32_t, uint32_t>> &specValues,
                                 std::string &note) const {
    uint32_t workgroups = scenario.workgroups;
    if (!llvmpipe)
      return workgroups;
    uint32_t size = scenario.protocol[PV::kernel_WORKGROUP_SIZE];
    auto spec = llvm::find_if(layout.specConstants, [](const HostSpecConstant &c) {
      return c.value == PV::kernel_WORKGROUP_SIZE;
    });
    if (llvm::is_contained(scenario.specified, PV::kernel_WORKGROUP_SIZE))
      note = "the scenario sets kernel.WORKGROUP_SIZE";
    else if (spec == layout.specConstants.end())
      note = "the module has no kernel.WORKGROUP_SIZE spec constant";
    else if (size <= subgroupSize)
      note = "a workgroup is one subgroup";
    if (!note.empty()) {
      note = "llvmpipe: kernel.WORKGROUP_SIZE " + std::to_string(size) +
             " kept (" + note + ")";
      return workgroups;
    }
    host::WorkgroupFit fit =
        host::fitWorkgroupsToSubgroup(workgroups, size, subgroupSize);
    if (fit.workgroups > maxWorkgroupCount) {
      note = "llvmpipe: kernel.WORKGROUP_SIZE " + std::to_string(size) +
             " kept (" + std::to_string(fit.workgroups) +
             " workgroups exceed maxComputeWorkGroupCount)";
      return workgroups;
    }
    for (auto &[id, value] : specValues)
      if (id == spec->specId)
        value = fit.workgroupSize;
    note = "llvmpipe: kernel.WORKGROUP_SIZE " + std::to_string(size) + " -> " +
           std::to_string(fit.workgroupSize) + " (one subgroup), workgroups " +
           std::to_string(workgroups) + " -> " + std::to_string(fit.workgroups);
    return fit.workgroups;
  }

  /// The loop the kernel runs, as --time prints it ("loop: ..."). Where
  /// the module has the portable loop's entry point beside the skeleton's
  /// (the manifest's skeleton.portable_entry_point), a CPU device runs it
  /// (host::preferPortableLoop), and \p entries becomes that one, unless
  /// the scenario's "spec" sets kernel.PORTABLE_LOOP: then non-zero chooses
  /// it and 0 the skeleton's.
  std::string chooseLoop(const Skeleton &skeleton, const Scenario *scenario,
                         std::vector<std::string> &entries) const {
    auto named = [](const std::vector<std::string> &e) {
      return (e.size() == 1 ? " entry point " : " entry points ") +
             llvm::join(e, ", ");
    };
    if (!skeleton.portableEntryPoint)
      return "loop: " + skeleton.kind + "," + named(entries);
    std::string why;
    bool portable = false;
    if (scenario &&
        llvm::is_contained(scenario->specified, PV::kernel_PORTABLE_LOOP)) {
      uint32_t id = protocolInfo(PV::kernel_PORTABLE_LOOP).specId;
      for (auto [specId, value] : scenario->specValues)
        if (specId == id)
          portable = value != 0;
      why = "the scenario sets kernel.PORTABLE_LOOP";
    } else if (host::preferPortableLoop(static_cast<uint32_t>(deviceType))) {
      portable = true;
      why = "CPU device";
    }
    if (portable)
      entries = {*skeleton.portableEntryPoint};
    std::string loop = portable ? "portable" : skeleton.kind;
    return "loop: " + loop + (why.empty() ? "" : " (" + why + ")") + "," +
           named(entries);
  }

  /// Refuses (MissingRequirement, naming every missing item) a device that
  /// lacks anything `requires` lists; returns the feature structs to enable,
  /// holding exactly the features listed.
  DeviceFeatures checkRequirements(unsigned index,
                                   const VkPhysicalDeviceProperties &p) {
    std::vector<std::string> missing;
    if (VK_API_VERSION_MAJOR(p.apiVersion) < required.apiMajor ||
        (VK_API_VERSION_MAJOR(p.apiVersion) == required.apiMajor &&
         VK_API_VERSION_MINOR(p.apiVersion) < required.apiMinor))
      missing.push_back("Vulkan " + std::to_string(required.apiMajor) + "." +
                        std::to_string(required.apiMinor) + " (it has " +
                        std::to_string(VK_API_VERSION_MAJOR(p.apiVersion)) +
                        "." +
                        std::to_string(VK_API_VERSION_MINOR(p.apiVersion)) + ")");
    for (const std::string &e : required.deviceExtensions)
      if (!hasDeviceExtension(e.c_str()))
        missing.push_back("extension " + e);
    // Query only the structs that hold a required feature: an extension
    // struct the device does not know is not ours to chain.
    DeviceFeatures have, enable;
    for (const std::string &f : required.deviceFeatures)
      if (!have.find(f).first)
        throw MissingRequirement{"the module requires the device feature " + f +
                                 ", which vyre-run does not know"};
    have.chain(required.deviceFeatures);
    enable.chain(required.deviceFeatures);
    if (!required.deviceFeatures.empty()) {
      // Core from Vulkan 1.1; a 1.0 instance has the KHR entry point
      // (`requires` then lists VK_KHR_get_physical_device_properties2).
      bool core = required.apiMajor > 1 || required.apiMinor >= 1;
      auto getFeatures2 = reinterpret_cast<PFN_vkGetPhysicalDeviceFeatures2>(
          vkGetInstanceProcAddr(instance, core ? "vkGetPhysicalDeviceFeatures2"
                                               : "vkGetPhysicalDeviceFeatures2KHR"));
      if (!getFeatures2)
        throw MissingRequirement{"the instance has no "
                                 "vkGetPhysicalDeviceFeatures2 to query the "
                                 "device features the module requires"};
      getFeatures2(physical, &have.core);
    }
    for (const std::string &f : required.deviceFeatures) {
      if (*have.find(f).first)
        *enable.find(f).first = VK_TRUE;
      else
        missing.push_back("feature " + f);
    }
    if (!required.subgroupOperations.empty()) {
      VkPhysicalDeviceSubgroupProperties sp{
          VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
      VkPhysicalDeviceProperties2 p2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
      p2.pNext = &sp;
      vkGetPhysicalDeviceProperties2(physical, &p2);
      if (!(sp.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT))
        missing.push_back("subgroup operations in compute shaders");
      for (const std::string &op : required.subgroupOperations) {
        VkSubgroupFeatureFlags bit = 0;
        for (const auto &[name, b] : kSubgroupOps)
          if (op == name)
            bit = b;
        if (!bit)
          throw MissingRequirement{"the module requires the subgroup operation " +
                                   op + ", which vyre-run does not know"};
        if (!(sp.supportedOperations & bit))
          missing.push_back("subgroup operation " + op);
      }
    }
    if (!missing.empty()) {
      std::string msg = "device " + std::to_string(index) + " (" +
                        p.deviceName + ") lacks what the module requires:";
      for (size_t i = 0; i < missing.size(); ++i)
        msg += (i ? "; " : " ") + missing[i];
      throw MissingRequirement{msg};
    }
    return enable;
  }

  /// Host-visible, coherent, persistently mapped storage buffers holding the
  /// scenario's initial words, in device-local memory when the device has a
  /// host-visible coherent type there (host::chooseMemoryType; with
  /// --memory=host, or when that allocation fails, system memory).
  void createBuffers(const HostLayout &layout, const Scenario &s) {
    VkPhysicalDeviceMemoryProperties mp;
    vkGetPhysicalDeviceMemoryProperties(physical, &mp);
    uint32_t flags[VK_MAX_MEMORY_TYPES];
    for (uint32_t t = 0; t < mp.memoryTypeCount; ++t)
      flags[t] = mp.memoryTypes[t].propertyFlags;
    for (unsigned i = 0; i < layout.buffers.size(); ++i) {
      Buffer b;
      b.count = s.memory[i].size();
      VkDeviceSize bytes = std::max<uint64_t>(b.count, 1) * 4;
      if (bytes > maxStorageRange)
        throw InputError{layout.buffers[i].name + ": " + std::to_string(bytes) +
                         " bytes exceed maxStorageBufferRange"};
      VkBufferCreateInfo bci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
      bci.size = bytes;
      bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
      bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
      VK(vkCreateBuffer(device, &bci, nullptr, &b.buffer));
      buffers.push_back(b);
      Buffer &nb = buffers.back();
      VkMemoryRequirements req;
      vkGetBufferMemoryRequirements(device, nb.buffer, &req);
      // The completion mirror in the host's cached memory, where its polls
      // stay off the bus (docs/embedding.md, "Buffer placement").
      int type = layout.buffers[i].role == BufferRole::Completions
                     ? host::chooseHostCachedMemoryType(
                           req.memoryTypeBits, flags, mp.memoryTypeCount,
                           nb.placement)
                     : host::chooseMemoryType(req.memoryTypeBits, flags,
                                              mp.memoryTypeCount, nb.placement,
                                              !hostMemory);
      if (type < 0)
        throw VulkanError{"no host-visible coherent memory type",
                          VK_ERROR_FEATURE_NOT_PRESENT};
      VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
      mai.allocationSize = req.size;
      mai.memoryTypeIndex = static_cast<uint32_t>(type);
      VkResult r = vkAllocateMemory(device, &mai, nullptr, &nb.memory);
      if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY &&
          nb.placement == host::Placement::DeviceLocalHostVisible) {
        // A small BAR window (256 MiB without resizable BAR) is full: fall
        // back to system memory for this buffer.
        type = host::chooseMemoryType(req.memoryTypeBits, flags,
                                      mp.memoryTypeCount, nb.placement, false);
        if (type < 0)
          check(r, "vkAllocateMemory");
        mai.memoryTypeIndex = static_cast<uint32_t>(type);
        r = vkAllocateMemory(device, &mai, nullptr, &nb.memory);
      }
      check(r, "vkAllocateMemory");
      VK(vkBindBufferMemory(device, nb.buffer, nb.memory, 0));
      void *p = nullptr;
      VK(vkMapMemory(device, nb.memory, 0, VK_WHOLE_SIZE, 0, &p));
      nb.words = static_cast<uint32_t *>(p);
      std::memset(nb.words, 0, bytes);
      std::memcpy(nb.words, s.memory[i].data(), b.count * 4);
    }
  }

  /// A host that writes the ring and control buffers while the kernel runs
  /// (\p what: live publishing, --latency) needs them where the kernel sees
  /// those writes (host::seesHostWritesWhileRunning). In system memory the
  /// NVIDIA driver's kernel never did: every request waited out a whole
  /// dispatch, and a live run looked like a hang. Refused instead.
  void requireLiveVisible(const HostLayout &layout, const std::string &what) {
    for (BufferRole role : {BufferRole::Ring, BufferRole::Control}) {
      int i = layout.find(role);
      if (i < 0 || host::seesHostWritesWhileRunning(buffers[i].placement))
        continue;
      throw InputError{
          what + " writes " + layout.buffers[i].name +
          " while the kernel runs, which needs device-local host-visible "
          "memory; it is in system memory (" +
          (hostMemory ? "--memory=host"
                      : "no device-local host-visible memory was left") +
          "), where a running kernel does not see the host's writes "
          "(docs/gpu-runs.md, 2026-12-07)"};
    }
  }

  /// --repeat: the scenario's initial words again, for another dispatch.
  void resetBuffers(const Scenario &s) {
    for (unsigned i = 0; i < buffers.size(); ++i) {
      std::memset(buffers[i].words, 0, std::max<uint64_t>(buffers[i].count, 1) * 4);
      std::memcpy(buffers[i].words, s.memory[i].data(), buffers[i].count * 4);
    }
  }

  /// --time: where the buffers live, e.g. "device-local host-visible", or
  /// each buffer's placement when they differ.
  std::string placementSummary(const HostLayout &layout) const {
    std::string all = buffers.empty() ? "none" : host::placementName(buffers[0].placement);
    bool same = true;
    for (const Buffer &b : buffers)
      same &= b.placement == buffers[0].placement;
    if (same)
      return all;
    std::string out;
    for (unsigned i = 0; i < buffers.size(); ++i)
      out += (i ? ", " : "") + layout.buffers[i].name + ": " +
             host::placementName(buffers[i].placement);
    return out;
  }

  /// The shader module and the pipeline layout (one descriptor set layout
  /// per set the manifest names).
  void createPipelineLayout(const std::vector<uint32_t> &code,
                            const HostLayout &layout) {
    VkShaderModuleCreateInfo smci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    smci.codeSize = code.size() * 4;
    smci.pCode = code.data();
    VK(vkCreateShaderModule(device, &smci, nullptr, &shader));

    uint32_t sets = 0;
    for (const HostBuffer &b : layout.buffers)
      sets = std::max(sets, b.set + 1);
    for (uint32_t set = 0; set < sets; ++set) {
      std::vector<VkDescriptorSetLayoutBinding> bs;
      for (const HostBuffer &b : layout.buffers)
        if (b.set == set)
          bs.push_back({b.binding, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1,
                        VK_SHADER_STAGE_COMPUTE_BIT, nullptr});
      VkDescriptorSetLayoutCreateInfo lci{
          VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
      lci.bindingCount = static_cast<uint32_t>(bs.size());
      lci.pBindings = bs.data();
      VkDescriptorSetLayout l;
      VK(vkCreateDescriptorSetLayout(device, &lci, nullptr, &l));
      setLayouts.push_back(l);
    }
    VkPipelineLayoutCreateInfo plci{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    plci.setLayoutCount = sets;
    plci.pSetLayouts = setLayouts.data();
    VK(vkCreatePipelineLayout(device, &plci, nullptr, &pipelineLayout));
  }

  /// One compute pipeline per entry point (one per shard of a sharded
  /// module), built on up to \p threads threads at once, as a host that
  /// cares about start-up time would (docs/embedding.md, "Sharded
  /// modules"). Returns the wall time of the whole build in seconds.
  double buildPipelines(const std::vector<std::string> &entryPoints,
                        const std::vector<std::pair<uint32_t, uint32_t>> &specValues,
                        unsigned threads) {
    std::vector<VkSpecializationMapEntry> entries;
    std::vector<uint32_t> data;
    for (auto [id, value] : specValues) {
      entries.push_back({id, static_cast<uint32_t>(data.size() * 4), 4});
      data.push_back(value);
    }
    VkSpecializationInfo spec{};
    spec.mapEntryCount = static_cast<uint32_t>(entries.size());
    spec.pMapEntries = entries.data();
    spec.dataSize = data.size() * 4;
    spec.pData = data.data();
    pipelines.assign(entryPoints.size(), VK_NULL_HANDLE);
    buildSeconds.assign(entryPoints.size(), 0);
    std::vector<VkResult> results(entryPoints.size(), VK_SUCCESS);
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i; (i = next.fetch_add(1)) < entryPoints.size();) {
        VkComputePipelineCreateInfo cpci{
            VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
        cpci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
        cpci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
        cpci.stage.module = shader;
        cpci.stage.pName = entryPoints[i].c_str();
        cpci.stage.pSpecializationInfo = entries.empty() ? nullptr : &spec;
        cpci.layout = pipelineLayout;
        if (capturesStats)
          cpci.flags |= VK_PIPELINE_CREATE_CAPTURE_STATISTICS_BIT_KHR;
        auto t0 = std::chrono::steady_clock::now();
        results[i] = vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &cpci,
                                              nullptr, &pipelines[i]);
        buildSeconds[i] = std::chrono::duration<double>(
                              std::chrono::steady_clock::now() - t0)
                              .count();
      }
    };
    threads = std::max(1u, std::min<unsigned>(threads, entryPoints.size()));
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
      pool.emplace_back(worker);
    worker();
    for (std::thread &t : pool)
      t.join();
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    for (VkResult r : results)
      check(r, "vkCreateComputePipelines");
    if (capturesStats)
      for (size_t i = 0; i < pipelines.size(); ++i)
        printPipelineStats(entryPoints[i], pipelines[i]);
    return took.count();
  }

  /// --pipeline-stats: the driver's statistics of each executable of
  /// \p pipeline (VK_KHR_pipeline_executable_properties: what the driver
  /// reports, such as registers or instruction counts), one line each on standard
  /// error: `stats: ENTRY: EXECUTABLE: NAME=VALUE; NAME=VALUE; ...`.
  void printPipelineStats(const std::string &entry, VkPipeline pipeline) {
    auto properties = reinterpret_cast<PFN_vkGetPipelineExecutablePropertiesKHR>(
        vkGetDeviceProcAddr(device, "vkGetPipelineExecutablePropertiesKHR"));
    auto statistics = reinterpret_cast<PFN_vkGetPipelineExecutableStatisticsKHR>(
        vkGetDeviceProcAddr(device, "vkGetPipelineExecutableStatisticsKHR"));
    if (!properties || !statistics)
      return;
    // Vulkan's two calls: how many, then that many copies of \p blank
    // filled in.
    auto list = [&](auto get, const auto *about, auto blank) {
      uint32_t n = 0;
      VK(get(device, about, &n, nullptr));
      std::vector<decltype(blank)> out(n, blank);
      VK(get(device, about, &n, out.data()));
      return out;
    };
    VkPipelineInfoKHR info{VK_STRUCTURE_TYPE_PIPELINE_INFO_KHR};
    info.pipeline = pipeline;
    auto executables = list(properties, &info,
                            VkPipelineExecutablePropertiesKHR{
                                VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_PROPERTIES_KHR});
    for (uint32_t e = 0; e < executables.size(); ++e) {
      VkPipelineExecutableInfoKHR which{
          VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_INFO_KHR};
      which.pipeline = pipeline;
      which.executableIndex = e;
      auto stats = list(statistics, &which,
                        VkPipelineExecutableStatisticKHR{
                            VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_STATISTIC_KHR});
      std::string line = "stats: " + entry + ": " + executables[e].name + ":";
      for (uint32_t i = 0; i < stats.size(); ++i) {
        const VkPipelineExecutableStatisticKHR &st = stats[i];
        line += (i ? "; " : " ") + std::string(st.name) + "=";
        switch (st.format) {
        case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_BOOL32_KHR:
          line += st.value.b32 ? "true" : "false";
          break;
        case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_INT64_KHR:
          line += std::to_string(st.value.i64);
          break;
        case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_UINT64_KHR:
          line += std::to_string(st.value.u64);
          break;
        default:
          line += llvm::formatv("{0}", st.value.f64).str();
          break;
        }
      }
      llvm::errs() << line << "\n";
    }
  }

  /// The descriptor sets, pointing at the buffers.
  void bindBuffers(const HostLayout &layout) {
    uint32_t sets = static_cast<uint32_t>(setLayouts.size());
    VkDescriptorPoolSize ps{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                            static_cast<uint32_t>(layout.buffers.size())};
    VkDescriptorPoolCreateInfo dpci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    dpci.maxSets = std::max(sets, 1u);
    dpci.poolSizeCount = 1;
    dpci.pPoolSizes = &ps;
    VK(vkCreateDescriptorPool(device, &dpci, nullptr, &pool));
    descriptorSets.resize(sets);
    if (sets) {
      VkDescriptorSetAllocateInfo dsai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
      dsai.descriptorPool = pool;
      dsai.descriptorSetCount = sets;
      dsai.pSetLayouts = setLayouts.data();
      VK(vkAllocateDescriptorSets(device, &dsai, descriptorSets.data()));
    }
    std::vector<VkDescriptorBufferInfo> infos(layout.buffers.size());
    std::vector<VkWriteDescriptorSet> writes;
    for (unsigned i = 0; i < layout.buffers.size(); ++i) {
      infos[i] = {buffers[i].buffer, 0, VK_WHOLE_SIZE};
      VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
      w.dstSet = descriptorSets[layout.buffers[i].set];
      w.dstBinding = layout.buffers[i].binding;
      w.descriptorCount = 1;
      w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      w.pBufferInfo = &infos[i];
      writes.push_back(w);
    }
    vkUpdateDescriptorSets(device, static_cast<uint32_t>(writes.size()),
                           writes.data(), 0, nullptr);
  }

  /// llvmpipe compiles a kernel (LLVM) at its first dispatch, not at
  /// pipeline creation: seconds for a large kernel alone on the machine,
  /// many times that where other processes share its CPUs. A dispatch of
  /// no workgroups compiles every pipeline without running it, so the
  /// scenario's timeout_ms and --time's dispatch measure the kernel, not
  /// the compiler (docs/scenario.md, "lavapipe"). Its wall time in ms; 0
  /// on other drivers (they compile at pipeline creation).
  double compileAhead() {
    if (!llvmpipe)
      return 0;
    auto start = std::chrono::steady_clock::now();
    submit(0);
    // Unbounded: no workgroup runs, so only the compile can take time.
    check(waitForFence(), "vkWaitForFences");
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now() - start)
        .count();
  }

  /// Waits for the dispatch's fence however long it takes (in 1 s waits):
  /// its result, VK_SUCCESS or an error.
  VkResult waitForFence() {
    VkResult r;
    while ((r = vkWaitForFences(device, 1, &fence, VK_TRUE, 1'000'000'000)) ==
           VK_TIMEOUT)
      ;
    return r;
  }

  /// Records and submits the dispatch. Called again (--repeat), it waits
  /// for nothing: the previous dispatch has finished (wait()).
  void submit(uint32_t workgroups) {
    if (!commandPool) {
      VkCommandPoolCreateInfo cpci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
      cpci.queueFamilyIndex = queueFamily;
      cpci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
      VK(vkCreateCommandPool(device, &cpci, nullptr, &commandPool));
      VkCommandBufferAllocateInfo cbai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
      cbai.commandPool = commandPool;
      cbai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
      cbai.commandBufferCount = 1;
      VK(vkAllocateCommandBuffers(device, &cbai, &cb));
      VkFenceCreateInfo fci{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
      VK(vkCreateFence(device, &fci, nullptr, &fence));
    } else {
      VK(vkResetFences(device, 1, &fence));
    }
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VK(vkBeginCommandBuffer(cb, &bi));
    if (!descriptorSets.empty())
      vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipelineLayout,
                              0, static_cast<uint32_t>(descriptorSets.size()),
                              descriptorSets.data(), 0, nullptr);
    if (timing) {
      if (!queryPool) {
        VkQueryPoolCreateInfo qpci{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
        qpci.queryType = VK_QUERY_TYPE_TIMESTAMP;
        qpci.queryCount = 2;
        VK(vkCreateQueryPool(device, &qpci, nullptr, &queryPool));
      }
      vkCmdResetQueryPool(cb, queryPool, 0, 2);
      vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, queryPool, 0);
    }
    // Every shard, one dispatch each, with no barrier between them: they
    // may run concurrently (docs/protocol.md, "Shards"). Descriptor sets
    // stay bound across pipeline binds of the same layout.
    for (VkPipeline pipeline : pipelines) {
      vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
      vkCmdDispatch(cb, workgroups, 1, 1);
    }
    if (timing)
      vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queryPool, 1);
    VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb, 0, nullptr, 0,
                         nullptr);
    VK(vkEndCommandBuffer(cb));
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cb;
    VK(vkQueueSubmit(queue, 1, &si, fence));
  }



  /// One look at the IO queue: every PUBLISHED request becomes io_status.OK
  /// (host::serviceIoQueue, through the scenario library).
  void serviceIo(const HostLayout &layout, const Scenario &s, IoLog &log) {
    Buffer &io = buffers[layout.find(BufferRole::IoQueue)];
    serviceIoRequests(s, io.words, io.count, log);
  }

  /// "publish": "live": the slots' words (the scenario's ring), kept out of
  /// the ring the device starts with (all EMPTY).
  std::vector<uint32_t> liveRing;
  unsigned livePublished = 0;
  bool liveShutdown = false;

  /// One step of publishing while the kernel runs, the way vyre's host
  /// feeds a resident kernel: slot k is published (payload, then its status
  /// with release ordering) once the kernel has finished the k slots before
  /// it, so every slot after the first reaches a running kernel; once all
  /// are done the host requests the shutdown.
  void publishLive(const HostLayout &layout, const Scenario &s) {
    if (liveShutdown)
      return;
    const host::Layout l = hostLayout(s.protocol);
    Buffer &ring = buffers[layout.find(BufferRole::Ring)];
    Buffer &control = buffers[layout.find(BufferRole::Control)];
    if (l.doneCountWord >= control.count)
      return;
    uint32_t done = host::doneCount(l, control.words);
    if (livePublished < s.publishedSlots && done >= livePublished) {
      uint64_t base = uint64_t(livePublished) * l.slotWords;
      for (uint32_t w = 0; w < l.slotWords && base + w < ring.count; ++w)
        if (w != l.statusWord)
          ring.words[base + w] = liveRing[base + w];
      if (base + l.statusWord < ring.count)
        host::detail::word(ring.words + base + l.statusWord)
            .store(liveRing[base + l.statusWord], std::memory_order_release);
      ++livePublished;
      // publish.DOORBELL: slot k is the host's k-th, in ring order.
      if (l.doorbellWord < control.count)
        host::ringDoorbell(l, control.words, livePublished);
    } else if (livePublished == s.publishedSlots && done >= livePublished &&
               l.shutdownWord < control.count) {
      host::requestShutdown(l, control.words);
      liveShutdown = true;
    }
  }

  uint32_t *controlWords(const HostLayout &layout) {
    return buffers[layout.find(BufferRole::Control)].words;
  }

  uint32_t liveDoneCount(const HostLayout &layout, const Scenario &s) {
    Buffer &control = buffers[layout.find(BufferRole::Control)];
    const host::Layout l = hostLayout(s.protocol);
    return l.doneCountWord < control.count ? host::doneCount(l, control.words)
                                           : 0;
  }

  /// "publish": "live": whether a dispatch that ended before the host
  /// requested the shutdown is dispatched again. A resident kernel may end
  /// early without losing anything: at kernel.ITERATION_BUDGET, or, on
  /// llvmpipe, when its loop limiter cuts invocations that sat idle
  /// waiting for the host (docs/scenario.md, "lavapipe"); a host that
  /// still has work then dispatches again, as docs/embedding.md says. Not
  /// after a cut that lost work (CUT_SHORT_COUNT): that run is reported
  /// as a hang.
  bool relaunchLive(const HostLayout &layout, const Scenario &s) {
    if (!s.publishLive || liveShutdown)
      return false;
    Buffer &control = buffers[layout.find(BufferRole::Control)];
    return cutShortCount(layout, s, control.words, control.count) == 0;
  }
  /// --latency: round trips to the resident kernel (Latency.h), on the
  /// buffers as created (an empty ring).
  LatencyResult measureLatency(const HostLayout &layout, const Scenario &s,
                               const std::vector<uint32_t> &slot,
                               uint32_t workgroups, const LatencyOptions &opts) {
    struct Device : LatencyDevice {
      Host &h;
      uint32_t workgroups;
      Device(Host &h, uint32_t workgroups) : h(h), workgroups(workgroups) {}
      void submit() override { h.submit(workgroups); }
      bool finished() override {
        return vkGetFenceStatus(h.device, h.fence) == VK_SUCCESS;
      }
      void waitFinished() override { h.waitForFence(); }
    } dev(*this, workgroups);
    dev.ring = buffers[layout.find(BufferRole::Ring)].words;
    dev.control = buffers[layout.find(BufferRole::Control)].words;
    if (int mirror = layout.find(BufferRole::Completions); mirror >= 0) {
      dev.completions = buffers[mirror].words;
      dev.completionWords = buffers[mirror].count;
    }
    return vyre::measureLatency(hostLayout(s.protocol), dev, slot, opts);
  }

  /// Dispatches of the last run: more than 1 where relaunchLive applied.
  unsigned dispatches = 0;

  /// Waits for the fence, servicing IO meanwhile. False on timeout. With
  /// service_io the host busy-polls the queue: a kernel's wait for the host
  /// is short (io.POLL_LIMIT polls), and on lavapipe even shorter.
  bool wait(const HostLayout &layout, const Scenario &s, IoLog &log,
            uint32_t workgroups) {
    auto start = std::chrono::steady_clock::now();
    bool busy = s.serviceIo || s.publishLive;
    dispatches = 1;
    for (;;) {
      VkResult r = busy ? vkGetFenceStatus(device, fence)
                        : vkWaitForFences(device, 1, &fence, VK_TRUE,
                                          10'000'000);
      if (r == VK_SUCCESS && relaunchLive(layout, s)) {
        submit(workgroups);
        ++dispatches;
        r = VK_NOT_READY;
      }
      if (r == VK_SUCCESS)
        break;
      if (r != VK_TIMEOUT && r != VK_NOT_READY)
        check(r, busy ? "vkGetFenceStatus" : "vkWaitForFences");
      if (s.publishLive)
        publishLive(layout, s);
      if (s.serviceIo)
        serviceIo(layout, s, log);
      if (busy)
        sched_yield();
      auto elapsed = std::chrono::steady_clock::now() - start;
      if (elapsed >= std::chrono::milliseconds(s.timeoutMs))
        return false;
    }
    // The host's last look at the queue after the kernel finished.
    if (s.serviceIo)
      serviceIo(layout, s, log);
    return true;
  }

  /// --time: the dispatch's duration from GPU timestamps (excluding
  /// pipeline creation, a driver's JIT at first dispatch, and the host's
  /// scenario handling), or 0 if the queue has no timestamps.
  double dispatchMilliseconds() {
    if (!queryPool || !timestampBits)
      return 0;
    uint64_t ticks[2];
    VK(vkGetQueryPoolResults(device, queryPool, 0, 2, sizeof(ticks), ticks,
                             sizeof(uint64_t),
                             VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
    uint64_t mask = timestampBits >= 64 ? ~0ull : (1ull << timestampBits) - 1;
    uint64_t delta = (ticks[1] - ticks[0]) & mask;
    return double(delta) * timestampPeriod / 1e6;
  }

  std::vector<std::vector<uint32_t>> readBack() {
    std::vector<std::vector<uint32_t>> memory;
    for (const Buffer &b : buffers)
      memory.emplace_back(b.words, b.words + b.count);
    return memory;
  }

  /// After a hang: ask the kernel to leave, in case it is only spinning.
  void requestShutdown(const HostLayout &layout, const Scenario &s) {
    Buffer &control = buffers[layout.find(BufferRole::Control)];
    const host::Layout l = hostLayout(s.protocol);
    if (l.shutdownWord < control.count)
      host::requestShutdown(l, control.words);
  }

private:
  host::Requirements required;
  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  VkInstance instance = VK_NULL_HANDLE;
  std::vector<VkPhysicalDevice> physicalDevices;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t queueFamily = 0;
  VkQueryPool queryPool = VK_NULL_HANDLE;
  uint32_t timestampBits = 0;
  float timestampPeriod = 0;
  uint64_t maxStorageRange = 0;
  uint32_t maxWorkgroupCount = 0;
  bool llvmpipe = false;
  uint32_t subgroupSize = 4;
  VkPhysicalDeviceType deviceType = VK_PHYSICAL_DEVICE_TYPE_OTHER;
  std::vector<Buffer> buffers;
  VkShaderModule shader = VK_NULL_HANDLE;
  std::vector<VkDescriptorSetLayout> setLayouts;
  VkPipelineLayout pipelineLayout = VK_NULL_HANDLE;
  std::vector<VkPipeline> pipelines;
  /// The device captures --pipeline-stats.
  bool capturesStats = false;
public:
  /// Each pipeline's own vkCreateComputePipelines time (buildPipelines).
  std::vector<double> buildSeconds;
private:
  VkDescriptorPool pool = VK_NULL_HANDLE;
  std::vector<VkDescriptorSet> descriptorSets;
  VkCommandPool commandPool = VK_NULL_HANDLE;
  VkCommandBuffer cb = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;

  void destroy() {
    if (device) {
      vkDeviceWaitIdle(device);
      if (fence) vkDestroyFence(device, fence, nullptr);
      if (queryPool) vkDestroyQueryPool(device, queryPool, nullptr);
      if (commandPool) vkDestroyCommandPool(device, commandPool, nullptr);
      if (pool) vkDestroyDescriptorPool(device, pool, nullptr);
      for (VkPipeline p : pipelines)
        if (p) vkDestroyPipeline(device, p, nullptr);
      if (pipelineLayout) vkDestroyPipelineLayout(device, pipelineLayout, nullptr);
      for (VkDescriptorSetLayout l : setLayouts)
        vkDestroyDescriptorSetLayout(device, l, nullptr);
      if (shader) vkDestroyShaderModule(device, shader, nullptr);
      for (Buffer &b : buffers) {
        if (b.buffer) vkDestroyBuffer(device, b.buffer, nullptr);
        if (b.memory) vkFreeMemory(device, b.memory, nullptr);
      }
      vkDestroyDevice(device, nullptr);
    }
    if (messenger) {
      auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
          vkGetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT"));
      if (destroy)
        destroy(instance, messenger, nullptr);
    }
    if (instance)
      vkDestroyInstance(instance, nullptr);
  }
};

/// Lower-case hex SHA-256 of the module's bytes (the manifest's
/// module_sha256 is the same function of the file vyrec wrote).
std::string sha256Hex(const std::vector<uint32_t> &words) {
  llvm::ArrayRef<uint8_t> bytes(reinterpret_cast<const uint8_t *>(words.data()),
                                words.size() * 4);
  return llvm::toHex(llvm::SHA256::hash(bytes), /*LowerCase=*/true);
}

/// The entry points to dispatch: every shard's, or the one entry_point.
std::vector<std::string> entryPoints(const llvm::json::Value &manifest) {
  const llvm::json::Object *root = manifest.getAsObject();
  std::vector<std::string> out;
  if (const llvm::json::Array *shards = root->getArray("shards")) {
    for (const llvm::json::Value &v : *shards) {
      const llvm::json::Object *o = v.getAsObject();
      llvm::Optional<llvm::StringRef> name;
      if (o)
        name = o->getString("entry_point");
      if (!name)
        throw InputError{"manifest: a shard without an entry_point"};
      out.push_back(name->str());
    }
    if (out.empty())
      throw InputError{"manifest: \"shards\" is empty"};
    return out;
  }
  auto e = root->getString("entry_point");
  out.push_back(e ? e->str() : "main");
  return out;
}

std::vector<uint32_t> readSpirv(const std::string &path) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    throw InputError{path + ": " + buf.getError().message()};
  llvm::StringRef bytes = (*buf)->getBuffer();
  if (bytes.size() < 20 || bytes.size() % 4 != 0)
    throw InputError{path + ": not a SPIR-V module"};
  std::vector<uint32_t> words(bytes.size() / 4);
  std::memcpy(words.data(), bytes.data(), bytes.size());
  if (words[0] != 0x07230203)
    throw InputError{path + ": not a SPIR-V module (bad magic number)"};
  return words;
}

/// The names of \p code's OpEntryPoint instructions, in order.
std::vector<std::string> moduleEntryPoints(llvm::ArrayRef<uint32_t> code) {
  std::vector<std::string> names;
  for (size_t i = 5; i < code.size();) {
    uint32_t count = code[i] >> 16, op = code[i] & 0xFFFF;
    if (count == 0 || i + count > code.size())
      break;
    if (op == uint32_t(spv::Op::OpEntryPoint) && count > 3) {
      const char *name = reinterpret_cast<const char *>(&code[i + 3]);
      names.emplace_back(name, strnlen(name, (count - 3) * 4));
    }
    i += count;
  }
  return names;
}

/// A translation (--translated-from) holds the one entry point that was
/// translated, under the translator's name (spirv-cross, then glslang:
/// "main", also for main_portable): where it lacks the one \p entries
/// names, that is the one it holds.
void translatedEntryPoints(llvm::ArrayRef<uint32_t> code,
                           std::vector<std::string> &entries) {
  std::vector<std::string> held = moduleEntryPoints(code);
  if (entries.size() == 1 && held.size() == 1 &&
      !llvm::is_contained(held, entries[0]))
    entries = held;
}

} // namespace

int main(int argc, char **argv) {
  std::string spvPath, manifestPath, scenarioPath, dumpPath, originalPath;
  unsigned deviceIndex = 0;
  bool list = false, buildOnly = false;
  unsigned buildThreads = std::max(1u, std::thread::hardware_concurrency());
  Host host;
  CLI::App app{"vyre-run: run a vyrec megakernel on a Vulkan device"};
  app.add_option("module", spvPath, "the SPIR-V module (vyrec --emit=spirv)");
  app.add_option("manifest", manifestPath, "its manifest (vyrec --manifest)");
  app.add_option("scenario", scenarioPath, "the scenario (docs/scenario.md)");
  app.add_option("--device", deviceIndex, "index of the device to use (default 0)");
  app.add_option("--dump", dumpPath,
                 "also write the default output (every non-zero word) here");
  app.add_option("--translated-from", originalPath,
                 "MODULE is a translation of this module (e.g. spirv-cross, "
                 "then glslang): the manifest must describe this one "
                 "(module_sha256), and MODULE runs in its place (its one "
                 "entry point, if it lacks the one vyre-run chose: a "
                 "translator names what it translated 'main')");
  app.add_flag("--list-devices", list, "list the Vulkan devices and exit");
  app.add_flag("--validate", host.validation,
               "run under the Khronos validation layer; exit 5 if it reports "
               "an error (also: VYRE_RUN_VALIDATE=1)");
  app.add_flag("--time", host.timing,
               "print the dispatch's GPU time (timestamp queries), where "
               "the buffers live and the pipelines' creation time to "
               "standard error as 'dispatch: MS ms', 'memory: PLACEMENT', "
               "'pipeline: MS ms', 'pipelines: N built in S s' (the "
               "vkCreateComputePipelines calls alone, on parallel threads), "
               "on llvmpipe 'llvmpipe: kernel.WORKGROUP_SIZE ...' (the "
               "workgroup size vyre-run chose, docs/scenario.md) and "
               "'loop: KIND (WHY), entry point NAME' (the loop the kernel "
               "ran and its entry point: on a CPU device the portable one)");
  std::string placement = "auto";
  unsigned repeat = 1;
  app.add_option("--repeat", repeat,
                 "dispatch the scenario N times from its initial words (for "
                 "benchmarks: --time prints the fastest); the output is the "
                 "last run's")
      ->check(CLI::Range(1u, 1000u));
  app.add_option("--memory", placement,
                 "buffer placement: auto (device-local host-visible memory "
                 "when the device has it, else system memory) or host "
                 "(system memory)")
      ->check(CLI::IsMember({"auto", "host"}));
  LatencyOptions latency;
  latency.requests = 0;
  app.add_option("--latency", latency.requests,
                 "measure round trips instead of running the scenario: the "
                 "kernel resident, N requests published one at a time (each "
                 "the scenario's first slot) and waited for, bursts of 64, "
                 "then N dispatches of one request each; prints JSON "
                 "(docs/scenario.md, \"Round trips\")")
      ->check(CLI::Range(1u, 10'000'000u));
  app.add_option("--bursts", latency.bursts,
                 "--latency: bursts of 64 slots (default 100)")
      ->check(CLI::Range(0u, 1'000'000u));
  app.add_flag("--build-only", buildOnly,
               "only build the pipelines (no scenario), print "
               "'pipelines: N built in S s' to standard output");
  app.add_flag("--pipeline-stats", host.pipelineStats,
               "print the driver's statistics of each pipeline built (what "
               "it reports, such as registers or instruction counts) to "
               "standard error as 'stats: ENTRY: EXECUTABLE: NAME=VALUE; "
               "...', where the device has "
               "VK_KHR_pipeline_executable_properties (and the module is "
               "not Vulkan 1.0), else 'stats: none (WHY)'");
  app.add_option("--build-threads", buildThreads,
                 "build at most this many pipelines at once (default: the "
                 "number of cores)")
      ->check(CLI::Range(1u, 4096u));
  try {
    app.parse(argc, argv);
    host.hostMemory = placement == "host";
    if (!list && (manifestPath.empty() || (!buildOnly && scenarioPath.empty())))
      throw CLI::RequiredError(buildOnly ? "module and manifest"
                                         : "module, manifest and scenario");
  } catch (const CLI::ParseError &e) {
    return app.exit(e) == 0 ? 0 : 1;
  }

  if (const char *v = std::getenv("VYRE_RUN_VALIDATE"); v && *v && *v != '0')
    host.validation = true;

  try {
    if (list) {
      host.createInstance(host::Requirements{});
      host.listDevices(llvm::outs());
      return 0;
    }
    std::vector<uint32_t> code = readSpirv(spvPath);
    auto manifestFile = readManifestFile(manifestPath);
    if (!manifestFile)
      throw InputError{llvm::toString(manifestFile.takeError())};
    const llvm::json::Value *manifest = &manifestFile->json;
    const HostLayout *layout = &manifestFile->layout;
    auto requirements = readRequirements(*manifest->getAsObject());
    if (!requirements)
      throw InputError{manifestPath + ": " +
                       llvm::toString(requirements.takeError())};
    // A translation cannot match module_sha256: the module it was
    // translated from must, so the manifest still describes its protocol.
    const std::string &described = originalPath.empty() ? spvPath : originalPath;
    if (std::string sha = sha256Hex(originalPath.empty() ? code
                                                         : readSpirv(originalPath));
        sha != requirements->moduleSha256)
      throw InputError{described + " is not the module " + manifestPath +
                       " describes (its SHA-256 is " + sha +
                       ", the manifest's module_sha256 " +
                       requirements->moduleSha256 + ")"};
    std::vector<std::string> entries = entryPoints(*manifest);
    auto report = [&](double seconds) {
      return llvm::formatv("pipelines: {0} built in {1:f3} s\n", entries.size(),
                           seconds)
          .str();
    };
    if (buildOnly) {
      host.createInstance(*requirements);
      host.createDevice(deviceIndex);
      host.createPipelineLayout(code, *layout);
      host.chooseLoop(readSkeleton(*manifest->getAsObject()), nullptr, entries);
      if (!originalPath.empty())
        translatedEntryPoints(code, entries);
      double wall = host.buildPipelines(entries, {}, buildThreads);
      for (size_t i = 0; i < entries.size(); ++i)
        llvm::outs() << llvm::formatv("  {0}: {1:f3} s\n", entries[i],
                                      host.buildSeconds[i]);
      llvm::outs() << report(wall);
      return 0;
    }
    auto scenario = readScenarioFile(scenarioPath, *layout);
    if (!scenario)
      throw InputError{llvm::toString(scenario.takeError())};

    host.createInstance(*requirements);
    host.createDevice(deviceIndex);
    // "publish": "live": the device starts with an empty ring and the host
    // publishes the slots while the kernel runs (Host::publishLive).
    Scenario deviceScenario = *scenario;
    if (int ring = layout->find(BufferRole::Ring);
        (scenario->publishLive || latency.requests) && ring >= 0) {
      host.liveRing = scenario->memory[ring];
      std::fill(deviceScenario.memory[ring].begin(),
                deviceScenario.memory[ring].end(), 0u);
    }
    host.createBuffers(*layout, deviceScenario);
    if (latency.requests)
      host.requireLiveVisible(*layout, "--latency");
    else if (scenario->publishLive)
      host.requireLiveVisible(*layout, "\"publish\": \"live\"");
    auto pipelineStart = std::chrono::steady_clock::now();
    host.createPipelineLayout(code, *layout);
    std::vector<std::pair<uint32_t, uint32_t>> specValues = scenario->specValues;
    std::string fitNote;
    uint32_t workgroups =
        host.fitWorkgroupsToFibers(*layout, *scenario, specValues, fitNote);
    std::string loopNote = host.chooseLoop(readSkeleton(*manifest->getAsObject()),
                                           &*scenario, entries);
    if (!originalPath.empty()) {
      std::vector<std::string> chosen = entries;
      translatedEntryPoints(code, entries);
      if (entries != chosen)
        loopNote += ", translated as " + entries[0];
    }
    double buildSeconds = host.buildPipelines(entries, specValues, buildThreads);
    host.bindBuffers(*layout);
    double pipelineMs = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - pipelineStart)
                            .count();
    if (latency.requests) {
      int ring = layout->find(BufferRole::Ring);
      const host::Layout hl = hostLayout(scenario->protocol);
      if (ring < 0 || scenario->publishedSlots == 0)
        throw InputError{scenarioPath + ": --latency needs a ring and a "
                                        "slot to publish"};
      if (hl.slotCount < kBurst || hl.slotCount * uint64_t(hl.slotWords) >
                                       deviceScenario.memory[ring].size())
        throw InputError{scenarioPath + ": --latency needs a ring of at "
                                        "least 64 slots (slot.COUNT, and "
                                        "the bound ring_buffer)"};
      const std::vector<uint32_t> &control =
          scenario->memory[layout->find(BufferRole::Control)];
      if (hl.shutdownWord < control.size() && control[hl.shutdownWord])
        throw InputError{scenarioPath + ": --latency keeps the kernel "
                                        "resident: the scenario must not "
                                        "set SHUTDOWN"};
      std::vector<uint32_t> slot(scenario->memory[ring].begin(),
                                 scenario->memory[ring].begin() + hl.slotWords);
      latency.timeoutMs = scenario->timeoutMs;
      LatencyResult r =
          host.measureLatency(*layout, *scenario, slot, workgroups, latency);
      llvm::outs() << formatLatency(r, latency, host.placementSummary(*layout));
      llvm::outs().flush();
      if (!r.error.empty()) {
        llvm::errs() << "vyre-run: latency: " << r.error << "\n";
        llvm::errs().flush();
        host::requestShutdown(hl, host.controlWords(*layout));
        std::_Exit(3); // the device may still be running: no clean-up
      }
      host.close();
      return 0;
    }
    // lavapipe's compile, out of the timed wait (and of --time's dispatch).
    pipelineMs += host.compileAhead();
    IoLog serviced;
    double bestMs = 0;
    for (unsigned r = 0; r < repeat; ++r) {
      if (r) {
        host.resetBuffers(deviceScenario);
        serviced = IoLog();
        host.livePublished = 0;
        host.liveShutdown = false;
      }
      host.submit(workgroups);
      if (!host.wait(*layout, *scenario, serviced, workgroups)) {
        llvm::errs() << "vyre-run: hang: the kernel did not finish within "
                     << scenario->timeoutMs << " ms (scenario timeout_ms)\n";
        if (scenario->publishLive)
          llvm::errs() << "vyre-run: " << host.livePublished << " of "
                       << scenario->publishedSlots
                       << " slots published live, "
                       << host.liveDoneCount(*layout, *scenario) << " done\n";
        llvm::errs().flush();
        host.requestShutdown(*layout, *scenario);
        std::_Exit(3); // the device may still be running: no clean-up
      }
      if (host.timing) {
        double ms = host.dispatchMilliseconds();
        bestMs = r == 0 ? ms : std::min(bestMs, ms);
      }
    }
    if (host.timing) {
      if (double ms = bestMs)
        llvm::errs() << llvm::format("dispatch: %.3f ms\n", ms);
      else
        llvm::errs() << "dispatch: (the queue has no timestamps)\n";
      if (host.dispatches > 1)
        llvm::errs() << "dispatches: " << host.dispatches
                     << " (the kernel ended before the host's shutdown and "
                        "was dispatched again)\n";
      llvm::errs() << "memory: " << host.placementSummary(*layout) << "\n";
      // Wall time of the shader module and pipeline creation (the
      // driver's compile; with a warm driver cache, its cache lookup).
      llvm::errs() << llvm::format("pipeline: %.3f ms\n", pipelineMs);
      llvm::errs() << report(buildSeconds);
      if (!fitNote.empty())
        llvm::errs() << fitNote << "\n";
      llvm::errs() << loopNote << "\n";
    }
    std::vector<std::vector<uint32_t>> memory = host.readBack();
    // Invocations whose loops the driver ended early (llvmpipe's loop
    // limit) counted themselves: their work may be lost, so the run is a
    // hang, not "ok", and the JSON says so (docs/scenario.md, "lavapipe").
    const int c = layout->find(BufferRole::Control);
    const uint32_t cutShort =
        cutShortCount(*layout, *scenario, memory[c].data(), memory[c].size());
    const char *result = cutShort ? "hang" : "ok";
    llvm::outs() << formatResult(*layout, *scenario, memory, serviced, result);
    if (!dumpPath.empty()) {
      Scenario all = *scenario;
      setDefaultOutput(all, *layout);
      if (llvm::Error err = writeFileAtomically(
              dumpPath, formatResult(*layout, all, memory, serviced, result)))
        throw InputError{llvm::toString(std::move(err))};
    }
    host.close();
    if (cutShort) {
      llvm::errs() << "vyre-run: hang: " << cutShort
                   << " invocation(s) were cut short by the driver (their "
                      "loops ended before the kernel left: llvmpipe's loop "
                      "limit?); the results above are incomplete\n";
      return 3;
    }
    if (host.validationErrors) {
      llvm::errs() << "vyre-run: the validation layer reported "
                   << host.validationErrors << " error(s)\n";
      return 5;
    }
    return 0;
  } catch (const VulkanError &e) {
    llvm::errs() << "vyre-run: " << e.call << ": " << resultName(e.result) << "\n";
    return 2;
  } catch (const InputError &e) {
    llvm::errs() << "vyre-run: " << e.message << "\n";
    return 1;
  } catch (const MissingRequirement &e) {
    llvm::errs() << "vyre-run: " << e.message << "\n";
    return 4;
  }
}
