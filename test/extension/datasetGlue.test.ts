import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import type { ReportView } from '../../src/core/datasetRun/datasetReport';
import { readLabelledCsv } from '../../src/core/datasetFiles/labelledCsv';
import { disposeAll, loadExtension, startExtension } from '../helpers/extensionHarness';
import { DATA, FIXTURES } from '../helpers/paths';
import { assertDeepClose } from '../helpers/closeTo';
import { explainText } from '../../src/core/explain/explainText';
import { resolveModelDir } from '../../src/core/model/shippedModels';
import { TextClassifier } from '../../src/core/classifier/textClassifier';
import { stub, StubWebviewPanel, Uri } from '../helpers/vscodeStub';

const { activate } = loadExtension();
const EXPLAINERS = ['raw-attention', 'occlusion'];
const tmp = mkdtempSync(join(tmpdir(), 'polarity-lens-dataset-glue-'));
after(() => {
  disposeAll();
  rmSync(tmp, { recursive: true, force: true });
});
const rows = readLabelledCsv(join(DATA, 'sst2', 'test.csv')).slice(0, 12);
const dataset = join(tmp, 'reviews.csv');
writeFileSync(dataset, stringify([['text', 'label'], ...rows.map((r) => [r.text, r.label])]));
const hash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const datasetHash = hash(dataset);

type Posted = {
  type: string;
  report?: ReportView;
  done?: number;
  cancelled?: boolean;
  message?: string;
  label?: string;
};
const reportPanel = (): StubWebviewPanel => stub.panels.find((p) => p.viewType === 'polarityLens.report')!;
const posted = (): Posted[] => (reportPanel()?.posted ?? []) as Posted[];
/** The stub's Uri where the API expects VS Code's. */
const fileUri = (path: string) => Uri.file(path) as unknown as import('vscode').Uri;
const start = () => startExtension(activate, { explainers: EXPLAINERS });

describe('Run Violation Test on Dataset (the extension glue, with the real inference process)', () => {
  beforeEach(() => stub.reset());

  it('asks which rows, runs in the inference process, and fills the report panel: progress, then the report, then finished', async () => {
    const api = start();
    stub.quickPick = (items) => items.find((i) => i.label === 'First 200 rows');
    const outcome = (await stub.commands.get('polarityLens.runDatasetTest')!(Uri.file(dataset))) as {
      view: ReportView;
    };
    assert.ok(outcome && 'view' in outcome, JSON.stringify(outcome));
    assert.deepEqual(stub.quickPickTitles, ['Polarity Lens: which rows?'], 'text,label needs no column question');
    const { view } = outcome;
    assert.equal(view.samples, rows.length);
    assert.equal(view.complete, true);
    assert.deepEqual(view.settings.explainers, EXPLAINERS);
    assert.equal(view.model.name, 'sst2-cnn-dot');
    assert.equal(view.sampleRows.length, rows.length);
    const types = posted().map((m) => m.type);
    assert.equal(types[0], 'progress');
    const done = posted()
      .filter((m) => m.type === 'progress')
      .map((m) => m.done ?? 0);
    assert.ok(done.length >= 2 && done.length <= rows.length + 1, `${done.length} progress messages`);
    assert.ok(
      done.every((d, i) => i === 0 || d >= done[i - 1]),
      `progress never goes back: ${done}`,
    );
    assert.equal(done.at(-1), rows.length, 'the last sample is always reported');
    assert.deepEqual(types.slice(-2), ['report', 'finished']);
    assert.deepEqual(posted().at(-2)!.report!.explainers, view.explainers);
    assert.match(reportPanel().webview.html, /script-src 'nonce-/);
    assert.match(reportPanel().webview.html, /report-summary/, 'the report bundle, inline');
    assert.equal(api.datasetReport()?.createdAt, view.createdAt);
    assert.equal(hash(dataset), datasetHash);
  });

  it('asks for the text column when it is unclear, remembers the answer for the file, and runs a custom selection', async () => {
    start();
    const twoTexts = join(tmp, 'two.csv');
    writeFileSync(
      twoTexts,
      stringify([['first', 'second', 'stars'], ...rows.map((r) => [`${r.text} !`, r.text, r.label])]),
    );
    const answers: Record<string, (items: { label: string; value?: unknown }[]) => unknown> = {
      'Polarity Lens: which column holds the text?': (items) => items.find((i) => i.value === 'second'),
      'Polarity Lens: which column holds the gold label?': (items) => items.find((i) => i.value === 'stars'),
      'Polarity Lens: which rows?': (items) => items.find((i) => i.value === 'custom'),
    };
    stub.quickPick = (items) => answers[stub.quickPickTitles.at(-1)!](items);
    stub.inputBox = () => 'random 5';
    const first = (await stub.commands.get('polarityLens.runDatasetTest')!(Uri.file(twoTexts))) as { view: ReportView };
    assert.deepEqual(first.view.dataset.columns, { text: 'second', label: 'stars' });
    assert.deepEqual(first.view.dataset.selection, { mode: 'random', n: 5, seed: 0 });
    assert.equal(first.view.samples, 5);
    assert.ok(
      first.view.sampleRows.every((r) => rows.some((x) => x.text === r.text)),
      'the text came from the chosen column',
    );
    stub.quickPickTitles.length = 0;
    const second = (await stub.commands.get('polarityLens.runDatasetTest')!(Uri.file(twoTexts))) as {
      view: ReportView;
    };
    assert.deepEqual(stub.quickPickTitles, ['Polarity Lens: which rows?'], 'the columns were remembered');
    assert.equal(second.view.resumed, 5, 'the same sample comes from the cache');
  });

  it('opens a sample in the explain panel with the report’s model and explainers (the run in two worker processes)', async () => {
    const api = startExtension(activate, { explainers: EXPLAINERS, 'dataset.workers': 2 });
    const { view } = (await api.runDatasetTest(fileUri(dataset), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'first', n: 4 },
    })) as { view: ReportView };
    assert.equal(view.samples, 4);
    reportPanel().send({ type: 'openSample', row: 2 });
    for (let i = 0; i < 100 && !api.lastResult(); i++) await new Promise((r) => setTimeout(r, 100));
    const result = api.lastResult();
    assert.equal(result?.text, rows[2].text);
    assert.equal(result?.model.name, view.model.name);
    assert.deepEqual(
      result?.explanations.map((e) => e.id),
      EXPLAINERS,
    );
  });

  it('polarityLens.dataset.measure chooses what the run computes, and the report says what it did not', async () => {
    const api = startExtension(activate, { explainers: EXPLAINERS, 'dataset.measure': ['metrics'] });
    const { view } = (await api.runDatasetTest(fileUri(dataset), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'first', n: 3 },
    })) as { view: ReportView };
    assert.deepEqual(view.settings.measure, ['verdicts', 'metrics']);
    assert.ok(view.metrics.length > 0);
    assert.deepEqual(view.random.perSeed, []);
    assert.ok(view.explainers.every((e) => e.polarity === undefined));
    const plain = start();
    const second = (await plain.runDatasetTest(fileUri(dataset), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'first', n: 3 },
    })) as { view: ReportView };
    assert.deepEqual(second.view.settings.measure, ['verdicts', 'random-floor'], 'the default');
    assert.deepEqual(second.view.metrics, []);

    // The report's "Run Again Measuring Everything": the same run, every measure.
    reportPanel().send({ type: 'measureAll' });
    const full = () =>
      posted().find((m) => m.type === 'report' && m.report?.complete && m.report.settings.measure?.length === 4);
    for (let i = 0; i < 300 && !full(); i++) await new Promise((r) => setTimeout(r, 100));
    const rerun = full()?.report;
    assert.ok(rerun, 'the run again, measuring everything');
    assert.equal(rerun.samples, 3);
    assert.deepEqual(rerun.settings.explainers, EXPLAINERS);
    assert.ok(rerun.metrics.length > 0 && rerun.random.perSeed.length === 3);
    assert.ok(rerun.explainers.every((e) => e.polarity !== undefined));
  });

  it('a sample opens with every setting the report was computed with, not the settings changed since', async () => {
    const explainers = ['raw-attention', 'lime'];
    const api = startExtension(activate, {
      model: 'sst2-transformer',
      explainers,
      'attention.layer': 0,
      'attention.head': 1,
      'sampling.samples': 40,
      seed: 5,
    });
    const { view } = (await api.runDatasetTest(fileUri(dataset), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'first', n: 2 },
    })) as { view: ReportView };
    assert.deepEqual(
      [
        view.settings.attentionLayer,
        view.settings.attentionHead,
        view.settings.samples,
        view.settings.seed,
        view.settings.igBaseline,
      ],
      [0, 1, 40, 5, 'zero'],
    );
    // The reader changes the settings after the run; the report's sample must not change with them.
    Object.assign(stub.configuration, {
      'attention.layer': -1,
      'attention.head': null,
      'sampling.samples': 300,
      seed: 0,
    });
    reportPanel().send({ type: 'openSample', row: 1 });
    for (let i = 0; i < 100 && !api.lastResult(); i++) await new Promise((r) => setTimeout(r, 100));
    const opened = api.lastResult()!;
    const model = await TextClassifier.load(resolveModelDir('sst2-transformer'), {
      maxTokens: view.settings.maxTokens,
    });
    try {
      const asReported = await explainText(model, rows[1].text, {
        explainers,
        attentionLayer: 0,
        attentionHead: 1,
        samples: 40,
        seed: 5,
        metrics: false,
      });
      const asNow = await explainText(model, rows[1].text, { explainers, metrics: false });
      for (const id of explainers) {
        const weights = opened.explanations.find((e) => e.id === id)!.weights!;
        assertDeepClose(weights, asReported.explanations.find((e) => e.id === id)!.weights!, 1e-5, id);
        assert.notDeepEqual(
          weights,
          asNow.explanations.find((e) => e.id === id)!.weights,
          `${id} differs under today's settings`,
        );
      }
    } finally {
      await model.dispose();
    }
  });

  it('a multi-label model: every label of every row, and a sample row opens in the explain panel with the label it tests', async () => {
    const api = startExtension(activate, { explainers: EXPLAINERS, model: join(FIXTURES, 'zoo', 'bert-multilabel') });
    const emotions = join(tmp, 'emotions.csv');
    writeFileSync(
      emotions,
      stringify([
        ['text', 'label'],
        ['a bright and happy morning', 'joy'],
        ['furious and scared', 'anger;fear'],
      ]),
    );
    const { view } = (await api.runDatasetTest(fileUri(emotions), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'all' },
    })) as { view: ReportView };
    assert.deepEqual(
      view.sampleRows.map((r) => [r.row, r.target, r.prediction]),
      [
        [0, 0, 'joy'],
        [0, 1, 'anger'],
        [0, 2, 'fear'],
        [1, 0, 'joy'],
        [1, 1, 'anger'],
        [1, 2, 'fear'],
      ],
    );
    reportPanel().send({ type: 'openSample', row: 1, target: 2 });
    for (let i = 0; i < 100 && !api.lastResult(); i++) await new Promise((r) => setTimeout(r, 100));
    const result = api.lastResult();
    assert.equal(result?.text, 'furious and scared');
    assert.equal(result?.target.label, 'fear', 'the label the sample row tests, not the most likely one');
    assert.ok(
      Math.abs(result.target.probability - view.sampleRows[5].probability) < 1e-6,
      'its σ(z), as the report has it',
    );
  });

  it('exports next to the dataset under new names, asking before it replaces anything', async () => {
    const api = start();
    await api.runDatasetTest(fileUri(dataset), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'first', n: 3 },
    });
    const first = await api.exportReport('md');
    assert.equal(first, join(tmp, 'reviews.polarity-lens.summary.md'));
    assert.match(readFileSync(first, 'utf8'), /Polarity Lens violation test: reviews\.csv/);
    const asked: string[] = [];
    assert.equal(
      await api.exportReport('md', async (existing) => (asked.push(existing), undefined)),
      undefined,
      'declined: nothing written',
    );
    assert.deepEqual(asked, [first]);
    assert.equal(await api.exportReport('md', async () => 'new'), join(tmp, 'reviews.polarity-lens.summary-2.md'));
    writeFileSync(first, 'old');
    assert.equal(await api.exportReport('md', async () => 'overwrite'), first);
    assert.notEqual(readFileSync(first, 'utf8'), 'old');
    for (const format of ['json', 'csv', 'html'] as const)
      assert.ok(existsSync((await api.exportReport(format))!), format);
    assert.equal(hash(dataset), datasetHash, 'the dataset itself is never written');
  });

  it('ends in one notification with every warning of the run counted, and Show Details lists each in the log', async () => {
    const api = startExtension(activate, {
      explainers: [...EXPLAINERS, 'no-such-explainer'],
      'integratedGradients.steps': 0,
    });
    const broken = join(tmp, 'broken.csv');
    const good = rows.slice(0, 4).map((r) => [r.text, r.label]);
    writeFileSync(
      broken,
      stringify([['text', 'label'], ...good, ['', '1'], [rows[4].text, 'neutral'], [rows[5].text, rows[5].label]]) +
        '"never closed,1\nlost,0\n',
    );
    stub.answer = (_text, items) => items.find((i) => i === 'Show Details');
    const outcome = await api.runDatasetTest(fileUri(broken), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'all' },
    });
    await new Promise((r) => setImmediate(r));
    assert.ok(outcome && 'view' in outcome, JSON.stringify(outcome));
    assert.equal(outcome.view.complete, false);
    const expected = [
      /polarityLens\.explainers: unknown explainer no-such-explainer ignored\./,
      /polarityLens\.integratedGradients\.steps must be a whole number from 1 to 1000; using 20\./,
      /The file could not be read past line 9 \(.*\); the report covers the rows before it\./,
      /2 bad rows were skipped \(listed in the report, with line numbers\)\./,
      /Labels neutral name no class of sst2-cnn-dot \(.*\); those rows count as unlabelled\./,
    ];
    assert.equal(stub.messages.length, 1, JSON.stringify(stub.messages, null, 1));
    const [message] = stub.messages;
    assert.equal(message.level, 'warning');
    assert.match(message.text, /^Polarity Lens: 5 warnings from the violation test on broken\.csv: /);
    assert.match(message.text, /… and 2 more \(Show Details lists them\)\.$/);
    assert.deepEqual(message.items, ['Show Details']);
    // Show Details opens the log, which lists every warning, numbered.
    assert.equal(stub.logShown, 1);
    const listed = stub.logLines.filter((l) => /^warn +\d+\. /.test(l));
    assert.equal(listed.length, expected.length, listed.join('\n'));
    expected.forEach((pattern, i) => assert.match(listed[i], pattern));
    // The panel still says why the report stops early.
    assert.match(posted().at(-1)!.message!, /could not be read past line 9/);

    // A run that fails: its error is the one notification, and what it had to warn about is in the log.
    stub.reset();
    const failing = startExtension(activate, {
      explainers: [...EXPLAINERS, 'no-such-explainer'],
      model: join(tmp, 'no-model-here'),
    });
    const failed = await failing.runDatasetTest(fileUri(dataset), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'first', n: 2 },
    });
    assert.ok(failed && 'error' in failed);
    assert.deepEqual(
      stub.messages.map((m) => m.level),
      ['error'],
    );
    assert.ok(
      stub.logLines.some((l) => /^warn +1\. polarityLens\.explainers: unknown explainer no-such-explainer/.test(l)),
    );
  });

  it('cancel from the report panel keeps the finished samples and says so', async () => {
    const api = startExtension(activate, { explainers: ['raw-attention', 'lime'], 'sampling.samples': 2000 });
    const running = api.runDatasetTest(fileUri(dataset), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'all' },
    });
    for (let i = 0; i < 600 && !posted().some((m) => m.type === 'progress' && (m.done ?? 0) >= 1); i++)
      await new Promise((r) => setTimeout(r, 50));
    reportPanel().send({ type: 'cancel' });
    const { view } = (await running) as { view: ReportView };
    assert.equal(view.complete, false);
    assert.ok(view.samples >= 1 && view.samples < rows.length, `${view.samples} samples`);
    assert.deepEqual(posted().at(-1), { type: 'finished', cancelled: true });
  });

  it('a new run replaces the one in flight: the old one stops and its report never reaches the panel', async () => {
    const api = startExtension(activate, { explainers: ['raw-attention', 'lime'], 'sampling.samples': 2000 });
    const slow = api.runDatasetTest(fileUri(dataset), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'all' },
    });
    for (let i = 0; i < 600 && !posted().some((m) => m.type === 'progress' && (m.done ?? 0) >= 1); i++)
      await new Promise((r) => setTimeout(r, 50));
    const fast = api.runDatasetTest(fileUri(dataset), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'first', n: 2 },
    });
    const [old, current] = (await Promise.all([slow, fast])) as { view: ReportView }[];
    assert.equal(old.view.complete, false, 'the first run was cancelled');
    assert.equal(current.view.samples, 2);
    const reports = posted().filter((m) => m.type === 'report');
    assert.equal(reports.at(-1)!.report!.createdAt, current.view.createdAt);
    assert.ok(
      !reports.some((m) => m.report!.createdAt === old.view.createdAt),
      "the replaced run's report is not shown",
    );
    assert.equal(api.datasetReport()?.createdAt, current.view.createdAt);
  });

  it('a report panel revived after a reload runs its last run again with its own settings, every sample from the cache, whatever the webview saved', async () => {
    const first = start();
    const { view } = (await first.runDatasetTest(fileUri(dataset), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'first', n: 5 },
    })) as { view: ReportView };
    // The new window: the settings changed since (other explainers), and the workbench saved no report in the webview.
    const panel = await reviveReportPanel({ view: {} }, { explainers: ['lime'] });
    await waitForFinished(panel);
    const report = (panel.posted as Posted[]).filter((m) => m.type === 'report').at(-1)!.report!;
    assert.equal(report.samples, 5);
    assert.equal(report.resumed, 5, 'every sample from the cache');
    assert.deepEqual(report.sampleRows, view.sampleRows);
    assert.deepEqual(
      report.explainers.map((e) => e.violation),
      view.explainers.map((e) => e.violation),
      'the same numbers',
    );
    assert.match((panel.posted as Posted[])[0].label ?? '', /again after the window reload/);
    // A webview saved with some other dataset's report shows the last run all the same.
    const other = await reviveReportPanel({ view: {}, report: { datasetPath: '/elsewhere.csv' } });
    await waitForFinished(other);
    assert.equal((other.posted as Posted[]).filter((m) => m.type === 'report').at(-1)!.report!.dataset.path, dataset);
  });

  it('a revived report panel whose dataset is gone, or with no run remembered, says why', async () => {
    await start().runDatasetTest(fileUri(dataset), {
      columns: { text: 'text', label: 'label' },
      selection: { mode: 'first', n: 1 },
    });
    const moved = join(tmp, 'moved.csv');
    renameSync(dataset, moved);
    try {
      const gone = await reviveReportPanel({ view: {} });
      assert.match(
        (gone.posted as Posted[])[0].message!,
        new RegExp(`its dataset ${dataset.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is gone`),
      );
    } finally {
      renameSync(moved, dataset);
    }
    start();
    const panel = new StubWebviewPanel('polarityLens.report', {});
    await stub.serializers.get('polarityLens.report')!.deserializeWebviewPanel(panel, undefined);
    assert.match((panel.posted as Posted[])[0].message!, /its run was not kept/);
  });

  it('explains what is wrong with a file it cannot read, and with a file that is not a dataset', async () => {
    const api = start();
    const binary = join(tmp, 'image.csv');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    const outcome = await api.runDatasetTest(fileUri(binary));
    assert.ok(outcome && 'error' in outcome);
    assert.match(stub.messages.at(-1)!.text, /binary/);
    assert.equal(await api.runDatasetTest(fileUri(join(tmp, 'notes.md'))), undefined);
    assert.match(stub.messages.at(-1)!.text, /right-click a dataset file/);
    assert.deepEqual(
      readdirSync(tmp).filter((f) => f.startsWith('image')),
      ['image.csv'],
    );
  });
});

/** A window reload: a fresh extension with the last one's workspace state, and a report panel VS Code revives with `saved`. */
async function reviveReportPanel(
  saved: unknown,
  configuration: Record<string, unknown> = { explainers: EXPLAINERS },
): Promise<StubWebviewPanel> {
  const kept = [...stub.workspaceState];
  startExtension(activate, configuration);
  kept.forEach(([k, v]) => stub.workspaceState.set(k, v));
  const panel = new StubWebviewPanel('polarityLens.report', {});
  await stub.serializers.get('polarityLens.report')!.deserializeWebviewPanel(panel, saved);
  return panel;
}

async function waitForFinished(panel: StubWebviewPanel): Promise<void> {
  for (let i = 0; i < 600 && !(panel.posted as Posted[]).some((m) => m.type === 'finished'); i++)
    await new Promise((r) => setTimeout(r, 50));
}
