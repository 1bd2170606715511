// vsce packages only this folder: copy the grammar and the language
// configuration from editors/textmate, their one home, before it does
// (npm run vscode:prepublish).
const fs = require("fs");
const path = require("path");

const textmate = path.join(__dirname, "..", "textmate");
fs.mkdirSync(path.join(__dirname, "syntaxes"), { recursive: true });
fs.copyFileSync(path.join(textmate, "vyre.tmLanguage.json"),
                path.join(__dirname, "syntaxes", "vyre.tmLanguage.json"));
fs.copyFileSync(path.join(textmate, "language-configuration.json"),
                path.join(__dirname, "language-configuration.json"));
