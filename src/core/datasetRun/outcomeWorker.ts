/**
 * A dataset run's helper process (`check --workers N`): loads the model once and explains the texts it is sent,
 * answering each with its compact outcome. Several of these use several cores better than one process's intra-op
 * threads do on small models.
 */
import type { ResolvedExplainOptions } from '../explain/explainOptions';
import { TextClassifier, type LoadOptions } from '../classifier/textClassifier';
import type { SampleOutcome } from './sampleOutcome';
import { textOutcome } from './textOutcome';

export interface OutcomeWorkerInit {
  modelDir: string;
  load: Pick<LoadOptions, 'threads' | 'maxTokens'>;
  settings: ResolvedExplainOptions;
}
export type OutcomeRequest = { id: number; text: string };
export type OutcomeResponse = { id: number; outcome: SampleOutcome } | { id: number; error: string };

async function main(): Promise<void> {
  const init = JSON.parse(process.env.POLARITY_LENS_WORKER ?? '{}') as OutcomeWorkerInit;
  const model = await TextClassifier.load(init.modelDir, init.load);
  // One text at a time, in the order sent: the parent keeps each worker's queue short.
  let queue = Promise.resolve();
  process.on('message', (request: OutcomeRequest) => {
    queue = queue.then(async () => {
      try {
        process.send?.({
          id: request.id,
          outcome: await textOutcome(model, request.text, init.settings),
        } satisfies OutcomeResponse);
      } catch (e) {
        process.send?.({ id: request.id, error: (e as Error).message } satisfies OutcomeResponse);
      }
    });
  });
  process.send?.({ ready: true });
}

process.on('disconnect', () => process.exit(0));
main().catch((e) => {
  process.stderr.write(`outcome worker: ${(e as Error).message}\n`);
  process.exit(1);
});
