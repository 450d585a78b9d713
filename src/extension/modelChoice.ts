/**
 * Which model Explain uses: the one picked with "Select Model…" (remembered per workspace), else the
 * `polarityLens.model` setting, else the default shipped model. In restricted mode (an untrusted workspace) only the
 * shipped models run: a model folder from the workspace is native code input we have not been allowed to trust.
 */
import type * as vscode from 'vscode';
import {
  onnxFiles,
  readCardAccuracies,
  readModelFolder,
  resolveModelDir,
  SHIPPED_MODELS,
  type DoctorReport,
} from '../core/views';
import { relative, sep } from 'node:path';

export const DEFAULT_MODEL = 'sst2-bilstm-tanh';
const STATE_KEY = 'polarityLens.model';

export interface ModelChoice {
  /** The model's folder. */
  dir: string;
  /** What the user sees: a shipped name or the folder's name. */
  name: string;
  shipped: boolean;
  /** Why the choice differs from what was asked for (restricted mode, a folder that no longer exists). */
  warning?: string;
}

export interface ModelChoiceDeps {
  workspaceState: vscode.Memento;
  /** The `polarityLens.model` setting. */
  setting(): string;
  isTrusted(): boolean;
}

function shippedChoice(name: string): ModelChoice {
  return { dir: resolveModelDir(name), name, shipped: true };
}

/** A shipped name or a folder path → a choice (no checks beyond "is it shipped"). */
export function choiceOf(nameOrPath: string): ModelChoice {
  if (SHIPPED_MODELS.some((m) => m.name === nameOrPath)) return shippedChoice(nameOrPath);
  return { dir: nameOrPath, name: nameOrPath.split(/[\\/]/).filter(Boolean).pop() ?? nameOrPath, shipped: false };
}

export function currentModel(deps: ModelChoiceDeps): ModelChoice {
  const wanted = deps.workspaceState.get<string>(STATE_KEY) || deps.setting() || DEFAULT_MODEL;
  const choice = choiceOf(wanted);
  if (!choice.shipped && !deps.isTrusted()) {
    return {
      ...shippedChoice(DEFAULT_MODEL),
      warning: `Restricted mode: the model folder ${wanted} is not loaded until you trust this workspace; using the shipped ${DEFAULT_MODEL}.`,
    };
  }
  return choice;
}

export async function rememberModel(deps: ModelChoiceDeps, nameOrPath: string): Promise<void> {
  await deps.workspaceState.update(STATE_KEY, nameOrPath);
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
        ? 'in use'
        : /quantiz|int8|uint8/i.test(file)
          ? 'quantized: forward and attention explainers only'
          : /fp16|float16/i.test(file)
            ? 'half precision'
            : undefined,
    detail:
      file === current
        ? undefined
        : `Picking it writes "onnx": "${file}" to polarity-lens.json in this folder, so the CLI explains the same file.`,
  }));
}

/** What the user is told about a folder picked with Browse…, from the doctor's report: refused, a warning, or fine. */
export function doctorVerdict(report: DoctorReport): { level: 'error' | 'warning' | 'info'; text: string } {
  if (report.status === 'unusable')
    return { level: 'error', text: `Polarity Lens cannot use this folder: ${report.error}` };
  const failing = report.explainers.filter((e) => !e.runs);
  const operators = report.operators.filter((o) => !o.runs);
  const total = report.explainers.length;
  if (report.status === 'ok')
    return {
      level: 'info',
      text: `Polarity Lens: all ${total} explainers and every erasure operator run on this model (${report.head?.kind} head, ${report.head?.classes.length} classes).`,
    };
  const what = [
    failing.length
      ? `${failing.length} of ${total} explainers cannot run (${failing.map((e) => e.id).join(', ')})`
      : '',
    operators.length
      ? `the ${operators.map((o) => o.name).join(', ')} operator${operators.length === 1 ? '' : 's'} cannot run`
      : '',
  ]
    .filter(Boolean)
    .join('; ');
  return { level: 'warning', text: `Polarity Lens: this model loads, but ${what}. Show Details says why.` };
}

export interface ModelPickItem extends vscode.QuickPickItem {
  /** A model folder or shipped name, or 'browse' for Browse…. */
  value: string;
}

/** The quick pick: the shipped models (with their dataset and measured accuracy), the current folder, "Browse…". */
export function modelPickItems(current: ModelChoice, trusted: boolean): ModelPickItem[] {
  const items: ModelPickItem[] = SHIPPED_MODELS.map((m) => {
    const test = readCardAccuracies(resolveModelDir(m.name)).find((a) => a.split === 'test');
    return {
      label: m.name,
      description: `${m.dataset.toUpperCase()}${test ? ` · test accuracy ${test.accuracy.toFixed(3)}` : ''}${current.shipped && current.name === m.name ? ' · current' : ''}`,
      detail: 'Shipped with Polarity Lens',
      value: m.name,
    };
  });
  if (!current.shipped)
    items.push({ label: current.name, description: 'current', detail: current.dir, value: current.dir });
  items.push(
    trusted
      ? {
          label: '$(folder-opened) Browse…',
          detail: 'A folder with model.onnx and tokenizer.json (Hugging Face-style export)',
          value: 'browse',
        }
      : {
          label: '$(lock) Browse…',
          detail: 'Trust this workspace to load your own models (restricted mode)',
          value: 'browse',
        },
  );
  return items;
}
