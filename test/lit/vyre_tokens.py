"""The reference lexer of the tests: comments, strings, numbers and keywords
of a .vyre text, written from docs/language.md independently of the
compiler's lexer and of the TextMate grammar (format-all.py and
editors/textmate/test_grammar.py use it)."""
import re

CONTROL = {"if", "else", "for", "in", "break"}
STORAGE = {"handler", "const", "buffer", "protocol", "let", "var"}


def reference_tokens(text):
    """(expected scope prefix, start, end) of every comment, string, number
    and keyword, by the language manual's rules."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            doc = text.startswith("///", i) and not text.startswith("////", i)
            out.append(("comment.line.documentation" if doc else "comment.line.double-slash", i, j))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                elif text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                else:
                    j += 1
            out.append(("comment.block", i, j))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"' and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(("string.quoted.double", i, min(j + 1, n)))
            i = j + 1
        elif c.isdigit():
            m = re.compile(r"0[xX][0-9A-Fa-f_]+|[0-9][0-9_]*").match(text, i)
            out.append(("constant.numeric", i, m.end()))
            i = m.end()
        elif c.isalpha() or c == "_":
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(text, i)
            word = m.group()
            if word in CONTROL:
                out.append(("keyword.control", i, m.end()))
            elif word in STORAGE:
                out.append(("storage.type", i, m.end()))
            elif word == "import":
                out.append(("keyword.control.import", i, m.end()))
            elif word in ("true", "false"):
                out.append(("constant.language.boolean", i, m.end()))
            i = m.end()
        else:
            i += 1
    return out



TWO_CHAR_PUNCT = ("..", "==", "!=", "<=", ">=", "<<", ">>", "&&", "||")


def token_boundaries(text):
    """The offsets where a token starts or ends, outside comments and
    strings: where a comment can be inserted without changing the tokens
    (format-property.py)."""
    opaque = {s: e for kind, s, e in reference_tokens(text)
              if kind.startswith(("comment", "string"))}
    out, i, n = set(), 0, len(text)
    while i < n:
        if i in opaque:
            j = opaque[i]
            if text[i] == '"':
                out |= {i, j}
        elif text[i].isspace():
            j = i + 1
        elif text[i].isalnum() or text[i] == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            out |= {i, j}
        else:
            j = i + (2 if text.startswith(TWO_CHAR_PUNCT, i) else 1)
            out |= {i, j}
        i = j
    return sorted(out)
