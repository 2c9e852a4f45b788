import { readFileSync } from 'node:fs';
import { formatDecodeErrors } from '@kd/codecs';
import { TrainTestDatasetConfig } from '@kd/data-voc-coco-kitti';
import { decodeFasterRcnnConfig } from '@kd/faster-rcnn';
import { PaperObjectiveConfig } from '@kd/losses';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { parse as parseYaml } from 'yaml';

// YAML spells NaN and Infinity (`.nan`, `.inf`): every number of a run config must be finite.
const Finite = t.refinement(t.number, (n) => Number.isFinite(n), 'FiniteNumber');
/** A positive integer (steps, sizes, counts). */
export const PosInt = t.refinement(t.number, (n) => Number.isInteger(n) && n > 0, 'PositiveInt');
const NonNegInt = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0, 'NonNegativeInt');
const Pos = t.refinement(t.number, (n) => n > 0 && Number.isFinite(n), 'Positive');
const Fraction = t.refinement(t.number, (n) => n >= 0 && n <= 1, 'UnitInterval');
const NonNeg = t.refinement(t.number, (n) => n >= 0 && Number.isFinite(n), 'NonNegative');

/**
 * `model.detector`: a partial Faster R-CNN config (defaults filled by `@kd/faster-rcnn`), checked
 * whole when the run config is decoded, before any data or weights load. The class count comes
 * from the dataset, so it is checked with a placeholder and set when the model is built. Kept as
 * written (not default-filled) so that `config.json` shows what the user wrote.
 */
const DetectorSpec = new t.Type<
  Readonly<Record<string, unknown>>,
  Readonly<Record<string, unknown>>
>(
  'FasterRcnnConfig',
  (u): u is Readonly<Record<string, unknown>> => t.UnknownRecord.is(u),
  (u, c) => {
    if (!t.UnknownRecord.is(u)) return t.failure(u, c, 'expected an object');
    const r = decodeFasterRcnnConfig({ ...u, numClasses: 1 }, 'model.detector');
    return E.isLeft(r) ? t.failure(u, c, r.left.replace(/^model\.detector: /, '')) : t.success(u);
  },
  (a) => a,
);

/**
 * Where the images come from: `@kd/data-voc-coco-kitti`'s `TrainTestDatasetConfig` (a registered
 * format's train and test splits, or `shapes`, the embedded generated dataset).
 */
export const DatasetConfigCodec = TrainTestDatasetConfig;

/** One detector's architecture and input resolution. */
export const ModelConfigCodec = t.exact(
  t.intersection([
    t.type({ detector: DetectorSpec }),
    t.partial({
      /** Shorter side of the input (Faster R-CNN resize) and cap on the longer side. */
      minSize: PosInt,
      maxSize: PosInt,
      /**
       * Fine-tune: a kd checkpoint (folder, run's `checkpoints/` or run folder, like
       * `distill.teacher`) whose every parameter is loaded before step 1; fresh optimiser, step 0.
       */
      init: t.string,
      /**
       * Train the trunk (backbone and RPN head) through compiled native TensorFlow graphs, its
       * forward and its backward (`compileTrainingTrunk`): the same gradients up to float32
       * rounding, a faster step. `'auto'` (default): on the tensorflow backend when the training
       * images come in at most four batch shapes and the trunk can be compiled (not a backbone
       * updating batch-norm statistics), op by op otherwise, with one line saying why; `true`
       * requires it; false: op by op.
       */
      compileTrunk: t.union([t.boolean, t.literal('auto')]),
      /**
       * Compute the RPN proposals of half of each batch on a worker thread while the step
       * computes the other half's (`ProposalThread`): the same proposals, a shorter step where a
       * core is free for it. Default false: on a 2-core machine the loader thread already uses the
       * second core, and `kd train` measured slower with it (see docs/native-backend.md).
       */
      proposalThread: t.boolean,
    }),
  ]),
);

export const OptimConfigCodec = t.exact(
  t.intersection([
    t.type({ steps: PosInt, batchSize: PosInt, lr: Pos }),
    t.partial({
      momentum: Fraction,
      weightDecay: NonNeg,
      warmupSteps: NonNegInt,
      /** 'cosine' (default) or step decay at `milestones`. */
      schedule: t.keyof({ cosine: null, step: null, constant: null }),
      milestones: t.array(NonNegInt),
      clipGradNorm: Pos,
      flip: t.boolean,
      seed: Finite,
      checkpointEvery: PosInt,
      evalEvery: PosInt,
    }),
  ]),
);

export const DistillConfigCodec = t.exact(
  t.intersection([
    t.type({
      /** The frozen teacher's checkpoint folder. */
      teacher: t.string,
    }),
    t.partial({
      /** Teacher input resolution (shorter side); default the student's (same-resolution setting). */
      teacherMinSize: PosInt,
      teacherMaxSize: PosInt,
      /**
       * Run the frozen teacher's backbone and RPN head as compiled native TensorFlow graphs
       * (`compileTrunk`): same outputs up to float32 rounding, a faster step. `true` requires the
       * tensorflow backend; `'auto'` compiles on it and runs op by op elsewhere. Default false.
       */
      compileTeacher: t.union([t.boolean, t.literal('auto')]),
      /**
       * The teacher's trunk (backbone and RPN head) on a worker thread of its own, one step ahead
       * of the student's step (`TeacherThread`): two threads busy at once, the numbers of the
       * trunk inside the step (compiled: to the bit; op by op: up to float32 rounding). `'auto'`
       * (default): with one replica, when the teacher is compiled (`compileTeacher`) or the
       * backend computes on one thread (wasm, cpu) and the machine has a second core; `true`:
       * with one replica, always; false: the trunk inside the step.
       */
      teacherThread: t.union([t.boolean, t.literal('auto')]),
      /** Options of `paperObjective` (@kd/losses): mu, temperature, backgroundWeight, nu, margin, gamma… */
      objective: PaperObjectiveConfig,
      /** One of the paper's ablation rows instead of the full objective. */
      ablation: t.keyof({
        baseline: null,
        CLS: null,
        'CLS-W': null,
        L2: null,
        'L2-B': null,
        Hints: null,
        'Hints-A': null,
        full: null,
      }),
      hint: t.exact(
        t.intersection([
          t.type({ teacherLayer: t.string, studentLayer: t.string }),
          t.partial({
            adaptation: t.keyof({ conv1x1: null, conv3x3: null }),
            normalize: t.keyof({ none: null, channelL2: null }),
          }),
        ]),
      ),
      /** Warm up every distillation weight from 0 over this many steps. */
      distillWarmupSteps: NonNegInt,
    }),
  ]),
);

/** A `kd train` / `kd distill` run. */
export const RunConfigCodec = t.exact(
  t.intersection([
    t.type({ dataset: DatasetConfigCodec, model: ModelConfigCodec, optim: OptimConfigCodec }),
    t.partial({ name: t.string, distill: DistillConfigCodec }),
  ]),
);
export type RunConfig = t.TypeOf<typeof RunConfigCodec>;

function unknownKeys(value: unknown, codec: t.Mixed, path: string): string[] {
  // Walk exact/intersection/partial/type codecs and report keys they do not declare.
  const props = (c: t.Mixed): Record<string, t.Mixed> | undefined => {
    const tag = (c as { _tag?: string })._tag;
    if (tag === 'ExactType') return props((c as unknown as t.ExactC<t.HasProps>).type);
    if (tag === 'InterfaceType' || tag === 'PartialType')
      return (c as unknown as t.InterfaceType<t.Props>).props;
    if (tag === 'IntersectionType') {
      const all: Record<string, t.Mixed> = {};
      for (const m of (c as unknown as t.IntersectionType<t.Mixed[]>).types)
        Object.assign(all, props(m) ?? {});
      return all;
    }
    return undefined;
  };
  const p = props(codec);
  if (!p || typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const here = path ? `${path}.${k}` : k;
    const sub = p[k];
    if (!sub) out.push(here);
    else out.push(...unknownKeys(v, sub, here));
  }
  return out;
}

/** Decodes a run config; errors name the source, the JSON path and what was expected. */
export function decodeRunConfig(value: unknown, source: string): E.Either<string, RunConfig> {
  const unknown = unknownKeys(value, RunConfigCodec, '');
  if (unknown.length) return E.left(`${source}: unknown key(s): ${unknown.join(', ')}`);
  const r = RunConfigCodec.decode(value);
  if (E.isLeft(r)) {
    const lines = formatDecodeErrors(r.left, undefined);
    return E.left(`${source}: invalid run config\n  ${lines.join('\n  ')}`);
  }
  return E.right(r.right);
}

/** Reads a JSON or YAML config file and decodes it. */
export function readRunConfig(file: string): E.Either<string, RunConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return E.left(`${file}: cannot read (${(err as Error).message})`);
  }
  let value: unknown;
  try {
    value = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    return E.left(
      `${file}: not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'} (${(err as Error).message})`,
    );
  }
  return decodeRunConfig(value, file);
}
