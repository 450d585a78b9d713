/** What the explain panel's controls offer: the explainers and erasure operators of the engine's registries. */
import { ERASURE_OPERATORS, EXPLAINERS } from '../../core/views';
import type { Catalog } from './explainProtocol';

export const CATALOG: Catalog = {
  explainers: EXPLAINERS.map(({ id, label, family, signed, citation }) => ({ id, label, family, signed, citation })),
  operators: Object.values(ERASURE_OPERATORS).map(({ name, paperName, description }) => ({
    name,
    paperName,
    description,
  })),
};
