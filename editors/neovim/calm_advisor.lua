-- calm-advisor language server for Neovim 0.9+ (docs/editors.md).
--
-- Copy this file to ~/.config/nvim/lua/calm_advisor.lua and, in init.lua:
--
--   require('calm_advisor').setup({
--     -- every key is optional; these are examples, not the defaults
--     cmd = { '/path/to/calm-advisor', 'lsp' },
--     settings = { minSeverity = 'medium', disable = { 'OPS-02' }, calmFiles = { 'architecture/**/*.json' } },
--   })
--
-- Neovim 0.11+ registers it with vim.lsp.config() and vim.lsp.enable(); 0.9 and 0.10 start it
-- with vim.lsp.start() from a FileType autocommand. Either way it attaches to json and jsonc
-- buffers, and the server answers only for documents that are CALM.

local M = {}

--- The server's settings and their defaults (the `calmAdvisor` section).
M.default_settings = {
  minSeverity = 'info', -- least severe finding shown: info | low | medium | high | critical
  review = true, -- review findings besides validation
  config = '', -- rule-config file, relative to the workspace folder
  baseline = '', -- baseline / suppressions file, relative to the workspace folder
  disable = {}, -- rule ids or codes switched off
  calmFiles = {}, -- globs treated as CALM without a `$schema`
  debounceMs = 10,
}

--- The workspace folder is the nearest directory up from the file holding one of these.
M.root_markers = { '.calm-advisor.json', 'calm-advisor.json', '.git' }

-- client.request is a method from Neovim 0.11 on, a plain function field before.
local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function execute(command, arguments, ctx, on_result)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if not client then
    return
  end
  request(client, 'workspace/executeCommand', { command = command, arguments = arguments }, function(err, result)
    if err then
      vim.notify(('calm-advisor: %s failed: %s'):format(command, err.message or vim.inspect(err)), vim.log.levels.ERROR)
    elseif on_result then
      on_result(result)
    end
  end, ctx.bufnr)
end

-- Shows an explanation in a read-only Markdown buffer in a split to the right.
local function show_markdown(markdown, subject)
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(markdown, '\n', { plain = true }))
  pcall(vim.api.nvim_buf_set_name, buf, ('calm-advisor://explain/%s'):format(subject))
  vim.bo[buf].filetype = 'markdown'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].modifiable = false
  vim.cmd('rightbelow vsplit')
  vim.api.nvim_win_set_buf(0, buf)
  vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = buf, nowait = true, desc = 'Close the explanation' })
end

-- Client-side handlers for the server's commands (code actions run them). The client tells the
-- server it has them (clientFeatures), so the server leaves this UI to it.
M.commands = {
  -- arguments: { uri, findingIdOrRuleId } -> a Markdown string
  ['calm-advisor.explain'] = function(command, ctx)
    local args = command.arguments or {}
    execute(command.command, args, ctx, function(result)
      if type(result) == 'string' then
        show_markdown(result, tostring(args[2] or 'explanation'))
      end
    end)
  end,
  -- arguments: { uri, findingId, justification? }; the server applies the edit itself
  ['calm-advisor.suppress'] = function(command, ctx)
    local args = command.arguments or {}
    local given = args[3]
    if type(given) == 'string' and vim.trim(given) ~= '' then
      execute(command.command, { args[1], args[2], given }, ctx)
      return
    end
    vim.ui.input({ prompt = ('Justification for suppressing %s: '):format(tostring(args[2])) }, function(input)
      if input == nil or vim.trim(input) == '' then
        vim.notify('calm-advisor: no justification given, nothing suppressed', vim.log.levels.INFO)
        return
      end
      execute(command.command, { args[1], args[2], vim.trim(input) }, ctx)
    end)
  end,
}

--- The client configuration (a vim.lsp.Config for 0.11+, also fine for vim.lsp.start()).
--- opts: { cmd?: string[], settings?: table, root_markers?: string[] }
function M.config(opts)
  opts = opts or {}
  local settings = vim.tbl_extend('force', M.default_settings, opts.settings or {})
  return {
    name = 'calm_advisor',
    cmd = opts.cmd or { 'calm-advisor', 'lsp' },
    filetypes = { 'json', 'jsonc' },
    root_markers = opts.root_markers or M.root_markers,
    -- answered to workspace/configuration (section `calmAdvisor`) and sent in didChangeConfiguration
    settings = { calmAdvisor = settings },
    init_options = {
      settings = settings,
      clientFeatures = { 'explain-view', 'justification-prompt' },
    },
    commands = M.commands,
  }
end

local function find_root(bufnr, markers)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = vim.fs.dirname(name)
  local found = vim.fs.find(markers, { upward = true, path = dir })[1]
  return found and vim.fs.dirname(found) or dir
end

function M.setup(opts)
  local config = M.config(opts)
  if vim.fn.has('nvim-0.11') == 1 then
    vim.lsp.config('calm_advisor', config)
    vim.lsp.enable('calm_advisor')
    return
  end
  -- Neovim 0.9 / 0.10: what nvim-lspconfig used to do, by hand.
  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('calm_advisor', { clear = true }),
    pattern = config.filetypes,
    callback = function(event)
      if vim.bo[event.buf].buftype ~= '' or vim.api.nvim_buf_get_name(event.buf) == '' then
        return -- only files on disk
      end
      local start = vim.deepcopy(config)
      start.filetypes, start.root_markers = nil, nil
      start.commands = M.commands -- the functions themselves, not copies
      start.root_dir = find_root(event.buf, config.root_markers)
      vim.lsp.start(start, { bufnr = event.buf })
    end,
  })
end

return M
