/**
 * The compact view, "the story on one screen": the text's units run across, the explainers down, aligned like a table.
 * The impact row on top shows each unit's real polarity (▲ supports, ▼ suppresses, leave-one-out); each explainer's
 * cells are tinted by its weights with ★ on its top unit; each explainer's ✓/✗ under every operator sits at the right
 * of its own row. A text longer than the panel is wide is cut into chunks, each its own table with the names repeated,
 * so nothing scrolls sideways. The paper's core explainers are shown unless the reader asks for all.
 */
import type { ExplainResult, ExplanationRow, ImpactRow, VerdictRow } from '../../../src/core/explain/explainResult';
import { operatorShortName, operatorTitle } from '../../../src/core/erasure/operators';
import { maxAbs, tint, type Tint } from '../../shared/colorScale';
import { el, replaceChildren, srOnly } from '../../shared/dom';
import { impactFor, topUnit } from '../logic/panelModel';
import { chunkUnits, shortLabel, storyRows } from '../logic/storyModel';
import { baselineVerdict } from '../logic/modelComparison';
import {
  constructionNote,
  impactLabel,
  pOf,
  POLARITY_MARK,
  verdictMark,
  verdictWord,
  weightLabel,
  whySentence,
} from '../logic/verdictText';
import type { PanelState } from '../../../src/pages/explain/explainProtocol';

export interface StoryContext {
  state: PanelState;
  /** The operator whose Δ the impact row shows. */
  impactOperator: string;
  /** Every explainer, not only the paper's core ones. */
  all: boolean;
  /** Absent: this view follows another's choice and shows no toggle. */
  onToggleAll?: () => void;
  onImpactOperator(operator: string): void;
  /** The heading (default "At a glance"). */
  title?: string;
  /** The result this one is compared with: its verdicts that differ from it are marked. */
  baseline?: { result: ExplainResult; name: string };
  /** Live panel: explain this text with a second model too (or stop), from the view's head. */
  compare?: { comparing: boolean; toggle: () => void };
}

/** Narrowest unit column (px): a one-letter unit still has room for its ★ or ▲. */
const MIN_CELL = 18;

export class StoryView {
  private ctx?: StoryContext;
  /** Each unit column's width and the fixed columns' (names, verdicts), measured once per result and view. */
  private widths: number[] = [];
  private fixedWidth = 0;
  private chunksKey = '';
  /** The widths are for an older result or view (or were never taken: the section was not laid out). */
  private stale = true;
  private readonly body = el('div', { class: 'story-chunks' });

  /** `id`: the section's id, and the prefix of the ids inside it (two views can share a page). */
  constructor(
    private readonly section: HTMLElement,
    private readonly id = 'story',
  ) {
    // A narrower or wider panel cuts the text anew; a panel shown for the first time measures first.
    new ResizeObserver(() => this.layout()).observe(section);
  }

  render(ctx: StoryContext): void {
    this.ctx = ctx;
    const { result } = ctx.state;
    const { rows, hidden } = storyRows(result, ctx.all);
    const onToggleAll = ctx.onToggleAll;
    const toggle =
      onToggleAll &&
      (hidden > 0 || ctx.all) &&
      button(
        `${this.id}-toggle`,
        ctx.all ? 'Show the paper’s core explainers' : `Show all ${result.explanations.length} explainers`,
        ctx.all,
        onToggleAll,
      );
    const compare =
      ctx.compare &&
      button(
        `${this.id}-compare`,
        ctx.compare.comparing ? 'Stop comparing' : 'Compare with another model…',
        ctx.compare.comparing,
        ctx.compare.toggle,
      );
    replaceChildren(
      this.section,
      el(
        'div',
        { class: 'section-head' },
        el('h2', { id: `${this.id}-heading`, text: ctx.title ?? 'At a glance' }),
        el('span', {
          class: 'story-count muted',
          text: violatorsLine(rows),
        }),
        el('span', { class: 'story-actions' }, toggle, compare),
      ),
      storyLegend(result, ctx.impactOperator),
      this.body,
    );
    this.stale = true;
    this.chunksKey = '';
    this.layout();
  }

  /** Measures (when stale) and draws the tables when the chunks changed; waits while the section has no width. */
  private layout(): void {
    if (!this.ctx || this.body.clientWidth === 0) return;
    if (this.stale) {
      this.measure(storyRows(this.ctx.state.result, this.ctx.all).rows);
      this.stale = false;
    }
    if (JSON.stringify(chunkUnits(this.widths, this.available())) !== this.chunksKey) this.drawTables();
  }

  private available(): number {
    return Math.max(MIN_CELL, this.body.clientWidth - this.fixedWidth);
  }

  /** Widths from the real fonts: one off-screen table row holding every unit heading, a name and the verdicts. */
  private measure(rows: ExplanationRow[]): void {
    const { result } = this.ctx!.state;
    const units = result.units.map((u) => el('th', { class: 'story-word', text: u.text }));
    const names = rows.map((r) => el('th', { class: 'story-name', text: shortLabel(r.label) }));
    const ops = result.impacts.map((i) => el('th', { class: 'story-op', text: operatorShortName(i.operator) }));
    const probe = el(
      'table',
      { class: 'story-table story-probe', attrs: { 'aria-hidden': 'true' } },
      el('tbody', {}, el('tr', {}, ...names, ...units, ...ops)),
    );
    this.body.appendChild(probe);
    this.widths = units.map((u) => Math.max(MIN_CELL, Math.ceil(u.getBoundingClientRect().width)));
    const nameWidth = Math.max(0, ...names.map((n) => n.getBoundingClientRect().width));
    const opWidth = ops.reduce((sum, o) => sum + o.getBoundingClientRect().width, 0);
    this.fixedWidth = Math.ceil(nameWidth + opWidth) + 2;
    probe.remove();
  }

  private drawTables(): void {
    const ctx = this.ctx!;
    const { result } = ctx.state;
    const { rows } = storyRows(result, ctx.all);
    const chunks = chunkUnits(this.widths, this.available());
    this.chunksKey = JSON.stringify(chunks);
    const impact = impactFor(result, ctx.impactOperator);
    replaceChildren(
      this.body,
      ...chunks.map(([start, end], c) =>
        chunkTable(result, rows, impact, start, end, c === 0, chunks.length, ctx.baseline, (op) =>
          ctx.onImpactOperator(op),
        ),
      ),
    );
  }
}

function button(id: string, text: string, pressed: boolean, onClick: () => void): HTMLButtonElement {
  const b = el('button', {
    id,
    class: 'text-button',
    text,
    attrs: { type: 'button', 'aria-pressed': String(pressed) },
  });
  b.addEventListener('click', onClick);
  return b;
}

/** "2 of 6 violate under some operator" (by-construction verdicts count: the row says which). */
function violatorsLine(rows: ExplanationRow[]): string {
  const ran = rows.filter((r) => r.weights !== null);
  const violating = ran.filter((r) => r.verdicts.some((v) => v.violates)).length;
  return `${violating} of ${ran.length} shown violate under at least one operator`;
}

function storyLegend(result: ExplainResult, operator: string): HTMLElement {
  const label = result.target.label;
  return el(
    'p',
    { class: 'story-legend muted' },
    el('span', { class: 'legend-swatch mark-supports', text: '▲' }),
    el('span', { class: 'legend-swatch mark-suppresses', text: '▼' }),
    ` real Δ of ${pOf(label)}, unit erased by ${operator} · tints: weights, orange claims support, blue suppression, per row · ★ top unit · ✓ consistent, ✗ violates, per operator · † by construction`,
  );
}

function chunkTable(
  result: ExplainResult,
  rows: ExplanationRow[],
  impact: ImpactRow | undefined,
  start: number,
  end: number,
  first: boolean,
  count: number,
  baseline: StoryContext['baseline'],
  showImpact: (operator: string) => void,
): HTMLElement {
  const units = result.units.slice(start, end);
  const indices = units.map((_, k) => start + k);
  // The verdict columns sit on the first chunk only: they belong to the row, not to a span of the text.
  const operators = first ? result.impacts.map((i) => i.operator) : [];
  const caption =
    count > 1 ? `Units ${start + 1}–${end} of ${result.units.length}` : `All ${result.units.length} units`;
  const head = el(
    'tr',
    {},
    el('th', { class: 'story-name story-corner', attrs: { scope: 'col' } }, srOnly('Explainer')),
    ...units.map((u, k) =>
      el('th', {
        class: 'story-word',
        text: u.text,
        title: u.text,
        attrs: { scope: 'col', 'data-index': start + k },
      }),
    ),
    ...operators.map((op) =>
      el(
        'th',
        {
          class: `story-op${impact?.operator === op ? ' current' : ''}`,
          title: `The violation test with ${operatorTitle(op)}: ${result.impacts.find((i) => i.operator === op)?.description ?? ''}`,
          attrs: { scope: 'col', 'data-operator': op },
        },
        operatorShortName(op),
      ),
    ),
  );
  const body = el('tbody', {});
  if (impact) body.appendChild(impactRow(result, impact, indices, operators.length));
  for (const row of rows) body.appendChild(explainerRow(result, row, impact, indices, operators, baseline, showImpact));
  return el(
    'table',
    { class: 'story-table', attrs: { 'data-chunk': `${start}-${end}` } },
    el('caption', { class: 'sr-only', text: caption }),
    el('thead', {}, head),
    body,
  );
}

function cell(t: Tint, label: string, mark: string, extraClass = ''): HTMLTableCellElement {
  const td = el(
    'td',
    {
      class: `story-cell tone-${t.tone}${t.strong ? ' strong' : ''}${extraClass}`,
      title: label,
      attrs: { 'aria-label': label },
    },
    mark,
  );
  // The tint's strength is data, not markup: a CSS variable set through the CSSOM (allowed by the CSP).
  td.style.setProperty('--tint', t.intensity.toFixed(3));
  return td;
}

function impactRow(result: ExplainResult, impact: ImpactRow, indices: number[], opColumns: number): HTMLElement {
  const scale = maxAbs(impact.deltas);
  const label = result.target.label;
  return el(
    'tr',
    { class: 'story-impact', attrs: { 'data-operator': impact.operator } },
    el(
      'th',
      {
        class: 'story-name',
        title: `Real impact: Δ = ${pOf(label)} − ${pOf(label)} with the unit erased by ${operatorTitle(impact.operator)}`,
        attrs: { scope: 'row' },
      },
      'Real Δ',
    ),
    ...indices.map((i) => {
      const delta = impact.deltas[i];
      const polarity = impact.polarity[i] ?? 'none';
      const td = cell(
        tint(polarity === 'none' ? 0 : delta, scale),
        impactLabel(result.units[i].text, delta, result.deltaTolerance, label, impact.operator),
        POLARITY_MARK[polarity],
        ` mark-${polarity}`,
      );
      td.dataset.index = String(i);
      td.dataset.polarity = polarity;
      return td;
    }),
    opColumns > 0 && el('td', { class: 'story-op-fill', attrs: { colspan: opColumns } }),
  );
}

function explainerRow(
  result: ExplainResult,
  row: ExplanationRow,
  impact: ImpactRow | undefined,
  indices: number[],
  operators: string[],
  baseline: StoryContext['baseline'],
  showImpact: (operator: string) => void,
): HTMLElement {
  const label = result.target.label;
  const name = el(
    'th',
    {
      class: 'story-name',
      title: `${row.label}: ${row.signed ? 'signed' : 'unsigned'}, ${row.family}; ${row.citation}`,
      attrs: { scope: 'row' },
    },
    shortLabel(row.label),
  );
  const attrs = { 'data-explainer': row.id };
  if (row.weights === null) {
    return el(
      'tr',
      { class: 'story-row failed', attrs },
      name,
      el('td', {
        class: 'story-error muted',
        text: 'could not run',
        title: row.error ?? 'This explainer could not run on this model.',
        attrs: { colspan: indices.length + operators.length },
      }),
    );
  }
  const weights = row.weights;
  const scale = maxAbs(weights);
  const top = topUnit(row);
  return el(
    'tr',
    { class: `story-row ${row.signed ? 'signed' : 'unsigned'}`, attrs },
    name,
    ...indices.map((i) => {
      const w = weights[i];
      const td = cell(
        tint(w, scale),
        weightLabel(
          result.units[i].text,
          w,
          row.label,
          impact?.deltas[i],
          result.deltaTolerance,
          label,
          impact?.operator ?? '',
          i === top,
        ),
        i === top ? '★' : '',
        i === top ? ' top' : '',
      );
      td.dataset.index = String(i);
      return td;
    }),
    ...operators.map((op) => {
      const verdict = row.verdicts.find((v) => v.operator === op);
      const before = baseline && baselineVerdict(baseline.result, row.id, op);
      const compared = before === undefined || !baseline ? undefined : { before, name: baseline.name };
      return verdictCell(result, row, top, verdict, showImpact, compared);
    }),
  );
}

function verdictCell(
  result: ExplainResult,
  row: ExplanationRow,
  top: number,
  verdict: VerdictRow | undefined,
  showImpact: (operator: string) => void,
  compared?: { before: boolean; name: string },
): HTMLElement {
  if (!verdict) return el('td', { class: 'story-verdict', text: '–' });
  // A verdict that differs from the other model's is marked (frame and word), with what it was there.
  const differs = compared !== undefined && compared.before !== verdict.violates;
  const was = differs ? `; ${verdictWord(compared.before)} with ${compared.name}` : '';
  const unitText = top >= 0 ? result.units[top]?.text : undefined;
  const why = whySentence(verdict, unitText, result.target.label, result.deltaTolerance);
  const construction = constructionNote(verdict);
  const td = el(
    'td',
    {
      class: `story-verdict ${verdict.violates ? 'violates' : 'consistent'}${differs ? ' differs' : ''}`,
      title: `${row.label}, ${verdictWord(verdict.violates)} under ${verdict.operator}${was}: ${why}${construction} (click to show this operator’s impacts)`,
      attrs: { 'data-operator': verdict.operator, 'data-differs': differs },
    },
    el(
      'span',
      { attrs: { 'aria-hidden': 'true' } },
      `${verdictMark(verdict.violates)}${verdict.byConstruction ? '†' : ''}`,
    ),
    srOnly(`${verdictWord(verdict.violates)} under ${verdict.operator}${was}: ${why}${construction}`),
  );
  // A mouse shortcut to the impact row's operator, as in the detailed rows (keyboard users have the picker there).
  td.addEventListener('click', () => showImpact(verdict.operator));
  return td;
}
