/** Accuracy, macro-F1 and the confusion matrix of predicted against true labels. */
export interface Evaluation {
  size: number;
  accuracy: number;
  macroF1: number;
  labels: string[];
  perLabel: Array<{ label: string; precision: number; recall: number; f1: number; support: number }>;
  /** confusion[i][j]: rows with true label i predicted as j */
  confusion: number[][];
}

export function evaluate(
  truth: readonly string[],
  predicted: readonly string[],
  labelOrder?: readonly string[],
): Evaluation {
  const labels = [...new Set([...(labelOrder ?? []), ...truth, ...predicted])];
  if (!labelOrder) labels.sort();
  const at = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  let correct = 0;
  for (let n = 0; n < truth.length; n++) {
    confusion[at.get(truth[n]!)!]![at.get(predicted[n]!)!]!++;
    if (truth[n] === predicted[n]) correct++;
  }
  const perLabel = labels.map((label, i) => {
    const tp = confusion[i]![i]!;
    const support = confusion[i]!.reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + row[i]!, 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  // Macro-F1 over the labels that occur in the truth (a label only ever predicted still lowers precision).
  const present = perLabel.filter((p) => p.support > 0);
  const macroF1 = present.length ? present.reduce((a, p) => a + p.f1, 0) / present.length : 0;
  return {
    size: truth.length,
    accuracy: truth.length ? correct / truth.length : 0,
    macroF1,
    labels,
    perLabel,
    confusion,
  };
}
