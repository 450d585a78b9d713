import { join, resolve } from 'node:path';
import { projectRoot } from '../../src/core/model/shippedModels';

export const ROOT = projectRoot(__dirname);
/** The shared datasets: $POLARITY_LENS_DATA, else ../shared/data beside the project (as on CI). */
export const DATA = resolve(process.env.POLARITY_LENS_DATA ?? join(ROOT, '..', 'shared', 'data'));
export const CLI = join(ROOT, 'dist', 'cli.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
/** The build's dataset-run worker entry (npm test builds dist/ first). */
export const OUTCOME_WORKER = join(ROOT, 'dist', 'outcomeWorker.js');
