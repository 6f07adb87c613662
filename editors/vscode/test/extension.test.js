// Checks out/extension.js against stand-ins for the `vscode` API and vscode-languageclient:
// what it starts, the settings it hands the server, and the UI it gives the explain and
// suppress commands. No VS Code needed: `npm run compile && npm test`.
'use strict';

const assert = require('node:assert/strict');
const Module = require('node:module');
const path = require('node:path');
const { test, beforeEach } = require('node:test');

// ---- stand-ins -------------------------------------------------------------------------

const state = {};

function reset() {
  state.settings = {
    'calmAdvisor.minSeverity': 'high',
    'calmAdvisor.review': false,
    'calmAdvisor.disable': ['OPS-02'],
    'calmAdvisor.server.path': 'calm-advisor',
  };
  state.clients = [];
  state.commands = new Map();
  state.executed = [];
  state.inputBoxAnswer = undefined;
  state.inputBoxCalls = 0;
  state.errors = [];
  state.configListeners = [];
  state.contentProvider = undefined;
  state.startFails = false;
}

const disposable = { dispose() {} };

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener) => {
      this.listeners.push(listener);
      return disposable;
    };
  }
  fire(value) {
    for (const listener of this.listeners) listener(value);
  }
  dispose() {}
}

const uri = (scheme, p) => ({ scheme, path: p, fsPath: p, toString: () => `${scheme}:${p}` });

const vscode = {
  EventEmitter,
  ViewColumn: { Beside: -2 },
  Uri: {
    from: ({ scheme, path: p }) => uri(scheme, p),
    parse: (text) => uri(text.split(':')[0], text.slice(text.indexOf(':') + 1)),
  },
  workspace: {
    workspaceFolders: [{ uri: uri('file', '/ws') }],
    getConfiguration: (section) => ({
      get: (key, fallback) => {
        const value = state.settings[`${section}.${key}`];
        return value === undefined ? fallback : value;
      },
    }),
    onDidChangeConfiguration: (listener) => {
      state.configListeners.push(listener);
      return disposable;
    },
    onDidGrantWorkspaceTrust: () => disposable,
    registerTextDocumentContentProvider: (scheme, provider) => {
      state.contentProvider = { scheme, provider };
      return disposable;
    },
    openTextDocument: async (u) => ({ uri: u }),
  },
  window: {
    createOutputChannel: () => ({ info() {}, warn() {}, error() {}, dispose() {} }),
    showInputBox: async (options) => {
      state.inputBoxCalls += 1;
      state.inputBoxOptions = options;
      return state.inputBoxAnswer;
    },
    showErrorMessage: async (message) => {
      state.errors.push(message);
      return undefined;
    },
    showTextDocument: async () => undefined,
  },
  commands: {
    registerCommand: (name, callback) => {
      state.commands.set(name, callback);
      return disposable;
    },
    executeCommand: async (name, ...args) => {
      state.executed.push({ name, args });
    },
  },
};

class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions });
    this.notifications = [];
    this.disposed = false;
    state.clients.push(this);
  }
  async start() {
    if (state.startFails) throw new Error('spawn calm-advisor ENOENT');
  }
  async dispose() {
    this.disposed = true;
  }
  async sendNotification(type, params) {
    this.notifications.push({ type, params });
  }
}

const languageclient = {
  LanguageClient,
  DidChangeConfigurationNotification: { type: 'workspace/didChangeConfiguration' },
};

const stubs = { vscode, 'vscode-languageclient/node': languageclient };
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request in stubs ? request : resolve.call(this, request, ...rest);
};
for (const [name, exports] of Object.entries(stubs)) {
  require.cache[name] = { id: name, filename: name, loaded: true, exports };
}

const extension = require(path.join(__dirname, '..', 'out', 'extension.js'));

// ---- helpers ----------------------------------------------------------------------------

const settle = () => new Promise((done) => setTimeout(done, 0));

async function activate() {
  extension.activate({ subscriptions: [] });
  await settle();
  return state.clients.at(-1);
}

// ---- tests ------------------------------------------------------------------------------

beforeEach(async () => {
  await extension.deactivate();
  reset();
});

test('starts `<server.path> lsp` over stdio for json and jsonc', async () => {
  const client = await activate();
  assert.equal(client.id, 'calmAdvisor');
  assert.deepEqual(client.serverOptions, { command: 'calm-advisor', args: ['lsp'] });
  const selector = client.clientOptions.documentSelector;
  for (const scheme of ['file', 'untitled']) {
    for (const language of ['json', 'jsonc']) {
      assert.ok(selector.some((s) => s.scheme === scheme && s.language === language));
    }
  }
});

test('a relative server.path is taken from the first workspace folder', async () => {
  state.settings['calmAdvisor.server.path'] = './target/release/calm-advisor';
  const client = await activate();
  assert.equal(client.serverOptions.command, '/ws/target/release/calm-advisor');
});

test('initializationOptions carry the settings (not server/trace) and the client features', async () => {
  const client = await activate();
  assert.deepEqual(client.clientOptions.initializationOptions(), {
    settings: {
      minSeverity: 'high',
      review: false,
      config: '',
      baseline: '',
      disable: ['OPS-02'],
      calmFiles: [],
      debounceMs: 10,
    },
    clientFeatures: ['explain-view', 'justification-prompt'],
  });
});

test('workspace/configuration answers calmAdvisor with the server settings', async () => {
  const client = await activate();
  const params = { items: [{ section: 'calmAdvisor', scopeUri: 'file:/ws/a.json' }, { section: 'other' }] };
  const answers = await client.clientOptions.middleware.workspace.configuration(
    params,
    undefined,
    () => [{ server: { path: 'x' }, minSeverity: 'high' }, 42],
  );
  assert.equal(answers[0].minSeverity, 'high');
  assert.equal(answers[0].server, undefined);
  assert.equal(answers[1], 42);
});

test('didChangeConfiguration sends { settings: { calmAdvisor } }', async () => {
  const client = await activate();
  await client.clientOptions.middleware.workspace.didChangeConfiguration(['calmAdvisor'], () => {
    throw new Error('the default payload must not be sent');
  });
  assert.equal(client.notifications.length, 1);
  assert.equal(client.notifications[0].params.settings.calmAdvisor.minSeverity, 'high');
});

test('suppress asks for a justification and forwards it as the third argument', async () => {
  const client = await activate();
  state.inputBoxAnswer = '  accepted: batch job  ';
  const forwarded = [];
  const next = async (command, args) => {
    forwarded.push({ command, args });
    return null;
  };
  await client.clientOptions.middleware.executeCommand(
    'calm-advisor.suppress',
    ['file:///ws/a.json', 'spof-node@db'],
    next,
  );
  assert.equal(state.inputBoxCalls, 1);
  assert.match(state.inputBoxOptions.title, /spof-node@db/);
  assert.equal(state.inputBoxOptions.validateInput('   '), 'A justification is required (Esc cancels).');
  assert.deepEqual(forwarded, [
    { command: 'calm-advisor.suppress', args: ['file:///ws/a.json', 'spof-node@db', 'accepted: batch job'] },
  ]);
});

test('suppress cancelled in the prompt does not run', async () => {
  const client = await activate();
  state.inputBoxAnswer = undefined;
  let ran = false;
  const result = await client.clientOptions.middleware.executeCommand(
    'calm-advisor.suppress',
    ['file:///ws/a.json', 'spof-node@db'],
    async () => {
      ran = true;
    },
  );
  assert.equal(ran, false);
  assert.equal(result, undefined);
});

test('suppress with a justification given does not prompt', async () => {
  const client = await activate();
  const forwarded = [];
  await client.clientOptions.middleware.executeCommand(
    'calm-advisor.suppress',
    ['file:///ws/a.json', 'spof-node@db', 'already said'],
    async (command, args) => forwarded.push(args),
  );
  assert.equal(state.inputBoxCalls, 0);
  assert.deepEqual(forwarded, [['file:///ws/a.json', 'spof-node@db', 'already said']]);
});

test('explain opens the returned Markdown in a preview beside', async () => {
  const client = await activate();
  const result = await client.clientOptions.middleware.executeCommand(
    'calm-advisor.explain',
    ['file:///ws/a.json', 'spof-node@db'],
    async () => '# Single point of failure\n',
  );
  assert.equal(result, '# Single point of failure\n');
  const preview = state.executed.find((e) => e.name === 'markdown.showPreviewToSide');
  assert.ok(preview, 'the markdown preview is opened');
  const shown = preview.args[0];
  assert.equal(shown.scheme, state.contentProvider.scheme);
  assert.equal(shown.path, '/spof-node@db.md');
  assert.equal(state.contentProvider.provider.provideTextDocumentContent(shown), '# Single point of failure\n');
});

test('other server commands pass through untouched', async () => {
  const client = await activate();
  const result = await client.clientOptions.middleware.executeCommand('calm-advisor.other', [1], async (c, a) => [c, a]);
  assert.deepEqual(result, ['calm-advisor.other', [1]]);
});

test('restartServer disposes the running client and starts a new one', async () => {
  const first = await activate();
  await state.commands.get('calmAdvisor.restartServer')();
  assert.equal(first.disposed, true);
  assert.equal(state.clients.length, 2);
});

test('changing server.path restarts the server', async () => {
  const first = await activate();
  state.settings['calmAdvisor.server.path'] = '/opt/calm-advisor';
  for (const listener of state.configListeners) {
    listener({ affectsConfiguration: (key) => key === 'calmAdvisor.server.path' });
  }
  await settle();
  await settle();
  assert.equal(first.disposed, true);
  assert.equal(state.clients.at(-1).serverOptions.command, '/opt/calm-advisor');
});

test('a server that cannot start is reported with the path setting to fix', async () => {
  state.startFails = true;
  await activate();
  await settle();
  assert.equal(state.errors.length, 1);
  assert.match(state.errors[0], /calmAdvisor\.server\.path/);
  assert.match(state.errors[0], /ENOENT/);
});
