//===- SemanticTokens.cpp - textDocument/semanticTokens/full -------------===//
#include "SemanticTokens.h"

#include "Document.h"

#include <algorithm>

using namespace vyre;
using namespace vyre::lsp;
namespace json = llvm::json;

json::Object vyre::lsp::semanticTokensLegend() {
  return json::Object{
      {"tokenTypes",
       json::Array{"function", "variable", "parameter", "namespace", "enumMember"}},
      {"tokenModifiers", json::Array{"declaration", "readonly"}}};
}

json::Array Document::semanticTokens() const {
  struct Token {
    const char *begin;
    size_t length;
    TokenType type;
    unsigned modifiers;
  };
  std::vector<Token> tokens;
  if (!docBuffer)
    return {};
  llvm::StringRef text = sm.getMemoryBuffer(docBuffer)->getBuffer();
  for (const Reference &r : refs) {
    if (r.begin < text.begin() || r.begin >= text.end())
      continue; // in an imported file
    unsigned declared = r.isDeclaration ? unsigned(Declaration) : 0u;
    switch (r.kind) {
    case Reference::Kind::Handler:
      tokens.push_back({r.begin, r.length, TokenType::Function, declared});
      break;
    case Reference::Kind::Const:
      tokens.push_back({r.begin, r.length, TokenType::Variable, declared | Readonly});
      break;
    case Reference::Kind::Local:
    case Reference::Kind::Buffer:
      tokens.push_back({r.begin, r.length, TokenType::Variable, declared});
      break;
    case Reference::Kind::Input:
      tokens.push_back({r.begin, r.length, TokenType::Parameter, Readonly});
      break;
    case Reference::Kind::Protocol:
    case Reference::Kind::Opcode: {
      // `group.KEY`: the group, then the key (or the handler).
      size_t dot = llvm::StringRef(r.begin, r.length).find('.');
      if (dot == llvm::StringRef::npos)
        break;
      tokens.push_back({r.begin, dot, TokenType::Namespace, 0});
      if (r.kind == Reference::Kind::Opcode)
        tokens.push_back({r.begin + dot + 1, r.length - dot - 1, TokenType::Function, 0});
      else
        tokens.push_back({r.begin + dot + 1, r.length - dot - 1, TokenType::EnumMember, Readonly});
      break;
    }
    }
  }
  std::sort(tokens.begin(), tokens.end(),
            [](const Token &a, const Token &b) { return a.begin < b.begin; });
  // Each token relative to the previous one: line delta, start delta (on
  // the same line), length, type, modifiers.
  json::Array data;
  unsigned prevLine = 0, prevStart = 0;
  const char *prevEnd = nullptr;
  for (const Token &t : tokens) {
    if (prevEnd && t.begin < prevEnd)
      continue; // overlaps the previous one
    llvm::SMLoc at = llvm::SMLoc::getFromPointer(t.begin);
    Position from = positionOf(at), to = positionOf(at, t.length);
    unsigned line = from.line, start = from.character;
    unsigned length = to.character - from.character; // names span one line
    data.push_back(line - prevLine);
    data.push_back(line == prevLine ? start - prevStart : start);
    data.push_back(length);
    data.push_back(static_cast<unsigned>(t.type));
    data.push_back(t.modifiers);
    prevLine = line;
    prevStart = start;
    prevEnd = t.begin + t.length;
  }
  return data;
}
