/**
 * Runs one explanation at a time in the inference process, behind a cancellable progress notification. A new run
 * cancels the one in flight; the panel's Cancel button and the notification's both abort the same signal.
 */
import * as vscode from 'vscode';
import type { ExplainPart, ExplainResult } from '../core/views';
import { formatCount } from './displayNumbers';
import { InferenceCancelled, InferenceClient } from './inference/inferenceClient';
import type { WireExplainOptions, WireLoadOptions } from './inference/protocol';

export interface ExplainJob {
  modelDir: string;
  text: string;
  options: WireExplainOptions;
  load: WireLoadOptions;
  /** The notification's title, e.g. "Explaining the selection with sst2-transformer". */
  title: string;
}

export type JobOutcome = { result: ExplainResult; ms: number } | { cancelled: true } | { error: string };

export class ExplainRunner implements vscode.Disposable {
  private current: AbortController | undefined;

  constructor(
    private readonly client: InferenceClient,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get running(): boolean {
    return this.current !== undefined;
  }

  cancel(): void {
    this.current?.abort();
  }

  /** `onPart` receives the explanation's parts as they are ready (the panel draws them); the progress counts them. */
  run(job: ExplainJob, onPart?: (part: ExplainPart) => void): Promise<JobOutcome> {
    this.cancel();
    const controller = new AbortController();
    this.current = controller;
    return Promise.resolve(
      vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Polarity Lens: {0}', job.title),
          cancellable: true,
        },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          const count = job.options.explainers?.length;
          progress.report({
            message:
              count === undefined
                ? vscode.l10n.t('all explainers…')
                : vscode.l10n.t('{0} explainers…', formatCount(count)),
          });
          const started = Date.now();
          this.log.info(
            `explain: model ${job.modelDir}, ${job.text.length} characters, explainers ${job.options.explainers?.join(',') ?? 'all'}${job.options.reuse?.length ? `, reusing ${job.options.reuse.length}` : ''}`,
          );
          try {
            const total = job.options.explainers?.length;
            const result = await this.client.explain(job.modelDir, job.text, job.options, {
              signal: controller.signal,
              load: job.load,
              onPart:
                onPart &&
                ((part) => {
                  if (part.part === 'explanation' && total)
                    progress.report({
                      message: vscode.l10n.t(
                        '{0} of {1} explainers…',
                        formatCount(total - part.pending.length),
                        formatCount(total),
                      ),
                    });
                  onPart(part);
                }),
            });
            const ms = Date.now() - started;
            this.log.info(
              `explain: done in ${ms} ms: ${result.prediction.label} ${result.prediction.probability.toFixed(3)}`,
            );
            return { result, ms };
          } catch (e) {
            if (e instanceof InferenceCancelled) {
              this.log.info('explain: cancelled');
              return { cancelled: true as const };
            }
            this.log.error(`explain: ${(e as Error).message}`);
            return { error: (e as Error).message };
          } finally {
            if (this.current === controller) this.current = undefined;
          }
        },
      ),
    );
  }

  dispose(): void {
    this.cancel();
  }
}
