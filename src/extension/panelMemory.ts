/**
 * What each panel shows, remembered by the host so that a panel VS Code revives after a window reload shows the latest
 * explanation or report, whatever the workbench saved of its webview. VS Code for the web (code-server, vscode.dev,
 * Codespaces) writes webview state and the editor layout only every few seconds, so `getState` alone comes back
 * stale or empty; workspace state is written within a fraction of a second.
 *
 * Workspace state holds each panel's recipe (small: the text, the model, every setting). The explanation's result is
 * kept beside it in a file under the extension's workspace storage, so a large model's attention maps never pass
 * through workspace state; if that file is missing or belongs to another explanation, the recipe runs again.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  EXPLAIN_SCHEMA,
  writeChunksAtomically,
  type ColumnChoice,
  type ExplainResult,
  type MeasureId,
  type SampleSpec,
} from '../core/views';
import type { WireExplainOptions, WireLoadOptions } from './inference/protocol';
import type { PanelSettings } from '../pages/explain/explainProtocol';

/** The slice of vscode.Memento used here (tests pass a Map-backed one). */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export const EXPLANATION_KEY = 'polarityLens.lastExplanation';
/**
 * What the report panel shows: the last dataset run, so a panel restored after a reload can be filled again (from the
 * sample cache), or the saved report file it opened (`{ reportFile }`), to be read again.
 */
export const DATASET_RUN_KEY = 'polarityLens.lastDatasetRun';
const RESULT_FILE = 'last-explanation.json';

export interface ModelRef {
  dir: string;
  name: string;
}

/** Everything needed to compute the explain panel's content again. */
export interface ExplanationRecipe {
  /** Names this explanation; the result file carries the same one. */
  revision: string;
  text: string;
  /** "the selection", "row 4 of test.csv": for status lines. */
  what: string;
  model: ModelRef;
  options: WireExplainOptions;
  load: WireLoadOptions;
  settings: PanelSettings;
  /** ISO time the explanation finished. */
  explainedAt: string;
}

export interface RecalledExplanation {
  recipe: ExplanationRecipe;
  /** Absent when the result file is missing, damaged or of another explanation: the recipe must run again. */
  result?: ExplainResult;
}

/** Everything needed to run the report panel's dataset run again with the same outcome. */
export interface DatasetRunRecipe {
  path: string;
  columns: ColumnChoice;
  selection: SampleSpec;
  model: ModelRef;
  explain: WireExplainOptions;
  load: WireLoadOptions;
  /** What the run computed per sample (absent in runs remembered before runs could choose: the setting's value). */
  measure?: MeasureId[];
}

export function newRevision(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export class PanelMemory {
  /** Result files are written one after another, so an older write never lands after a newer one. */
  private writing: Promise<void> = Promise.resolve();

  /** `storageDir`: the extension's workspace storage folder; undefined (no folder open) keeps recipes only. */
  constructor(
    private readonly state: StateStore,
    private readonly storageDir: string | undefined,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /** Records the explanation now on screen; resolves once both the recipe and its result are stored, and never rejects. */
  rememberExplanation(recipe: ExplanationRecipe, result: ExplainResult): Promise<void> {
    const failed = (e: Error) => this.warn(`could not keep the explanation for a window reload: ${e.message}`);
    const recipeStored = Promise.resolve(this.state.update(EXPLANATION_KEY, recipe)).catch(failed);
    const dir = this.storageDir;
    if (dir)
      this.writing = this.writing
        .then(() => mkdir(dir, { recursive: true }))
        .then(() =>
          writeChunksAtomically(join(dir, RESULT_FILE), [JSON.stringify({ revision: recipe.revision, result })], {
            overwrite: true,
          }),
        )
        .catch(failed);
    return Promise.all([recipeStored, this.writing]).then(() => undefined);
  }

  async recallExplanation(): Promise<RecalledExplanation | undefined> {
    const recipe = this.state.get<unknown>(EXPLANATION_KEY);
    if (!isExplanationRecipe(recipe)) return undefined;
    await this.writing;
    if (!this.storageDir) return { recipe };
    try {
      const kept: unknown = JSON.parse(await readFile(join(this.storageDir, RESULT_FILE), 'utf8'));
      // Written by rememberExplanation; the schema tag guards against a file from another engine version.
      if (
        isObject(kept) &&
        kept.revision === recipe.revision &&
        isObject(kept.result) &&
        kept.result.schema === EXPLAIN_SCHEMA
      ) {
        return { recipe, result: kept.result as unknown as ExplainResult };
      }
    } catch {
      // Missing or damaged: the recipe runs again.
    }
    return { recipe };
  }

  rememberDatasetRun(run: DatasetRunRecipe): Promise<void> {
    return Promise.resolve(this.state.update(DATASET_RUN_KEY, run)).catch((e: Error) =>
      this.warn(`could not keep the dataset run for a window reload: ${e.message}`),
    );
  }

  recallDatasetRun(): DatasetRunRecipe | undefined {
    const run = this.state.get<unknown>(DATASET_RUN_KEY);
    return isDatasetRunRecipe(run) ? run : undefined;
  }

  /** Records that the report panel shows a saved report file (it replaces the run recalled above). */
  rememberReportFile(path: string): Promise<void> {
    return Promise.resolve(this.state.update(DATASET_RUN_KEY, { reportFile: path })).catch((e: Error) =>
      this.warn(`could not keep the report file for a window reload: ${e.message}`),
    );
  }

  /** The saved report file the report panel showed last, if it showed one rather than a run. */
  recallReportFile(): string | undefined {
    const kept = this.state.get<unknown>(DATASET_RUN_KEY);
    return isObject(kept) && typeof kept.reportFile === 'string' ? kept.reportFile : undefined;
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isModelRef = (x: unknown): x is ModelRef =>
  isObject(x) && typeof x.dir === 'string' && typeof x.name === 'string';

/** Workspace state may hold an older extension's record, or anything a user edited: checked before it is used. */
export function isExplanationRecipe(x: unknown): x is ExplanationRecipe {
  return (
    isObject(x) &&
    typeof x.revision === 'string' &&
    typeof x.text === 'string' &&
    typeof x.what === 'string' &&
    isModelRef(x.model) &&
    isObject(x.options) &&
    isObject(x.load) &&
    isObject(x.settings) &&
    Array.isArray(x.settings.explainers) &&
    typeof x.explainedAt === 'string'
  );
}

export function isDatasetRunRecipe(x: unknown): x is DatasetRunRecipe {
  return (
    isObject(x) &&
    typeof x.path === 'string' &&
    isObject(x.columns) &&
    typeof x.columns.text === 'string' &&
    isObject(x.selection) &&
    typeof x.selection.mode === 'string' &&
    isModelRef(x.model) &&
    isObject(x.explain) &&
    isObject(x.load)
  );
}
