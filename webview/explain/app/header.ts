/** The panel's header: what the model predicted, how sure it is (a probability), and how the run was set up. */
import type { PanelState } from '../../../src/pages/explain/explainProtocol';
import { differentiatesLogit, resultWords } from '../../../src/core/explain/headWords';
import { formatProbability } from '../../shared/format';
import { impactFor } from '../logic/panelModel';
import { operatorTitle } from '../../../src/core/erasure/operators';
import { el, replaceChildren } from '../../shared/dom';

export const NO_EXPLANATION = 'No explanation yet. Select some text and run “Polarity Lens: Explain”.';

/** `placeholder`: what an empty panel says (nothing while it waits for the host to restore its explanation). */
export function renderHeader(header: HTMLElement, state: PanelState | undefined, placeholder = NO_EXPLANATION): void {
  if (!state) {
    replaceChildren(
      header,
      el('h1', { class: 'panel-title', text: 'Polarity Lens' }),
      placeholder && el('p', { class: 'muted', text: placeholder }),
    );
    return;
  }
  const { result, settings } = state;
  const { prediction, target, model } = result;
  const words = resultWords(result);
  const otherTarget = target.index !== prediction.index;
  // Probabilities with three decimals (never rounded onto 0 or 1); a regression score as it is.
  const shown = (x: number) => (words.isProbability ? formatProbability(x) : x.toPrecision(4));
  const others = model.labels
    .map((label, i) => ({ label, p: prediction.probabilities[i] }))
    .filter((_, i) => i !== target.index)
    .map((o) => `${o.label} ${shown(o.p)}`)
    .join(' · ');
  const chosen = impactFor(result, settings.operator);

  const predictionLine = el(
    'h1',
    { id: 'prediction', class: 'prediction' },
    el('span', { class: 'prediction-kicker', text: `${words.kicker} ` }),
    el('span', { class: 'prediction-label', text: target.label }),
    el(
      'span',
      { class: 'prediction-prob', title: `${words.symbol}: the ${words.quantity} of the explained class` },
      ` ${words.symbol} = ${shown(target.probability)}`,
    ),
    el('span', { class: 'prediction-note', text: ` (${words.quantity})` }),
    // Every number below is about the class explained; when it is not the prediction, say both.
    otherTarget &&
      el('span', {
        id: 'predicted-instead',
        class: 'prediction-note',
        text: ` · the model predicts ${prediction.label} (${shown(prediction.probability)})`,
      }),
  );
  const meta = el(
    'dl',
    { class: 'meta' },
    ...metaItem('Model', el('span', { id: 'model-name', text: model.name, title: model.dir })),
    ...metaItem('Units', result.granularity === 'word' ? 'words' : 'tokens'),
    ...metaItem('Operator', chosen ? operatorTitle(chosen.operator) : settings.operator, chosen?.description),
    ...metaItem(
      'Gradients of',
      differentiatesLogit(settings.objective, words) ? `the logit of ${target.label}` : words.symbol,
    ),
    ...metaItem('IG steps', String(settings.igSteps)),
    ...(others ? metaItem('Other classes', others) : []),
  );
  const notes = [...result.notes];
  if (result.truncated && !notes.some((n) => /longer than/i.test(n)))
    notes.unshift('The text was truncated to the model’s maximum length; only its first tokens were explained.');
  replaceChildren(
    header,
    predictionLine,
    meta,
    notes.length > 0 &&
      el('ul', { class: 'notes', attrs: { 'aria-label': 'Notes' } }, ...notes.map((n) => el('li', { text: n }))),
  );
}

/** A term and its value, grouped in a div (allowed in a dl) so the pairs wrap as units. */
function metaItem(term: string, value: string | HTMLElement, title?: string): HTMLElement[] {
  return [el('div', { class: 'meta-item' }, el('dt', { text: term }), el('dd', { title }, value))];
}
