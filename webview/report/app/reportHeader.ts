/**
 * The report's header: which dataset and model, how many samples (and whether the report is partial, cancelled, or
 * partly resumed from the cache), accuracy on the labelled rows with its interval, the operator the metrics use,
 * and the bad rows that were skipped (an expandable list with line numbers and reasons).
 */
import type { ReportView } from '../../../src/core/datasetRun/datasetReport';
import { el, replaceChildren } from '../../shared/dom';
import { formatCount, formatDuration, formatFixed, formatInterval, plural } from '../logic/reportFormat';
import { operatorTitle } from '../logic/reportSummary';
import { differentiatesLogit, headWords } from '../../../src/core/explain/headWords';
import { noAccuracyReason, sampleWords } from '../../../src/core/datasetRun/sampleWords';
import { measuredUnderChosenOperator } from '../../../src/core/datasetRun/measures';

function item(term: string, id: string, ...value: (Node | string | false | null)[]): HTMLElement {
  return el('div', { class: 'meta-item' }, el('dt', { text: term }), el('dd', { id }, ...value));
}

/** Where the run stands, in one word a badge shows: complete, running (partial), cancelled or stopped. */
export type RunState = 'complete' | 'partial' | 'cancelled' | 'stopped';

/** `ended`: the host said the run is over, so a missing report will not come (a panel restored after a reload). */
export function renderReportHeader(
  header: HTMLElement,
  report: ReportView | undefined,
  state: RunState,
  ended = false,
): void {
  if (!report) {
    replaceChildren(
      header,
      el('h1', { class: 'panel-title', text: 'Polarity Lens: dataset report' }),
      el('p', { class: 'muted', text: ended ? 'No report to show.' : 'Waiting for the report…' }),
    );
    return;
  }
  const badRowsOpen = header.querySelector('details.bad-rows')?.hasAttribute('open') ?? false;
  const { dataset, settings, accuracy } = report;
  const words = headWords(report.model.head);
  const sample = sampleWords(report);
  const badge =
    state === 'complete'
      ? null
      : el('span', {
          id: 'report-state',
          class: `state-badge state-${state}`,
          text:
            state === 'partial' ? 'partial' : state === 'cancelled' ? 'cancelled (partial)' : 'stopped early (partial)',
        });
  const samples = item(
    'Samples',
    'report-samples',
    sample.multiLabel
      ? `${sample.samples(formatCount)} of ${plural(dataset.rowsSelected, 'selected row')}`
      : `${formatCount(report.samples)} of ${plural(dataset.rowsSelected, 'selected row')}`,
    badge && ' ',
    badge,
    report.resumed > 0 && el('span', { class: 'muted', text: ` · ${formatCount(report.resumed)} resumed from cache` }),
  );
  const accuracyText = accuracy
    ? `${formatFixed(accuracy.ratio)}${accuracy.lo !== null ? ` (95% CI ${formatInterval(accuracy.lo, accuracy.hi)})` : ''} · ${formatCount(accuracy.k)} of ${plural(accuracy.n, sample.accuracyUnit)}`
    : `not measured: ${noAccuracyReason(report)}`;
  const bad =
    dataset.badRowCount === 0
      ? item('Bad rows', 'report-bad-rows', 'none')
      : item(
          'Bad rows',
          'report-bad-rows',
          el(
            'details',
            { class: 'bad-rows', attrs: { open: badRowsOpen } },
            el('summary', {
              text: `${plural(dataset.badRowCount, 'row')} skipped`,
              attrs: { 'data-focus-key': 'bad-rows' },
            }),
            el(
              'ul',
              { class: 'bad-row-list', attrs: { 'aria-label': 'Skipped rows' } },
              ...dataset.badRows.map((b) =>
                el('li', {}, el('span', { class: 'line-no', text: `line ${b.line}: ` }), b.reason),
              ),
            ),
            dataset.badRowCount > dataset.badRows.length &&
              el('p', {
                class: 'muted',
                text: `The first ${formatCount(dataset.badRows.length)} of ${formatCount(dataset.badRowCount)} are listed.`,
              }),
          ),
        );
  replaceChildren(
    header,
    el(
      'h1',
      { class: 'panel-title' },
      'Dataset report: ',
      el('span', {
        id: 'report-model',
        text: report.model.name,
        title: `${report.model.dir} (sha256 ${report.model.sha256})`,
      }),
      ' on ',
      el('span', { id: 'report-dataset', text: dataset.path }),
    ),
    el(
      'dl',
      { class: 'meta' },
      samples,
      item(sample.accuracyTitle, 'report-accuracy', accuracyText),
      item(
        measuredUnderChosenOperator(settings) ? 'Metrics use' : 'Chosen operator',
        'report-operator',
        el('span', {
          text: operatorTitle(settings.operator),
          title: `${measuredUnderChosenOperator(settings) ? 'The operator of the metrics, token-level rates and polarity counts' : 'The operator of occlusion, LIME and Kernel SHAP (this run computed no metrics, token-level rates or polarity counts)'}; the violation verdicts use ${settings.operators.map(operatorTitle).join(', ')}`,
        }),
      ),
      item('Units', 'report-units', settings.granularity === 'word' ? 'words' : 'tokens'),
      item(
        'Gradients of',
        'report-objective',
        differentiatesLogit(settings.objective, words) ? 'the logit z_ŷ' : words.symbol,
      ),
      item(
        'Columns',
        'report-columns',
        `text “${dataset.columns.text}”, label ${dataset.columns.label === null ? 'none' : `“${dataset.columns.label}”`} (${dataset.format})`,
      ),
      item(
        'Time',
        'report-time',
        `${formatDuration(report.timing.seconds)} (${formatFixed(report.timing.msPerSample, 0)} ms per sample)`,
      ),
      bad,
    ),
  );
}
