import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** The parts of a Hugging Face-style `config.json` the engine reads. Unknown keys are kept but ignored. */
export interface ModelConfig {
  id2label?: Record<string, string>;
  label2id?: Record<string, number>;
  /** Longest input, special tokens included; longer texts are truncated. */
  max_length?: number;
  max_position_embeddings?: number;
  pad_token_id?: number;
  name?: string;
  architecture?: string;
  /** Hugging Face's problem type: single_label_classification, multi_label_classification or regression. */
  problem_type?: string;
  /** The manifest's explicit head kind (see ModelHead). */
  head?: string;
  [key: string]: unknown;
}

/** A model folder after validation: the files exist and the labels are known. */
export interface ModelFolder {
  dir: string;
  name: string;
  /** The ONNX file used: the manifest's `onnx`, else model.onnx, else onnx/model.onnx (the Hugging Face hub layout). */
  modelPath: string;
  /** Other ONNX files in the folder (and its onnx/ subfolder), relative to it: quantized or optimised variants a
   * user may pick with the manifest's `onnx`; never picked silently. */
  variants: string[];
  tokenizerPath: string;
  config: ModelConfig;
  /** Class names by class index (from id2label; `LABEL_i` when the config has none). */
  labels: string[] | undefined;
  /** The file id2label came from, for messages: the manifest overrides config.json. */
  labelsFrom: string | undefined;
  /** Longest input in tokens, special tokens included. */
  maxLength: number;
}

const DEFAULT_MAX_LENGTH = 512;

/** The optional project manifest: overrides for what a model's own config.json lacks or gets wrong. */
export const MANIFEST_FILE = 'polarity-lens.json';

/** Keys the manifest may set; each replaces the same key of config.json (`onnx`, which config.json never has, names the file). */
const MANIFEST_KEYS = [
  'name',
  'id2label',
  'max_length',
  'pad_token_id',
  'mask_token',
  'outputs',
  'model',
  'head',
  'pooling',
  'onnx',
] as const;

function readJson(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${path} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}

/**
 * Makes `file` (relative to the folder) the ONNX file the folder's model uses, in its polarity-lens.json (created, or
 * updated keeping its other keys), so every front end explains the same file.
 */
export function chooseOnnxFile(dir: string, file: string): void {
  const manifestPath = join(resolve(dir), MANIFEST_FILE);
  const manifest = existsSync(manifestPath) ? readJson(manifestPath) : {};
  writeFileSync(manifestPath, `${JSON.stringify({ ...manifest, onnx: file }, null, 2)}\n`);
}

/** Reads and validates a model folder: `model.onnx` + `tokenizer.json`, optional `config.json`, and an optional
 * `polarity-lens.json` whose keys (name, id2label, max_length, pad_token_id, mask_token, outputs, model, head, pooling) override it, and whose `onnx` names the ONNX file. */
export function readModelFolder(dir: string): ModelFolder {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new Error(`Model folder not found: ${abs}. Pick a folder that holds model.onnx and tokenizer.json.`);
  }
  const manifestPath = join(abs, MANIFEST_FILE);
  const manifest = existsSync(manifestPath) ? readJson(manifestPath) : undefined;
  const modelPath = modelFile(abs, manifest?.onnx, manifestPath);
  const tokenizerPath = join(abs, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) throw new Error(`${abs} has no tokenizer.json (the Hugging Face tokenizer).`);
  const configPath = join(abs, 'config.json');
  let config: ModelConfig = existsSync(configPath) ? readJson(configPath) : {};
  let labelsFrom = config.id2label ? configPath : undefined;
  if (manifest) {
    const unknown = Object.keys(manifest).filter((k) => !(MANIFEST_KEYS as readonly string[]).includes(k));
    if (unknown.length)
      throw new Error(`${manifestPath}: unknown keys ${unknown.join(', ')} (allowed: ${MANIFEST_KEYS.join(', ')})`);
    config = { ...config, ...manifest };
    if (manifest.id2label) labelsFrom = manifestPath;
  }
  return {
    dir: abs,
    name: typeof config.name === 'string' ? config.name : (abs.split(/[\\/]/).pop() ?? abs),
    modelPath,
    variants: onnxFiles(abs).filter((f) => join(abs, f) !== modelPath),
    tokenizerPath,
    config,
    labels: labelsFromConfig(config),
    labelsFrom,
    maxLength: config.max_length ?? config.max_position_embeddings ?? DEFAULT_MAX_LENGTH,
  };
}

/** ONNX files in the folder and its onnx/ subfolder, relative to the folder (model.onnx, onnx/model_quantized.onnx …). */
export function onnxFiles(dir: string): string[] {
  const list = (sub: string) => {
    const at = join(dir, sub);
    if (!existsSync(at) || !statSync(at).isDirectory()) return [];
    return readdirSync(at)
      .filter((f) => f.endsWith('.onnx'))
      .sort()
      .map((f) => (sub ? `${sub}/${f}` : f));
  };
  return [...list(''), ...list('onnx')];
}

/**
 * The ONNX file to load. A quantized or optimised sibling is a different model (other numbers, maybe fused ops), so
 * when the usual names are missing the folder's ONNX files are listed and the user names one in the manifest.
 */
function modelFile(dir: string, chosen: unknown, manifestPath: string): string {
  if (chosen !== undefined) {
    if (typeof chosen !== 'string' || chosen === '')
      throw new Error(
        `${manifestPath}: onnx must be the path of an ONNX file inside the folder, e.g. "onnx/model.onnx".`,
      );
    const path = resolve(dir, chosen);
    const inside = relative(dir, path);
    if (inside.startsWith('..') || inside.startsWith(sep) || resolve(dir, inside) !== path)
      throw new Error(`${manifestPath}: onnx "${chosen}" is outside the model folder.`);
    if (!existsSync(path)) throw new Error(`${manifestPath}: onnx "${chosen}" does not exist in ${dir}.`);
    return path;
  }
  for (const candidate of ['model.onnx', join('onnx', 'model.onnx')]) {
    if (existsSync(join(dir, candidate))) return join(dir, candidate);
  }
  const found = onnxFiles(dir);
  if (found.length === 0)
    throw new Error(`${dir} has no model.onnx (the exported ONNX classifier), nor onnx/model.onnx.`);
  throw new Error(
    `${dir} has no model.onnx nor onnx/model.onnx, but has ${found.join(', ')}. Polarity Lens does not pick a variant ` +
      `(quantized, optimised) on its own: name the one to explain in ${manifestPath}, e.g. {"onnx": "${found[0]}"}.`,
  );
}

function labelsFromConfig(config: ModelConfig): string[] | undefined {
  if (!config.id2label) return undefined;
  const entries = Object.entries(config.id2label).map(([k, v]) => [Number(k), v] as const);
  if (entries.some(([k]) => !Number.isInteger(k) || k < 0))
    throw new Error('config.json: id2label keys must be class indices');
  const labels: string[] = [];
  for (const [k, v] of entries) labels[k] = v;
  return Array.from(labels, (l, i) => l ?? `LABEL_${i}`);
}
