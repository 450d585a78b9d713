/**
 * What differs between the panel's model and the one it is compared with, in words: both predictions, then each
 * verdict that changed (✓ → ✗ or back) and each top unit that moved. Everything else is the same.
 */
import type { ExplainResult } from '../../../src/core/explain/explainResult';
import { el, replaceChildren } from '../../shared/dom';
import { formatProbability } from '../../shared/format';
import { compareExplanations } from '../logic/modelComparison';
import { shortLabel } from '../logic/storyModel';
import { verdictMark } from '../logic/verdictText';

export function renderComparisonSummary(root: HTMLElement, before: ExplainResult, after: ExplainResult): void {
  const diff = compareExplanations(before, after);
  const predicted = (r: ExplainResult): string =>
    `${r.model.name}: ${r.prediction.label} (p = ${formatProbability(r.prediction.probability)})`;
  const sameClasses = JSON.stringify(before.model.labels) === JSON.stringify(after.model.labels);
  const items: HTMLElement[] = [];
  for (const row of diff.rows) {
    for (const c of row.changes)
      items.push(
        el(
          'li',
          { attrs: { 'data-explainer': row.id, 'data-operator': c.operator } },
          `${shortLabel(row.label)} under ${c.operator}: ${verdictMark(c.before)} → ${verdictMark(c.after)}`,
        ),
      );
    if (row.topMoved && row.topBefore !== undefined && row.topAfter !== undefined)
      items.push(
        el(
          'li',
          { class: 'muted', attrs: { 'data-explainer': row.id } },
          `${shortLabel(row.label)}: top unit ‘${row.topBefore}’ → ‘${row.topAfter}’`,
        ),
      );
  }
  replaceChildren(
    root,
    el(
      'p',
      { id: 'compare-predictions' },
      `${predicted(before)} · ${predicted(after)}`,
      diff.predictionChanged && el('strong', { class: 'compare-flag', text: ' · the predictions differ' }),
    ),
    !sameClasses &&
      el('p', {
        class: 'muted',
        text: `The models name different classes (${before.model.labels.join(', ')} / ${after.model.labels.join(', ')}); each explains its own prediction.`,
      }),
    el('p', {
      id: 'compare-count',
      text: `${diff.changedVerdicts} of ${diff.comparedVerdicts} verdicts differ (framed in the table); ${verdictMark(false)} consistent, ${verdictMark(true)} violates, ${before.model.name} → ${after.model.name}.`,
    }),
    items.length > 0 && el('ul', { class: 'compare-changes' }, ...items),
  );
}
