// Bundles the CLI and the extension's inference process (and, later, the extension) with esbuild. Native modules stay external: they load their
// platform binaries from node_modules at run time.
import { build } from 'esbuild';

const external = ['onnxruntime-node', 'tokenizers', 'vscode'];

await build({
  entryPoints: { cli: 'src/cli/main.ts', inferenceWorker: 'src/extension/inference/inferenceWorker.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external,
  logLevel: 'warning',
});
