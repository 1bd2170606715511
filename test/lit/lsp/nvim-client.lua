-- nvim-client.lua: drives vyre-lsp from Neovim's built-in LSP client
-- (nvim-client.test). Runs after init.lua, which is docs/lsp.md's Neovim
-- snippet as the manual prints it; opens $VYRE_FILE, waits for its
-- diagnostics, asks for a hover and the references of BINS, and writes
-- what Neovim decoded to $VYRE_OUT.
local out = {}
local function say(line) table.insert(out, line) end

vim.cmd("edit " .. vim.fn.fnameescape(vim.env.VYRE_FILE))
say("filetype: " .. vim.bo.filetype)
local attached = vim.wait(10000, function() return #vim.lsp.buf_get_clients(0) > 0 end)
say("attached: " .. tostring(attached))
vim.wait(10000, function() return #vim.diagnostic.get(0) > 0 end)
for _, d in ipairs(vim.diagnostic.get(0)) do
  say(string.format("diagnostic %d:%d %s", d.lnum + 1, d.col + 1, d.message))
end

-- BINS on line 4, as Neovim counts it: the client converts the column.
local line = vim.api.nvim_buf_get_lines(0, 3, 4, false)[1]
local col = line:find("BINS", 1, true) - 1
vim.api.nvim_win_set_cursor(0, { 4, col })
local params = vim.lsp.util.make_position_params()
local hover = vim.lsp.buf_request_sync(0, "textDocument/hover", params, 5000)
for _, r in pairs(hover or {}) do
  say("hover: " .. (r.result and r.result.contents.value or vim.inspect(r.error)):gsub("\n", " "))
end
params.context = { includeDeclaration = true }
local refs = vim.lsp.buf_request_sync(0, "textDocument/references", params, 5000)
for _, r in pairs(refs or {}) do
  for _, loc in ipairs(r.result or {}) do
    say(string.format("reference %d:%d", loc.range.start.line + 1, loc.range.start.character + 1))
  end
end
vim.fn.writefile(out, vim.env.VYRE_OUT)
vim.cmd("qall!")
