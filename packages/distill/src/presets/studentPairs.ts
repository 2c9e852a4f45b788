import * as E from 'fp-ts/lib/Either.js';

/**
 * A teacher and the two students compared against it on the embedded dataset: the baseline (no
 * teacher) and the distilled student, same detector, data order and budget. `kd demo` and
 * `kd experiment` run one of these.
 */
export interface StudentPair {
  /** What the pair shows (listed by `kd demo --help`). */
  readonly description: string;
  /**
   * The presets that train the teacher when its checkpoint is missing, in order: each later stage
   * fine-tunes the one before it (its `model.init` is set to the previous stage's checkpoint). The
   * last one's input size is the teacher's.
   */
  readonly teacherPresets: readonly string[];
  /** The shipped teacher (relative to the repository root), which `distilledPreset` names too. */
  readonly teacherCheckpoint: string;
  readonly baselinePreset: string;
  readonly distilledPreset: string;
}

const PAIRS: Readonly<Record<string, StudentPair>> = {
  pretrained: {
    description:
      'ImageNet MobileNetV2 students cut after block2 (128 px) distilled from the whole stride-8 trunk at 256 px (anchors twice the size)',
    teacherPresets: [
      'shapes-teacher-pretrained',
      'shapes-teacher-pretrained-160',
      'shapes-teacher-pretrained-192',
      'shapes-teacher-pretrained-256',
    ],
    teacherCheckpoint: 'models/shapes-teacher-pretrained-256',
    baselinePreset: 'shapes-student-pretrained',
    distilledPreset: 'shapes-distill-pretrained',
  },
  'pretrained-lowres': {
    description:
      "the block2 student at 80 px (output stride 4) distilled from the 160 px teacher: the paper's high-res teacher → half-resolution student",
    teacherPresets: ['shapes-teacher-pretrained', 'shapes-teacher-pretrained-160'],
    teacherCheckpoint: 'models/shapes-teacher-pretrained-160',
    baselinePreset: 'shapes-lowres-student-pretrained-80',
    distilledPreset: 'shapes-hires-pretrained-80',
  },
  scratch: {
    description: 'randomly initialised VGG16 ×0.0625 students distilled from VGG16 ×0.125',
    teacherPresets: ['shapes-teacher'],
    teacherCheckpoint: 'models/shapes-teacher',
    baselinePreset: 'shapes-student',
    distilledPreset: 'shapes-distill',
  },
  'scratch-lowres': {
    description: 'the randomly initialised VGG teacher at 128 px guiding its architecture at 64 px',
    teacherPresets: ['shapes-teacher'],
    teacherCheckpoint: 'models/shapes-teacher',
    baselinePreset: 'shapes-lowres-student',
    distilledPreset: 'shapes-hires',
  },
};

/** The pair `kd demo` and `kd experiment` run unless told otherwise. */
export const DEFAULT_STUDENT_PAIR = 'pretrained';

export const STUDENT_PAIR_NAMES: readonly string[] = Object.keys(PAIRS);

/** A student pair by name, or a message listing the pairs. */
export function studentPair(name: string): E.Either<string, StudentPair> {
  const p = PAIRS[name];
  return p === undefined
    ? E.left(`unknown student pair '${name}'; the pairs are: ${STUDENT_PAIR_NAMES.join(', ')}`)
    : E.right(p);
}
