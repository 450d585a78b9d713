/**
 * Which model Explain uses: the one picked with "Select Model…" (remembered per workspace), else the
 * `polarityLens.model` setting, else the default shipped model; the choice says which of the three decided, so the
 * status bar can. A setting's relative path resolves against the workspace folder (of the active document in a
 * multi-root workspace), never against the inference process's working directory. In restricted mode (an untrusted
 * workspace) only the shipped models run: a model folder from the workspace is native code input we have not been
 * allowed to trust.
 */
import type * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { homedir } from 'node:os';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import {
  onnxFiles,
  readCardAccuracies,
  readModelFolder,
  resolveModelDir,
  SHIPPED_MODELS,
  type DoctorReport,
} from '../core/views';
import { formatFixed } from './displayNumbers';

export const DEFAULT_MODEL = 'sst2-bilstm-tanh';
const STATE_KEY = 'polarityLens.model';

/** Where the model comes from: Select Model…'s pick for this workspace, the `polarityLens.model` setting, or neither. */
export type ModelSource = 'pick' | 'setting' | 'default';

export interface ModelChoice {
  /** The model's folder (absolute, or a shipped model's). */
  dir: string;
  /** What the user sees: a shipped name or the folder's name. */
  name: string;
  shipped: boolean;
  source: ModelSource;
  /** The setting's value as written, when it is set (whether or not it decides). */
  setting?: string;
  /** A pick decides, and the setting names another model: the pick overrides it. */
  overridesSetting?: boolean;
  /** Why the choice differs from what was asked for (restricted mode, a relative path with no folder to resolve it). */
  warning?: string;
}

/** The `polarityLens.model` setting that applies to a resource, and the workspace folder a relative path means. */
export interface ModelSetting {
  /** '' when unset. */
  value: string;
  /** The workspace folder on disk that relative paths and ${workspaceFolder} resolve against; absent when none. */
  folder?: string;
}

export interface ModelChoiceDeps {
  workspaceState: vscode.Memento;
  /** The `polarityLens.model` setting for `resource` (a dataset file); without one, for the active document. */
  setting(resource?: vscode.Uri): ModelSetting;
  isTrusted(): boolean;
}

function shippedChoice(name: string, source: ModelSource): ModelChoice {
  return { dir: resolveModelDir(name), name, shipped: true, source };
}

/** A shipped name or an absolute folder path → a choice (no checks beyond "is it shipped"). */
export function choiceOf(nameOrPath: string, source: ModelSource): ModelChoice {
  if (SHIPPED_MODELS.some((m) => m.name === nameOrPath)) return shippedChoice(nameOrPath, source);
  const name = nameOrPath.split(/[\\/]/).filter(Boolean).pop() ?? nameOrPath;
  return { dir: nameOrPath, name, shipped: false, source };
}

/**
 * The setting's value → a shipped name or an absolute folder: `~` and ${userHome} are the home folder,
 * ${workspaceFolder} and a relative path the workspace folder. An error when a relative path has no folder to mean.
 */
export function resolveModelSetting(setting: ModelSetting, home = homedir()): { path: string } | { error: string } {
  const { value, folder } = setting;
  if (SHIPPED_MODELS.some((m) => m.name === value)) return { path: value };
  let path = value.replace(/^~(?=$|[\\/])/, home).replace(/^\$\{userHome\}/, home);
  if (/^\$\{workspaceFolder\}/.test(path) || !isAbsolute(path)) {
    if (!folder)
      return {
        error: l10n.t(
          'polarityLens.model is the relative path {0}, and no workspace folder on disk is open to resolve it against: open the folder it is relative to, or give an absolute path.',
          value,
        ),
      };
    path = resolve(folder, path.replace(/^\$\{workspaceFolder\}[\\/]?/, ''));
  }
  return { path: resolve(path) };
}

/** The model picked with Select Model… for this workspace, if any. */
export function pickedModel(deps: ModelChoiceDeps): string | undefined {
  return deps.workspaceState.get<string>(STATE_KEY) || undefined;
}

export function currentModel(deps: ModelChoiceDeps, resource?: vscode.Uri): ModelChoice {
  const picked = pickedModel(deps);
  const setting = deps.setting(resource);
  const resolved = setting.value ? resolveModelSetting(setting) : undefined;
  const written = setting.value ? { setting: setting.value } : {};
  let choice: ModelChoice;
  if (picked) {
    const overrides = resolved !== undefined && ('error' in resolved || resolved.path !== picked);
    choice = { ...choiceOf(picked, 'pick'), ...written, ...(overrides ? { overridesSetting: true } : {}) };
  } else if (resolved && 'error' in resolved) {
    return {
      ...shippedChoice(DEFAULT_MODEL, 'default'),
      ...written,
      warning: l10n.t('{0} Using the shipped {1}.', resolved.error, DEFAULT_MODEL),
    };
  } else
    choice = resolved ? { ...choiceOf(resolved.path, 'setting'), ...written } : shippedChoice(DEFAULT_MODEL, 'default');
  if (!choice.shipped && !deps.isTrusted()) {
    return {
      ...shippedChoice(DEFAULT_MODEL, 'default'),
      ...written,
      warning: l10n.t(
        'Restricted mode: the model folder {0} is not loaded until you trust this workspace; using the shipped {1}.',
        choice.dir,
        DEFAULT_MODEL,
      ),
    };
  }
  return choice;
}

export async function rememberModel(deps: ModelChoiceDeps, nameOrPath: string): Promise<void> {
  await deps.workspaceState.update(STATE_KEY, nameOrPath);
}

/** "Use the setting": forgets this workspace's pick, so `polarityLens.model` (or the default) decides again. */
export async function forgetModel(deps: ModelChoiceDeps): Promise<void> {
  await deps.workspaceState.update(STATE_KEY, undefined);
}

/** Checks a folder the user browsed to; returns an error a person can act on, or undefined when it is usable. */
export function checkModelFolder(dir: string): string | undefined {
  try {
    readModelFolder(dir);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export interface OnnxPickItem extends vscode.QuickPickItem {
  file: string;
  /** The file the folder's model uses now (nothing to write when it is picked). */
  inUse: boolean;
}

/**
 * When a folder holds several ONNX files (an optimum or hub export with model_quantized.onnx, model_fp16.onnx …), the
 * user picks one: the file in use first; any other is written to the folder's polarity-lens.json when picked, so the
 * CLI explains the same file. Undefined when there is nothing to choose.
 */
export function onnxPickItems(dir: string): OnnxPickItem[] | undefined {
  const files = onnxFiles(dir);
  let current: string | undefined;
  try {
    current = relative(dir, readModelFolder(dir).modelPath).split(sep).join('/');
  } catch {
    current = undefined; // only variants, none chosen yet
  }
  if (files.length < 2 && (current !== undefined || files.length === 0)) return undefined;
  const ordered = current ? [current, ...files.filter((f) => f !== current)] : files;
  return ordered.map((file) => ({
    file,
    inUse: file === current,
    label: file,
    description:
      file === current
        ? l10n.t('in use')
        : /quantiz|int8|uint8/i.test(file)
          ? l10n.t('quantized: forward and attention explainers only')
          : /fp16|float16/i.test(file)
            ? l10n.t('half precision')
            : undefined,
    detail:
      file === current
        ? undefined
        : l10n.t(
            'Picking it writes "onnx": "{0}" to polarity-lens.json in this folder, so the CLI explains the same file.',
            file,
          ),
  }));
}

/** What the user is told about a folder picked with Browse…, from the doctor's report: refused, a warning, or fine. */
export function doctorVerdict(report: DoctorReport): { level: 'error' | 'warning' | 'info'; text: string } {
  if (report.status === 'unusable')
    return { level: 'error', text: l10n.t('Polarity Lens cannot use this folder: {0}', report.error ?? '') };
  const failing = report.explainers.filter((e) => !e.runs);
  const operators = report.operators.filter((o) => !o.runs);
  const total = report.explainers.length;
  if (report.status === 'ok')
    return {
      level: 'info',
      text: l10n.t(
        'Polarity Lens: all {0} explainers and every erasure operator run on this model ({1} head, {2} classes).',
        total,
        report.head?.kind ?? '?',
        report.head?.classes.length ?? '?',
      ),
    };
  const what = [
    failing.length
      ? l10n.t('{0} of {1} explainers cannot run ({2})', failing.length, total, failing.map((e) => e.id).join(', '))
      : '',
    operators.length === 1
      ? l10n.t('the {0} operator cannot run', operators[0].name)
      : operators.length
        ? l10n.t('the {0} operators cannot run', operators.map((o) => o.name).join(', '))
        : '',
  ]
    .filter(Boolean)
    .join('; ');
  return { level: 'warning', text: l10n.t('Polarity Lens: this model loads, but {0}. Show Details says why.', what) };
}

export interface ModelPickItem extends vscode.QuickPickItem {
  /** A model folder or shipped name, 'browse' for Browse…, or USE_SETTING. */
  value: string;
}

/** The value of the quick pick's "Use the setting" item. */
export const USE_SETTING = 'use-setting';

/**
 * The quick pick: "Use the setting" while this workspace has a pick (`setting`: the setting's value then), the shipped
 * models (with their dataset and measured accuracy), the current folder, "Browse…".
 */
export function modelPickItems(current: ModelChoice, trusted: boolean, setting?: string): ModelPickItem[] {
  const items: ModelPickItem[] = [];
  if (setting !== undefined)
    items.push({
      label: l10n.t('$(settings-gear) Use the setting ({0})', setting || l10n.t('empty: {0}', DEFAULT_MODEL)),
      detail: l10n.t("Forget this workspace's pick: the polarityLens.model setting chooses the model again."),
      value: USE_SETTING,
    });
  for (const m of SHIPPED_MODELS) {
    const test = readCardAccuracies(resolveModelDir(m.name)).find((a) => a.split === 'test');
    const description = [
      m.dataset.toUpperCase(),
      ...(test ? [l10n.t('test accuracy {0}', formatFixed(test.accuracy, 3))] : []),
      ...(current.shipped && current.name === m.name ? [l10n.t('current')] : []),
    ];
    items.push({
      label: m.name,
      description: description.join(' · '),
      detail: l10n.t('Shipped with Polarity Lens'),
      value: m.name,
    });
  }
  if (!current.shipped)
    items.push({ label: current.name, description: l10n.t('current'), detail: current.dir, value: current.dir });
  items.push(
    trusted
      ? {
          label: l10n.t('$(folder-opened) Browse…'),
          detail: l10n.t('A folder with model.onnx and tokenizer.json (Hugging Face-style export)'),
          value: 'browse',
        }
      : {
          label: l10n.t('$(lock) Browse…'),
          detail: l10n.t('Trust this workspace to load your own models (restricted mode)'),
          value: 'browse',
        },
  );
  return items;
}
