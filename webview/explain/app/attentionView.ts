/**
 * The attention view: one layer's map for one head, or the heads averaged, drawn as a heat grid on a canvas with the
 * token strings as DOM labels (textContent). Self-attention shows tokens × tokens; a single-attention model shows
 * its α row. Hover or arrow keys read a cell's value out; the pickers are view state, persisted, never a re-run.
 */
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { AttentionLayerView, AttentionView as AttentionData } from '../../../src/core/explain/explainResult';
import type { PanelState } from '../../../src/pages/explain/explainProtocol';
import { tint } from '../../shared/colorScale';
import { headMatrix, Matrix, matrixMax, rowLabels, strongestCell } from '../logic/attentionMath';
import { formatMagnitude } from '../../shared/format';
import { singleSelect } from '../../shared/formControls';
import { el, replaceChildren } from '../../shared/dom';
import { currentPalette } from '../../shared/theme';

const LABEL_MIN_CELL = 11;

export class AttentionPanel {
  private attention: AttentionData | null = null;
  private layerIndex = 0;
  private head: number | 'mean' = 'mean';
  private matrix?: Matrix;
  private max = 0;
  private cell = 16;
  private cursor: { row: number; col: number } | null = null;
  private canvas?: HTMLCanvasElement;
  private base?: HTMLCanvasElement;
  private figure?: HTMLElement;
  private readout?: HTMLElement;
  private caption?: HTMLElement;

  constructor(
    private readonly section: HTMLElement,
    private readonly onView: (layer: number, head: number | 'mean') => void,
  ) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    window.addEventListener('resize', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.drawFigure(), 150);
    });
  }

  render(state: PanelState): void {
    this.attention = state.result.attention;
    this.layerIndex = state.view.attentionLayer;
    this.head = state.view.attentionHead;
    const heading = el('h2', { id: 'attention-heading', text: 'Attention' });
    if (!this.attention || this.attention.layers.length === 0) {
      replaceChildren(
        this.section,
        el('div', { class: 'section-head' }, heading),
        el('p', {
          class: 'muted empty',
          text: 'This model exposes no attention maps, so there is nothing to draw here.',
        }),
      );
      return;
    }
    const layers = this.attention.layers;
    const layerPicker = singleSelect(
      'attention-layer',
      layers.map((l, i) => ({
        value: String(i),
        label: layers.length === 1 ? l.name : `${i + 1} of ${layers.length} · ${l.name}`,
      })),
      String(this.layerIndex),
      'Attention layer',
    );
    const headPicker = el('div', { class: 'head-picker-slot' });
    layerPicker.addEventListener('change', () => {
      this.layerIndex = Number(layerPicker.value);
      // Heads differ per layer only in odd models; keep the head if the new layer has it.
      if (this.head !== 'mean' && this.head >= layers[this.layerIndex].heads) this.head = 'mean';
      replaceChildren(headPicker, this.headPicker());
      this.changed();
    });
    headPicker.appendChild(this.headPicker());

    this.figure = el('div', { class: 'attn-figure' });
    this.caption = el('p', { class: 'muted attn-caption' });
    this.readout = el('p', { id: 'attention-readout', class: 'attn-readout', attrs: { 'aria-live': 'polite' } });
    replaceChildren(
      this.section,
      el(
        'div',
        { class: 'section-head' },
        heading,
        el(
          'div',
          { class: 'attn-pickers' },
          el('div', { class: 'field' }, el('label', { attrs: { for: 'attention-layer' } }, 'Layer'), layerPicker),
          el('div', { class: 'field' }, el('label', { attrs: { for: 'attention-head' } }, 'Head'), headPicker),
        ),
      ),
      this.caption,
      this.figure,
      this.readout,
    );
    this.compute();
    this.drawFigure();
  }

  private headPicker(): HTMLElement {
    const heads = this.attention!.layers[this.layerIndex].heads;
    const picker = singleSelect(
      'attention-head',
      [
        { value: 'mean', label: heads > 1 ? `mean of ${heads} heads` : 'mean' },
        ...Array.from({ length: heads }, (_, h) => ({ value: String(h), label: `head ${h + 1}` })),
      ],
      String(this.head),
      'Attention head',
    );
    picker.addEventListener('change', () => {
      this.head = picker.value === 'mean' ? 'mean' : Number(picker.value);
      this.changed();
    });
    return picker;
  }

  private changed(): void {
    this.onView(this.layerIndex, this.head);
    this.cursor = null;
    this.compute();
    this.drawFigure();
  }

  private layer(): AttentionLayerView {
    return this.attention!.layers[this.layerIndex];
  }

  private compute(): void {
    this.matrix = headMatrix(this.layer(), this.head);
    this.max = matrixMax(this.matrix);
  }

  /** Theme changed: the canvas has no CSS, so it is repainted with the new palette. */
  redraw(): void {
    if (this.matrix) this.drawFigure();
  }

  private drawFigure(): void {
    const attention = this.attention;
    const m = this.matrix;
    if (!attention || !m || !this.figure || !this.readout || !this.caption) return;
    const layer = this.layer();
    const cols = colLabels(attention, layer);
    const rows = rowLabels(attention, layer);
    const available = Math.max(200, (this.section.clientWidth || 800) - 110);
    this.cell = Math.max(4, Math.min(layer.rows === 1 ? 28 : 20, Math.floor(available / m.cols)));
    const tiny = this.cell < LABEL_MIN_CELL;

    const canvas = el('canvas', {
      class: 'attn-canvas',
      attrs: {
        tabindex: 0,
        'aria-roledescription': 'heat map',
        'aria-label': this.summary(rows, cols),
        'aria-describedby': 'attention-readout',
        'data-layer': this.layerIndex,
        'data-head': String(this.head),
        'data-rows': m.rows,
        'data-cols': m.cols,
      },
    });
    const colBox = el(
      'div',
      { class: `attn-cols${tiny ? ' tiny' : ''}`, attrs: { 'aria-hidden': 'true' } },
      ...cols.map((t) => el('span', { class: 'attn-col', text: t, title: t })),
    );
    const rowBox = el(
      'div',
      { class: `attn-rows${tiny ? ' tiny' : ''}`, attrs: { 'aria-hidden': 'true' } },
      ...rows.map((t) => el('span', { class: 'attn-row', text: t, title: t })),
    );
    // Geometry is computed, so it is set through the CSSOM (the CSP forbids style attributes, not this).
    colBox.style.gridTemplateColumns = `repeat(${m.cols}, ${this.cell}px)`;
    rowBox.style.gridTemplateRows = `repeat(${m.rows}, ${this.cell}px)`;
    this.figure.classList.toggle('single-row', layer.rows === 1);
    replaceChildren(
      this.figure,
      el('div', {
        class: 'attn-corner',
        text: layer.rows === 1 ? '' : 'from ↓ to →',
        attrs: { 'aria-hidden': 'true' },
      }),
      colBox,
      rowBox,
      canvas,
    );
    this.canvas = canvas;
    this.paintBase();
    this.paint();
    this.bind(canvas, rows, cols);

    const what =
      layer.rows === 1
        ? 'α: the classifier’s attention over the tokens (one row)'
        : 'each row is a token attending to the columns (rows sum to 1)';
    this.caption.textContent = `${layer.name}, ${this.head === 'mean' ? `mean of ${layer.heads} head${layer.heads === 1 ? '' : 's'}` : `head ${this.head + 1}`}: ${what}. Colour scaled to the map’s max ${formatMagnitude(this.max)}.`;
    this.readout.textContent = 'Hover the map, or focus it and use the arrow keys, to read a value.';
  }

  private summary(rows: string[], cols: string[]): string {
    const strongest = strongestCell(this.matrix!);
    const where = strongest
      ? `; strongest ${rows[strongest.row]} → ${cols[strongest.col]}: ${formatMagnitude(strongest.value)}`
      : '';
    return `Attention map, ${this.matrix!.rows} × ${this.matrix!.cols}${where}`;
  }

  /** The heat cells, drawn once per map into an offscreen canvas; hover and the cursor only blit it. */
  private paintBase(): void {
    const m = this.matrix!;
    const ratio = window.devicePixelRatio || 1;
    const base = document.createElement('canvas');
    base.width = Math.round(m.cols * this.cell * ratio);
    base.height = Math.round(m.rows * this.cell * ratio);
    const ctx = base.getContext('2d');
    if (!ctx) return;
    ctx.scale(ratio, ratio);
    const palette = currentPalette();
    for (let r = 0; r < m.rows; r++) {
      for (let c = 0; c < m.cols; c++) {
        const t = tint(m.values[r * m.cols + c], this.max);
        if (t.tone === 'none') continue;
        ctx.globalAlpha = t.intensity;
        ctx.fillStyle = t.tone === 'positive' ? palette.heat : palette.negative;
        ctx.fillRect(c * this.cell, r * this.cell, this.cell, this.cell);
      }
    }
    this.base = base;
  }

  private paint(): void {
    const canvas = this.canvas;
    const m = this.matrix;
    if (!canvas || !m || !this.base) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = this.base.width;
    canvas.height = this.base.height;
    canvas.style.width = `${m.cols * this.cell}px`;
    canvas.style.height = `${m.rows * this.cell}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.drawImage(this.base, 0, 0);
    if (this.cursor) {
      ctx.scale(ratio, ratio);
      ctx.lineWidth = 2;
      ctx.strokeStyle = getComputedStyle(document.body).getPropertyValue('--pl-focus').trim() || '#0078d4';
      ctx.strokeRect(this.cursor.col * this.cell + 1, this.cursor.row * this.cell + 1, this.cell - 2, this.cell - 2);
    }
  }

  private show(row: number, col: number, rows: string[], cols: string[]): void {
    const m = this.matrix!;
    this.cursor = { row, col };
    this.paint();
    const value = m.values[row * m.cols + col];
    const from = m.rows === 1 ? 'α' : `from ‘${rows[row]}’`;
    this.readout!.textContent = `${from} to ‘${cols[col]}’: ${formatMagnitude(value)}`;
  }

  private bind(canvas: HTMLCanvasElement, rows: string[], cols: string[]): void {
    const m = this.matrix!;
    canvas.addEventListener('mousemove', (event) => {
      const box = canvas.getBoundingClientRect();
      const col = Math.floor((event.clientX - box.left) / this.cell);
      const row = Math.floor((event.clientY - box.top) / this.cell);
      if (row >= 0 && row < m.rows && col >= 0 && col < m.cols) this.show(row, col, rows, cols);
    });
    canvas.addEventListener('mouseleave', () => {
      if (document.activeElement !== canvas) {
        this.cursor = null;
        this.paint();
      }
    });
    canvas.addEventListener('focus', () => {
      const c = this.cursor ?? { row: 0, col: 0 };
      this.show(c.row, c.col, rows, cols);
    });
    canvas.addEventListener('blur', () => {
      this.cursor = null;
      this.paint();
    });
    canvas.addEventListener('keydown', (event) => {
      const c = this.cursor ?? { row: 0, col: 0 };
      const moves: Record<string, [number, number]> = {
        ArrowRight: [c.row, c.col + 1],
        ArrowLeft: [c.row, c.col - 1],
        ArrowDown: [c.row + 1, c.col],
        ArrowUp: [c.row - 1, c.col],
        Home: [c.row, 0],
        End: [c.row, m.cols - 1],
      };
      const next = moves[event.key];
      if (!next) return;
      event.preventDefault();
      this.show(Math.max(0, Math.min(m.rows - 1, next[0])), Math.max(0, Math.min(m.cols - 1, next[1])), rows, cols);
    });
  }
}

function colLabels(attention: AttentionData, layer: AttentionLayerView): string[] {
  return layer.cols === attention.tokens.length
    ? attention.tokens
    : Array.from({ length: layer.cols }, (_, i) => String(i + 1));
}
