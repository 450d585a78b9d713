/**
 * The engine's edited copy of a model's forward graph in the cache, keyed by the model files' digest: the graph
 * (attention exposed, the embedding-scale input added) with its weights as external data, and what loading learnt.
 * A session is created from that file, so onnxruntime maps the weights instead of copying them, and a warm load never
 * parses the model in JavaScript.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ModelProto } from 'onnx-buf';
import { writeWithExternalData } from './externalData';
import { hashFiles } from '../files/hashFiles';
import { writeAtomically } from '../files/writeAtomically';
import type { GraphFacts } from './onnxGraph';

/** The engine's cache folder: $POLARITY_LENS_CACHE_DIR, else the user cache (XDG). */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return process.env.POLARITY_LENS_CACHE_DIR || join(base, 'polarity-lens');
}

/** Bumped whenever the forward edits change, so stale entries are not reused. */
const STORE_VERSION = 1;

/** What loading a model learnt, kept beside its stored graph. */
export interface ForwardInfo {
  logitsName: string;
  attentionNames: string[];
  attentionProblem?: string;
  /** The model's external data files (absolute paths), with the size and time they had, to notice a new export. */
  dataFiles: { path: string; size: number; mtimeMs: number }[];
  facts: GraphFacts;
}

export interface StoredForward {
  graphFile: string;
  info: ForwardInfo;
}

/** The entry's folder for a model file and the load settings that change its edits. */
export async function forwardEntryDir(cacheDir: string, modelPath: string, settings: unknown): Promise<string> {
  const key = createHash('sha256')
    .update(await hashFiles([modelPath]))
    .update(JSON.stringify([STORE_VERSION, settings]))
    .digest('hex');
  return join(cacheDir, 'models', key.slice(0, 32));
}

const fileState = (path: string) => {
  const st = statSync(path);
  return { path, size: st.size, mtimeMs: st.mtimeMs };
};

/** The stored entry, if complete and its model's data files are the ones it was made from. */
export function readStoredForward(dir: string): StoredForward | undefined {
  const graphFile = join(dir, 'forward.onnx');
  const infoFile = join(dir, 'forward.json');
  if (![graphFile, join(dir, 'weights.onnx_data'), infoFile].every((f) => existsSync(f))) return undefined;
  try {
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as ForwardInfo;
    const unchanged = info.dataFiles.every((d) => {
      const now = existsSync(d.path) ? fileState(d.path) : undefined;
      return now?.size === d.size && now.mtimeMs === d.mtimeMs;
    });
    return unchanged ? { graphFile, info } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stores the edited forward graph (its weights moved to `weights.onnx_data`) and what loading learnt; returns the
 * graph file. The info is written last, so an interrupted store is never read as complete.
 */
export function storeForward(
  dir: string,
  model: ModelProto,
  info: Omit<ForwardInfo, 'dataFiles'>,
  dataFiles: string[],
): string {
  mkdirSync(dir, { recursive: true });
  const graphFile = join(dir, 'forward.onnx');
  const data = join(dir, 'weights.onnx_data');
  writeWithExternalData(model, graphFile, `${data}.${process.pid}.tmp`, 'weights.onnx_data');
  renameSync(`${data}.${process.pid}.tmp`, data);
  const infoFile = join(dir, 'forward.json');
  const full: ForwardInfo = { ...info, dataFiles: dataFiles.map(fileState) };
  writeAtomically(infoFile, JSON.stringify(full));
  return graphFile;
}
