// lsp-node.mjs: a real LSP client for the lit suite, from the npm packages
// vscode-jsonrpc and vscode-languageserver-protocol (the client library VS
// Code's own LSP client is built on; package-lock.json pins them): it
// frames, encodes and matches every message as editors do.
//
// start(server, capabilities) launches SERVER, runs initialize/initialized
// and returns { conn, uri, open, change, close, diagnostics, print, stop }.
// Scenarios (staleness.mjs, features.mjs) print one line per answer,
// `label: JSON with sorted keys`, for FileCheck.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import rpc from "vscode-jsonrpc/node";
import lsp from "vscode-languageserver-protocol/node";

/// JSON with sorted keys (deterministic for FileCheck).
export function sorted(value) {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
      : v);
}

export function print(label, value) {
  console.log(`${label}: ${sorted(value)}`);
}

export async function start(server, capabilities = {}) {
  const child = spawn(server, [], { stdio: ["pipe", "pipe", "inherit"] });
  const conn = rpc.createMessageConnection(
    new rpc.StreamMessageReader(child.stdout),
    new rpc.StreamMessageWriter(child.stdin));
  // Every publishDiagnostics, by URI, in the order received; waiters are
  // woken by the next one for their URI.
  const published = new Map();
  const waiters = [];
  conn.onNotification(lsp.PublishDiagnosticsNotification.type, (params) => {
    if (!published.has(params.uri)) published.set(params.uri, []);
    published.get(params.uri).push(params);
    for (const w of waiters.splice(0))
      if (w.uri === params.uri) w.resolve(params); else waiters.push(w);
  });
  const registrations = [];
  conn.onRequest(lsp.RegistrationRequest.type, (params) => {
    registrations.push(...params.registrations);
    return null;
  });
  conn.listen();
  const init = await conn.sendRequest(lsp.InitializeRequest.type, {
    processId: process.pid, rootUri: null, capabilities });
  await conn.sendNotification(lsp.InitializedNotification.type, {});
  const versions = new Map();
  const api = {
    conn, init, registrations, published,
    uri: (path) => pathToFileURL(path).href,
    /// The next diagnostics published for URI.
    diagnostics: (uri) => new Promise((resolve) => waiters.push({ uri, resolve })),
    async open(uri, text) {
      versions.set(uri, 1);
      const next = api.diagnostics(uri);
      await conn.sendNotification(lsp.DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: "vyre", version: 1, text } });
      return next;
    },
    openFile: (path) => api.open(api.uri(path), readFileSync(path, "utf8")),
    /// Sends one didChange (contentChanges: full text strings or ranged
    /// {range, text} edits); does not wait.
    change(uri, ...changes) {
      const version = versions.get(uri) + 1;
      versions.set(uri, version);
      return conn.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: changes.map((c) => typeof c === "string" ? { text: c } : c) });
    },
    close: (uri) => conn.sendNotification(lsp.DidCloseTextDocumentNotification.type,
                                          { textDocument: { uri } }),
    async stop() {
      print("shutdown", await conn.sendRequest(lsp.ShutdownRequest.type));
      await conn.sendNotification(lsp.ExitNotification.type);
      const code = await new Promise((resolve) => child.on("exit", resolve));
      print("exit", code);
      conn.dispose();
    },
  };
  return api;
}

/// A range on one line, from 1-based LINE:COL as an editor shows them.
export function at(line, col) {
  return { line: line - 1, character: col - 1 };
}
