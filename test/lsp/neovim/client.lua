-- Drives the Seaworthy language server from Neovim's built-in LSP client, headless:
--   nvim --headless --clean -c "luafile client.lua"
-- Env: SW_CMD (JSON array: the server command), SW_PROJECT (folder with Dockerfile and compose.yaml),
-- SW_OUT (JSON written here). Only APIs Neovim 0.7 already has (Debian bookworm ships 0.7.2):
-- vim.lsp.start_client / buf_attach_client / buf_request_sync / util.apply_workspace_edit.
local out_file = os.getenv('SW_OUT') or 'nvim-lsp-result.json'
local project = os.getenv('SW_PROJECT') or '.'
local result = { steps = {} }

local function write_result()
  local f = assert(io.open(out_file, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
end

local function step(name) table.insert(result.steps, name) end

-- Diagnostics as the test compares them: rule id, 0-based range, severity (1 error .. 4 hint).
local function diagnostics_of(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, { code = d.code, lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col, severity = d.severity, message = d.message })
  end
  table.sort(out, function(a, b) if a.lnum ~= b.lnum then return a.lnum < b.lnum end return tostring(a.code) < tostring(b.code) end)
  return out
end

local function has_code(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do if d.code == code then return d end end
  return nil
end

local function open(client_id, file, code)
  vim.cmd('edit ' .. vim.fn.fnameescape(project .. '/' .. file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)
  if not vim.wait(30000, function() return has_code(bufnr, code) ~= nil end, 50) then
    error('no ' .. code .. ' diagnostic on ' .. file .. ' within 30 s (filetype ' .. vim.bo[bufnr].filetype .. ')')
  end
  return bufnr
end

local function run()
  local cmd = vim.fn.json_decode(os.getenv('SW_CMD') or 'null')
  assert(type(cmd) == 'table', 'SW_CMD must be a JSON array')
  local client_id = vim.lsp.start_client({
    name = 'seaworthy',
    cmd = cmd,
    root_dir = project,
    settings = { seaworthy = {} },
  })
  assert(client_id, 'the language server did not start')
  local client = vim.lsp.get_client_by_id(client_id)
  step('started')

  local docker = open(client_id, 'Dockerfile', 'hardcoded-secret')
  result.dockerfile = { filetype = vim.bo[docker].filetype, diagnostics = diagnostics_of(docker) }
  step('dockerfile diagnostics')

  local compose = open(client_id, 'compose.yaml', 'hardcoded-secret')
  result.compose = { filetype = vim.bo[compose].filetype, diagnostics = diagnostics_of(compose) }
  step('compose diagnostics')

  -- Code actions for the secret, as `vim.lsp.buf.code_action()` asks for them at the cursor.
  local secret = has_code(compose, 'hardcoded-secret')
  local lsp_diag = secret.user_data and secret.user_data.lsp or {}
  local range = { start = { line = secret.lnum, character = secret.col }, ['end'] = { line = secret.end_lnum, character = secret.end_col } }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(compose) },
    range = range,
    context = { diagnostics = { {
      range = range, severity = 1, code = secret.code, source = secret.source or 'seaworthy', message = secret.message,
      data = lsp_diag.data,
    } } },
  }
  local responses = vim.lsp.buf_request_sync(compose, 'textDocument/codeAction', params, 15000) or {}
  local chosen
  result.actions = {}
  for _, response in pairs(responses) do
    for _, action in ipairs(response.result or {}) do
      table.insert(result.actions, action.title)
      if not chosen and action.edit and action.isPreferred then chosen = action end
    end
  end
  assert(chosen, 'no preferred quick fix with an edit among ' .. vim.inspect(result.actions))
  result.applied = chosen.title
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  vim.cmd('silent wall')
  step('quick fix applied')

  if not vim.wait(30000, function()
    return has_code(compose, 'hardcoded-secret') == nil and #vim.diagnostic.get(compose) > 0
  end, 50) then
    error('the secret diagnostic is still there after the fix')
  end
  result.after = diagnostics_of(compose)
  step('re-analysed')
  client.stop()
end

local ok, err = pcall(run)
result.ok = ok
if not ok then result.error = tostring(err) end
write_result()
vim.cmd(ok and 'qall!' or 'cquit!')
