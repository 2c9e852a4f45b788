import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  decodeImageFile,
  fasterRcnnSize,
  generateShapesDataset,
  normalizeImage,
  resizeBilinear,
} from '@kd/data-voc-coco-kitti';
import { fileIOHandler, loadDetector, loadFasterRcnn } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { jsonOf, kd, repoRoot } from '../test-util.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-export-'));
const teacher = join(repoRoot(), 'models', 'shapes-teacher');
before(async () => {
  await initBackend({ backend: 'wasm' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Summary {
  weightBytes: number;
  evaluation?: {
    images: number;
    checkpointMAP50: number;
    exportMAP50: number;
    deltaMAP50Points: number;
  };
}

describe('kd export', () => {
  test('export → load → detect gives the checkpoint’s detections, without optimiser or extra weights', async () => {
    const out = join(dir, 'teacher');
    const summary = jsonOf<Summary>(
      await kd([
        'export',
        '--checkpoint',
        teacher,
        '--out',
        out,
        '--no-eval',
        '--json',
        '--score',
        '0.3',
      ]),
    );
    const ckptBytes = readFileSync(join(teacher, 'weights.bin')).byteLength;
    const modelJson = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    const names: string[] = modelJson.weightsManifest[0].weights.map(
      (w: { name: string }) => w.name,
    );
    assert.ok(
      names.every((n) => !n.startsWith('optimizer/') && !n.startsWith('extra/')),
      names.join(),
    );
    assert.equal(summary.weightBytes, readFileSync(join(out, 'weights.bin')).byteLength);
    assert.ok(summary.weightBytes <= ckptBytes);
    const sidecar = JSON.parse(readFileSync(join(out, 'detector.json'), 'utf8'));
    assert.deepEqual(sidecar, modelJson.userDefinedMetadata.kdDetector);
    assert.equal(sidecar.scoreThreshold, 0.3);
    assert.deepEqual(sidecar.input, { minSize: 128, maxSize: 213 });

    const ds = await generateShapesDataset({
      root: join(dir, 'data'),
      seed: 11,
      trainImages: 1,
      testImages: 2,
      formats: ['voc'],
    });
    const { model, checkpoint } = await loadFasterRcnn(teacher);
    tf.dispose(Object.values(checkpoint.extraWeights));
    tf.dispose(checkpoint.optimizerWeights.map((w) => w.tensor));
    const detector = await loadDetector(fileIOHandler(out));
    const before = tf.memory().numTensors;
    try {
      for (const s of ds.splits.test) {
        const img = await decodeImageFile(s.path);
        if (E.isLeft(img)) throw new Error(img.left);
        const size = fasterRcnnSize(img.right.height, img.right.width, 128, 213);
        const input = resizeBilinear(normalizeImage(img.right), size.height, size.width);
        const images = tf.tensor4d(input.data, [1, input.height, input.width, 3]);
        const [want] = await model.predict({
          images,
          metas: [
            {
              height: input.height,
              width: input.width,
              scale: input.height / img.right.height,
              originalHeight: img.right.height,
              originalWidth: img.right.width,
            },
          ],
        });
        images.dispose();
        const got = await detector.detect(img.right, { minScore: 0 });
        assert.ok(want!.scores.length > 0);
        assert.deepEqual(got.boxes, want!.boxes);
        assert.deepEqual(got.scores, want!.scores);
        assert.deepEqual(got.labels, want!.labels);
      }
      assert.equal(tf.memory().numTensors, before);
    } finally {
      model.dispose();
      detector.dispose();
    }
  });

  test('uint8 exports of the shipped teacher and the distilled student lose at most 1 point mAP@0.5 (first 100 test images)', async () => {
    const student = join(repoRoot(), 'models', 'shapes-student-distilled');
    const runs = await Promise.all(
      [teacher, student].map((ckpt, i) =>
        kd([
          'export',
          '--checkpoint',
          ckpt,
          '--out',
          join(dir, `uint8-${i}`),
          '--quantize',
          'uint8',
          '--eval-images',
          '100',
          '--json',
        ]),
      ),
    );
    for (const [i, r] of runs.entries()) {
      const summary = jsonOf<Summary>(r);
      const ev = summary.evaluation!;
      assert.equal(ev.images, 100);
      assert.ok(ev.checkpointMAP50 > (i === 0 ? 0.3 : 0.05), `mAP@0.5 ${ev.checkpointMAP50}`);
      assert.ok(
        ev.deltaMAP50Points >= -1,
        `uint8 export changed mAP@0.5 by ${ev.deltaMAP50Points} points`,
      );
      const ckpt = i === 0 ? teacher : student;
      assert.equal(summary.weightBytes * 4, readFileSync(join(ckpt, 'weights.bin')).byteLength);
    }
  });

  test('float16 exports load; unsupported formats and bad options are clear errors', async () => {
    const out = join(dir, 'teacher-f16');
    jsonOf(
      await kd([
        'export',
        '--checkpoint',
        teacher,
        '--out',
        out,
        '--quantize',
        'float16',
        '--no-eval',
        '--json',
      ]),
    );
    const d = await loadDetector(fileIOHandler(out));
    assert.equal(d.manifest.weights.quantization, 'float16');
    d.dispose();
    const layers = await kd([
      'export',
      '--checkpoint',
      teacher,
      '--out',
      join(dir, 'x'),
      '--format',
      'tfjs-layers',
    ]);
    assert.equal(layers.status, 1);
    assert.match(
      layers.stderr,
      /--format tfjs-layers is not supported: the detector is not a tf.LayersModel/,
    );
    const q = await kd([
      'export',
      '--checkpoint',
      teacher,
      '--out',
      join(dir, 'x'),
      '--quantize',
      'int4',
    ]);
    assert.notEqual(q.status, 0);
    assert.match(q.stderr, /int4.*invalid|Allowed choices/i);
    for (const [flag, value, re] of [
      ['--eval-images', 'abc', /--eval-images: expected an integer ≥ 1, got 'abc'/],
      ['--score', '2', /--score: expected a number in \[0, 1\], got '2'/],
    ] as const) {
      const bad = await kd([
        'export',
        '--checkpoint',
        teacher,
        '--out',
        join(dir, 'y'),
        flag,
        value,
      ]);
      assert.equal(bad.status, 2, `${flag} ${value}`);
      assert.match(bad.stderr, /^kd export: /);
      assert.match(bad.stderr, re);
    }
  });
});
