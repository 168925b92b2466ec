/** The Classifier port: what the pipeline, the CLI and the bench need from any text classifier. */

export interface LabelScore {
  label: string;
  confidence: number;
}

export interface Prediction extends LabelScore {
  /** the best labels, most likely first (the first is the prediction itself) */
  top: LabelScore[];
}

export interface EvalFigures {
  /** rows the figures were measured on */
  size: number;
  accuracy: number;
  macroF1: number;
}

export interface ModelInfo {
  formatVersion: number;
  kind: string;
  labels: string[];
  createdAt: string;
  training: { size: number; classCounts: Record<string, number>; seconds: number; seed: number };
  /** measured on the held-out split used for calibration, when there was one */
  eval: EvalFigures | null;
}

export interface Classifier {
  readonly info: ModelInfo;
  /**
   * Classifies one text (any length; long texts are read from the start).
   * @param topK how many alternatives to return in `top`
   */
  predict(text: string, topK?: number): Prediction;
}

export interface LabelledText {
  text: string;
  label: string;
}
