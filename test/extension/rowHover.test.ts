/**
 * The hover of a marked dataset line: the prediction named and labelled (class, score, what the score is), the gold
 * label, and per explainer its top unit and verdict per operator with Δ; text from the file stays text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SampleExplainer, SampleRecord } from '../../src/core/datasetRun/datasetReport';
import {
  escapeMarkdown,
  EXPLAIN_ROW_COMMAND,
  explainRowLink,
  rowHover,
  type HoverRecord,
} from '../../src/extension/rowHover';
import type { RowMark } from '../../src/extension/rowMarks';
import { sampleExplainer } from '../helpers/sampleExplainer';

const OPS = ['delete', 'zero-embedding', 'attention-mask'] as const;
/** A top unit under 30 characters (so shown whole) that would be a link, HTML and a cell break if not escaped. */
const HOSTILE = '[click](command:quit) <img>|*';

const report = {
  model: {
    name: 'sst2-cnn-dot',
    dir: '/models/sst2-cnn-dot',
    labels: ['negative', 'positive'],
    sha256: 'ab',
    head: { kind: 'softmax' as const, quantity: 'softmax probability', isProbability: true },
  },
  explainers: [
    { id: 'raw-attention', label: 'Raw attention' },
    { id: 'occlusion', label: 'Leave-one-out occlusion' },
    { id: 'lime', label: 'LIME' },
    { id: 'rollout', label: 'Attention rollout' },
  ],
  settings: { operators: [...OPS] },
  dataset: { path: '/data/reviews.csv' },
} as unknown as Parameters<typeof rowHover>[0];

const explainer = (violates: boolean[], deltas: number[], extra: Partial<SampleExplainer> = {}): SampleExplainer => ({
  ...sampleExplainer(violates, { deltas, weight: 0.42, unit: 3 }),
  topText: 'terrific',
  ...extra,
});

const record: SampleRecord = {
  row: 11,
  line: 13,
  text: 'the plot is thin but the cast is terrific',
  label: 'positive',
  labelIndex: 1,
  prediction: { index: 1, label: 'positive', probability: 0.9312 },
  predicted: 1,
  correct: true,
  units: 9,
  truncated: false,
  explainers: {
    'raw-attention': explainer([true, false, false], [-0.12, 0.05, 0.01]),
    occlusion: explainer([false, false, false], [0.2, 0.1, 0.3], {
      topText: HOSTILE,
      byConstruction: { delete: 'exact: its weights are the Δs of erasures under delete' },
    }),
    lime: { ...explainer([false, false, false], [0, 0, 0]), error: 'LIME needs | pipes' },
  },
  random: [],
  ms: 5,
};
const mark: RowMark = {
  line: 12,
  kind: 'violates',
  text: '✗ 1/3',
  judged: 3,
  violating: 1,
  samples: [{ row: 11 }],
};
/** The hover as a reader sees it: Markdown escapes removed. */
const shown = (md: string) => md.replace(/\\(.)/g, '$1');
/** The hover's table row of an explainer, split into cells (as a reader sees them). */
const cells = (md: string, label: string) =>
  md
    .split('\n')
    .find((l) => l.startsWith(`| ${escapeMarkdown(label)} |`))!
    .split(/ (?<!\\)\| /)
    .slice(1)
    .map((c) => shown(c.replace(/ \|$/, '')));

describe('the hover of a marked row', () => {
  it('names the row and line, the share that violates, and the prediction with its score and what the score is', () => {
    const md = shown(rowHover(report, mark, [record]));
    assert.match(md, /^\*\*Polarity Lens · row 12 \(line 13\)\*\* · sst2-cnn-dot/);
    assert.match(md, /✗ 1 of 3 explainers violate under at least one operator/);
    assert.match(
      md,
      /Predicted ŷ = \*\*positive\*\*, p\(ŷ\) = 0\.931 \(softmax probability\) · gold \*\*positive\*\* ✓ correct · 9 units/,
    );
  });

  it('lists every explainer: top unit with its weight, ✗/✓ and Δ per operator, † by construction, failures, not run', () => {
    const md = rowHover(report, mark, [record]);
    assert.match(
      shown(md),
      /\| explainer \| top unit \(w\) \| delete \(slice_out\) \| zero-embedding \(.*\) \| attention-mask \(.*\) \|/,
    );
    assert.deepEqual(cells(md, 'Raw attention'), ['terrific (+0.420)', '✗ Δ −0.120', '✓ Δ +0.0500', '✓ Δ +0.0100']);
    assert.equal(cells(md, 'Leave-one-out occlusion')[1], '✓ Δ +0.200 †');
    assert.equal(cells(md, 'LIME')[0], 'failed: LIME needs | pipes');
    assert.equal(cells(md, 'Attention rollout')[0], 'not run');
    assert.match(shown(md), /Δ: how much p\(ŷ\) \(softmax probability\) falls when the operator erases the top unit/);
  });

  it('keeps text from the file as text: no link, no HTML, no table cell break', () => {
    const md = rowHover(report, mark, [record]);
    assert.ok(!/(^|[^\\])\[click\]\(command:/.test(md), 'no live link');
    assert.ok(!/(^|[^\\])<img/.test(md), 'no raw HTML');
    const row = md.split('\n').find((l) => l.startsWith('| Leave'))!;
    assert.equal(row.split(/(?<!\\)\|/).length, 7, `five cells, whatever the top unit holds: ${row}`);
    assert.equal(cells(md, 'Leave-one-out occlusion')[0], `${HOSTILE} (+0.420)`, 'and it reads as written');
    assert.equal(escapeMarkdown('a\nb'), 'a b');
  });

  it('says which class was explained when it is not ŷ, and the label tested in a multi-label report', () => {
    const targeted = shown(
      rowHover(report, mark, [
        { ...record, predicted: 1, prediction: { index: 0, label: 'negative', probability: 0.0688 } },
      ]),
    );
    assert.match(targeted, /Predicted ŷ = \*\*positive\*\*; explained class \*\*negative\*\*, p\(negative\) = 0\.069/);
    const multi = {
      ...report,
      model: { ...report.model, head: { kind: 'multi-label', quantity: 'sigmoid probability', isProbability: true } },
    } as typeof report;
    const md = shown(rowHover(multi, { ...mark, samples: [{ row: 11, target: 1 }] }, [record]));
    assert.match(md, /Label tested \*\*positive\*\*: σ\(z\) = 0\.931 \(sigmoid probability\)/);
    assert.match(md, /judgements \(explainer × label tested\)/);
  });

  it('a record it cannot read, several rows on one line, and a skipped row', () => {
    const unread: HoverRecord = { row: 3, error: 'the inference process exited' };
    const many: RowMark = { ...mark, samples: [0, 1, 2, 3, 4, 5].map((row) => ({ row })) };
    const md = shown(rowHover(report, many, [unread, record]));
    assert.match(md, /6 rows on line 13 \(objects written on one line share it\)/);
    assert.match(md, /Row 4: details unavailable \(the inference process exited\)/);
    assert.match(md, /Row 12: Predicted/);
    assert.match(md, /…and 4 more samples on this line/);
    const skipped = shown(rowHover(report, { ...mark, kind: 'skipped', samples: [], reason: 'not valid UTF-8' }, []));
    assert.match(skipped, /Skipped by the run: not valid UTF-8$/);
  });

  it('links to the row command with the file and row as its argument', () => {
    const link = explainRowLink('/data/re(views).csv', { row: 11, target: 2 });
    const m = /^\[Explain row in panel\]\(command:([^?]+)\?(\S+) "/.exec(link)!;
    assert.equal(m[1], EXPLAIN_ROW_COMMAND);
    assert.deepEqual(JSON.parse(decodeURIComponent(m[2])), [{ path: '/data/re(views).csv', row: 11, target: 2 }]);
  });
});
