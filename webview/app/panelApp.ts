/**
 * The panel: owns the PanelState, draws every section from it, turns the host's messages into redraws and the
 * reader's view choices into setState. A host 'show' replaces the result; 'busy' and 'failed' only touch the status
 * line, so the previous result stays readable while a run is in flight or after it failed.
 */
import type { HostMessage, PanelState, PanelViewState, SummaryColumn } from '../../src/extension/panel/webviewProtocol';
import { normaliseView } from '../logic/panelModel';
import { nextSort } from '../logic/summaryTable';
import { AttentionPanel } from './attentionView';
import type { Bridge } from './bridge';
import { Controls, exportButtons } from './controls';
import { el, replaceChildren } from './dom';
import { renderHeader } from './header';
import { enableRovingFocus } from './rovingFocus';
import { renderStatus, RunStatus } from './statusView';
import { renderSummary } from './summaryView';
import { watchTheme } from './theme';
import { renderTokenRows } from './tokenRows';
import { enableFocusTooltips } from './tooltip';

export class PanelApp {
  private state?: PanelState;
  private status: RunStatus = { kind: 'idle' };
  private recomputed = new Set<string>();

  private readonly header = el('header', { id: 'header', class: 'panel-header' });
  private readonly controlsRoot = el('section', { id: 'controls', class: 'controls', attrs: { 'aria-label': 'Settings' } });
  private readonly statusRoot = el('div', { id: 'status', class: 'status' });
  private readonly rows = el('section', { id: 'explanations', class: 'panel-section', attrs: { 'aria-labelledby': 'explanations-heading' } });
  private readonly summary = el('section', { id: 'summary-section', class: 'panel-section', attrs: { 'aria-labelledby': 'summary-heading' } });
  private readonly attentionRoot = el('section', { id: 'attention', class: 'panel-section', attrs: { 'aria-labelledby': 'attention-heading' } });
  private readonly controls: Controls;
  private readonly actions: HTMLElement;
  private readonly attention: AttentionPanel;

  constructor(
    root: HTMLElement,
    private readonly bridge: Bridge,
  ) {
    this.controls = new Controls(this.controlsRoot, { post: (m) => bridge.post(m) });
    this.attention = new AttentionPanel(this.attentionRoot, (layer, head) => this.setView({ attentionLayer: layer, attentionHead: head }));
    this.controlsRoot.hidden = true;
    document.body.classList.toggle('standalone', !bridge.live);
    // An export carries the reader's view, so the exported page opens sorted and scrolled to the same attention map.
    this.actions = exportButtons((m) => bridge.post(m.type === 'export' && this.state ? { ...m, view: this.state.view } : m));
    this.actions.hidden = true;
    replaceChildren(
      root,
      el('div', { class: 'topbar' }, this.header, this.actions),
      this.controlsRoot,
      this.statusRoot,
      el('main', { class: 'panel-main' }, this.rows, this.summary, this.attentionRoot),
    );
    enableRovingFocus(this.rows);
    enableFocusTooltips(root);
    watchTheme(() => this.attention.redraw());
    this.render();
  }

  /** Draws a state (saved, embedded, or just received). */
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
        const sameInput = previous !== undefined && previous.model.dir === message.result.model.dir && previous.text === message.result.text;
        const recomputed = sameInput ? message.recomputed : message.result.explanations.map((e) => e.id);
        const partial = recomputed.length > 0 && recomputed.length < total;
        this.recomputed = new Set(partial ? recomputed : []);
        this.status = { kind: 'updated', recomputed, total };
        // The view (sort, attention layer and head, editor colouring, impact operator) carries over to the new result,
        // except that choosing a new operator in the controls also shows that operator's impacts.
        const view = this.state ? { ...this.state.view } : normaliseView(undefined, message.result);
        if (this.state && this.state.settings.operator !== message.settings.operator) delete view.impactOperator;
        this.load({ result: message.result, settings: message.settings, catalog: message.catalog, view });
        this.save();
        break;
      }
      case 'busy':
        this.status = { kind: 'busy', label: message.label };
        this.renderStatus();
        break;
      case 'failed':
        this.status = { kind: 'failed', message: message.message, cancelled: message.cancelled };
        this.renderStatus();
        // The controls may show settings that never ran; put back those of the result on screen.
        if (this.state) this.controls.update(this.state.settings, this.state.catalog);
        break;
    }
  }

  private save(): void {
    if (this.state) this.bridge.save(this.state);
  }

  private setView(change: Partial<PanelViewState>): void {
    if (!this.state) return;
    this.state = { ...this.state, view: { ...this.state.view, ...change } };
    this.save();
  }

  private renderStatus(): void {
    renderStatus(this.statusRoot, this.status, this.bridge.live, () => this.bridge.post({ type: 'cancel' }));
  }

  private render(): void {
    renderHeader(this.header, this.state);
    this.renderStatus();
    const state = this.state;
    for (const section of [this.rows, this.summary, this.attentionRoot]) section.hidden = !state;
    if (!state) return;
    this.controlsRoot.hidden = !this.bridge.live;
    this.actions.hidden = !this.bridge.live;
    if (this.bridge.live) this.controls.update(state.settings, state.catalog);
    this.renderRows();
    this.renderSummary();
    this.attention.render(state);
  }

  private renderRows(): void {
    const state = this.state!;
    withFocusKept(this.rows, () =>
      renderTokenRows(this.rows, {
        state,
        impactOperator: state.view.impactOperator ?? state.settings.operator,
        recomputed: this.recomputed,
        live: this.bridge.live,
        onImpactOperator: (operator) => {
          this.setView({ impactOperator: operator });
          this.renderRows();
        },
        onDecorate: (explainer) => {
          this.setView({ editorExplainer: explainer });
          this.bridge.post({ type: 'decorate', explainer });
          this.renderRows();
        },
      }),
    );
    enableRovingFocus(this.rows);
  }

  private renderSummary(): void {
    withFocusKept(this.summary, () => renderSummary(this.summary, this.state!, (column: SummaryColumn) => this.sortBy(column)));
  }

  private sortBy(column: SummaryColumn): void {
    if (!this.state) return;
    this.setView({ sort: nextSort(this.state.view.sort, column) });
    this.renderSummary();
  }
}

/**
 * Redraws a section without losing the reader's place: the focused element is found again afterwards by its
 * id, its data-focus-key, or (for a token) its row and index.
 */
function withFocusKept(section: HTMLElement, redraw: () => void): void {
  const active = document.activeElement;
  let selector: string | undefined;
  if (active instanceof HTMLElement && section.contains(active)) {
    if (active.dataset.focusKey) selector = `[data-focus-key="${CSS.escape(active.dataset.focusKey)}"]`;
    else if (active.id) selector = `#${CSS.escape(active.id)}`;
    else if (active.classList.contains('unit')) {
      const row = active.closest<HTMLElement>('.row');
      const rowSelector = row?.dataset.explainer ? `.explainer-row[data-explainer="${CSS.escape(row.dataset.explainer)}"]` : '.impact-row';
      selector = `${rowSelector} .unit[data-index="${active.dataset.index ?? ''}"]`;
    } else if (active.classList.contains('decorate')) selector = `.decorate[data-explainer="${CSS.escape(active.dataset.explainer ?? '')}"]`;
  }
  redraw();
  if (selector) section.querySelector<HTMLElement>(selector)?.focus();
}
