import { SHIPPED_MODELS } from '../../src/core/model/shippedModels';

/** What the CLI reads at run time besides its two native dependencies: the npm package and every VSIX hold these. */
export const CLI_FILES = [
  'dist/cli.js',
  'dist/outcomeWorker.js',
  // check --html inlines the report page's bundle and stylesheets.
  'dist/webview/report.js',
  'media/panel.css',
  'media/report.css',
  ...SHIPPED_MODELS.flatMap(({ name }) =>
    ['model.onnx', 'tokenizer.json', 'config.json', 'MODEL_CARD.md'].map((f) => `models/${name}/${f}`),
  ),
];
