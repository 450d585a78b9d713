// Bundles the CLI, the extension, its inference process and the webview with esbuild. Native modules stay external:
// they load their platform binaries from node_modules at run time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
      outcomeWorker: 'src/core/datasetRun/outcomeWorker.ts',
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
    entryPoints: { main: 'webview/explain/main.ts', report: 'webview/report/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
  }),
]);

// Codicons (the icon font @vscode-elements/elements draws with), as one stylesheet with the font embedded: webviews
// inline every asset (src/extension/panel/panelHtml.ts says why).
mkdirSync('dist/webview', { recursive: true });
const codicons = 'node_modules/@vscode/codicons/dist';
const font = readFileSync(`${codicons}/codicon.ttf`).toString('base64');
const css = readFileSync(`${codicons}/codicon.css`, 'utf8').replace(
  /url\(["']?\.\/codicon\.ttf[^)"']*["']?\)/g,
  `url("data:font/ttf;base64,${font}")`,
);
if (!css.includes('data:font/ttf'))
  throw new Error(`${codicons}/codicon.css no longer names ./codicon.ttf: update scripts/build.mjs`);
writeFileSync('dist/webview/codicon-inline.css', css);
