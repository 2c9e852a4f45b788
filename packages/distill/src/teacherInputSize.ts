import { join } from 'node:path';
import { formatDecodeErrors } from '@kd/codecs';
import { readFileInside, type TransformOptions } from '@kd/data-voc-coco-kitti';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { resolveCheckpoint } from './resolveCheckpoint.js';
import { PosInt, type RunConfig } from './runConfig.js';

/** What a kd run records about its input in a checkpoint's metadata (other fields ignored). */
const RecordedCodec = t.type({
  userDefinedMetadata: t.type({
    extra: t.union([t.null, t.partial({ minSize: PosInt, maxSize: PosInt })]),
  }),
});

/**
 * The input size a checkpoint's run trained at (its metadata's `extra.minSize` / `maxSize`, written
 * by `runTraining`), or `undefined` when it records none (a checkpoint saved by other code).
 * `path` is a checkpoint, `checkpoints/` or run folder, as {@link resolveCheckpoint} takes.
 */
export function recordedInputSize(path: string): E.Either<string, TransformOptions | undefined> {
  let dir: string;
  try {
    dir = resolveCheckpoint(path);
  } catch (e) {
    return E.left((e as Error).message);
  }
  const file = join(dir, 'model.json');
  const bytes = readFileInside(dir, 'model.json', 64 * 1024 * 1024);
  if (E.isLeft(bytes)) return E.left(`${file}: ${bytes.left}`);
  let json: unknown;
  try {
    json = JSON.parse(bytes.right.toString('utf8'));
  } catch (e) {
    return E.left(`${file}: not JSON (${(e as Error).message})`);
  }
  const r = RecordedCodec.decode(json);
  if (E.isLeft(r)) return E.left(`${file}: ${formatDecodeErrors(r.left, undefined).join('; ')}`);
  const extra = r.right.userDefinedMetadata.extra;
  if (extra?.minSize === undefined) return E.right(undefined);
  return E.right({
    minSize: extra.minSize,
    maxSize: extra.maxSize ?? Math.round(extra.minSize * (1333 / 800)),
  });
}

/**
 * `config` with its distillation teacher replaced by the checkpoint at `teacher`, run at the input
 * size that checkpoint recorded (`distill.teacherMinSize` / `teacherMaxSize`): a teacher handed in
 * place of a preset's runs at its own resolution, not at the one the preset chose for its own
 * teacher. Without a recorded size the config's sizes stay. `changed` says whether the teacher's
 * input size differs from the config's.
 */
export function withTeacher(
  config: RunConfig,
  teacher: string,
): E.Either<string, { readonly config: RunConfig; readonly changed: boolean }> {
  if (!config.distill) return E.left(`${config.name}: not a distillation config (no distill)`);
  const size = recordedInputSize(teacher);
  if (E.isLeft(size)) return size;
  const distill = { ...config.distill, teacher };
  if (size.right === undefined) return E.right({ config: { ...config, distill }, changed: false });
  const { minSize, maxSize } = size.right;
  const changed =
    minSize !== config.distill.teacherMinSize ||
    (config.distill.teacherMaxSize !== undefined && maxSize !== config.distill.teacherMaxSize);
  return E.right({
    config: {
      ...config,
      distill: { ...distill, teacherMinSize: minSize, teacherMaxSize: maxSize },
    },
    changed,
  });
}
