/**
 * The charts: (a) violation ratio per explainer and operator, (b, c) violation by input length and by confidence for
 * the explainers the reader picks, (d) the polarity matrix of one explainer, (e) the tokens that most often cause
 * violations. Figures and pickers are built once per report shape and kept (a partial report never closes an open
 * picker); only the chart bodies are redrawn.
 */
import '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { VscodeMultiSelect } from '@vscode-elements/elements/dist/vscode-multi-select/vscode-multi-select.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { ReportView } from '../../../src/core/datasetRun/datasetReport';
import type { ReportViewState } from '../../../src/pages/report/reportProtocol';
import { field, singleSelect } from '../../shared/formControls';
import { el, replaceChildren } from '../../shared/dom';
import { keepFocus } from '../../shared/focusKeeper';
import { tokenClasses } from '../logic/chartModel';
import { chartExplainers } from '../logic/reportModel';
import { operatorTitle } from '../logic/reportSummary';
import { binChart } from './binCharts';
import { enableChartFocus } from './chartFocus';
import { polarityChart, POLARITY_CHART_ID } from './polarityChart';
import { fillFigure, figureShell } from './svg';
import { TOKEN_CHART_ID, tokenChart } from './tokenChart';
import { VIOLATION_CHART_ID, violationBars } from './violationBars';
import { headWords } from '../../../src/core/explain/headWords';
import { explainedSymbol } from '../../../src/core/datasetRun/sampleWords';

/** The explainer the single-explainer charts start with: AttGrad when present (the paper's headline), else the first. */
function defaultExplainer(report: ReportView): string | undefined {
  return (report.explainers.find((e) => e.id === 'attention-x-gradient') ?? report.explainers[0])?.id;
}

/**
 * The depth sweep as a line chart: one line per layer-reading explainer, a point per attention layer (the paper's
 * depth claim); the same chart as length and confidence, with layers for bins.
 */
function depthChart(report: ReportView, depth: NonNullable<ReportView['depth']>): ReturnType<typeof binChart> {
  const bins = Array.from({ length: depth.layers }, (_, l) => ({
    label: `layer ${l}`,
    from: l,
    to: l + 1,
    samples: Math.max(0, ...depth.explainers.map((e) => e.byLayer[l]?.n ?? 0)),
    violation: Object.fromEntries(depth.explainers.map((e) => [e.id, e.byLayer[l]?.mean ?? null])),
  }));
  return binChart({
    id: 'chart-depth',
    what: 'attention layer',
    xTitle: 'attention layer (0 is the first)',
    bins,
    explainers: report.explainers.filter((e) => depth.explainers.some((d) => d.id === e.id)),
    description:
      'Violation mean (share of the paper’s operators violated) of each explainer that reads one attention layer, run at every layer; lower is better. The paper reports that violations rise with depth.',
  });
}

export class ChartsSection {
  private key = '';
  private figures?: {
    violation: HTMLElement;
    length: HTMLElement;
    confidence: HTMLElement;
    polarity: HTMLElement;
    tokens: HTMLElement;
    depth: HTMLElement;
  };
  private lineExplainers?: VscodeMultiSelect;
  private polarityPicker?: VscodeSingleSelect;
  private classPicker?: VscodeSingleSelect;
  private tokenPicker?: VscodeSingleSelect;

  constructor(
    private readonly section: HTMLElement,
    private readonly onView: (change: Partial<ReportViewState>) => void,
  ) {}

  render(report: ReportView, view: ReportViewState): void {
    const classes = tokenClasses(report);
    const key = JSON.stringify([report.explainers.map((e) => [e.id, e.label]), classes, report.depth !== undefined]);
    if (key !== this.key || !this.figures) {
      this.key = key;
      keepFocus(this.section, () => this.build(report, classes));
    }
    const lineIds = chartExplainers(view, report);
    const polarityId = view.polarityExplainer ?? defaultExplainer(report);
    const tokenId = view.tokenExplainer ?? defaultExplainer(report);
    const tokenClass = view.tokenClass ?? classes[0];
    if (this.lineExplainers) this.lineExplainers.value = lineIds;
    if (this.polarityPicker && polarityId) this.polarityPicker.value = polarityId;
    if (this.tokenPicker && tokenId) this.tokenPicker.value = tokenId;
    if (this.classPicker && tokenClass) this.classPicker.value = tokenClass;

    const f = this.figures!;
    const lines = report.explainers.filter((e) => lineIds.includes(e.id));
    const words = headWords(report.model.head);
    keepFocus(this.section, () => {
      fillFigure(f.violation, violationBars(report));
      fillFigure(
        f.length,
        binChart({
          id: 'chart-length',
          what: 'input length',
          xTitle: 'input length (units)',
          bins: report.byLength,
          explainers: lines,
          description:
            'Violation mean (share of the paper’s operators violated, averaged over the samples in each bin) by the number of units in the input; lower is better.',
        }),
      );
      fillFigure(
        f.confidence,
        binChart({
          id: 'chart-confidence',
          what: 'confidence',
          xTitle: `model confidence ${explainedSymbol(report)} (${words.quantity})`,
          bins: report.byConfidence,
          explainers: lines,
          description: `Violation mean by the model’s ${words.quantity} of the class explained (${explainedSymbol(report)}); lower is better.`,
        }),
      );
      fillFigure(
        f.polarity,
        polarityChart(
          report.explainers.find((e) => e.id === polarityId),
          operatorTitle(report.settings.operator),
        ),
      );
      fillFigure(f.tokens, tokenChart(report, tokenClass, tokenId));
      if (report.depth) fillFigure(f.depth, depthChart(report, report.depth));
      enableChartFocus(this.section);
    });
  }

  private build(report: ReportView, classes: string[]): void {
    const explainerOptions = report.explainers.map((e) => ({ value: e.id, label: e.label }));
    const lineExplainers = el('vscode-multi-select', {
      id: 'chart-explainers',
      attrs: { 'aria-label': 'Explainers in the length and confidence charts' },
    });
    for (const o of explainerOptions)
      lineExplainers.appendChild(el('vscode-option', { attrs: { value: o.value } }, o.label));
    lineExplainers.addEventListener('change', () => this.onView({ chartExplainers: [...lineExplainers.value] }));
    this.lineExplainers = lineExplainers;

    const first = report.explainers[0]?.id ?? '';
    this.polarityPicker = singleSelect(
      'polarity-explainer',
      explainerOptions,
      first,
      'Explainer of the polarity matrix',
    );
    this.polarityPicker.addEventListener('change', () =>
      this.onView({ polarityExplainer: this.polarityPicker!.value }),
    );
    this.tokenPicker = singleSelect('token-explainer', explainerOptions, first, 'Explainer of the violation tokens');
    this.tokenPicker.addEventListener('change', () => this.onView({ tokenExplainer: this.tokenPicker!.value }));
    this.classPicker = singleSelect(
      'token-class',
      classes.map((c) => ({ value: c, label: c })),
      classes[0] ?? '',
      'Predicted class of the violation tokens',
    );
    this.classPicker.addEventListener('change', () => this.onView({ tokenClass: this.classPicker!.value }));

    this.figures = {
      violation: figureShell(VIOLATION_CHART_ID, 'Violation ratio per explainer and operator'),
      length: figureShell('chart-length', 'Violation by input length'),
      confidence: figureShell('chart-confidence', 'Violation by model confidence'),
      polarity: figureShell(
        POLARITY_CHART_ID,
        'Polarity: explanation sign vs impact sign',
        el('div', { class: 'chart-controls' }, field('Explainer', this.polarityPicker)),
      ),
      depth: figureShell('chart-depth', 'Violation by attention layer (--layer all)'),
      tokens: figureShell(
        TOKEN_CHART_ID,
        'Tokens that most often cause violations',
        el(
          'div',
          { class: 'chart-controls' },
          field('Predicted class', this.classPicker),
          field('Explainer', this.tokenPicker),
        ),
      ),
    };
    replaceChildren(
      this.section,
      el('div', { class: 'section-head' }, el('h2', { id: 'charts-heading', text: 'Charts' })),
      this.figures.violation,
      el(
        'div',
        { class: 'chart-group', attrs: { role: 'group', 'aria-label': 'Violation by input length and by confidence' } },
        el(
          'div',
          { class: 'chart-controls' },
          field('Explainers drawn (length and confidence charts)', lineExplainers),
        ),
        el('div', { class: 'chart-row' }, this.figures.length, this.figures.confidence),
      ),
      el('div', { class: 'chart-row' }, this.figures.polarity, this.figures.tokens),
      report.depth && el('div', { class: 'chart-row' }, this.figures.depth),
    );
  }
}
