/**
 * The token rows: one row of the text's units per explainer, coloured by its weights, under an impact row that shows
 * each unit's real polarity (▲ supports ŷ, ▼ suppresses ŷ) from leave-one-out. Every row holds the same units in the
 * same order and the same box widths (marks are overlays), so the rows wrap identically and a unit lines up with
 * itself across rows: high attention sitting on a ▼ reads at a glance.
 */
import type { ExplainResult, ExplanationRow, ImpactRow, VerdictRow } from '../../../src/core/explain/explainResult';
import type { PanelState } from '../../../src/pages/explain/explainProtocol';
import { maxAbs, tint, Tint } from '../../shared/colorScale';
import { formatMagnitude } from '../../shared/format';
import { impactFor, topUnit } from '../logic/panelModel';
import { operatorTitle } from '../../../src/core/erasure/operators';
import {
  constructionNote,
  impactLabel,
  POLARITY_MARK,
  pOf,
  verdictMark,
  verdictWord,
  weightLabel,
  whySentence,
} from '../logic/verdictText';
import { singleSelect } from '../../shared/formControls';
import { el, replaceChildren, srOnly } from '../../shared/dom';

export interface TokenRowsContext {
  state: PanelState;
  /** The operator whose Δ the impact row shows (the chosen one unless the reader picked another). */
  impactOperator: string;
  /** Explainers the last run recomputed (badged ↻); empty when all or none were. */
  recomputed: ReadonlySet<string>;
  live: boolean;
  onImpactOperator(operator: string): void;
  onDecorate(explainer: string): void;
}

export function renderTokenRows(section: HTMLElement, ctx: TokenRowsContext): void {
  const { result } = ctx.state;
  const impact = impactFor(result, ctx.impactOperator);
  const rows = el('div', { class: 'rows' });
  if (impact) rows.appendChild(impactRow(result, impact, ctx));
  for (const row of result.explanations) rows.appendChild(explainerRow(result, row, impact, ctx));
  replaceChildren(
    section,
    el(
      'div',
      { class: 'section-head' },
      el('h2', { id: 'explanations-heading', text: 'Explanations' }),
      legend(result.target.label),
    ),
    rows,
  );
}

function unitEl(text: string, index: number, t: Tint, label: string): HTMLElement {
  const unit = el(
    'span',
    {
      class: `unit tone-${t.tone}${t.strong ? ' strong' : ''}`,
      title: label,
      attrs: { role: 'listitem', tabindex: -1, 'data-index': index, 'data-tip': label, 'aria-label': label },
    },
    el('span', { class: 'unit-text', text }),
  );
  // The tint's strength is data, not markup: a CSS variable set through the CSSOM (allowed by the CSP).
  unit.style.setProperty('--tint', t.intensity.toFixed(3));
  return unit;
}

function rowLabel(
  title: string,
  titleId: string,
  sub: string,
  subTitle?: string,
  ...extra: (HTMLElement | false)[]
): HTMLElement {
  return el(
    'div',
    { class: 'row-label' },
    el('div', { class: 'row-title-line' }, el('span', { class: 'row-title', id: titleId, text: title }), ...extra),
    el('span', { class: 'row-sub', text: sub, title: subTitle }),
  );
}

function impactRow(result: ExplainResult, impact: ImpactRow, ctx: TokenRowsContext): HTMLElement {
  const label = result.target.label;
  const scale = maxAbs(impact.deltas);
  const units = el('div', {
    class: 'units',
    attrs: { role: 'list', 'aria-label': `Real impact of erasing each unit (${impact.operator})` },
  });
  result.units.forEach((u, i) => {
    const delta = impact.deltas[i];
    const polarity = impact.polarity[i] ?? 'none';
    const node = unitEl(
      u.text,
      i,
      tint(polarity === 'none' ? 0 : delta, scale),
      impactLabel(u.text, delta, result.deltaTolerance, label, impact.operator),
    );
    node.dataset.polarity = polarity;
    node.dataset.delta = String(delta);
    node.appendChild(
      el('span', {
        class: `unit-mark mark-${polarity}`,
        text: POLARITY_MARK[polarity],
        attrs: { 'aria-hidden': 'true' },
      }),
    );
    units.appendChild(node);
  });

  const picker = singleSelect(
    'impact-operator',
    result.impacts.map((i) => ({ value: i.operator, label: i.operator, description: i.description })),
    impact.operator,
    'Operator of the impact row',
  );
  picker.classList.add('compact-select');
  picker.addEventListener('change', () => ctx.onImpactOperator(picker.value));

  return el(
    'div',
    {
      class: 'row impact-row',
      attrs: { 'data-operator': impact.operator, role: 'group', 'aria-labelledby': 'impact-title' },
    },
    el(
      'div',
      { class: 'row-label' },
      el(
        'div',
        { class: 'row-title-line' },
        el('span', { class: 'row-title', id: 'impact-title', text: 'Real impact Δ' }),
      ),
      picker,
      el('span', {
        class: 'row-sub',
        text: `max |Δ| ${formatMagnitude(scale)}`,
        title: `Δ = ${pOf(label)} − ${pOf(label)} with the unit erased by ${operatorTitle(impact.operator)}: ${impact.description}`,
      }),
    ),
    el(
      'div',
      { class: 'row-body' },
      units,
      el('div', {
        class: 'row-foot muted',
        text: `Leave-one-out under ${operatorTitle(impact.operator)}: ▲ erasing the unit lowers ${pOf(label)} (it supports), ▼ raises it (it suppresses).`,
      }),
    ),
  );
}

function explainerRow(
  result: ExplainResult,
  row: ExplanationRow,
  impact: ImpactRow | undefined,
  ctx: TokenRowsContext,
): HTMLElement {
  const titleId = `row-title-${row.id}`;
  const recomputed =
    ctx.recomputed.has(row.id) &&
    el('span', {
      class: 'badge recomputed',
      text: '↻',
      title: 'Recomputed by the last run',
      attrs: { 'aria-label': 'recomputed' },
    });
  const decorate =
    ctx.live &&
    row.weights !== null &&
    decorateButton(row, ctx.state.view.editorExplainer === row.id, () => ctx.onDecorate(row.id));
  const attrs = { 'data-explainer': row.id, role: 'group', 'aria-labelledby': titleId };

  if (row.weights === null) {
    return el(
      'div',
      { class: 'row explainer-row failed', attrs },
      rowLabel(row.label, titleId, `${row.family} · could not run`, undefined, recomputed),
      el(
        'div',
        { class: 'row-body' },
        el('p', { class: 'row-error', text: row.error ?? 'This explainer could not run on this model.' }),
      ),
    );
  }

  const weights = row.weights;
  const scale = maxAbs(weights);
  const top = topUnit(row);
  const label = result.target.label;
  const units = el('div', { class: 'units', attrs: { role: 'list', 'aria-label': `${row.label} weights` } });
  result.units.forEach((u, i) => {
    const w = weights[i];
    const delta = impact?.deltas[i];
    const node = unitEl(
      u.text,
      i,
      tint(w, scale),
      weightLabel(u.text, w, row.label, delta, result.deltaTolerance, label, impact?.operator ?? '', i === top),
    );
    node.dataset.weight = String(w);
    if (i === top) {
      node.classList.add('top');
      node.appendChild(el('span', { class: 'unit-mark mark-top', text: '★', attrs: { 'aria-hidden': 'true' } }));
    }
    units.appendChild(node);
  });

  const sub = `${row.signed ? 'signed' : 'unsigned'} · max |w| ${formatMagnitude(scale)}`;
  return el(
    'div',
    { class: `row explainer-row ${row.signed ? 'signed' : 'unsigned'}`, attrs },
    rowLabel(
      row.label,
      titleId,
      sub,
      `${row.family} explainer; ${row.citation}. Colours are normalised by this row’s max |w|; hover a unit for its raw weight.`,
      recomputed,
      decorate,
    ),
    el(
      'div',
      { class: 'row-body' },
      units,
      verdictLine(result, row, top, (operator) => ctx.onImpactOperator(operator)),
    ),
  );
}

/** ✓/✗ per operator (shape and word, not colour alone) and the "why" of the most telling one. */
function verdictLine(
  result: ExplainResult,
  row: ExplanationRow,
  top: number,
  showImpact: (operator: string) => void,
): HTMLElement {
  const label = result.target.label;
  const unitText = top >= 0 ? result.units[top]?.text : undefined;
  const why = (v: VerdictRow): string => whySentence(v, unitText, label, result.deltaTolerance);
  const chips = row.verdicts.map((v) => {
    const chip = el(
      'span',
      {
        class: `verdict ${v.violates ? 'violates' : 'consistent'}`,
        title: `${verdictWord(v.violates)} under ${v.operator}: ${why(v)}${constructionNote(v)} (click to show this operator’s impacts)`,
        attrs: { 'data-operator': v.operator, ...(v.byConstruction ? { 'data-construction': 'true' } : {}) },
      },
      el('span', { class: 'verdict-mark', text: verdictMark(v.violates), attrs: { 'aria-hidden': 'true' } }),
      el('span', {
        class: 'verdict-op',
        text: `${v.operator}${v.byConstruction ? '†' : ''}`,
        attrs: { 'aria-hidden': 'true' },
      }),
      srOnly(
        `${v.operator}: ${verdictWord(v.violates)}, ${why(v)}${v.byConstruction ? `; by construction: ${v.byConstruction}` : ''}.`,
      ),
    );
    // A mouse shortcut to the impact row's picker (which keyboard users reach directly).
    chip.addEventListener('click', () => showImpact(v.operator));
    return chip;
  });
  // Show the reason of the first violation if there is one (that is what needs explaining), else of the first operator.
  const telling = row.verdicts.find((v) => v.violates) ?? row.verdicts[0];
  return el(
    'div',
    { class: 'row-foot' },
    el('span', { class: 'verdicts' }, ...chips),
    telling &&
      el(
        'span',
        { class: 'why', attrs: { 'aria-hidden': 'true' } },
        `${verdictMark(telling.violates)} ${why(telling)}`,
      ),
    el('span', { class: 'quantity', title: row.quantity }, `w = ${row.quantity}`),
  );
}

function decorateButton(row: ExplanationRow, active: boolean, onClick: () => void): HTMLButtonElement {
  const button = el(
    'button',
    {
      class: 'icon-button decorate',
      title: active ? `The editor is coloured with ${row.label}` : `Colour the editor with ${row.label}`,
      attrs: {
        type: 'button',
        'aria-pressed': active ? 'true' : 'false',
        'aria-label': `Colour the editor with ${row.label}`,
        'data-explainer': row.id,
      },
    },
    el('span', { class: 'codicon codicon-paintcan', attrs: { 'aria-hidden': 'true' } }),
  );
  button.addEventListener('click', onClick);
  return button;
}

/** One legend for all rows: the diverging scale (signed), its sequential half (unsigned), and the marks. */
function legend(label: string): HTMLElement {
  const item = (...children: (HTMLElement | string)[]): HTMLElement => el('li', { class: 'legend-item' }, ...children);
  return el(
    'ul',
    { class: 'legend', attrs: { 'aria-label': 'Legend' } },
    item(
      el('span', { class: 'legend-end', text: '−max' }),
      el('span', { class: 'legend-bar diverging', attrs: { 'aria-hidden': 'true' } }),
      el('span', { class: 'legend-end', text: '+max' }),
      el('span', {
        class: 'legend-text',
        text: ` signed w: blue claims to suppress ${label}, orange claims to support it`,
      }),
    ),
    item(
      el('span', { class: 'legend-end', text: '0' }),
      el('span', { class: 'legend-bar sequential', attrs: { 'aria-hidden': 'true' } }),
      el('span', { class: 'legend-end', text: 'max' }),
      el('span', { class: 'legend-text', text: ' unsigned w (always claims support)' }),
    ),
    item(
      el('span', { class: 'legend-swatch mark-supports', text: '▲', attrs: { 'aria-hidden': 'true' } }),
      ' supports ',
      el('span', { class: 'legend-swatch mark-suppresses', text: '▼', attrs: { 'aria-hidden': 'true' } }),
      ' suppresses (real Δ)',
    ),
    item(
      el('span', { class: 'legend-swatch legend-top', text: '★', attrs: { 'aria-hidden': 'true' } }),
      ' top unit (largest |w|) · ✓ consistent · ✗ violates',
    ),
    item('Each row is scaled by its own max |w|; hover or focus a unit for its raw value.'),
  );
}
