/**
 * A small in-memory stand-in for the `vscode` module, enough to run the extension glue in Node's test runner: it
 * records what the extension shows (messages, panels, decorations, status bar) and lets a test play the user
 * (select text, answer a quick pick, press Cancel). Real VS Code behaviour is covered by the end-to-end tests.
 */
import Module from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as l10nRuntime from '@vscode/l10n';

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
export class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
  get isEmpty(): boolean {
    return this.start.line === this.end.line && this.start.character === this.end.character;
  }
}
export class Selection extends Range {
  constructor(
    readonly anchor: Position,
    readonly active: Position,
  ) {
    super(anchor, active);
  }
}
export class ThemeColor {
  constructor(readonly id: string) {}
}
export class MarkdownString {
  isTrusted: boolean | { enabledCommands: readonly string[] } | undefined;
  constructor(public value = '') {}
  appendText(text: string): this {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!<>&]/g, (c) => `\\${c}`);
    return this;
  }
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
}
export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, join(base.fsPath, ...parts));
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}
export class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  event = (listener: (e: T) => void) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    this.listeners.forEach((l) => l(e));
  }
  dispose(): void {
    this.listeners = [];
  }
}
export class Hover {
  constructor(
    readonly contents: MarkdownString,
    readonly range?: Range,
  ) {}
}
export class CodeLens {
  constructor(
    readonly range: Range,
    readonly command?: { title: string; command: string; tooltip?: string; arguments?: unknown[] },
  ) {}
}
export enum OverviewRulerLane {
  Left = 1,
  Center = 2,
  Right = 4,
  Full = 7,
}
export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}
export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}
export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
}

/** A text document over a string, with VS Code's offset ↔ position mapping. */
export class StubDocument {
  version = 1;
  isDirty = false;
  constructor(
    readonly uri: Uri,
    private text: string,
  ) {}
  getText(range?: Range): string {
    return range ? this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end)) : this.text;
  }
  offsetAt(p: Position): number {
    const lines = this.text.split('\n');
    let offset = 0;
    for (let i = 0; i < p.line; i++) offset += lines[i].length + 1;
    return offset + p.character;
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, offset).split('\n');
    return new Position(before.length - 1, before[before.length - 1].length);
  }
  get lineCount(): number {
    return this.text.split('\n').length;
  }
  lineAt(line: number): { text: string; range: Range } {
    const text = this.text.split('\n')[line];
    return { text, range: new Range(new Position(line, 0), new Position(line, text.length)) };
  }
  edit(text: string): void {
    this.text = text;
    this.version++;
    changeDocument.fire({ document: this, contentChanges: [{ text }] });
  }
}

export class StubEditor {
  readonly decorations = new Map<
    object,
    { range: Range; hoverMessage?: MarkdownString; renderOptions?: { after?: { contentText?: string } } }[]
  >();
  constructor(
    readonly document: StubDocument,
    public selection: Selection,
  ) {}
  setDecorations(
    type: object,
    ranges: { range: Range; hoverMessage?: MarkdownString; renderOptions?: { after?: { contentText?: string } } }[],
  ): void {
    this.decorations.set(type, ranges);
  }
  /** Every decorated range with its hover, in document order. */
  decorated(): { text: string; hover: string; type: object }[] {
    const all = [...this.decorations].flatMap(([type, ranges]) =>
      ranges.filter((r) => r.hoverMessage).map((r) => ({ ...r, type })),
    );
    all.sort((a, b) => this.document.offsetAt(a.range.start) - this.document.offsetAt(b.range.start));
    // Hovers as a reader sees them: Markdown escapes removed.
    return all.map((r) => ({
      text: this.document.getText(r.range),
      hover: r.hoverMessage!.value.replace(/\\(.)/g, '$1'),
      type: r.type,
    }));
  }
}

export class StubWebviewPanel {
  readonly posted: unknown[] = [];
  disposed = false;
  private readonly receive = new EventEmitter<unknown>();
  private readonly disposeEmitter = new EventEmitter<void>();
  iconPath: unknown;
  readonly webview = {
    html: '',
    options: {} as { localResourceRoots?: Uri[]; enableScripts?: boolean },
    cspSource: 'vscode-webview://stub',
    asWebviewUri: (uri: Uri) => ({ toString: () => `vscode-webview://stub${uri.fsPath}` }),
    postMessage: async (m: unknown) => (this.posted.push(m), true),
    onDidReceiveMessage: this.receive.event,
  };
  readonly onDidDispose = this.disposeEmitter.event;
  constructor(
    readonly viewType: string,
    readonly createOptions: unknown,
  ) {}
  /** Plays the webview sending a message. */
  send(message: unknown): void {
    this.receive.fire(message);
  }
  reveal(): void {}
  dispose(): void {
    this.disposed = true;
    this.disposeEmitter.fire();
  }
}

const changeDocument = new EventEmitter<unknown>();
const visibleEditors = new EventEmitter<unknown>();
const changeConfiguration = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();
const changeActiveEditor = new EventEmitter<unknown>();

/** What the extension did, and how the stub user answers. */
export const stub = {
  messages: [] as { level: 'info' | 'warning' | 'error'; text: string; items: string[] }[],
  /** How the stub user answers a notification (an item's title), when a test says; else it is closed unanswered. */
  answer: undefined as undefined | ((text: string, items: string[]) => string | undefined),
  /** Times the log (output channel) was shown. */
  logShown: 0,
  panels: [] as StubWebviewPanel[],
  statusBarText: '',
  /** The status bar item's tooltip as a reader sees it (Markdown escapes removed). */
  statusBarTooltip: '',
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  serializers: new Map<string, { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }>(),
  configuration: {} as Record<string, unknown>,
  workspaceState: new Map<string, unknown>(),
  trusted: true,
  /** Called with the cancellation emitter of each progress notification, so a test can press Cancel. */
  onProgress: undefined as undefined | ((cancel: () => void) => void),
  quickPick: undefined as undefined | ((items: { label: string; value?: unknown }[]) => unknown),
  /** A test's answer to a second quick pick (e.g. which ONNX file), when its quickPick delegates to it. */
  onnxPick: undefined as undefined | ((items: { label: string; value?: unknown }[]) => unknown),
  /** The titles of the quick picks shown, in order. */
  quickPickTitles: [] as string[],
  /** The hover and CodeLens providers registered (a test calls them as the editor would). */
  hoverProviders: [] as { provideHover(document: unknown, position: Position): Promise<Hover | undefined> }[],
  codeLensProviders: [] as { provideCodeLenses(document: unknown): CodeLens[] }[],
  /** Plays VS Code showing these editors (fires onDidChangeVisibleTextEditors). */
  showEditors(editors: StubEditor[]): void {
    window.visibleTextEditors = editors;
    visibleEditors.fire(editors);
  },
  inputBox: undefined as undefined | (() => string | undefined),
  openDialog: undefined as undefined | (() => Uri[] | undefined),
  logLines: [] as string[],
  /** Plays the user bringing `editor` to the front (undefined: no text editor active). */
  setActiveEditor(editor: StubEditor | undefined): void {
    window.activeTextEditor = editor;
    window.visibleTextEditors = editor ? [editor] : [];
    changeActiveEditor.fire(editor);
  },
  /** Plays the user changing setting `key` (e.g. "model"): stub.configuration[key] = value, then VS Code's event. */
  setConfiguration(key: string, value: unknown): void {
    this.configuration[key] = value;
    const full = `polarityLens.${key}`;
    changeConfiguration.fire({ affectsConfiguration: (s) => full === s || full.startsWith(`${s}.`) });
  },
  reset(): void {
    this.messages.length = 0;
    this.answer = undefined;
    this.logShown = 0;
    this.panels.length = 0;
    this.statusBarText = '';
    this.statusBarTooltip = '';
    this.commands.clear();
    this.serializers.clear();
    this.configuration = {};
    this.workspaceState.clear();
    this.trusted = true;
    this.onProgress = undefined;
    this.quickPick = undefined;
    this.onnxPick = undefined;
    this.quickPickTitles.length = 0;
    this.hoverProviders.length = 0;
    this.codeLensProviders.length = 0;
    this.inputBox = undefined;
    this.openDialog = undefined;
    this.logLines.length = 0;
    window.activeTextEditor = undefined;
    window.visibleTextEditors = [];
    workspace.workspaceFolders = undefined;
  },
};

const disposable = { dispose() {} };
const log = (level: string) => (m: string) => stub.logLines.push(`${level} ${m}`);
const message =
  (level: 'info' | 'warning' | 'error') =>
  async (text: string, ...rest: unknown[]): Promise<string | undefined> => {
    const items = rest.filter((r): r is string => typeof r === 'string');
    stub.messages.push({ level, text, items });
    return stub.answer?.(text, items);
  };

export const window = {
  activeTextEditor: undefined as StubEditor | undefined,
  activeNotebookEditor: undefined,
  visibleTextEditors: [] as StubEditor[],
  showInformationMessage: message('info'),
  showWarningMessage: message('warning'),
  showErrorMessage: message('error'),
  createOutputChannel: () => ({
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    show: () => void stub.logShown++,
    dispose() {},
  }),
  createTextEditorDecorationType: (options: unknown) => ({ options, dispose() {} }),
  createStatusBarItem: () => ({
    set text(t: string) {
      stub.statusBarText = t;
    },
    get text() {
      return stub.statusBarText;
    },
    set tooltip(t: MarkdownString) {
      stub.statusBarTooltip = t.value.replace(/\\(.)/g, '$1');
    },
    command: '',
    accessibilityInformation: undefined as unknown,
    name: '',
    show() {},
    dispose() {},
  }),
  createWebviewPanel: (viewType: string, _title: string, _column: unknown, options: unknown) => {
    const panel = new StubWebviewPanel(viewType, options);
    stub.panels.push(panel);
    return panel;
  },
  registerWebviewPanelSerializer: (
    viewType: string,
    serializer: { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> },
  ) => {
    stub.serializers.set(viewType, serializer);
    return disposable;
  },
  withProgress: async <T>(
    _options: unknown,
    task: (progress: { report(v: unknown): void }, token: unknown) => Promise<T>,
  ): Promise<T> => {
    const cancel = new EventEmitter<void>();
    const token = { isCancellationRequested: false, onCancellationRequested: cancel.event };
    stub.onProgress?.(() => {
      token.isCancellationRequested = true;
      cancel.fire();
    });
    return task({ report() {} }, token);
  },
  showQuickPick: async (items: { label: string; value?: unknown }[], options?: { title?: string }) => {
    stub.quickPickTitles.push(options?.title ?? '');
    return stub.quickPick?.(items);
  },
  showInputBox: async () => stub.inputBox?.(),
  showOpenDialog: async () => stub.openDialog?.(),
  showSaveDialog: async () => undefined,
  onDidChangeVisibleTextEditors: visibleEditors.event,
  onDidChangeActiveTextEditor: changeActiveEditor.event,
};

/** A workspace folder on disk. */
export const folder = (path: string, index = 0) => ({ uri: Uri.file(path), name: path.split(/[\\/]/).pop()!, index });
type Folder = ReturnType<typeof folder>;

export const workspace = {
  getConfiguration: () => ({ get: (key: string) => stub.configuration[key] }),
  /** Set by a test (multi-root: several). */
  workspaceFolders: undefined as Folder[] | undefined,
  getWorkspaceFolder: (uri: Uri): Folder | undefined =>
    workspace.workspaceFolders?.find((f) => uri.fsPath.startsWith(f.uri.fsPath + sep)),
  get isTrusted() {
    return stub.trusted;
  },
  get textDocuments() {
    return window.visibleTextEditors.map((e) => e.document);
  },
  asRelativePath: (path: string) => path,
  onDidChangeTextDocument: changeDocument.event,
  onDidChangeConfiguration: changeConfiguration.event,
  onDidGrantWorkspaceTrust: () => disposable,
  fs: {
    writeFile: async (uri: Uri, data: Uint8Array) => writeFileSync(uri.fsPath, data),
    readFile: async (uri: Uri) => readFileSync(uri.fsPath),
  },
};

export const languages = {
  registerHoverProvider: (_selector: unknown, provider: (typeof stub.hoverProviders)[number]) => {
    stub.hoverProviders.push(provider);
    return { dispose: () => stub.hoverProviders.splice(stub.hoverProviders.indexOf(provider) >>> 0, 1) };
  },
  registerCodeLensProvider: (_selector: unknown, provider: (typeof stub.codeLensProviders)[number]) => {
    stub.codeLensProviders.push(provider);
    return { dispose: () => stub.codeLensProviders.splice(stub.codeLensProviders.indexOf(provider) >>> 0, 1) };
  },
};

export const commands = {
  registerCommand: (id: string, f: (...args: unknown[]) => unknown) => {
    stub.commands.set(id, f);
    return disposable;
  },
  executeCommand: async (id: string, ...args: unknown[]) => stub.commands.get(id)?.(...args),
};

/** Strings as VS Code's English l10n.t gives them: the message with its {0}/{name} placeholders filled. */
export const l10n = { t: l10nRuntime.t, bundle: undefined, uri: undefined };
export const env = { language: 'en' };

/** A Memento over stub.workspaceState. */
export const memento = {
  get: <T>(key: string) => stub.workspaceState.get(key) as T | undefined,
  // As VS Code's: undefined removes the key.
  update: async (key: string, value: unknown) =>
    void (value === undefined ? stub.workspaceState.delete(key) : stub.workspaceState.set(key, value)),
  keys: () => [...stub.workspaceState.keys()],
};

/** Makes `require('vscode')` return this module (call before loading extension code). */
export function installVscodeStub(): void {
  const resolve = (Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string })
    ._resolveFilename;
  (Module as unknown as { _resolveFilename: unknown })._resolveFilename = function (
    request: string,
    ...rest: unknown[]
  ) {
    return request === 'vscode' ? __filename : resolve.call(this, request, ...rest);
  };
}
