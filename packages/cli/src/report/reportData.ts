/** Everything a report shows, read and computed beforehand: `renderReport` only lays it out. */
export interface ReportData {
  readonly title: string;
  /** The folder the report describes, as the user named it. */
  readonly runDir: string;
  /** ISO timestamp shown in the header (passed in, so that rendering stays pure). */
  readonly generatedAt: string;
  /** Class names, 1-based label order, with their box colour in the sample images. */
  readonly classes: readonly { readonly name: string; readonly colour: string }[];
  readonly runs: readonly RunReport[];
  /** The evaluated models (teacher first when there is one), in table and column order. */
  readonly models: readonly ModelReport[];
  readonly samples: readonly SampleReport[];
  /** Detections drawn in the samples have at least this score. */
  readonly scoreThreshold: number;
  /** Things the reader should know (a teacher that could not be found, a run without checkpoint…). */
  readonly notes: readonly string[];
}

/** One training run folder. */
export interface RunReport {
  /** Display name ('student baseline', 'distilled student', or the folder name). */
  readonly label: string;
  readonly folder: string;
  /** The run's `config.json`, decoded. */
  readonly config: unknown;
  /** One point per step and named loss component (`loss` is the total). */
  readonly losses: readonly {
    readonly step: number;
    readonly component: string;
    readonly value: number;
  }[];
  /** The evaluations logged in `metrics.jsonl` (periodic and final). */
  readonly evals: readonly {
    readonly step: number;
    readonly mAP50: number;
    readonly mAP: number;
  }[];
}

/** One model evaluated on the test split by the report. */
export interface ModelReport {
  readonly label: string;
  readonly checkpoint: string;
  readonly mAP50: number;
  readonly mAP: number;
  readonly testImages: number;
  /** `[R]` recall thresholds. */
  readonly recall: readonly number[];
  /** Per class name `[R]` precision at IoU 0.5 (−1: undefined). */
  readonly precision: Readonly<Record<string, readonly number[]>>;
}

/** One test image with each model's detections drawn (one panel per model, in `models` order). */
export interface SampleReport {
  readonly id: string;
  readonly panels: readonly {
    readonly label: string;
    /** `data:image/png;base64,…` */
    readonly png: string;
    readonly detections: number;
  }[];
}
