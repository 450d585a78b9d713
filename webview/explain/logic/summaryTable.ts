/**
 * The violation summary's rows and their order. DOM-free: the table component only draws what this computes.
 */
import type { ExplainResult } from '../../../src/core/explain/explainResult';
import type { PanelViewState, SummaryColumn } from '../../../src/pages/explain/explainProtocol';
import { compareValues } from '../../shared/sortOrder';

export type SortState = PanelViewState['sort'];

export interface SummaryRow {
  id: string;
  label: string;
  /** Position in the result: the tie-breaker, so equal values keep the order the user chose. */
  order: number;
  failed: boolean;
  /** Verdict per operator: true = violates, false = consistent, null = not run. */
  violates: Record<string, boolean | null>;
  violationMean: number | null;
  /** Token-level violation rate under the chosen operator. */
  tokenLevelRate: number | null;
  runtimeMs: number;
}

export function operatorColumn(operator: string): SummaryColumn {
  return `operator:${operator}`;
}

export function summaryRows(result: ExplainResult, chosenOperator: string): SummaryRow[] {
  return result.explanations.map((e, order) => {
    const violates: Record<string, boolean | null> = {};
    for (const impact of result.impacts)
      violates[impact.operator] = e.verdicts.find((v) => v.operator === impact.operator)?.violates ?? null;
    const chosen = e.verdicts.find((v) => v.operator === chosenOperator);
    return {
      id: e.id,
      label: e.label,
      order,
      failed: e.weights === null,
      violates,
      violationMean: e.violationMean,
      tokenLevelRate: chosen ? chosen.tokenLevelRate : null,
      runtimeMs: e.runtimeMs,
    };
  });
}

/** The sort key of a row in a column: a number (a verdict reads 1 = violates) or a label; null = no value. */
export function columnValue(row: SummaryRow, column: SummaryColumn): number | string | null {
  if (column === 'explainer') return row.label;
  if (column === 'violationMean') return row.violationMean;
  if (column === 'tokenLevelRate') return row.tokenLevelRate;
  if (column === 'runtimeMs') return row.failed ? null : row.runtimeMs;
  const v = row.violates[column.slice('operator:'.length)];
  return v === null || v === undefined ? null : v ? 1 : 0;
}

/** Rows with no value (failed explainers, undefined rates) sort last in both directions; ties keep display order. */
export function compareRows(a: SummaryRow, b: SummaryRow, sort: SortState): number {
  return compareValues(columnValue(a, sort.column), columnValue(b, sort.column), sort.descending) || a.order - b.order;
}

export function sortRows(rows: readonly SummaryRow[], sort: SortState): SummaryRow[] {
  return [...rows].sort((a, b) => compareRows(a, b, sort));
}

/** Clicking a header: the same column flips direction; a new one starts worst/largest first, names A→Z. */
export function nextSort(current: SortState, column: SummaryColumn): SortState {
  if (current.column === column) return { column, descending: !current.descending };
  return { column, descending: column !== 'explainer' };
}

/** The sort a result can show: an operator column the new result lacks falls back to the default. */
export function validSort(sort: SortState | undefined, result: ExplainResult): SortState {
  const fallback: SortState = { column: 'violationMean', descending: true };
  if (!sort) return fallback;
  if (sort.column.startsWith('operator:') && !result.impacts.some((i) => operatorColumn(i.operator) === sort.column))
    return fallback;
  return sort;
}
