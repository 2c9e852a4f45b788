import { type EvalDetectorResult, evalDetector } from './evalDetector.js';
import type { RunConfig } from './runConfig.js';
import { runTraining, type TrainingHooks } from './runTraining.js';

/** The three models of the experiment. */
export type ExperimentRole = 'teacher' | 'baseline' | 'student';

/** A run to train (or resume: a folder holding the same config) and then score. */
export interface PlannedRun {
  readonly config: RunConfig;
  /** The run folder (config.json, metrics.jsonl, checkpoints/). */
  readonly runDir: string;
  /** Where `evalDetector` writes the results files and metrics. */
  readonly resultsDir: string;
}

/** A teacher trained before: a run folder or a checkpoint folder, scored as it is. */
export interface TrainedTeacher {
  readonly checkpoint: string;
  readonly resultsDir: string;
  /** The config naming the dataset to score it on; default the one saved with the checkpoint. */
  readonly evalConfig?: RunConfig;
}

export interface DistillAndEvaluateOptions {
  /** The teacher: trained first when given as a `PlannedRun`, used as it is when `TrainedTeacher`. */
  readonly teacher: PlannedRun | TrainedTeacher;
  /** The distilled student; its `distill` section is required, and its `teacher` is set to ours. */
  readonly student: PlannedRun;
  /** Optionally the comparison: a student trained without the teacher (no `distill` section). */
  readonly baseline?: PlannedRun;
  /**
   * The hooks of each model's training run and scoring (`onProgress` sees stage `evaluate` while it
   * is scored), by role; `name` is the run config's name, or its folder. Default: none.
   */
  readonly hooks?: (role: ExperimentRole, name: string) => TrainingHooks;
  /** Called as each model's scores arrive (teacher, then baseline, then student), e.g. to print them. */
  readonly onEvaluated?: (role: ExperimentRole, result: EvalDetectorResult) => void;
}

export interface EvaluatedRun {
  /** The run or checkpoint folder that was scored. */
  readonly checkpoint: string;
  readonly evaluation: EvalDetectorResult;
}

export interface DistillAndEvaluateResult {
  readonly teacher: EvaluatedRun;
  readonly student: EvaluatedRun;
  readonly baseline?: EvaluatedRun;
}

/**
 * The paper's experiment as one call: trains the teacher unless a trained one is given, trains the
 * baseline student if asked, distils the student from the teacher, then scores each of them on its
 * config's test split with `evalDetector` (the dataset's own results files and evaluator). Runs
 * resume from their folders like `kd train`; trained models are disposed. Nothing is printed: pass
 * `hooks` and `onEvaluated` to show progress and scores.
 *
 * @example
 *   const r = await distillAndEvaluate({
 *     teacher: { config: requirePreset('voc07-vgg16-teacher'), runDir: 'runs/t', resultsDir: 'runs/t-results' },
 *     student: { config: requirePreset('voc07-vgg16-to-alexnet'), runDir: 'runs/s', resultsDir: 'runs/s-results' },
 *   });
 *   console.log(r.student.evaluation.text);
 */
export async function distillAndEvaluate(
  options: DistillAndEvaluateOptions,
): Promise<DistillAndEvaluateResult> {
  const { teacher, student, baseline } = options;
  if (student.config.distill === undefined)
    throw new Error(
      `distillAndEvaluate: the student's config (${student.runDir}) has no distill section`,
    );
  const hooksOf = (role: ExperimentRole, name: string) => options.hooks?.(role, name) ?? {};
  const train = async (role: ExperimentRole, run: PlannedRun, config = run.config) => {
    const r = await runTraining({
      config,
      runDir: run.runDir,
      ...hooksOf(role, config.name ?? run.runDir),
    });
    r.model.dispose();
    return run.runDir;
  };
  const teacherCheckpoint =
    'checkpoint' in teacher ? teacher.checkpoint : await train('teacher', teacher);
  const baselineCheckpoint = baseline && (await train('baseline', baseline));
  const studentCheckpoint = await train('student', student, {
    ...student.config,
    distill: { ...student.config.distill, teacher: teacherCheckpoint },
  });

  const evaluate = async (
    role: ExperimentRole,
    checkpoint: string,
    resultsDir: string,
    config?: RunConfig,
  ): Promise<EvaluatedRun> => {
    const evaluation = await evalDetector({
      checkpoint,
      ...(config ? { config } : {}),
      out: resultsDir,
      ...pickProgress(hooksOf(role, config?.name ?? checkpoint)),
    });
    options.onEvaluated?.(role, evaluation);
    return { checkpoint, evaluation };
  };
  const teacherEval = await evaluate(
    'teacher',
    teacherCheckpoint,
    teacher.resultsDir,
    'evalConfig' in teacher ? teacher.evalConfig : undefined,
  );
  const baselineEval =
    baseline && baselineCheckpoint
      ? await evaluate('baseline', baselineCheckpoint, baseline.resultsDir)
      : undefined;
  const studentEval = await evaluate('student', studentCheckpoint, student.resultsDir);
  return {
    teacher: teacherEval,
    student: studentEval,
    ...(baselineEval ? { baseline: baselineEval } : {}),
  };
}

const pickProgress = (hooks: TrainingHooks) =>
  hooks.onProgress ? { onProgress: hooks.onProgress } : {};
