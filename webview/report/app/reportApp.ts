/**
 * The report webview: owns the report on screen and the reader's view choices, draws every section from them, turns
 * the host's messages into redraws (a partial report every second or so while a run goes on) and view changes into
 * setState. In an exported page it draws the embedded report, read-only.
 */
import type { ReportFormat, ReportView } from '../../../src/core/datasetRun/datasetReport';
import type {
  ReportHostMessage,
  ReportSavedState,
  ReportViewState,
  ReportWebviewMessage,
  StandaloneReportData,
} from '../../../src/pages/report/reportProtocol';
import type { Bridge } from '../../shared/bridge';
import { ExportChoice, exportButtons } from '../../shared/formControls';
import { el, panelSection, replaceChildren } from '../../shared/dom';
import { keepFocus } from '../../shared/focusKeeper';
import { watchTheme } from '../../shared/theme';
import { enableFocusTooltips } from '../../shared/tooltip';
import { normaliseView, reportIdentity } from '../logic/reportModel';
import { nextSort } from '../logic/reportSummary';
import { ChartsSection } from './chartsSection';
import { renderReportHeader, RunState } from './reportHeader';
import { ReportRun, RunStatusView } from './runStatus';
import { SampleBrowser } from './sampleBrowser';
import { renderSummary } from './summarySection';
import { renderClasses } from './classSection';
import { renderPairs } from './pairSection';
import { renderComparison } from './comparisonSection';

const SAVE_SCROLL_MS = 200;

export type ReportBridge = Bridge<ReportSavedState, StandaloneReportData, ReportHostMessage, ReportWebviewMessage>;

/** Export JSON, CSV, HTML and Markdown (live webview only). */
const EXPORTS: ExportChoice<ReportFormat>[] = [
  {
    format: 'json',
    label: 'JSON',
    title: 'Save the whole report (every sample’s verdicts) as JSON',
    ariaLabel: 'Export JSON',
  },
  { format: 'csv', label: 'CSV', title: 'Save one line per sample and explainer as CSV', ariaLabel: 'Export CSV' },
  {
    format: 'html',
    label: 'HTML',
    title: 'Save a self-contained HTML page of this report, opened as you see it now',
    ariaLabel: 'Export HTML',
  },
  { format: 'md', label: 'Markdown', title: 'Save the summary tables as Markdown', ariaLabel: 'Export Markdown' },
];

export class ReportApp {
  private report?: ReportView;
  private view?: ReportViewState;
  /** Saved or embedded choices, applied when the first report arrives. */
  private pending?: Partial<ReportViewState>;
  private run: ReportRun = { kind: 'idle' };
  private scrollTimer: ReturnType<typeof setTimeout> | undefined;
  private headerDrawn?: { report: ReportView | undefined; state: RunState; ended: boolean };

  private readonly header = el('header', { id: 'report-header', class: 'panel-header report-header' });
  private readonly actions: HTMLElement;
  private readonly status = el('div', { id: 'run-status', class: 'status run-status' });
  private readonly summary = panelSection('summary-section', 'summary-heading');
  private readonly comparisonRoot = panelSection('comparison-section', 'comparison-heading');
  private readonly classesRoot = panelSection('classes-section', 'classes-heading');
  private readonly pairsRoot = panelSection('pairs-section', 'pairs-heading');
  private readonly chartsRoot = panelSection('charts-section', 'charts-heading');
  private readonly samplesRoot = panelSection('samples-section', 'samples-heading');
  private readonly runView: RunStatusView;
  private readonly charts: ChartsSection;
  private readonly samples: SampleBrowser;

  constructor(
    root: HTMLElement,
    private readonly bridge: ReportBridge,
  ) {
    document.body.classList.toggle('standalone', !bridge.live);
    document.body.classList.add('report-page');
    this.actions = exportButtons(
      { id: 'report-actions', label: 'Export the report', caption: 'Export' },
      EXPORTS,
      (format) => bridge.post({ type: 'export', format, ...(this.view ? { view: this.view } : {}) }),
    );
    this.actions.hidden = true;
    this.runView = new RunStatusView(
      this.status,
      () => bridge.post({ type: 'cancel' }),
      () => this.report?.samples,
    );
    this.charts = new ChartsSection(this.chartsRoot, (change) => this.setView(change));
    this.samples = new SampleBrowser(this.samplesRoot, {
      live: bridge.live,
      onView: (change) => this.setView(change),
      onScroll: (top) => this.saveScroll({ sampleScroll: top }),
      onOpen: (row, target) => bridge.post({ type: 'openSample', row, ...(target === undefined ? {} : { target }) }),
    });
    replaceChildren(
      root,
      el('div', { class: 'topbar' }, this.header, this.actions),
      this.status,
      el('main', { class: 'report-main' }, ...this.sections()),
    );
    window.addEventListener('scroll', () => this.saveScroll({ pageScroll: window.scrollY }), { passive: true });
    enableFocusTooltips(root);
    watchTheme(() => undefined);
    this.render();
  }

  /** What to draw before the host speaks: the embedded report (exported page) and the saved or embedded view. */
  start(initial: { report?: ReportView; view?: Partial<ReportViewState> }): void {
    this.pending = initial.view;
    if (initial.report) this.load(initial.report);
  }

  onMessage(message: ReportHostMessage): void {
    switch (message.type) {
      case 'report':
        this.load(message.report);
        break;
      case 'progress': {
        const { type: _type, ...progress } = message;
        this.run = { kind: 'running', progress };
        this.runView.show(this.run);
        if (this.report) this.renderHeader();
        break;
      }
      case 'finished':
        this.run = {
          kind: 'finished',
          cancelled: message.cancelled,
          ...(message.message === undefined ? {} : { message: message.message }),
        };
        this.runView.show(this.run);
        this.renderHeader();
        break;
    }
  }

  private load(report: ReportView): void {
    const first = !this.report;
    this.report = report;
    this.view = normaliseView(first ? (this.pending ?? this.view) : this.view, report);
    this.pending = undefined;
    this.render();
    if (first) {
      const { sampleScroll, pageScroll } = this.view;
      // After layout: the list needs its height before it can scroll.
      requestAnimationFrame(() => {
        this.samples.restoreScroll(sampleScroll);
        window.scrollTo(0, pageScroll);
      });
    }
  }

  private runState(): RunState {
    if (!this.report || this.report.complete) return 'complete';
    if (this.run.kind === 'finished')
      return this.run.cancelled ? 'cancelled' : this.run.message ? 'stopped' : 'partial';
    return 'partial';
  }

  private save(): void {
    if (!this.view) return;
    this.bridge.save({ view: this.view, ...(this.report ? { report: reportIdentity(this.report) } : {}) });
  }

  private setView(change: Partial<ReportViewState>): void {
    if (!this.view || !this.report) return;
    this.view = { ...this.view, ...change };
    this.save();
    if ('sort' in change) this.renderSummary();
    if (
      'chartExplainers' in change ||
      'polarityExplainer' in change ||
      'tokenClass' in change ||
      'tokenExplainer' in change
    )
      this.charts.render(this.report, this.view);
  }

  private saveScroll(change: Partial<ReportViewState>): void {
    if (!this.view) return;
    this.view = { ...this.view, ...change };
    clearTimeout(this.scrollTimer);
    this.scrollTimer = setTimeout(() => this.save(), SAVE_SCROLL_MS);
  }

  /** Redraws the header only when the report or the run's state changed (progress ticks several times a second). */
  private renderHeader(): void {
    const state = this.runState();
    const ended = this.run.kind === 'finished';
    const last = this.headerDrawn;
    if (last && last.report === this.report && last.state === state && last.ended === ended) return;
    this.headerDrawn = { report: this.report, state, ended };
    keepFocus(this.header, () => renderReportHeader(this.header, this.report, state, ended));
  }

  private renderSummary(): void {
    const report = this.report!;
    const view = this.view!;
    keepFocus(this.summary, () =>
      renderSummary(
        this.summary,
        report,
        view.sort,
        (column) => this.setView({ sort: nextSort(this.view!.sort, column) }),
        this.bridge.live ? () => this.bridge.post({ type: 'measureAll' }) : undefined,
      ),
    );
  }

  /** The report's sections, in page order. */
  private sections(): HTMLElement[] {
    return [this.summary, this.comparisonRoot, this.pairsRoot, this.classesRoot, this.chartsRoot, this.samplesRoot];
  }

  private render(): void {
    this.renderHeader();
    this.runView.show(this.bridge.live ? this.run : { kind: 'idle' });
    const ready = this.report !== undefined && this.view !== undefined;
    for (const section of this.sections()) section.hidden = !ready;
    this.actions.hidden = !this.bridge.live || !ready;
    if (!this.report || !this.view) return;
    this.renderSummary();
    keepFocus(this.comparisonRoot, () => renderComparison(this.comparisonRoot, this.report!));
    keepFocus(this.pairsRoot, () => renderPairs(this.pairsRoot, this.report!));
    keepFocus(this.classesRoot, () => renderClasses(this.classesRoot, this.report!));
    this.charts.render(this.report, this.view);
    this.samples.update(this.report, this.view);
  }
}
