// The VS Code side of `calm-advisor lsp`: starts the server over stdio for JSON and JSONC
// documents, hands it the `calmAdvisor` settings, and gives two server commands their UI:
// `calm-advisor.explain` opens the returned Markdown beside the editor, and
// `calm-advisor.suppress` asks for the justification before the server edits the file.
// Everything else (which JSON is CALM, diagnostics, code actions) is the server's business.

import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

/** The settings section, read by the server through workspace/configuration. */
const SECTION = 'calmAdvisor';
/** Features this client implements, so the server leaves that UI to it. */
const CLIENT_FEATURES = ['explain-view', 'justification-prompt'];
const EXPLAIN_COMMAND = 'calm-advisor.explain';
const SUPPRESS_COMMAND = 'calm-advisor.suppress';
const RESTART_COMMAND = 'calmAdvisor.restartServer';
/** Read-only documents holding the explanations, shown as Markdown. */
const EXPLAIN_SCHEME = 'calm-advisor-explain';

/** The `calmAdvisor` settings the server reads (the extension's own `server`/`trace` left out). */
interface ServerSettings {
  minSeverity: string;
  review: boolean;
  config: string;
  baseline: string;
  disable: string[];
  calmFiles: string[];
  debounceMs: number;
}

function serverSettings(scope?: vscode.ConfigurationScope): ServerSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    minSeverity: c.get<string>('minSeverity', 'info'),
    review: c.get<boolean>('review', true),
    config: c.get<string>('config', ''),
    baseline: c.get<string>('baseline', ''),
    disable: c.get<string[]>('disable', []),
    calmFiles: c.get<string[]>('calmFiles', []),
    debounceMs: c.get<number>('debounceMs', 10),
  };
}

/**
 * `calmAdvisor.server.path`: a bare name is looked up on PATH by the OS, `~/` is the home
 * folder, and a relative path with a directory part is taken from the first workspace folder.
 */
function serverCommand(): string {
  const configured =
    vscode.workspace.getConfiguration(SECTION).get<string>('server.path', '').trim() ||
    'calm-advisor';
  const expanded = configured.startsWith('~/')
    ? path.join(os.homedir(), configured.slice(2))
    : configured;
  if (path.isAbsolute(expanded) || !/[\\/]/.test(expanded)) {
    return expanded;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.resolve(folder.uri.fsPath, expanded) : expanded;
}

/** Holds the Markdown of each explanation opened in this session. */
class ExplanationDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Stores `markdown` under a URI named after the finding or rule and returns that URI. */
  put(subject: string, markdown: string): vscode.Uri {
    const name = subject.replace(/[^\w.@-]+/g, '_') || 'explanation';
    const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${name}.md` });
    this.texts.set(uri.toString(), markdown);
    this.changed.fire(uri);
    return uri;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

async function showExplanation(explanations: ExplanationDocuments, subject: string, markdown: string) {
  const uri = explanations.put(subject, markdown);
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch {
    // Markdown preview unavailable (built-in extension disabled): show the source instead.
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.Beside,
      preview: true,
      preserveFocus: true,
    });
  }
}

/** The explanation text in a `calm-advisor.explain` result (a Markdown string). */
function markdownOf(result: unknown): string | undefined {
  if (typeof result === 'string') {
    return result;
  }
  if (result !== null && typeof result === 'object' && 'value' in result) {
    const value = (result as { value: unknown }).value;
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

async function askJustification(findingId: unknown): Promise<string | undefined> {
  const answer = await vscode.window.showInputBox({
    title: `CALM Advisor: suppress ${String(findingId)}`,
    prompt: 'Why is this finding accepted? The justification is recorded with the suppression.',
    placeHolder: 'e.g. accepted: nightly batch, a one-hour outage is tolerated (owner: payments)',
    ignoreFocusOut: true,
    validateInput: (value) =>
      value.trim() === '' ? 'A justification is required (Esc cancels).' : undefined,
  });
  return answer === undefined ? undefined : answer.trim();
}

function createClient(
  outputChannel: vscode.LogOutputChannel,
  explanations: ExplanationDocuments,
): LanguageClient {
  // No `transport`: with TransportKind.stdio the client would append `--stdio` to the args.
  const serverOptions: ServerOptions = { command: serverCommand(), args: ['lsp'] };

  // Declared before the options so the configuration middleware can send through it.
  let languageClient: LanguageClient | undefined;

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'jsonc' },
      { scheme: 'untitled', language: 'json' },
      { scheme: 'untitled', language: 'jsonc' },
    ],
    diagnosticCollectionName: 'calm-advisor',
    outputChannel,
    // Evaluated at each (re)start, so it always carries the current settings.
    initializationOptions: () => ({
      settings: serverSettings(vscode.workspace.workspaceFolders?.[0]?.uri),
      clientFeatures: CLIENT_FEATURES,
    }),
    synchronize: { configurationSection: SECTION },
    middleware: {
      workspace: {
        // Answer `calmAdvisor` with the server's settings only, scoped to the asked resource.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return params.items.map((item, index) =>
            item.section === SECTION
              ? serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
              : answers[index],
          );
        },
        // Push the same shape, `{ settings: { calmAdvisor: {...} } }`, when settings change.
        didChangeConfiguration: async () => {
          await languageClient?.sendNotification(DidChangeConfigurationNotification.type, {
            settings: { [SECTION]: serverSettings(vscode.workspace.workspaceFolders?.[0]?.uri) },
          });
        },
      },
      // vscode-languageclient registers the server's commands; these two get their UI here.
      executeCommand: async (command, args, next) => {
        if (command === EXPLAIN_COMMAND) {
          const result = await next(command, args);
          const markdown = markdownOf(result);
          if (markdown !== undefined) {
            await showExplanation(explanations, String(args[1] ?? 'explanation'), markdown);
          }
          return result;
        }
        if (command === SUPPRESS_COMMAND) {
          const given = args[2];
          if (typeof given === 'string' && given.trim() !== '') {
            return next(command, args);
          }
          const justification = await askJustification(args[1]);
          if (justification === undefined) {
            return undefined; // cancelled: nothing is suppressed
          }
          return next(command, [args[0], args[1], justification]);
        }
        return next(command, args);
      },
    },
  };

  languageClient = new LanguageClient(SECTION, 'CALM Advisor', serverOptions, clientOptions);
  return languageClient;
}

let client: LanguageClient | undefined;
/** Serializes starts and restarts. */
let pending: Promise<void> = Promise.resolve();

async function startClient(
  outputChannel: vscode.LogOutputChannel,
  explanations: ExplanationDocuments,
): Promise<void> {
  const previous = client;
  client = undefined;
  if (previous) {
    await previous.dispose().catch((error: unknown) => {
      outputChannel.warn(`Stopping the previous server failed: ${String(error)}`);
    });
  }
  const next = createClient(outputChannel, explanations);
  client = next;
  try {
    await next.start();
  } catch (error) {
    const command = serverCommand();
    const message = error instanceof Error ? error.message : String(error);
    outputChannel.error(`Could not start "${command} lsp": ${message}`);
    const openSettings = 'Open Settings';
    // Not awaited: a notification left open must not hold up later restarts.
    void vscode.window
      .showErrorMessage(
        `CALM Advisor: could not start "${command} lsp" (${message}). ` +
          'Put calm-advisor on PATH or set calmAdvisor.server.path.',
        openSettings,
      )
      .then((choice) =>
        choice === openSettings
          ? vscode.commands.executeCommand('workbench.action.openSettings', 'calmAdvisor.server.path')
          : undefined,
      );
  }
}

export function activate(context: vscode.ExtensionContext): void {
  const outputChannel = vscode.window.createOutputChannel('CALM Advisor', { log: true });
  const explanations = new ExplanationDocuments();
  const restart = () => {
    pending = pending.then(() => startClient(outputChannel, explanations));
    return pending;
  };

  context.subscriptions.push(
    outputChannel,
    explanations,
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, explanations),
    vscode.commands.registerCommand(RESTART_COMMAND, restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.server.path`)) {
        void restart();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      // A workspace-level server.path only applies once the workspace is trusted.
      void restart();
    }),
  );
  void restart();
}

export async function deactivate(): Promise<void> {
  const current = client;
  client = undefined;
  await current?.dispose();
}
