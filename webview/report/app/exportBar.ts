/** Export JSON, CSV, HTML and Markdown (live webview only): each posts 'export' and the host writes the file. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { ReportExportFormat } from '../../../src/extension/report/reportProtocol';
import { el } from '../../app/dom';

const FORMATS: { format: ReportExportFormat; label: string; title: string }[] = [
  { format: 'json', label: 'JSON', title: 'Save the whole report (every sample’s verdicts) as JSON' },
  { format: 'csv', label: 'CSV', title: 'Save one line per sample and explainer as CSV' },
  { format: 'html', label: 'HTML', title: 'Save a self-contained HTML page of this report, opened as you see it now' },
  { format: 'md', label: 'Markdown', title: 'Save the summary tables as Markdown' },
];

export function exportBar(onExport: (format: ReportExportFormat) => void): HTMLElement {
  return el(
    'div',
    { id: 'report-actions', class: 'actions', attrs: { role: 'group', 'aria-label': 'Export the report' } },
    el('span', { class: 'muted actions-label', text: 'Export', attrs: { 'aria-hidden': 'true' } }),
    ...FORMATS.map((f) => {
      const b = el('vscode-button', { id: `export-${f.format}`, attrs: { secondary: true, title: f.title, 'aria-label': `Export ${f.label}` } }, f.label);
      b.addEventListener('click', () => onExport(f.format));
      return b;
    }),
  );
}
