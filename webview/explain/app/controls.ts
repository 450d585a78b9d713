/**
 * The settings toolbar (live panel only): explainers, operator, unit, gradient objective, IG steps and the class
 * explained. A change posts the whole PanelSettings; the host re-runs only what changed. The controls are built once
 * per catalog and then only re-valued, so a new result never steals focus from them; the class picker, whose options
 * carry this text's probabilities, is rebuilt with each result unless it has the focus.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeMultiSelect } from '@vscode-elements/elements/dist/vscode-multi-select/vscode-multi-select.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { Catalog, PanelSettings, WebviewMessage } from '../../../src/pages/explain/explainProtocol';
import { el, replaceChildren } from '../../shared/dom';
import { field, singleSelect } from '../../shared/formControls';
import { settingSpec, type IntegerSetting } from '../../../src/core/settings/engineSettings';
import { operatorTitle } from '../../../src/core/erasure/operators';

/** IG steps' range, as declared for every front end. */
const IG_STEPS = settingSpec('igSteps') as IntegerSetting;

/** The classes a result can be explained for, with this text's probabilities (absent for a regression head). */
export interface TargetChoice {
  classes: string[];
  probabilities: number[];
  predicted: number;
  /** How a class's quantity is written: p(c) or σ(z_c). */
  symbol: (name: string) => string;
}

/** The class picker's value for "the prediction" (the default target). */
const PREDICTED = 'predicted';

export interface ControlsOptions {
  post(message: WebviewMessage): void;
}

export class Controls {
  private catalogKey = '';
  private explainers?: VscodeMultiSelect;
  private operator?: VscodeSingleSelect;
  private granularity?: VscodeSingleSelect;
  private objective?: VscodeSingleSelect;
  private igSteps?: VscodeTextfield;
  /** The class picker (absent for a regression head). */
  private target?: VscodeSingleSelect;
  private targetField?: HTMLElement;
  private targetKey = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private settings?: PanelSettings;

  constructor(
    private readonly root: HTMLElement,
    private readonly options: ControlsOptions,
  ) {}

  /** Shows these settings; rebuilds the controls only when the catalog changed, the class picker when its options did. */
  update(settings: PanelSettings, catalog: Catalog, targets?: TargetChoice): void {
    this.settings = { ...settings, explainers: [...settings.explainers] };
    const key = JSON.stringify(catalog);
    if (key !== this.catalogKey) {
      this.catalogKey = key;
      this.build(catalog);
    }
    this.showTargets(targets);
    if (this.explainers) this.explainers.value = settings.explainers;
    if (this.operator) this.operator.value = settings.operator;
    if (this.granularity) this.granularity.value = settings.granularity;
    if (this.objective) this.objective.value = settings.objective;
    if (this.igSteps) {
      this.igSteps.value = String(settings.igSteps);
      this.igSteps.invalid = false;
    }
  }

  /** The class picker: "the prediction" and every class with its probability on this text. */
  private showTargets(targets: TargetChoice | undefined): void {
    const value = this.settings?.target === undefined ? PREDICTED : String(this.settings.target);
    const key = JSON.stringify(targets ? [targets.classes, targets.probabilities, targets.predicted] : null);
    const focused = this.targetField?.contains(document.activeElement) ?? false;
    if (key !== this.targetKey && !focused) {
      this.targetKey = key;
      this.target = targets && targetSelect(targets, value);
      this.target?.addEventListener('change', () => this.changed());
      const next = this.target ? field('Class explained', this.target) : el('span', { class: 'target-none' });
      this.targetField?.replaceWith(next);
      this.targetField = next;
    }
    if (this.target) this.target.value = value;
  }

  private build(catalog: Catalog): void {
    const s = this.settings!;
    const explainers = el('vscode-multi-select', {
      id: 'control-explainers',
      attrs: { 'aria-label': 'Explainers shown' },
    });
    for (const e of catalog.explainers) {
      explainers.appendChild(
        el(
          'vscode-option',
          {
            attrs: {
              value: e.id,
              selected: s.explainers.includes(e.id),
              description: `${e.family}, ${e.signed ? 'signed' : 'unsigned'} — ${e.citation}`,
            },
          },
          e.label,
        ),
      );
    }
    this.explainers = explainers;
    this.operator = singleSelect(
      'control-operator',
      catalog.operators.map((o) => ({ value: o.name, label: operatorTitle(o.name), description: o.description })),
      s.operator,
      'Erasure operator',
    );
    this.granularity = singleSelect(
      'control-granularity',
      [
        { value: 'word', label: 'words' },
        { value: 'token', label: 'tokens' },
      ],
      s.granularity,
      'Units',
    );
    this.objective = singleSelect(
      'control-objective',
      [
        {
          value: 'probability',
          label: 'p(ŷ), probability',
          description:
            'Gradient explainers differentiate the predicted class probability (the paper’s choice for text).',
        },
        {
          value: 'logit',
          label: 'z_ŷ, logit',
          description: 'Gradient explainers differentiate the predicted class logit.',
        },
      ],
      s.objective,
      'Gradient objective',
    );
    this.igSteps = el('vscode-textfield', {
      id: 'control-ig-steps',
      attrs: {
        type: 'number',
        min: IG_STEPS.min,
        max: IG_STEPS.max,
        step: 1,
        'aria-label': 'Integrated Gradients steps',
      },
    });
    for (const control of [this.explainers, this.operator, this.granularity, this.objective, this.igSteps])
      control.addEventListener('change', () => this.changed());
    // Filled by showTargets; a placeholder keeps its place in the toolbar.
    this.targetKey = '';
    this.target = undefined;
    this.targetField = el('span', { class: 'target-none' });

    replaceChildren(
      this.root,
      el('h2', { class: 'sr-only', text: 'Settings' }),
      field('Explainers', this.explainers, 'field-wide'),
      field('Operator', this.operator),
      field('Units', this.granularity),
      field('Gradients of', this.objective),
      field('IG steps', this.igSteps),
      this.targetField,
    );
  }

  /** Reads the controls; null (and the field marked invalid) when IG steps is not a whole number in range. */
  read(): PanelSettings | null {
    if (!this.settings) return null;
    const steps = Number(this.igSteps?.value);
    const stepsOk = Number.isInteger(steps) && steps >= IG_STEPS.min && steps <= IG_STEPS.max;
    if (this.igSteps) this.igSteps.invalid = !stepsOk;
    if (!stepsOk) return null;
    const chosen = new Set(this.explainers?.value ?? this.settings.explainers);
    const order = Array.from(this.explainers?.querySelectorAll('vscode-option') ?? [], (o) => o.value ?? '');
    const explainers = order.filter((id) => chosen.has(id));
    // Nothing to explain with is not a run worth asking for.
    if (this.explainers) this.explainers.invalid = explainers.length === 0;
    if (explainers.length === 0) return null;
    return {
      explainers,
      operator: (this.operator?.value ?? this.settings.operator) as PanelSettings['operator'],
      granularity: (this.granularity?.value ?? this.settings.granularity) as PanelSettings['granularity'],
      objective: (this.objective?.value ?? this.settings.objective) as PanelSettings['objective'],
      igSteps: steps,
      ...(this.target && this.target.value !== PREDICTED ? { target: Number(this.target.value) } : {}),
    };
  }

  /** Posts after a short pause, so ticking several explainers (or typing 100) asks for one run, not several. */
  private changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const next = this.read();
      if (!next || JSON.stringify(next) === JSON.stringify(this.settings)) return;
      this.settings = next;
      this.options.post({ type: 'settings', settings: next });
    }, 300);
  }
}

function targetSelect(t: TargetChoice, value: string): VscodeSingleSelect {
  const shown = (p: number) => p.toFixed(3);
  const name = t.classes[t.predicted];
  return singleSelect(
    'control-target',
    [
      {
        value: PREDICTED,
        label: `Prediction (${name}, ${shown(t.probabilities[t.predicted])})`,
        description: `Explain ${t.symbol(name)}, the class the model predicts on each text`,
      },
      ...t.classes.map((c, i) => ({
        value: String(i),
        label: `${c} (${shown(t.probabilities[i])})`,
        description: `Explain ${t.symbol(c)} = ${shown(t.probabilities[i])} on this text, whatever the prediction`,
      })),
    ],
    value,
    'Class explained',
  );
}
