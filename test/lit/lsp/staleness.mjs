// staleness.mjs SERVER DIR: what a user who keeps vyre-lsp open all day
// needs (issue 24 item 1), through the real client of lsp-node.mjs.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import lsp from "vscode-languageserver-protocol/node";
import { at, print, start } from "./lsp-node.mjs";

const [server, dir] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });
const libPath = join(dir, "lib.vyre"), mainPath = join(dir, "main.vyre");
writeFileSync(libPath, "const LIB = 8;\n");
writeFileSync(mainPath, 'import "lib.vyre";\nconst A = LIB;\n');
const messages = (d) => d.diagnostics.map((x) => x.message);

const c = await start(server, {
  workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
print("sync", c.init.capabilities.textDocumentSync);
const main = c.uri(mainPath), lib = c.uri(libPath);
print("open main", messages(await c.openFile(mainPath)));
await c.openFile(libPath);

// An unsaved edit of the imported file re-checks its importer.
let next = c.diagnostics(main);
let libNext = c.diagnostics(lib);
c.change(lib, { range: { start: at(1, 10), end: at(1, 10) }, text: "_RENAMED" });
print("importer after an edit of lib", messages(await next));
print("lib after its edit", messages(await libNext));

// Closing lib without saving: its diagnostics are cleared, and main reads
// the file on disk again.
next = c.diagnostics(main);
const cleared = c.diagnostics(lib);
c.close(lib);
print("lib after close", await cleared);
print("importer after lib closed", messages(await next));

// The file changes on disk, the client's watcher says so.
print("registrations", c.registrations);
writeFileSync(libPath, "const OTHER = 1;\n");
next = c.diagnostics(main);
await c.conn.sendNotification(lsp.DidChangeWatchedFilesNotification.type,
                              { changes: [{ uri: lib, type: 2 }] });
print("importer after lib changed on disk", messages(await next));

// An unsaved document has no file to read.
const untitled = "untitled:Untitled-1";
print("untitled", messages(await c.open(untitled,
                                        "const X = 1;\n/* \u{1F600} */ const Y = X + Z;\n")));
// A ranged edit counts UTF-16 units: Z is unit 23 of line 2 (the emoji is
// two units, four bytes).
next = c.diagnostics(untitled);
c.change(untitled, { range: { start: at(2, 24), end: at(2, 25) }, text: "X" });
print("untitled after replacing Z", messages(await next));

// 30 quick edits of a 30,000-line file: one compile, of the last text (the
// ranged edits, applied in order, spell an undeclared name of 30 x's).
const big = join(dir, "big.vyre");
const lines = [];
for (let i = 0; i < 30000; ++i) lines.push(`const C${i} = ${i};`);
writeFileSync(big, lines.join("\n") + "\nconst LAST = ;\n");
const bigUri = c.uri(big);
await c.openFile(big);
const before = c.published.get(bigUri).length;
for (let i = 0; i < 30; ++i)
  c.change(bigUri, { range: { start: at(30001, 14 + i), end: at(30001, 14 + i) }, text: "x" });
// A request on the document compiles it at once; a request cancelled
// while it waits is answered RequestCancelled.
const first = c.conn.sendRequest(lsp.HoverRequest.type,
                                 { textDocument: { uri: bigUri }, position: at(30000, 7) });
const source = new lsp.CancellationTokenSource();
const hover = c.conn.sendRequest(lsp.HoverRequest.type,
                                 { textDocument: { uri: bigUri }, position: at(1, 7) },
                                 source.token);
source.cancel();
print("hover", (await first).contents.value);
print("cancelled hover", await hover.then((r) => r, (e) => e.code));
const after = c.published.get(bigUri).slice(before);
print("compiles after 30 edits", after.map((d) => [d.version, messages(d)]));
await c.stop();
