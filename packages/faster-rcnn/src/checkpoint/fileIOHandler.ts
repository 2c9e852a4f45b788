import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatDecodeErrors } from '@kd/codecs';
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

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    fsyncSync(fd);
    closeSync(fd);
  } catch {
    // Some filesystems refuse directory fsync; the rename is still atomic.
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
 * A TensorFlow.js `IOHandler` that saves to and loads from a folder on disk (`model.json` +
 * `weights.bin`, the tfjs weights format), **atomically**: everything is written to a sibling
 * temporary folder, flushed, then renamed into place, so a crash mid-save leaves any previous
 * checkpoint at that path untouched. Loading validates `model.json` with io-ts.
 */
export function fileIOHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const parent = dirname(dir);
      mkdirSync(parent, { recursive: true });
      const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp);
      const weightData = artifacts.weightData
        ? new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData))
        : new Uint8Array(0);
      writeDurable(join(tmp, WEIGHTS_FILE), weightData);
      const modelJson = {
        format: artifacts.format ?? 'kd-checkpoint',
        generatedBy: artifacts.generatedBy ?? '@kd/faster-rcnn',
        modelTopology: artifacts.modelTopology ?? null,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        userDefinedMetadata: artifacts.userDefinedMetadata ?? {},
      };
      writeDurable(join(tmp, MODEL_FILE), JSON.stringify(modelJson));
      fsyncDir(tmp);
      // Replace an existing folder: move it aside first, then swap, then delete the old one.
      const old = existsSync(dir)
        ? join(parent, `.${basename(dir)}.old-${process.pid}-${Date.now()}`)
        : undefined;
      if (old) renameSync(dir, old);
      renameSync(tmp, dir);
      fsyncDir(parent);
      if (old) rmSync(old, { recursive: true, force: true });
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weightData.byteLength,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const path = join(dir, MODEL_FILE);
      if (!existsSync(path)) throw new Error(`${path}: no such checkpoint file`);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
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
      const buffers = manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
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
