import { closeSync, existsSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { formatDecodeErrors } from '@kd/codecs';
import { type ReplacePolicy, readFileInside, writeFolderAtomically } from '@kd/data-voc-coco-kitti';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

const WEIGHTS_FILE = 'weights.bin';
const MODEL_FILE = 'model.json';

function writeDurable(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Stored bytes per value: 4 for float32/int32/bool (as tfjs stores them), less when quantised. */
function bytesPerValue(spec: tf.io.WeightsManifestEntry): number {
  const q = spec.quantization?.dtype;
  return q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4;
}

const WeightsManifestCodec = t.array(
  t.type({
    paths: t.array(t.string),
    weights: t.array(
      t.intersection([
        t.type({
          name: t.string,
          shape: t.array(t.number),
          dtype: t.keyof({ float32: null, int32: null, bool: null }),
        }),
        t.partial({ quantization: t.unknown }),
      ]),
    ),
  }),
);

/** The model.json kd writes: the TensorFlow.js weights-manifest format plus kd's metadata. */
const ModelJsonCodec = t.intersection([
  t.type({ format: t.string, weightsManifest: WeightsManifestCodec }),
  t.partial({
    userDefinedMetadata: t.UnknownRecord,
    modelTopology: t.unknown,
    generatedBy: t.string,
  }),
]);

/**
 * Writes `artifacts` into the existing folder `folder` (`weights.bin`, then `model.json`), each
 * file flushed to disk. Not atomic by itself: {@link fileIOHandler} and exports call it on a
 * temporary folder that `writeFolderAtomically` renames into place.
 *
 * @returns the number of weight bytes written.
 */
export function writeModelArtifacts(folder: string, artifacts: tf.io.ModelArtifacts): number {
  const weightData = artifacts.weightData
    ? new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData))
    : new Uint8Array(0);
  writeDurable(join(folder, WEIGHTS_FILE), weightData);
  const modelJson = {
    format: artifacts.format ?? 'kd-checkpoint',
    generatedBy: artifacts.generatedBy ?? '@kd/faster-rcnn',
    modelTopology: artifacts.modelTopology ?? null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
    userDefinedMetadata: artifacts.userDefinedMetadata ?? {},
  };
  writeDurable(join(folder, MODEL_FILE), JSON.stringify(modelJson));
  return weightData.byteLength;
}

/**
 * A TensorFlow.js `IOHandler` that saves to and loads from a folder on disk (`model.json` +
 * `weights.bin`, the tfjs weights format), **atomically**: everything is written to a sibling
 * temporary folder, flushed, then renamed into place, so a crash mid-save leaves any previous
 * checkpoint at that path untouched. An existing folder is replaced only as `replace` allows
 * (default: never, unless empty). Loading validates `model.json` with io-ts and reads only
 * regular files inside `dir`.
 */
export function fileIOHandler(
  dir: string,
  options: { readonly replace?: ReplacePolicy } = {},
): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const weightDataBytes = await writeFolderAtomically(
        dir,
        (tmp) => writeModelArtifacts(tmp, artifacts),
        options.replace ?? 'never',
      );
      return {
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const path = join(dir, MODEL_FILE);
      if (!existsSync(path)) throw new Error(`${path}: no such checkpoint file`);
      const read = readFileInside(dir, MODEL_FILE);
      if (E.isLeft(read)) throw new Error(`${path}: not a checkpoint (${read.left})`);
      const text = read.right.toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
      }
      const decoded = ModelJsonCodec.decode(json);
      if (E.isLeft(decoded))
        throw new Error(
          `${path}: not a kd checkpoint\n  ${formatDecodeErrors(decoded.left, undefined).join('\n  ')}`,
        );
      const manifest = decoded.right.weightsManifest;
      const specs = manifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
      const buffers = manifest.flatMap((g, i) =>
        g.paths.map((p, j) => {
          const bytes = readFileInside(dir, p);
          if (E.isLeft(bytes))
            throw new Error(`${path}: weightsManifest[${i}].paths[${j}]: ${bytes.left}`);
          return bytes.right;
        }),
      );
      const data = Buffer.concat(buffers);
      const expected = specs.reduce(
        (n, s) => n + s.shape.reduce((a, b) => a * b, 1) * bytesPerValue(s),
        0,
      );
      if (data.byteLength !== expected) {
        throw new Error(
          `${join(dir, WEIGHTS_FILE)}: ${data.byteLength} bytes, but model.json describes ${expected} (truncated or mismatched file)`,
        );
      }
      return {
        format: decoded.right.format,
        weightSpecs: specs,
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
        ...(decoded.right.modelTopology
          ? { modelTopology: decoded.right.modelTopology as object }
          : {}),
        ...(decoded.right.userDefinedMetadata
          ? {
              userDefinedMetadata: decoded.right.userDefinedMetadata as Record<string, object>,
            }
          : {}),
      };
    },
  };
}
