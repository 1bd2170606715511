// features.mjs SERVER INPUTS DIR: references, rename, semantic tokens,
// code actions, signature help, completion, workspace symbols and folding
// ranges (issue 24 item 2), through the real client of lsp-node.mjs, on
// INPUTS/kernel.vyre (which imports INPUTS/lib.vyre) and a file with
// misspelt names written into DIR.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import lsp from "vscode-languageserver-protocol/node";
import { at, print, start } from "./lsp-node.mjs";

const [server, inputsArg, dir] = process.argv.slice(2);
const inputs = resolve(inputsArg);
const c = await start(server);
const kernel = c.uri(join(inputs, "kernel.vyre")), lib = c.uri(join(inputs, "lib.vyre"));
const name = (uri) => uri.slice(uri.lastIndexOf("/") + 1);
/// `file:line:col` (1-based) of each location or edit, sorted.
const where = (locations) => locations.map((l) =>
  `${name(l.uri)}:${l.range.start.line + 1}:${l.range.start.character + 1}-${l.range.end.character + 1}`).sort();
const request = (type, params) => c.conn.sendRequest(type, params);
const doc = (uri) => ({ textDocument: { uri } });

await c.openFile(join(inputs, "kernel.vyre"));
const references = async (uri, line, col, includeDeclaration = true) =>
  where(await request(lsp.ReferencesRequest.type,
                      { ...doc(uri), position: at(line, col), context: { includeDeclaration } }));
print("references BINS", await references(kernel, 4, 7));
print("references BINS without declaration", await references(kernel, 13, 20, false));
print("references LIB_BINS from kernel", await references(kernel, 4, 14));
// From the imported file: its importers that are open use it too.
await c.openFile(join(inputs, "lib.vyre"));
print("references LIB_BINS from lib", await references(lib, 1, 7));
print("references ADD", await references(kernel, 15, 57));
print("references of an input", await request(lsp.ReferencesRequest.type,
      { ...doc(kernel), position: at(13, 13), context: { includeDeclaration: true } }));

const rename = async (line, col, newName) => {
  try {
    const edit = await request(lsp.RenameRequest.type, { ...doc(kernel), position: at(line, col), newName });
    if (!edit) return null;
    return Object.entries(edit.changes).flatMap(([uri, edits]) =>
      where(edits.map((e) => ({ uri, range: e.range }))).map((w) => `${w} ${edits[0].newText}`)).sort();
  } catch (e) {
    return `error ${e.code}: ${e.message}`;
  }
};
print("rename local bin", await rename(14, 20, "which"));
print("rename handler ADD", await rename(12, 9, "SUM"));
print("rename buffer hist", await rename(14, 15, "counts"));
print("rename LIB_BINS", await rename(4, 14, "BASE_BINS"));
print("rename to a non-name", await rename(4, 7, "2x"));
print("rename an input", await rename(13, 13, "x"));

// Semantic tokens, decoded: line:col length type [modifiers].
const legend = c.init.capabilities.semanticTokensProvider.legend;
const { data } = await request(lsp.SemanticTokensRequest.type, doc(kernel));
const tokens = [];
for (let i = 0, line = 0, col = 0; i < data.length; i += 5) {
  line += data[i];
  col = data[i] ? data[i + 1] : col + data[i + 1];
  const mods = legend.tokenModifiers.filter((_, bit) => data[i + 4] & (1 << bit));
  tokens.push(`${line + 1}:${col + 1}+${data[i + 2]} ${legend.tokenTypes[data[i + 3]]}${mods.length ? " " + mods.join(",") : ""}`);
}
print("semantic tokens", tokens);

// Signature help in atomic_add(hist[bin], 1): the first operand, then the
// value (after the comma; the `,` inside hist[...] would not count).
const signature = async (uri, line, col) => {
  const help = await request(lsp.SignatureHelpRequest.type, { ...doc(uri), position: at(line, col) });
  return help && `${help.signatures[0].label} #${help.activeParameter}`;
};
print("signature at hist", await signature(kernel, 14, 14));
print("signature at 1", await signature(kernel, 14, 25));
print("signature outside a call", await signature(kernel, 13, 5));

// Completion in a handler body: locals, inputs, built-ins first.
const completion = await request(lsp.CompletionRequest.type, { ...doc(kernel), position: at(14, 3) });
print("completion in a handler", completion.items.slice(0, 8).map((i) => i.label));

print("workspace symbols bin", where((await request(lsp.WorkspaceSymbolRequest.type, { query: "bin" }))
                                     .map((s) => s.location)));
print("folding", await request(lsp.FoldingRangeRequest.type, doc(kernel)));

// Code actions: the compiler's "did you mean" as a quick fix.
mkdirSync(dir, { recursive: true });
const typos = join(dir, "typos.vyre");
writeFileSync(typos, readFileSync(join(inputs, "kernel.vyre"), "utf8")
  .replace("arg0 % BINS", "arg0 % BIN").replace("slot.COUNT = 128", "slot.COUNTT = 128").replace("control.OBSERVABLE_BASE", "control.OBSERVABLE_BAS")
  .replace('import "lib.vyre"', `import "${join(inputs, "lib.vyre")}"`));
const typosUri = c.uri(typos);
print("typos", (await c.openFile(typos)).diagnostics.map((d) => d.message));
const actions = await request(lsp.CodeActionRequest.type, {
  ...doc(typosUri), range: { start: at(1, 1), end: at(17, 1) }, context: { diagnostics: [] } });
for (const a of actions)
  print("action", [a.title, a.kind, a.isPreferred, a.diagnostics[0].message,
                   ...where(a.edit.changes[typosUri].map((e) => ({ uri: typosUri, range: e.range }))),
                   a.edit.changes[typosUri][0].newText]);
const none = await request(lsp.CodeActionRequest.type, {
  ...doc(typosUri), range: { start: at(4, 1), end: at(4, 5) }, context: { diagnostics: [] } });
print("actions elsewhere", none);
await c.stop();
