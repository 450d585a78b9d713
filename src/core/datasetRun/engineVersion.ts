/** The package version, part of the dataset cache's key: a release that changes an explainer must not reuse old outcomes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../model/shippedModels';

export const ENGINE_VERSION: string = (
  JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }
).version;
