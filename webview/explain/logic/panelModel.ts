/**
 * Small facts the panel derives from a result and its settings, kept out of the DOM code so tests can pin them,
 * plus the shape checks for what arrives from outside (the host, saved state, the standalone JSON island).
 */
import {
  EXPLAIN_SCHEMA,
  type ExplainResult,
  type ExplanationRow,
  type ImpactRow,
} from '../../../src/core/explain/explainResult';
import type {
  HostMessage,
  PanelSavedState,
  PanelState,
  PanelViewState,
  RestoredFrom,
} from '../../../src/pages/explain/explainProtocol';
import { validAttentionView } from './attentionMath';
import { isObject } from '../../shared/isObject';
import { validSort } from './summaryTable';

/** The impact row of an operator; the first one when the result has no row for it. */
export function impactFor(result: ExplainResult, operator: string): ImpactRow | undefined {
  return result.impacts.find((i) => i.operator === operator) ?? result.impacts[0];
}

/** i*: the unit the explainer ranks first by |w| (the same under every operator); -1 if none. */
export function topUnit(row: ExplanationRow): number {
  return row.verdicts.find((v) => v.unit >= 0)?.unit ?? -1;
}

/** Saved view choices made valid for a (possibly different) result. */
export function normaliseView(view: Partial<PanelViewState> | undefined, result: ExplainResult): PanelViewState {
  const attention = validAttentionView(result.attention, view?.attentionLayer, view?.attentionHead);
  const out: PanelViewState = {
    sort: validSort(view?.sort, result),
    attentionLayer: attention.layer,
    attentionHead: attention.head,
  };
  if (view?.editorExplainer && result.explanations.some((e) => e.id === view.editorExplainer))
    out.editorExplainer = view.editorExplainer;
  if (view?.impactOperator && result.impacts.some((i) => i.operator === view.impactOperator))
    out.impactOperator = view.impactOperator;
  if (view?.storyAll === true) out.storyAll = true;
  return out;
}

/** Enough of a result to render (the schema tag, units, rows); anything else is rejected rather than half drawn. */
export function isExplainResult(x: unknown): x is ExplainResult {
  return (
    isObject(x) &&
    x.schema === EXPLAIN_SCHEMA &&
    Array.isArray(x.units) &&
    Array.isArray(x.explanations) &&
    Array.isArray(x.impacts) &&
    isObject(x.prediction) &&
    isObject(x.model)
  );
}

export function isPanelState(x: unknown): x is PanelState {
  return (
    isObject(x) &&
    isExplainResult(x.result) &&
    isObject(x.settings) &&
    isObject(x.catalog) &&
    isObject(x.view) &&
    (x.comparison === undefined || isExplainResult(x.comparison))
  );
}

export function isPanelSavedState(x: unknown): x is PanelSavedState {
  return isObject(x) && isObject(x.view);
}

const isRestoredFrom = (x: unknown): x is RestoredFrom =>
  isObject(x) &&
  typeof x.explainedAt === 'string' &&
  (x.from === 'memory' || x.from === 'recomputed' || x.from === 'session');

export function isHostMessage(x: unknown): x is HostMessage {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'show':
      return (
        isExplainResult(x.result) &&
        isObject(x.settings) &&
        isObject(x.catalog) &&
        Array.isArray(x.recomputed) &&
        (x.restored === undefined || isRestoredFrom(x.restored))
      );
    case 'partial':
      return (
        isExplainResult(x.result) &&
        isObject(x.settings) &&
        isObject(x.catalog) &&
        Array.isArray(x.pending) &&
        x.pending.every((p) => typeof p === 'string')
      );
    case 'empty':
      return true;
    case 'busy':
      return typeof x.label === 'string';
    case 'failed':
      return typeof x.message === 'string' && typeof x.cancelled === 'boolean';
    case 'comparison':
      return x.result === null || isExplainResult(x.result);
    default:
      return false;
  }
}
