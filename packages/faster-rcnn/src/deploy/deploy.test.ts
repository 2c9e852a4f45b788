import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { normalizeImage, resizeBilinear } from '@kd/data-voc-coco-kitti';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { fileIOHandler } from '../checkpoint/fileIOHandler.js';
import { tinyConfig } from '../internal/testing.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import { detectorArtifacts } from './detectorArtifacts.js';
import type { DetectorManifest, WeightQuantization } from './detectorManifest.js';
import { float16Bits } from './float16.js';
import { loadDetector } from './loadDetector.js';
import { preprocessPixels } from './preprocessPixels.js';

before(async () => {
  await initBackend({ backend: 'wasm' });
});

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8'));
}

const IMAGENET = {
  inputScale: 1 / 255,
  mean: [0.485, 0.456, 0.406] as [number, number, number],
  std: [0.229, 0.224, 0.225] as [number, number, number],
};

function manifest(quantization: WeightQuantization): DetectorManifest {
  return {
    format: 'kd-detector',
    version: 1,
    classes: ['red', 'green', 'blue'],
    input: { minSize: 64, maxSize: 96 } as DetectorManifest['input'],
    normalization: IMAGENET as DetectorManifest['normalization'],
    scoreThreshold: 0 as DetectorManifest['scoreThreshold'],
    weights: { quantization },
    source: null,
  };
}

function randomPixels(width: number, height: number, channels: 3 | 4, seed: number) {
  const rng = createRng(seed);
  return {
    width,
    height,
    data: Uint8Array.from({ length: width * height * channels }, () => rng.nextInt(256)),
  };
}

test('float16Bits rounds like numpy astype(float16)', () => {
  const f = fixture('float16.json') as { values: (number | string)[]; bits: number[] };
  f.values.forEach((v, i) => {
    const x = typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v;
    assert.equal(float16Bits(x), f.bits[i], `value ${v}`);
  });
  assert.equal(float16Bits(Number.NaN) & 0x7c00, 0x7c00);
});

test('preprocessPixels equals the training pipeline (normalizeImage then resizeBilinear), RGB and RGBA', () => {
  for (const [w, h] of [
    [50, 37],
    [120, 80],
  ] as const) {
    const rgb = randomPixels(w, h, 3, w);
    const rgba = new Uint8ClampedArray(w * h * 4);
    for (let p = 0; p < w * h; p++) {
      rgba.set(rgb.data.subarray(3 * p, 3 * p + 3), 4 * p);
      rgba[4 * p + 3] = 17;
    }
    const m = manifest('none');
    const ours = preprocessPixels(rgb, m);
    const ref = resizeBilinear(
      normalizeImage({ data: rgb.data, width: w, height: h, channels: 3 }, IMAGENET),
      ours.height,
      ours.width,
    );
    assert.equal(
      Math.min(ours.height, ours.width),
      Math.min(64, Math.floor(Math.min(h, w) * (96 / Math.max(h, w)))) ||
        Math.min(ours.height, ours.width),
    );
    assert.deepEqual(ours.data, ref.data);
    assert.deepEqual(preprocessPixels({ data: rgba, width: w, height: h }, m).data, ref.data);
  }
  assert.throws(
    () => preprocessPixels({ data: new Uint8Array(10), width: 2, height: 2 }, manifest('none')),
    /expected 12 \(RGB\) or 16 \(RGBA\)/,
  );
});

test('export → load → detect gives the model’s own detections; quantised exports load close', async () => {
  const model = new FasterRcnn(tinyConfig());
  const pixels = randomPixels(80, 60, 3, 5);
  const input = preprocessPixels(pixels, manifest('none'));
  const images = tf.tensor4d(input.data, [1, input.height, input.width, 3]);
  const [expected] = await model.predict({
    images,
    metas: [
      {
        height: input.height,
        width: input.width,
        scale: input.scale,
        originalHeight: 60,
        originalWidth: 80,
      },
    ],
  });
  images.dispose();
  assert.ok(expected!.scores.length > 0, 'the random model detects something');
  const weights = Object.fromEntries(
    model.params.entries().map(([n, v]) => [n, v.dataSync() as Float32Array]),
  );
  const dir = mkdtempSync(join(tmpdir(), 'kd-export-'));
  try {
    const before = tf.memory().numTensors;
    for (const q of ['none', 'float16', 'uint8'] as const) {
      await fileIOHandler(join(dir, q)).save!(await detectorArtifacts(model, manifest(q)));
      const detector = await loadDetector(fileIOHandler(join(dir, q)));
      // Dequantised weights are within half a quantisation step of the originals.
      for (const [name, v] of detector.model.params.entries()) {
        const got = v.dataSync();
        const want = weights[name]!;
        const range = Math.max(...want, 0) - Math.min(...want, 0);
        const tol =
          q === 'none'
            ? 0
            : q === 'float16'
              ? Math.max(...want.map(Math.abs)) * 2 ** -11 + 1e-7
              : range / 255 / 2 + 1e-7;
        want.forEach((x, i) =>
          assert.ok(Math.abs(got[i]! - x) <= tol, `${q} ${name}[${i}]: ${got[i]} vs ${x}`),
        );
      }
      const got = await detector.detect(pixels);
      if (q === 'none') {
        assert.deepEqual(got.boxes, expected!.boxes);
        assert.deepEqual(got.scores, expected!.scores);
        assert.deepEqual(got.labels, expected!.labels);
        assert.deepEqual(
          got.classNames,
          Array.from(got.labels, (l) => ['red', 'green', 'blue'][l - 1]),
        );
      }
      detector.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    const sizes = ['none', 'float16', 'uint8'].map(
      (q) => readFileSync(join(dir, q, 'weights.bin')).byteLength,
    );
    assert.deepEqual([sizes[0]! / sizes[1]!, sizes[0]! / sizes[2]!], [2, 4]);
  } finally {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadDetector names what is wrong with a broken export', async () => {
  const model = new FasterRcnn(tinyConfig());
  const good = await detectorArtifacts(model, manifest('none'));
  model.dispose();
  const withMeta = (m: unknown) =>
    tf.io.fromMemory({ ...good, userDefinedMetadata: { kdDetector: m as object } });
  await assert.rejects(
    loadDetector(withMeta({ ...manifest('none'), classes: 'red' })),
    /userDefinedMetadata.kdDetector.*\n.*at classes: expected Array<string>/,
  );
  await assert.rejects(
    loadDetector(withMeta({ ...manifest('none'), classes: ['a'] })),
    /names 1 classes but the network has 3/,
  );
  await assert.rejects(
    loadDetector(tf.io.fromMemory({ ...good, modelTopology: { class_name: 'Sequential' } })),
    /not a kd detector export/,
  );
});
