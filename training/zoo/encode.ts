/**
 * Encodes texts with a `tokenizer.json` through the official `tokenizers` binding (special tokens added, no padding,
 * no truncation), for the Python zoo driver, so PyTorch sees exactly the ids the engine will feed.
 * stdin: {"tokenizer": path, "texts": [...]}
 * stdout: [{"input_ids": [...], "token_type_ids": [...], "tokens": [...]}] in the same order.
 */
import { readFileSync } from 'node:fs';
import { Tokenizer } from 'tokenizers';

async function main(): Promise<void> {
  const request = JSON.parse(readFileSync(0, 'utf8')) as { tokenizer: string; texts: string[] };
  const tok = Tokenizer.fromFile(request.tokenizer);
  const out = [];
  for (const text of request.texts) {
    const enc = await tok.encode(text);
    out.push({ input_ids: enc.getIds(), token_type_ids: enc.getTypeIds(), tokens: enc.getTokens() });
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
