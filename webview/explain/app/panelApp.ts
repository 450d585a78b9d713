/**
 * The panel: owns the PanelState, draws every section from it, turns the host's messages into redraws and the
 * reader's view choices into setState. A host 'show' replaces the result; 'busy' and 'failed' only touch the status
 * line, so the previous result stays readable while a run is in flight or after it failed.
 */
import type {
  HostMessage,
  PanelSavedState,
  PanelState,
  PanelViewState,
  SummaryColumn,
  WebviewMessage,
} from '../../../src/pages/explain/explainProtocol';
import { normaliseView } from '../logic/panelModel';
import { nextSort } from '../logic/summaryTable';
import { AttentionPanel } from './attentionView';
import type { Bridge } from '../../shared/bridge';
import { Controls, type TargetChoice } from './controls';
import { ExportChoice, exportButtons } from '../../shared/formControls';
import { el, panelSection, replaceChildren } from '../../shared/dom';
import { keepFocus } from '../../shared/focusKeeper';
import { renderHeader } from './header';
import { enableRovingFocus } from './rovingFocus';
import { renderStatus, RunStatus } from './statusView';
import { renderComparisonSummary } from './comparisonSummary';
import { StoryView } from './storyView';
import { renderSummary } from './summaryView';
import { watchTheme } from '../../shared/theme';
import { renderTokenRows } from './tokenRows';
import { enableFocusTooltips } from '../../shared/tooltip';

export type PanelBridge = Bridge<PanelSavedState, PanelState, HostMessage, WebviewMessage>;

const EXPORTS: ExportChoice<'json' | 'html'>[] = [
  { format: 'json', label: 'Export JSON', title: 'Save this explanation as JSON' },
  { format: 'html', label: 'Export HTML', title: 'Save a self-contained HTML page of this panel' },
];

export class PanelApp {
  private state?: PanelState;
  /** The reader's saved view choices, applied to the first explanation the host sends. */
  private pendingView?: Partial<PanelViewState>;
  private status: RunStatus = { kind: 'idle' };
  private recomputed = new Set<string>();

  private readonly header = el('header', { id: 'header', class: 'panel-header' });
  private readonly controlsRoot = el('section', {
    id: 'controls',
    class: 'controls',
    attrs: { 'aria-label': 'Settings' },
  });
  private readonly statusRoot = el('div', { id: 'status', class: 'status' });
  private readonly storyRoot = panelSection('story', 'story-heading');
  /** The second model's compact view and what differs, beside the first when the panel is wide enough. */
  private readonly compareRoot = panelSection('compare', 'compare-story-heading');
  private readonly compareStoryRoot = el('div', { id: 'compare-story' });
  private readonly compareSummary = el('div', { id: 'compare-summary', class: 'compare-summary' });
  private readonly rows = panelSection('explanations', 'explanations-heading');
  private readonly summary = panelSection('summary-section', 'summary-heading');
  private readonly attentionRoot = panelSection('attention', 'attention-heading');
  private readonly controls: Controls;
  private readonly actions: HTMLElement;
  private readonly attention: AttentionPanel;
  private readonly story: StoryView;
  private readonly compareStory: StoryView;

  constructor(
    root: HTMLElement,
    private readonly bridge: PanelBridge,
  ) {
    this.story = new StoryView(this.storyRoot);
    this.compareStory = new StoryView(this.compareStoryRoot, 'compare-story');
    this.compareRoot.append(this.compareStoryRoot, this.compareSummary);
    this.controls = new Controls(this.controlsRoot, { post: (m) => bridge.post(m) });
    this.attention = new AttentionPanel(this.attentionRoot, (layer, head) =>
      this.setView({ attentionLayer: layer, attentionHead: head }),
    );
    this.controlsRoot.hidden = true;
    document.body.classList.toggle('standalone', !bridge.live);
    // An export carries the reader's view, so the exported page opens sorted and scrolled to the same attention map.
    this.actions = exportButtons({ id: 'actions', label: 'Export' }, EXPORTS, (format) =>
      bridge.post(this.state ? { type: 'export', format, view: this.state.view } : { type: 'export', format }),
    );
    this.actions.hidden = true;
    replaceChildren(
      root,
      el('div', { class: 'topbar' }, this.header, this.actions),
      this.controlsRoot,
      this.statusRoot,
      el(
        'main',
        { class: 'panel-main' },
        el('div', { class: 'stories' }, this.storyRoot, this.compareRoot),
        this.rows,
        this.summary,
        this.attentionRoot,
      ),
    );
    enableRovingFocus(this.rows);
    enableFocusTooltips(root);
    watchTheme(() => this.attention.redraw());
    this.render();
  }

  /**
   * A live webview that (re)loaded: it draws nothing until the host sends the explanation on screen (the host's
   * memory of it is the latest, whatever VS Code saved of this webview); `saved` only keeps the reader's view.
   */
  start(saved: PanelSavedState | undefined): void {
    this.pendingView = saved?.view;
    if (saved) {
      this.status = { kind: 'waiting', label: 'Restoring the explanation…' };
      this.render();
    }
  }

  /** Draws a state (embedded, or just received). */
  load(state: PanelState): void {
    this.state = { ...state, view: normaliseView(state.view, state.result) };
    this.render();
  }

  onMessage(message: HostMessage): void {
    switch (message.type) {
      case 'show': {
        const total = message.result.explanations.length;
        // "Reused" only means something against the result on screen: same model, same text.
        const previous = this.state?.result;
        const sameInput =
          previous !== undefined &&
          previous.model.dir === message.result.model.dir &&
          previous.text === message.result.text;
        const recomputed = sameInput ? message.recomputed : message.result.explanations.map((e) => e.id);
        const partial = !message.restored && recomputed.length > 0 && recomputed.length < total;
        this.recomputed = new Set(partial ? recomputed : []);
        this.status = message.restored
          ? { kind: 'restored', ...message.restored }
          : { kind: 'updated', recomputed, total };
        // The view (sort, attention layer and head, editor colouring, impact operator) carries over to the new result,
        // except that choosing a new operator in the controls also shows that operator's impacts.
        const view = this.state ? { ...this.state.view } : normaliseView(this.pendingView, message.result);
        this.pendingView = undefined;
        if (this.state && this.state.settings.operator !== message.settings.operator) delete view.impactOperator;
        // A comparison holds while the text and settings do; the host sends the second model's result for new ones.
        const sameRun = sameInput && JSON.stringify(this.state?.settings) === JSON.stringify(message.settings);
        const comparison = sameRun ? this.state?.comparison : undefined;
        this.load({
          result: message.result,
          settings: message.settings,
          catalog: message.catalog,
          view,
          ...(comparison ? { comparison } : {}),
        });
        this.save();
        break;
      }
      case 'comparison': {
        if (!this.state) break;
        const { comparison: _dropped, ...rest } = this.state;
        this.state = message.result ? { ...rest, comparison: message.result } : rest;
        if (this.status.kind === 'busy') this.status = { kind: 'idle' };
        this.render();
        break;
      }
      case 'partial': {
        // An explanation in flight: draw what has finished; the status line says what still runs (with Cancel).
        const { result, settings, catalog, pending } = message;
        const done = result.explanations.length;
        const label =
          result.impacts.length === 0
            ? 'Predicted; measuring each word\u2019s impact…'
            : `${done} of ${done + pending.length} explainers done${pending.length ? `; running ${pending.slice(0, 3).join(', ')}${pending.length > 3 ? ' …' : ''}` : '; measuring the metrics'}`;
        this.status = { kind: 'busy', label };
        this.recomputed = new Set();
        const view = this.state ? { ...this.state.view } : normaliseView(this.pendingView, result);
        this.load({ result, settings, catalog, view });
        break;
      }
      case 'empty':
        if (this.status.kind === 'waiting') {
          this.status = { kind: 'idle' };
          this.render();
        }
        break;
      case 'busy':
        this.status = { kind: 'busy', label: message.label };
        this.renderStatus();
        if (!this.state) this.renderHeader();
        break;
      case 'failed':
        this.status = { kind: 'failed', message: message.message, cancelled: message.cancelled };
        this.renderStatus();
        // The controls may show settings that never ran; put back those of the result on screen.
        if (this.state) this.controls.update(this.state.settings, this.state.catalog, targetChoice(this.state));
        break;
    }
  }

  private save(): void {
    if (this.state) this.bridge.save({ view: this.state.view });
  }

  private setView(change: Partial<PanelViewState>): void {
    if (!this.state) return;
    this.state = { ...this.state, view: { ...this.state.view, ...change } };
    this.save();
  }

  /** An empty panel invites an explanation, unless one is on its way (the status line says which). */
  private renderHeader(): void {
    renderHeader(
      this.header,
      this.state,
      this.status.kind === 'waiting' || this.status.kind === 'busy' ? '' : undefined,
    );
  }

  private renderStatus(): void {
    renderStatus(this.statusRoot, this.status, this.bridge.live, () => this.bridge.post({ type: 'cancel' }));
  }

  private render(): void {
    this.renderHeader();
    this.renderStatus();
    const state = this.state;
    for (const section of [this.storyRoot, this.rows, this.summary, this.attentionRoot]) section.hidden = !state;
    this.compareRoot.hidden = !state?.comparison;
    if (!state) return;
    this.controlsRoot.hidden = !this.bridge.live;
    this.actions.hidden = !this.bridge.live;
    if (this.bridge.live) this.controls.update(state.settings, state.catalog, targetChoice(state));
    this.renderStory();
    this.renderRows();
    this.renderSummary();
    this.attention.render(state);
  }

  private renderStory(): void {
    const state = this.state!;
    keepFocus(this.storyRoot, () =>
      this.story.render({
        state,
        impactOperator: state.view.impactOperator ?? state.settings.operator,
        all: state.view.storyAll === true,
        onToggleAll: () => {
          this.setView({ storyAll: !(this.state?.view.storyAll === true) });
          this.renderStory();
        },
        onImpactOperator: (operator) => this.showImpact(operator),
        compare: this.bridge.live
          ? {
              comparing: state.comparison !== undefined,
              toggle: () => this.bridge.post({ type: state.comparison ? 'compare-off' : 'compare' }),
            }
          : undefined,
      }),
    );
    const comparison = state.comparison;
    if (!comparison) return;
    keepFocus(this.compareRoot, () => {
      this.compareStory.render({
        state: { ...state, result: comparison },
        impactOperator: state.view.impactOperator ?? state.settings.operator,
        all: state.view.storyAll === true,
        onImpactOperator: (operator) => this.showImpact(operator),
        title: `Compared: ${comparison.model.name}`,
        baseline: { result: state.result, name: state.result.model.name },
      });
      renderComparisonSummary(this.compareSummary, state.result, comparison);
    });
  }

  /** The impact row of another operator, in both views. */
  private showImpact(operator: string): void {
    this.setView({ impactOperator: operator });
    this.renderStory();
    this.renderRows();
  }

  private renderRows(): void {
    const state = this.state!;
    const redraw = (): void =>
      renderTokenRows(this.rows, {
        state,
        impactOperator: state.view.impactOperator ?? state.settings.operator,
        recomputed: this.recomputed,
        live: this.bridge.live,
        onImpactOperator: (operator) => this.showImpact(operator),
        onDecorate: (explainer) => {
          this.setView({ editorExplainer: explainer });
          this.bridge.post({ type: 'decorate', explainer });
          this.renderRows();
        },
      });
    keepFocus(this.rows, redraw, tokenSelector);
    enableRovingFocus(this.rows);
  }

  private renderSummary(): void {
    keepFocus(
      this.summary,
      () => renderSummary(this.summary, this.state!, (column: SummaryColumn) => this.sortBy(column)),
      tokenSelector,
    );
  }

  private sortBy(column: SummaryColumn): void {
    if (!this.state) return;
    this.setView({ sort: nextSort(this.state.view.sort, column) });
    this.renderSummary();
  }
}

/** A token or a decorate button has no id or focus key: it is found again by its row and index, or its explainer. */
function tokenSelector(active: Element): string | undefined {
  if (!(active instanceof HTMLElement)) return undefined;
  if (active.classList.contains('unit')) {
    const row = active.closest<HTMLElement>('.row');
    const rowSelector = row?.dataset.explainer
      ? `.explainer-row[data-explainer="${CSS.escape(row.dataset.explainer)}"]`
      : '.impact-row';
    return `${rowSelector} .unit[data-index="${active.dataset.index ?? ''}"]`;
  }
  if (active.classList.contains('decorate'))
    return `.decorate[data-explainer="${CSS.escape(active.dataset.explainer ?? '')}"]`;
  return undefined;
}

/** The classes the panel can explain, with this text's probabilities; undefined for a regression head. */
function targetChoice(state: PanelState): TargetChoice | undefined {
  const { result } = state;
  if (result.head?.kind === 'regression') return undefined;
  const multiLabel = result.head?.kind === 'multi-label';
  return {
    classes: result.model.labels,
    probabilities: result.prediction.probabilities,
    predicted: result.prediction.index,
    symbol: (c) => (multiLabel ? `σ(z) of “${c}”` : `p(${c})`),
  };
}
