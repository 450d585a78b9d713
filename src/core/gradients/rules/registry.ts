import { ACTIVATION_RULES } from './activations';
import { ELEMENTWISE_RULES, ZERO_GRADIENT_OPS } from './elementwise';
import type { GradientRule } from './gradientRule';
import { LINEAR_ALGEBRA_RULES } from './linearAlgebra';
import { NORMALIZATION_RULES } from './normalization';
import { SHAPE_RULES } from './shapeOps';

/**
 * Reverse-mode rules by op type. Ops that only ever produce integers or booleans (Shape, Range, ConstantOfShape,
 * Equal, Not, …) need none: their outputs are never differentiated, so the shape subgraph is left alone.
 */
export const GRADIENT_RULES: Readonly<Record<string, GradientRule>> = {
  ...ELEMENTWISE_RULES,
  ...ACTIVATION_RULES,
  ...SHAPE_RULES,
  ...LINEAR_ALGEBRA_RULES,
  ...NORMALIZATION_RULES,
};

export { ZERO_GRADIENT_OPS };
