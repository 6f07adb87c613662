-- Neovim (0.7 or later, headless) as the client of `calm-advisor lsp`.
-- Run by crates/calm-advisor/tests/lsp_neovim.rs:
--   nvim --headless --clean -u NONE -i NONE -n -c "luafile neovim_test.lua"
-- with the environment:
--   CALM_ADVISOR_BIN  the server binary
--   CALM_NVIM_FILE    a copy of the Day 13 tutorial file (opened, never saved)
--   CALM_NVIM_OUT     where the buffer is written after the quick fix
-- Opens the file with the server attached, waits for the gateway finding in
-- vim.diagnostic.get(), checks its line, asks for the code actions of that diagnostic, applies
-- the "Fix:" one with vim.lsp.util.apply_workspace_edit, waits for the updated diagnostics and
-- writes the buffer to CALM_NVIM_OUT (the Rust test compares it with `calm-advisor fix`).
-- Exits 0 on success, 1 (cquit) on any failure; progress goes to stderr.
-- Only APIs present from 0.7 to 0.11 are used (vim.lsp.start_client, buf_attach_client).

local GATEWAY = "single-ingress-path@api-gateway"
local TIMEOUT = 60000

local function say(msg)
  io.stderr:write("[nvim] " .. msg .. "\n")
end

local function env(name)
  local v = os.getenv(name)
  if v == nil or v == "" then
    error(name .. " is not set")
  end
  return v
end

-- The finding id a diagnostic carries (its LSP `data`, kept in user_data.lsp by every version).
local function finding_of(d)
  local lsp = d.user_data and d.user_data.lsp
  local data = lsp and lsp.data
  return type(data) == "table" and data.finding or nil
end

local function find_diag(diags, id)
  for _, d in ipairs(diags) do
    if finding_of(d) == id then
      return d
    end
  end
  return nil
end

-- The 0-based line of the first buffer line containing `needle` (plain text).
local function line_of(bufnr, needle)
  local found = nil
  for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if l:find(needle, 1, true) then
      assert(found == nil, needle .. " occurs more than once")
      found = i - 1
    end
  end
  assert(found ~= nil, needle .. " not found")
  return found
end

-- A byte column on a buffer line in the client's position units.
local function to_units(bufnr, lnum, col, encoding)
  if encoding == "utf-8" then
    return col
  end
  local line = vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1] or ""
  local utf32, utf16 = vim.str_utfindex(line, math.min(col, #line))
  return encoding == "utf-32" and utf32 or utf16
end

-- The LSP diagnostic a vim.diagnostic item came from (what vim.lsp.buf.code_action sends).
local function to_lsp(bufnr, d, encoding)
  local lsp = (d.user_data and d.user_data.lsp) or {}
  return {
    range = {
      start = { line = d.lnum, character = to_units(bufnr, d.lnum, d.col, encoding) },
      ["end"] = { line = d.end_lnum, character = to_units(bufnr, d.end_lnum, d.end_col, encoding) },
    },
    severity = d.severity,
    message = d.message,
    source = d.source,
    code = d.code or lsp.code,
    data = lsp.data,
  }
end

local function main()
  local bin = env("CALM_ADVISOR_BIN")
  local file = env("CALM_NVIM_FILE")
  local out = env("CALM_NVIM_OUT")
  say("nvim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. "." .. tostring(vim.version().patch))

  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "calm-advisor",
    cmd = { bin, "lsp" },
    root_dir = vim.fn.fnamemodify(file, ":p:h"),
    on_exit = function(code, signal)
      if code ~= 0 then
        io.stderr:write(string.format("[nvim] server exited with code %d, signal %d\n", code, signal))
      end
    end,
  })
  assert(client_id, "vim.lsp.start_client failed")
  assert(vim.lsp.buf_attach_client(bufnr, client_id), "buf_attach_client failed")
  local client = vim.lsp.get_client_by_id(client_id)
  vim.wait(TIMEOUT, function()
    return client.initialized == true or client.is_stopped()
  end, 20)
  assert(client.initialized == true and not client.is_stopped(), "the server did not initialize")
  local encoding = client.offset_encoding or "utf-16"
  say("attached; position encoding " .. encoding)

  -- Diagnostics: the gateway finding (a critical finding: Warning) on its unique-id's line,
  -- and the validation warnings about the control requirements that cannot be read offline.
  local gateway = nil
  local ok = vim.wait(TIMEOUT, function()
    gateway = find_diag(vim.diagnostic.get(bufnr), GATEWAY)
    return gateway ~= nil
  end, 50)
  assert(ok, "no diagnostic for " .. GATEWAY .. " within " .. TIMEOUT .. " ms")
  local diags = vim.diagnostic.get(bufnr)
  say(string.format("%d diagnostics; the gateway finding on line %d", #diags, gateway.lnum))
  local id_line = line_of(bufnr, '"unique-id": "api-gateway"')
  assert(gateway.lnum == id_line, string.format("gateway finding on line %d, its id on %d", gateway.lnum, id_line))
  assert(gateway.end_lnum == id_line, "the gateway finding spans lines")
  assert(gateway.severity == vim.diagnostic.severity.WARN, "gateway severity " .. tostring(gateway.severity))
  assert(gateway.source == "calm-advisor review", tostring(gateway.source))
  assert(gateway.code == "single-ingress-path" or gateway.user_data.lsp.code == "single-ingress-path")
  local text = vim.api.nvim_buf_get_lines(bufnr, gateway.lnum, gateway.lnum + 1, false)[1]
  local underlined = text:sub(gateway.col + 1, gateway.end_col):gsub('"', "")
  assert(underlined == "api-gateway", "underlined: " .. underlined)
  local validation = 0
  for _, d in ipairs(diags) do
    if d.source == "calm-advisor validate" then
      validation = validation + 1
    end
  end
  assert(validation > 0, "no validation diagnostics")
  say(string.format("%d validation diagnostics", validation))

  -- Code actions for the gateway diagnostic, as vim.lsp.buf.code_action asks for them.
  local lsp_diag = to_lsp(bufnr, gateway, encoding)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag } },
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, TIMEOUT)
  assert(responses, "codeAction: " .. tostring(err))
  local response = responses[client_id]
  assert(response and not response.error, "codeAction failed: " .. vim.inspect(response))
  local fix, titles = nil, {}
  for _, a in ipairs(response.result or {}) do
    table.insert(titles, a.title)
    local about = a.diagnostics and a.diagnostics[1] and a.diagnostics[1].data
    if fix == nil and a.edit and a.title:sub(1, 4) == "Fix:" and about and about.finding == GATEWAY then
      fix = a
    end
  end
  assert(fix, "no Fix: action for the gateway finding among: " .. vim.inspect(titles))
  say("applying: " .. fix.title)
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  vim.lsp.util.apply_workspace_edit(fix.edit, encoding)
  assert(vim.api.nvim_buf_get_changedtick(bufnr) > tick, "the edit changed nothing")

  -- The server re-analyses the edited buffer: the gateway finding goes away.
  ok = vim.wait(TIMEOUT, function()
    local now = vim.diagnostic.get(bufnr)
    return #now > 0 and find_diag(now, GATEWAY) == nil
  end, 50)
  assert(ok, "the gateway finding is still there after the fix")
  say(string.format("%d diagnostics after the fix, none for the gateway", #vim.diagnostic.get(bufnr)))

  -- The buffer as Neovim writes it (lines joined with newlines, the final one kept).
  vim.cmd("silent write! " .. vim.fn.fnameescape(out))
  say("wrote " .. out)

  vim.lsp.stop_client(client_id)
  vim.wait(10000, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 50)
end

local ok, err = xpcall(main, debug.traceback)
if ok then
  say("ok")
  vim.cmd("qall!")
else
  say("FAILED: " .. tostring(err))
  vim.cmd("cquit 1")
end
