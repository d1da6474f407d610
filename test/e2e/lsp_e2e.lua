-- Headless Neovim as a real LSP client of pinwise-language-server (adapted from the shared e2e recipe).
-- Env: LSP_CMD          JSON array, e.g. ["node","dist/server.js","--stdio"]
--      LSP_FILE         file to open;  LSP_OUT: where to write the JSON report (default stdout)
--      LSP_EXPECT_CODE  diagnostic code (rule id) to wait for and act on
--      LSP_ACTION       title of the code action to apply (default: the preferred one, else the first)
--      LSP_TIMEOUT_MS   per wait (default 10000)
local cmd = os.getenv('LSP_CMD')
local file = os.getenv('LSP_FILE')
local expect_code = os.getenv('LSP_EXPECT_CODE')
local wanted_title = os.getenv('LSP_ACTION')
local timeout = tonumber(os.getenv('LSP_TIMEOUT_MS') or '10000')
local v = vim.version()
local report = { nvim = v.major .. '.' .. v.minor .. '.' .. v.patch }

local function finish(ok, err)
  report.ok = ok
  report.error = err
  local json = vim.fn.json_encode(report)
  local out = os.getenv('LSP_OUT')
  if out then
    local f = io.open(out, 'w'); f:write(json, '\n'); f:close()
  else
    io.stdout:write(json, '\n')
  end
  vim.cmd(ok and 'qall!' or 'cquit! 1')
end

local function find_code(diagnostics, code)
  for _, d in ipairs(diagnostics or {}) do
    if code == nil or d.code == code then return d end
  end
  return nil
end

local ok_all, perr = pcall(function()
  assert(cmd and file, 'LSP_CMD and LSP_FILE must be set')
  cmd = vim.fn.json_decode(cmd)
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  local latest = nil
  local publish_count = 0
  local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
  local t0 = vim.loop.hrtime()
  local client_id = vim.lsp.start_client({
    name = 'pinwise',
    cmd = cmd,
    root_dir = vim.fn.fnamemodify(file, ':p:h'),
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        if result and result.uri == uri then
          latest = result.diagnostics
          publish_count = publish_count + 1
        end
        return default_handler(err, result, ctx, config)
      end,
    },
  })
  assert(client_id, 'start_client failed')
  vim.lsp.buf_attach_client(bufnr, client_id)
  local client = vim.lsp.get_client_by_id(client_id)

  -- 1. diagnostics arrive, including the expected rule
  assert(vim.wait(timeout, function() return find_code(latest, expect_code) ~= nil end, 10),
    'no ' .. tostring(expect_code) .. ' diagnostic within the timeout')
  report.first_diagnostics_ms = math.floor((vim.loop.hrtime() - t0) / 1e6)
  report.server = client.server_info or (client.initialize_result and client.initialize_result.serverInfo)
  report.diagnostics = latest
  report.nvim_diagnostics = vim.tbl_map(function(d)
    return { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message, source = d.source }
  end, vim.diagnostic.get(bufnr))

  -- 2. code actions for that diagnostic
  local target = find_code(latest, expect_code)
  local resp = client.request_sync('textDocument/codeAction', {
    textDocument = { uri = uri }, range = target.range, context = { diagnostics = { target } },
  }, timeout, bufnr)
  assert(resp and not resp.err, 'codeAction failed: ' .. vim.inspect(resp))
  local actions = resp.result or {}
  report.code_actions = vim.tbl_map(function(a) return { title = a.title, kind = a.kind, isPreferred = a.isPreferred } end, actions)
  local action = nil
  for _, a in ipairs(actions) do
    if wanted_title and a.title == wanted_title then action = a end
  end
  if not action and not wanted_title then
    for _, a in ipairs(actions) do if a.isPreferred then action = a break end end
    action = action or actions[1]
  end
  assert(action, 'no code action titled ' .. tostring(wanted_title))

  -- 3. apply it (a workspace edit and/or a command)
  local before = publish_count
  if action.edit then vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16') end
  local command = type(action.command) == 'table' and action.command or nil
  if command then
    local r = client.request_sync('workspace/executeCommand', { command = command.command, arguments = command.arguments }, timeout, bufnr)
    assert(r and not r.err, 'executeCommand failed: ' .. vim.inspect(r))
  end
  report.applied = action.title
  report.buffer_after = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)

  -- 4. the server re-publishes for the edited buffer
  assert(vim.wait(timeout, function() return publish_count > before end, 10), 'no diagnostics after applying the fix')
  report.diagnostics_after_fix = latest
  vim.cmd('silent write')
  client.stop()
end)
finish(ok_all, (not ok_all) and tostring(perr) or nil)
