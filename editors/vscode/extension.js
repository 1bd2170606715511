// The vyre extension: starts vyre-lsp (setting vyre.server.path) for .vyre
// files through vscode-languageclient; colouring, brackets and comments
// come from package.json's contributions.
const { workspace } = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = workspace.getConfiguration("vyre").get("server.path") || "vyre-lsp";
  client = new LanguageClient(
    "vyre-lsp", "vyre-lsp",
    { command },
    {
      documentSelector: [
        { scheme: "file", language: "vyre" },
        { scheme: "untitled", language: "vyre" },
      ],
    });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client && client.stop();
}

module.exports = { activate, deactivate };
