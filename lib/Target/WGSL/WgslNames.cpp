//===- WgslNames.cpp - valid, unique WGSL identifiers --------------------===//
#include "WgslNames.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <array>

using namespace vyre;
using namespace vyre::wgsl;

namespace {

// WGSL's keywords and reserved words (WGSL spec, "Keyword and Token
// Summary", "Reserved Words"), the predeclared types, address spaces and
// access modes (a declaration would shadow them in the renderer's own
// declarations), and the built-in functions. Sorted, for binary search.
// (A plain array: clang 14 cannot deduce std::array's size from this many.)
constexpr const char *kReserved[] = {
    "NULL", "Self", "abs", "abstract", "acos", "acosh", "active", "alias",
    "alignas", "alignof", "all", "any", "array", "arrayLength", "as", "asin",
    "asinh", "asm", "asm_fragment", "async", "atan", "atan2", "atanh",
    "atomic", "atomicAdd", "atomicAnd", "atomicCompareExchangeWeak",
    "atomicExchange", "atomicLoad", "atomicMax", "atomicMin", "atomicOr",
    "atomicStore", "atomicSub", "atomicXor", "attribute", "auto", "await",
    "become", "binding_array", "bitcast", "bool", "break", "case", "cast",
    "catch", "ceil", "clamp", "class", "co_await", "co_return", "co_yield",
    "coherent", "column_major", "common", "compile", "compile_fragment",
    "concept", "const", "const_assert", "const_cast", "consteval",
    "constexpr", "constinit", "continue", "continuing", "cos", "cosh",
    "countLeadingZeros", "countOneBits", "countTrailingZeros", "crate",
    "cross", "debugger", "decltype", "default", "degrees", "delete",
    "demote", "demote_to_helper", "determinant", "diagnostic", "discard",
    "distance", "do", "dot", "dot4I8Packed", "dot4U8Packed", "dpdx",
    "dpdxCoarse", "dpdxFine", "dpdy", "dpdyCoarse", "dpdyFine", "dynamic_cast",
    "else", "enable", "enum", "exp", "exp2", "explicit", "export", "extends",
    "extern", "external", "extractBits", "f16", "f32", "faceForward",
    "fallthrough", "false", "filter", "final", "finally", "firstLeadingBit",
    "firstTrailingBit", "floor", "fma", "fn", "for", "fract", "frexp",
    "friend", "from", "function", "fwidth", "fwidthCoarse", "fwidthFine",
    "fxgroup", "get", "goto", "groupshared", "handle", "highp", "i32", "if",
    "impl", "implements", "import", "inline", "insertBits", "instanceof",
    "interface", "inverseSqrt", "layout", "ldexp", "length", "let", "log",
    "log2", "loop", "lowp", "macro", "macro_rules", "match", "max", "mediump",
    "meta", "min", "mix", "mod", "modf", "module", "move", "mut", "mutable",
    "namespace", "new", "nil", "noexcept", "noinline", "nointerpolation",
    "noperspective", "normalize", "null", "nullptr", "of", "operator",
    "override", "pack2x16float", "pack2x16snorm", "pack2x16unorm",
    "pack4x8snorm", "pack4x8unorm", "pack4xI8", "pack4xI8Clamp", "pack4xU8",
    "pack4xU8Clamp", "package", "packoffset", "partition", "pass", "patch",
    "pixelfragment", "pow", "precise", "precision", "premerge", "priv",
    "private", "protected", "ptr", "pub", "public", "quadBroadcast",
    "quadSwapDiagonal", "quadSwapX", "quadSwapY", "quantizeToF16", "radians",
    "read", "read_write", "readonly", "ref", "reflect", "refract",
    "regardless", "register", "reinterpret_cast", "require", "requires",
    "resource", "restrict", "return", "reverseBits", "round", "sampler",
    "sampler_comparison", "saturate", "select", "self", "set", "shared",
    "sign", "sin", "sinh", "sizeof", "smooth", "smoothstep", "snorm", "sqrt",
    "static", "static_assert", "static_cast", "std", "step", "storage",
    "storageBarrier", "struct", "subgroupAdd", "subgroupAll", "subgroupAnd",
    "subgroupAny", "subgroupBallot", "subgroupBroadcast",
    "subgroupBroadcastFirst", "subgroupElect", "subgroupExclusiveAdd",
    "subgroupExclusiveMul", "subgroupInclusiveAdd", "subgroupInclusiveMul",
    "subgroupMax", "subgroupMin", "subgroupMul", "subgroupOr",
    "subgroupShuffle", "subgroupShuffleDown", "subgroupShuffleUp",
    "subgroupShuffleXor", "subgroupXor", "subroutine", "super", "switch",
    "tan", "tanh", "target", "template", "textureBarrier", "textureDimensions",
    "textureGather", "textureGatherCompare", "textureLoad", "textureNumLayers",
    "textureNumLevels", "textureNumSamples", "textureSample",
    "textureSampleBaseClampToEdge", "textureSampleBias",
    "textureSampleCompare", "textureSampleCompareLevel", "textureSampleGrad",
    "textureSampleLevel", "textureStore", "this", "thread_local", "throw",
    "trait", "transpose", "true", "trunc", "try", "type", "typedef", "typeid",
    "typename", "typeof", "u32", "uniform", "union", "unless", "unorm",
    "unpack2x16float", "unpack2x16snorm", "unpack2x16unorm", "unpack4x8snorm",
    "unpack4x8unorm", "unpack4xI8", "unpack4xU8", "unsafe", "unsized", "use",
    "using", "var", "varying", "virtual", "volatile", "wgsl", "where", "while",
    "with", "workgroup", "workgroupBarrier", "workgroupUniformLoad", "write",
    "writeonly", "yield",
};

/// vec2..vec4, mat2x2..mat4x4, texture_*, and their suffixed aliases
/// (vec3u, mat2x2f, ...): predeclared type generators.
bool isPredeclaredTypeFamily(llvm::StringRef s) {
  if (s.startswith("texture_"))
    return true;
  auto dim = [](char c) { return c >= '2' && c <= '4'; };
  auto suffix = [](llvm::StringRef rest, llvm::StringRef allowed) {
    return rest.empty() || (rest.size() == 1 && allowed.contains(rest[0]));
  };
  if (s.size() >= 4 && s.startswith("vec") && dim(s[3]))
    return suffix(s.drop_front(4), "iufh");
  if (s.size() >= 6 && s.startswith("mat") && dim(s[3]) && s[4] == 'x' &&
      dim(s[5]))
    return suffix(s.drop_front(6), "fh");
  return false;
}

} // namespace

bool wgsl::isReservedWord(llvm::StringRef s) {
  static_assert(std::size(kReserved) > 1);
  return std::binary_search(
             std::begin(kReserved), std::end(kReserved), s,
             [](llvm::StringRef a, llvm::StringRef b) { return a < b; }) ||
         isPredeclaredTypeFamily(s);
}

std::string wgsl::identifierChars(llvm::StringRef s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    out += llvm::isAlnum(c) || c == '_' ? c : '_';
  return out;
}

std::string WgslNames::unique(llvm::StringRef wanted) {
  std::string base = identifierChars(wanted);
  if (base.empty() || llvm::isDigit(base[0]) || base[0] == '_')
    base.insert(base.begin(), 'v');
  if (isReservedWord(base))
    base += '_';
  std::string name = base;
  for (unsigned n = 2; !used.insert(name).second; ++n)
    name = base + "_" + std::to_string(n);
  return name;
}
