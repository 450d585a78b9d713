/**
 * The sample browser: filters (label, prediction, correctness, explainer and its verdict, text search), an order,
 * "showing N of M", and a virtualised grid that only ever holds the rows in view (a fixed-height scroller over a
 * spacer as tall as the whole list), so 100,000 samples scroll as fast as 100. A row opens its sample in the explain
 * panel on click or Enter; ↑/↓, PageUp/PageDown, Home/End move through the rows.
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { ReportView, SampleRow } from '../../../src/core/datasetRun/datasetReport';
import type { ReportViewState, SampleFilters, SampleSort } from '../../../src/pages/report/reportProtocol';
import { field, singleSelect } from '../../shared/formControls';
import { el, replaceChildren, srOnly } from '../../shared/dom';
import { formatProbability, formatViolationMean } from '../../shared/format';
import { formatCount } from '../logic/reportFormat';
import { explainedSymbol, sampleWords } from '../../../src/core/datasetRun/sampleWords';
import { distinctLabels, explainerColumn, violationState, visibleSamples } from '../logic/sampleFilter';
import { revealRow, rowsPerPage, virtualWindow } from '../logic/virtualWindow';

/** Must match .sample-row's height in report.css. */
export const ROW_HEIGHT = 28;
const FALLBACK_VIEWPORT = 440;
const MAX_LABEL_OPTIONS = 200;

export interface SampleBrowserOptions {
  /** false in the exported page: rows open nothing there. */
  live: boolean;
  /** The reader changed a filter or the order. */
  onView(change: Partial<ReportViewState>): void;
  /** The list scrolled (the app saves it, debounced). */
  onScroll(scrollTop: number): void;
  /** `target`: the label a multi-label sample row tests. */
  onOpen(row: number, target?: number): void;
}

const SORTS: { value: string; label: string; sort: SampleSort }[] = [
  { value: 'row:asc', label: 'Row, first to last', sort: { key: 'row', descending: false } },
  { value: 'row:desc', label: 'Row, last to first', sort: { key: 'row', descending: true } },
  { value: 'confidence:asc', label: 'Confidence, lowest first', sort: { key: 'confidence', descending: false } },
  { value: 'confidence:desc', label: 'Confidence, highest first', sort: { key: 'confidence', descending: true } },
  { value: 'violation:desc', label: 'Violation, most first', sort: { key: 'violation', descending: true } },
  { value: 'violation:asc', label: 'Violation, least first', sort: { key: 'violation', descending: false } },
];
const sortValue = (s: SampleSort): string => `${s.key}:${s.descending ? 'desc' : 'asc'}`;

/** Option values for "any", "no label", and a label (prefixed, so a label called "any" stays a label). */
const labelValue = (label: string | null | undefined): string =>
  label === undefined ? 'any' : label === null ? 'none' : `is:${label}`;
const parseLabel = (value: string): string | null | undefined =>
  value === 'any' ? undefined : value === 'none' ? null : value.slice(3);

const COLUMNS = ['Row · line', 'Text', 'Label', 'Predicted', 'p(ŷ)', 'Correct', 'Violation'];

export class SampleBrowser {
  private report?: ReportView;
  private filters: SampleFilters = { correctness: 'any', violation: 'any', search: '' };
  private sort: SampleSort = { key: 'row', descending: false };
  private indices: number[] = [];
  private column = -1;
  /** Position (in `indices`) of the row with the tab stop. */
  private active = 0;
  private readonly rendered = new Map<number, HTMLElement>();
  private controlsKey = '';
  private frame = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private pickers: Record<string, VscodeSingleSelect> = {};
  private search?: VscodeTextfield;

  private readonly controls = el('div', {
    id: 'sample-filters',
    class: 'sample-filters',
    attrs: { role: 'group', 'aria-label': 'Filter and order the samples' },
  });
  private readonly count = el('p', { id: 'sample-count', class: 'sample-count', attrs: { role: 'status' } });
  private readonly header = el('div', { class: 'sample-header', attrs: { role: 'rowgroup' } });
  private readonly body = el('div', { class: 'sample-body', attrs: { role: 'rowgroup' } });
  private readonly spacer = el('div', { class: 'sample-spacer' }, this.body);
  private readonly scroller = el(
    'div',
    { id: 'sample-scroller', class: 'sample-scroller', attrs: { tabindex: -1 } },
    this.spacer,
  );
  private readonly grid = el(
    'div',
    {
      id: 'sample-grid',
      class: 'sample-grid',
      attrs: {
        role: 'grid',
        'aria-labelledby': 'samples-heading',
        'aria-describedby': 'sample-count',
        'aria-colcount': COLUMNS.length,
      },
    },
    this.header,
    this.scroller,
  );

  constructor(
    section: HTMLElement,
    private readonly options: SampleBrowserOptions,
  ) {
    replaceChildren(
      section,
      el('div', { class: 'section-head' }, el('h2', { id: 'samples-heading', text: 'Samples' })),
      el('p', {
        class: 'muted section-intro',
        text:
          'One row per explained sample. Violation: ✗ when the chosen explainer’s top unit had the wrong sign under at least one of the paper’s operators (the fraction of operators is shown), ✓ under none, — not run.' +
          (options.live
            ? ' Click a row or press Enter to open it in the explain panel.'
            : ' ↑/↓, Page Up/Down, Home and End move through the rows.'),
      }),
      this.controls,
      this.count,
      this.grid,
    );
    this.scroller.addEventListener('scroll', () => {
      cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(() => this.renderWindow());
      this.options.onScroll(this.scroller.scrollTop);
    });
    this.scroller.addEventListener('keydown', (event) => this.onKey(event));
    this.scroller.addEventListener('click', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('.sample-row');
      if (!row) return;
      this.active = Number(row.dataset.pos);
      row.focus();
      this.open();
    });
    this.scroller.addEventListener('focusin', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('.sample-row');
      if (!row) return;
      this.active = Number(row.dataset.pos);
      this.updateTabStop();
    });
  }

  /** Shows a report (a new or a grown partial one) with these view choices; keeps the scroll position. */
  update(report: ReportView, view: ReportViewState): void {
    this.report = report;
    this.filters = { ...view.filters };
    this.sort = { ...view.sampleSort };
    this.buildControls(report);
    this.recompute(false);
  }

  /** Scrolls the list to a saved offset (after the list has its height). */
  restoreScroll(top: number): void {
    this.scroller.scrollTop = top;
    this.renderWindow();
  }

  /** The filtered, ordered indices into sampleRows (for tests through the DOM: data-row attributes). */
  get shown(): number {
    return this.indices.length;
  }

  private buildControls(report: ReportView): void {
    // Free-text label columns can have thousands of values; the picker offers the first ones (sorted).
    const labels = distinctLabels(report.sampleRows).slice(0, MAX_LABEL_OPTIONS);
    const key = JSON.stringify([labels, report.model.labels, report.explainers.map((e) => [e.id, e.label])]);
    if (key !== this.controlsKey) {
      this.controlsKey = key;
      const pick = (
        id: string,
        label: string,
        options: { value: string; label: string }[],
        apply: (value: string) => Partial<SampleFilters> | SampleSort,
      ): HTMLElement => {
        const select = singleSelect(id, options, options[0]?.value ?? '', label);
        select.addEventListener('change', () => {
          const change = apply(select.value);
          if ('key' in change) this.setSort(change);
          else this.setFilters(change);
        });
        this.pickers[id] = select;
        return field(label, select);
      };
      const search = el('vscode-textfield', {
        id: 'filter-search',
        attrs: { type: 'search', placeholder: 'Search the text', 'aria-label': 'Search the text' },
      });
      search.addEventListener('input', () => {
        clearTimeout(this.searchTimer);
        this.searchTimer = setTimeout(() => this.setFilters({ search: search.value }), 150);
      });
      this.search = search;
      const explainers = report.explainers.map((e) => ({ value: e.id, label: e.label }));
      replaceChildren(
        this.controls,
        pick(
          'filter-label',
          'Label',
          [
            { value: 'any', label: 'Any label' },
            ...labels.map((l) => ({ value: labelValue(l), label: l === null ? '(no label)' : l })),
          ],
          (v) => ({ label: parseLabel(v) }),
        ),
        pick(
          'filter-prediction',
          sampleWords(report).explainedColumn,
          [{ value: 'any', label: 'Any' }, ...report.model.labels.map((l) => ({ value: labelValue(l), label: l }))],
          (v) => ({ prediction: parseLabel(v) ?? undefined }),
        ),
        pick(
          'filter-correct',
          'Correct',
          [
            { value: 'any', label: 'Any' },
            { value: 'correct', label: '✓ correct' },
            { value: 'wrong', label: '✗ wrong' },
            { value: 'unlabelled', label: 'No gold label' },
          ],
          (v) => ({ correctness: v as SampleFilters['correctness'] }),
        ),
        pick('filter-explainer', 'Explainer', explainers, (v) => ({ explainer: v })),
        pick(
          'filter-violation',
          'Verdict',
          [
            { value: 'any', label: 'Any verdict' },
            { value: 'violates', label: '✗ violates' },
            { value: 'consistent', label: '✓ consistent' },
          ],
          (v) => ({ violation: v as SampleFilters['violation'] }),
        ),
        field('Text', search, 'field-search'),
        pick(
          'sample-sort',
          'Order',
          SORTS.map((s) => ({ value: s.value, label: s.label })),
          (v) => SORTS.find((s) => s.value === v)?.sort ?? SORTS[0].sort,
        ),
      );
    }
    const f = this.filters;
    const values: Record<string, string> = {
      'filter-label': labelValue(f.label),
      'filter-prediction': labelValue(f.prediction),
      'filter-correct': f.correctness,
      'filter-explainer': f.explainer ?? report.explainers[0]?.id ?? '',
      'filter-violation': f.violation,
      'sample-sort': sortValue(this.sort),
    };
    for (const [id, value] of Object.entries(values))
      if (this.pickers[id] && this.pickers[id].value !== value) this.pickers[id].value = value;
    if (this.search && this.search.value !== f.search) this.search.value = f.search;
  }

  private setFilters(change: Partial<SampleFilters>): void {
    this.filters = { ...this.filters, ...change };
    for (const k of Object.keys(change) as (keyof SampleFilters)[]) if (change[k] === undefined) delete this.filters[k];
    this.options.onView({ filters: { ...this.filters } });
    this.recompute(true);
  }

  private setSort(sort: SampleSort): void {
    this.sort = sort;
    this.options.onView({ sampleSort: { ...sort } });
    this.recompute(true);
  }

  /** Filters and orders again; `fromTop` (a new filter or order) scrolls back to the first row. */
  private recompute(fromTop: boolean): void {
    const report = this.report;
    if (!report) return;
    this.indices = visibleSamples(report, this.filters, this.sort);
    this.column = explainerColumn(report, this.filters.explainer);
    const text = `Showing ${formatCount(this.indices.length)} of ${formatCount(report.sampleRows.length)} samples`;
    if (this.count.textContent !== text) this.count.textContent = text;
    this.count.dataset.shown = String(this.indices.length);
    this.count.dataset.total = String(report.sampleRows.length);
    this.grid.setAttribute('aria-rowcount', String(this.indices.length + 1));
    this.renderHeader(report);
    if (fromTop) {
      this.active = 0;
      this.scroller.scrollTop = 0;
    }
    this.active = Math.min(this.active, Math.max(0, this.indices.length - 1));
    // Rows are redrawn from scratch (their data changed), keeping focus on the same position if a row had it.
    const hadFocus = this.body.contains(document.activeElement);
    this.rendered.clear();
    this.body.textContent = '';
    this.renderWindow();
    if (hadFocus) (this.rendered.get(this.active) ?? this.scroller).focus();
  }

  private renderHeader(report: ReportView): void {
    const explainer = report.explainers[this.column]?.label ?? 'explainer';
    const names = [
      ...COLUMNS.slice(0, 3),
      sampleWords(report).explainedColumn,
      explainedSymbol(report),
      COLUMNS[5],
      `Violation (${explainer})`,
    ];
    replaceChildren(
      this.header,
      el(
        'div',
        { class: 'sample-row sample-head', attrs: { role: 'row', 'aria-rowindex': 1 } },
        ...names.map((n, i) => el('div', { class: `cell c${i}`, text: n, attrs: { role: 'columnheader' } })),
      ),
    );
  }

  private viewport(): number {
    return this.scroller.clientHeight || FALLBACK_VIEWPORT;
  }

  /** Draws the rows in view, reusing the ones already drawn (so a focused row survives a scroll that keeps it). */
  private renderWindow(): void {
    const report = this.report;
    if (!report) return;
    const w = virtualWindow(this.scroller.scrollTop, this.viewport(), ROW_HEIGHT, this.indices.length);
    this.spacer.style.height = `${w.height}px`;
    this.body.style.transform = `translateY(${w.top}px)`;
    let lostFocus = false;
    for (const [pos, node] of this.rendered) {
      if (pos >= w.start && pos < w.end) continue;
      if (node.contains(document.activeElement)) lostFocus = true;
      node.remove();
      this.rendered.delete(pos);
    }
    // What is left is contiguous and in order: new rows go before it or after it.
    let cursor: ChildNode | null = this.body.firstChild;
    for (let pos = w.start; pos < w.end; pos++) {
      const kept = this.rendered.get(pos);
      if (kept) {
        cursor = kept.nextSibling;
        continue;
      }
      const node = this.rowElement(report.sampleRows[this.indices[pos]], pos);
      this.rendered.set(pos, node);
      this.body.insertBefore(node, cursor);
    }
    this.updateTabStop();
    // Focus on a row that scrolled away moves to the list itself, so the keys keep working.
    if (lostFocus) this.scroller.focus();
  }

  private updateTabStop(): void {
    const stop = this.rendered.has(this.active) ? this.active : Math.min(...this.rendered.keys());
    for (const [pos, node] of this.rendered) node.tabIndex = pos === stop ? 0 : -1;
  }

  private rowElement(r: SampleRow, pos: number): HTMLElement {
    const share = this.column >= 0 ? r.violation[this.column] : null;
    const state = violationState(share);
    const violation =
      state === 'none'
        ? [el('span', { text: '—', attrs: { 'aria-hidden': 'true' } }), srOnly('not run')]
        : state === 'violates'
          ? [
              el('span', { text: `✗ ${formatViolationMean(share)}`, attrs: { 'aria-hidden': 'true' } }),
              srOnly(`violates under ${formatViolationMean(share)} of the operators`),
            ]
          : [el('span', { text: '✓', attrs: { 'aria-hidden': 'true' } }), srOnly('consistent')];
    const correct =
      r.correct === null
        ? [el('span', { text: '—', attrs: { 'aria-hidden': 'true' } }), srOnly('no gold label')]
        : [
            el('span', { text: r.correct ? '✓' : '✗', attrs: { 'aria-hidden': 'true' } }),
            srOnly(r.correct ? 'correct' : 'wrong'),
          ];
    const cell = (i: number, ...children: (Node | string)[]): HTMLElement =>
      el('div', { class: `cell c${i}`, attrs: { role: 'gridcell' } }, ...children);
    return el(
      'div',
      {
        class: `sample-row${r.correct === false ? ' wrong' : ''} verdict-${state}`,
        title: r.text,
        attrs: {
          role: 'row',
          'aria-rowindex': pos + 2,
          'data-row': r.row,
          'data-target': r.target,
          'data-pos': pos,
          tabindex: -1,
        },
      },
      cell(0, `${r.row} · L${r.line}`),
      cell(1, r.text),
      cell(2, r.label ?? '—'),
      cell(3, r.prediction),
      cell(4, formatProbability(r.probability)),
      cell(5, ...correct),
      cell(6, ...violation),
    );
  }

  private onKey(event: KeyboardEvent): void {
    const count = this.indices.length;
    if (count === 0) return;
    const page = rowsPerPage(this.viewport(), ROW_HEIGHT);
    const moves: Record<string, number> = {
      ArrowDown: this.active + 1,
      ArrowUp: this.active - 1,
      PageDown: this.active + page,
      PageUp: this.active - page,
      Home: 0,
      End: count - 1,
    };
    if (event.key in moves) {
      this.moveTo(moves[event.key]);
      event.preventDefault();
    } else if (event.key === 'Enter' || event.key === ' ') {
      this.open();
      event.preventDefault();
    }
  }

  private moveTo(pos: number): void {
    this.active = Math.max(0, Math.min(this.indices.length - 1, pos));
    const top = revealRow(this.active, this.scroller.scrollTop, this.viewport(), ROW_HEIGHT);
    if (top !== this.scroller.scrollTop) this.scroller.scrollTop = top;
    this.renderWindow();
    this.rendered.get(this.active)?.focus();
  }

  private open(): void {
    const i = this.indices[this.active];
    const row = i === undefined ? undefined : this.report?.sampleRows[i];
    if (row) this.options.onOpen(row.row, row.target);
  }
}
