/** The report page's script and styles read from the build, for exported self-contained HTML reports (CLI and extension). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../core/model/shippedModels';
import type { ReportBundle } from './reportHtml';

export function reportBundle(root: string = projectRoot()): ReportBundle {
  const script = join(root, 'dist', 'webview', 'report.js');
  try {
    return {
      script: readFileSync(script, 'utf8'),
      css: ['panel.css', 'report.css'].map((f) => readFileSync(join(root, 'media', f), 'utf8')),
    };
  } catch (e) {
    throw new Error(`the report page's bundle could not be read (${(e as Error).message}): run npm run build first.`);
  }
}
