// Bundles the CLI, the extension, its inference process and the webview with esbuild. Native modules stay external:
// they load their platform binaries from node_modules at run time.
import { cpSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

const external = ['onnxruntime-node', 'tokenizers', 'vscode'];
const common = { bundle: true, sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({
    ...common,
    entryPoints: {
      cli: 'src/cli/main.ts',
      extension: 'src/extension/extension.ts',
      inferenceWorker: 'src/extension/inference/inferenceWorker.ts',
      outcomeWorker: 'src/core/dataset/outcomeWorker.ts',
    },
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external,
  }),
  // The webview: one browser script (with @vscode-elements/elements inside) and its stylesheet.
  build({
    ...common,
    entryPoints: { main: 'webview/main.ts', report: 'webview/reportMain.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
  }),
]);

// Codicons (the icon font @vscode-elements/elements draws with), served from dist/webview like the script.
mkdirSync('dist/webview', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) cpSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/${file}`);
