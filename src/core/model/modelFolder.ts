import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

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
  modelPath: string;
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

/** Keys the manifest may set; each replaces the same key of config.json. */
const MANIFEST_KEYS = ['name', 'id2label', 'max_length', 'pad_token_id', 'mask_token', 'outputs', 'model', 'head'] as const;

function readJson(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${path} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}

/** Reads and validates a model folder: `model.onnx` + `tokenizer.json`, optional `config.json`, and an optional
 * `polarity-lens.json` whose keys (name, id2label, max_length, pad_token_id, mask_token, outputs, model, head) override it. */
export function readModelFolder(dir: string): ModelFolder {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new Error(`Model folder not found: ${abs}. Pick a folder that holds model.onnx and tokenizer.json.`);
  }
  const modelPath = join(abs, 'model.onnx');
  const tokenizerPath = join(abs, 'tokenizer.json');
  for (const [file, hint] of [[modelPath, 'the exported ONNX classifier'], [tokenizerPath, 'the Hugging Face tokenizer']]) {
    if (!existsSync(file)) throw new Error(`${abs} has no ${file.slice(abs.length + 1)} (${hint}).`);
  }
  const configPath = join(abs, 'config.json');
  let config: ModelConfig = existsSync(configPath) ? (readJson(configPath) as ModelConfig) : {};
  let labelsFrom = config.id2label ? configPath : undefined;
  const manifestPath = join(abs, MANIFEST_FILE);
  if (existsSync(manifestPath)) {
    const manifest = readJson(manifestPath);
    const unknown = Object.keys(manifest).filter((k) => !(MANIFEST_KEYS as readonly string[]).includes(k));
    if (unknown.length) throw new Error(`${manifestPath}: unknown keys ${unknown.join(', ')} (allowed: ${MANIFEST_KEYS.join(', ')})`);
    config = { ...config, ...manifest };
    if (manifest.id2label) labelsFrom = manifestPath;
  }
  return {
    dir: abs,
    name: typeof config.name === 'string' ? config.name : abs.split(/[\\/]/).pop() ?? abs,
    modelPath,
    tokenizerPath,
    config,
    labels: labelsFromConfig(config),
    labelsFrom,
    maxLength: config.max_length ?? config.max_position_embeddings ?? DEFAULT_MAX_LENGTH,
  };
}

function labelsFromConfig(config: ModelConfig): string[] | undefined {
  if (!config.id2label) return undefined;
  const entries = Object.entries(config.id2label).map(([k, v]) => [Number(k), v] as const);
  if (entries.some(([k]) => !Number.isInteger(k) || k < 0)) throw new Error('config.json: id2label keys must be class indices');
  const labels: string[] = [];
  for (const [k, v] of entries) labels[k] = v;
  return Array.from(labels, (l, i) => l ?? `LABEL_${i}`);
}
