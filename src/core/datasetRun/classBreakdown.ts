/**
 * The report per class: samples grouped by the model's prediction ŷ and by their gold label, each group with its
 * accuracy and every explainer's violation mean, and the confusion matrix. For single-label heads (softmax, sigmoid),
 * where one row is one sample; a multi-label run has per-label accuracy instead, a regression head no classes.
 */
import type { ClassBreakdown, ClassRow, SampleRecord } from './datasetReport';
import { addViolationMeans, proportion, RATE, RunningMean } from './statistics';

interface Group {
  samples: number;
  correct: number;
  judged: number;
  violation: Map<string, RunningMean>;
}

export class ClassTally {
  private readonly byPredicted: Group[];
  private readonly byGold: Group[];
  private readonly confusion: number[][];
  private labelled = 0;

  /** `target`: the class every sample was explained for (`check --target`), or undefined for each one's ŷ. */
  constructor(
    private readonly classes: string[],
    private readonly target: number | undefined,
  ) {
    const groups = () => classes.map((): Group => ({ samples: 0, correct: 0, judged: 0, violation: new Map() }));
    this.byPredicted = groups();
    this.byGold = groups();
    this.confusion = classes.map(() => classes.map(() => 0));
  }

  add(record: SampleRecord): void {
    const predicted = record.predicted ?? record.prediction.index;
    this.addTo(this.byPredicted[predicted], record);
    if (record.labelIndex === null) return;
    this.addTo(this.byGold[record.labelIndex], record);
    this.confusion[record.labelIndex][predicted]++;
    this.labelled++;
  }

  build(explainers: string[]): ClassBreakdown {
    const rows = (groups: Group[]): ClassRow[] =>
      groups.flatMap((g, index) =>
        g.samples === 0
          ? []
          : [
              {
                index,
                label: this.classes[index],
                samples: g.samples,
                accuracy: g.judged ? proportion(g.correct, g.judged) : null,
                violation: Object.fromEntries(
                  explainers.map((id) => [id, g.violation.get(id)?.estimate(RATE) ?? null]),
                ),
              },
            ],
      );
    return {
      target: this.target ?? null,
      byPredicted: rows(this.byPredicted),
      byGold: rows(this.byGold),
      confusion: this.labelled ? this.confusion.map((r) => [...r]) : null,
    };
  }

  private addTo(group: Group | undefined, record: SampleRecord): void {
    if (!group) return;
    group.samples++;
    if (record.correct !== null) {
      group.judged++;
      if (record.correct) group.correct++;
    }
    addViolationMeans(group.violation, record);
  }
}
