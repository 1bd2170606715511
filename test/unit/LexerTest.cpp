#include "TestSupport.h"
#include "vyre/Parse/Lexer.h"

#include <doctest/doctest.h>

#include <vector>

using namespace vyre;

static std::vector<Token> lexAll(test::Harness &h) {
  Lexer lex(h.sm.getMemoryBuffer(h.buffer)->getBuffer(), h.diags);
  std::vector<Token> toks;
  for (Token t = lex.next();; t = lex.next()) {
    toks.push_back(t);
    if (t.is(Tok::Eof))
      break;
  }
  return toks;
}

TEST_CASE("integer literals: decimal, hex, separators") {
  test::Harness h("0 42 1_000_000 0xFFFF_FFFF 0x8000_0001 4294967295");
  auto t = lexAll(h);
  REQUIRE(t.size() == 7);
  CHECK(t[0].intValue == 0);
  CHECK(t[1].intValue == 42);
  CHECK(t[2].intValue == 1000000);
  CHECK(t[3].intValue == 0xFFFFFFFFu);
  CHECK(t[3].hex);
  CHECK(t[4].intValue == 0x80000001u);
  CHECK(t[5].intValue == 4294967295u);
  CHECK_FALSE(t[5].hex);
  CHECK_FALSE(h.diags.hasErrors());
}

TEST_CASE("a literal over 2^32-1 is an error, not a wrap") {
  test::Harness h("4294967296 0x1_0000_0000");
  auto t = lexAll(h);
  CHECK(t[0].is(Tok::Error));
  CHECK(t[1].is(Tok::Error));
  CHECK(h.diags.errorCount() == 2);
  CHECK(h.diagText().find("does not fit in u32") != std::string::npos);
}

TEST_CASE("operators lex greedily") {
  test::Harness h("<< <= < >> >= > == = != ! && & || | .. .");
  auto t = lexAll(h);
  std::vector<Tok> want = {Tok::Shl, Tok::Le, Tok::Lt, Tok::Shr, Tok::Ge,
                           Tok::Gt, Tok::EqEq, Tok::Assign, Tok::NotEq,
                           Tok::Bang, Tok::AmpAmp, Tok::Amp, Tok::PipePipe,
                           Tok::Pipe, Tok::DotDot, Tok::Dot, Tok::Eof};
  REQUIRE(t.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i)
    CHECK(t[i].kind == want[i]);
}

TEST_CASE("keywords versus identifiers") {
  test::Harness h("handler handlers let lettuce for in_ break");
  auto t = lexAll(h);
  CHECK(t[0].is(Tok::KwHandler));
  CHECK(t[1].is(Tok::Ident));
  CHECK(t[2].is(Tok::KwLet));
  CHECK(t[3].is(Tok::Ident));
  CHECK(t[4].is(Tok::KwFor));
  CHECK(t[5].is(Tok::Ident));
  CHECK(t[6].is(Tok::KwBreak));
}

TEST_CASE("doc comments attach to the next token; plain comments break them") {
  test::Harness h("/// first\n/// second\nhandler\n/// lost\n// plain\nconst");
  auto t = lexAll(h);
  CHECK(t[0].doc() == "first\nsecond");
  CHECK(t[1].doc().empty());
}

TEST_CASE("a doc comment is rebuilt from the source span it covers") {
  // Blank lines and block comments inside keep the doc; trailing blanks
  // and one leading space go; `////` is a plain comment and restarts it.
  test::Harness h("/// a  \n\n/* x */ ///b\n///  c\nconst\n"
                  "/// lost\n//// plain\n/// kept\nbuffer\n/// end");
  auto t = lexAll(h);
  REQUIRE(t.size() == 3);
  CHECK(t[0].doc() == "a\nb\n c");
  CHECK(t[1].doc() == "kept");
  CHECK(t[2].is(Tok::Eof));
  CHECK(t[2].doc().empty()); // nothing documents the end of the file
}

TEST_CASE("block comments nest; an unterminated one is one error") {
  test::Harness ok("/* a /* b */ c */ x");
  auto t = lexAll(ok);
  CHECK(t[0].is(Tok::Ident));
  CHECK_FALSE(ok.diags.hasErrors());

  test::Harness bad("x /* never closed");
  lexAll(bad);
  CHECK(bad.diags.errorCount() == 1);
  CHECK(bad.diagText().find("unterminated block comment") != std::string::npos);
}

TEST_CASE("a run of binary garbage is one diagnostic") {
  std::string garbage = "\x01\x02\xff\xfe\x80";
  test::Harness h(garbage);
  auto t = lexAll(h);
  CHECK(h.diags.errorCount() == 1);
  CHECK(h.diagText().find("unexpected byte 0x01") != std::string::npos);
}

TEST_CASE("strings: escapes and unterminated") {
  test::Harness h("\"a\\\"b\" \"open");
  auto t = lexAll(h);
  CHECK(t[0].is(Tok::String));
  CHECK(t[0].stringValue() == "a\"b");
  CHECK(t[1].is(Tok::Error));
  CHECK(h.diags.errorCount() == 1);
}
