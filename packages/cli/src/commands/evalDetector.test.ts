import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { testBackends } from '@kd/tensor-ops/testing';
import { kd, repoRoot } from '../test-util.js';

const repo = repoRoot();
const dir = mkdtempSync(join(tmpdir(), 'kd-eval-detector-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const photos = join(repo, 'packages', 'data-voc-coco-kitti', 'fixtures', 'photos');
const CLASSES = ['person', 'cat', 'cup', 'rocket'];
const tinyDetector = {
  backbone: { name: 'vgg16', widthMultiplier: 0.0625, outputStride: 8 },
  anchors: { baseSize: 8, ratios: [0.5, 1, 2], scales: [2, 4, 8] },
  rpn: { channels: 16, batchSizePerImage: 64 },
  roiHead: { fcDims: [32], batchSizePerImage: 32 },
  seed: 3,
};
const configs = {
  voc: {
    format: 'voc',
    root: join(photos, 'voc'),
    trainSplit: 'photos',
    testSplit: 'photos',
    classes: CLASSES,
  },
  coco: {
    format: 'coco',
    root: join(photos, 'coco'),
    trainSplit: 'photos',
    testSplit: 'photos',
    imageDir: join(photos, 'images'),
  },
  kitti: {
    format: 'kitti',
    root: join(photos, 'kitti'),
    trainSplit: 'photos',
    testSplit: 'photos',
    classes: CLASSES,
  },
};
const configFile = (format: keyof typeof configs) => {
  const file = join(dir, `${format}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name: `photos-${format}`,
      dataset: configs[format],
      model: { detector: tinyDetector, minSize: 128, maxSize: 192 },
      optim: { steps: 2, batchSize: 2, lr: 0.01, seed: 1 },
    }),
  );
  return file;
};

interface Summary {
  format: string;
  images: number;
  detections: number;
  results: string;
  metrics: Record<string, { mAP?: number; perClass?: Record<string, number> }>;
}

describe('kd eval detector', () => {
  test('the shipped teacher on 12 shapes test images: VOC results files, devkit table equal to kd eval voc on them', async () => {
    const out = join(dir, 'shapes');
    const r = await kd(
      [
        'eval',
        'detector',
        '--checkpoint',
        join(repo, 'models', 'shapes-teacher'),
        '--limit',
        '12',
        '--out',
        out,
        '--json',
      ],
      repo,
    );
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.equal(s.format, 'voc');
    assert.equal(s.images, 12);
    assert.ok(s.detections > 0);
    const files = readdirSync(out).filter((f) => f.startsWith('comp4_det_test_'));
    assert.equal(files.length, 6, files.join(', '));
    const ids = new Set<string>();
    for (const f of files) {
      for (const line of readFileSync(join(out, f), 'utf8').trim().split('\n')) {
        const cols = line.split(' ');
        assert.equal(cols.length, 6, line);
        ids.add(cols[0]!);
        const [score, x1, y1, x2, y2] = cols.slice(1).map(Number) as number[];
        assert.ok(score! > 0 && score! <= 1 && x2! >= x1! && y2! >= y1!, line);
      }
    }
    assert.ok(ids.size <= 12);
    // The teacher (41.6 mAP@0.5 over the whole test split) finds the shapes here too.
    const mAP = s.metrics.voc!.mAP!;
    assert.ok(mAP > 0.15 && mAP <= 1, `mAP ${mAP}`);
    // The devkit view lists exactly the evaluated images; kd eval voc on it gives the same numbers.
    const listed = readFileSync(join(out, 'devkit', 'ImageSets', 'Main', 'test.txt'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(listed.length, 12);
    const again = await kd(
      [
        'eval',
        'voc',
        '--gt',
        join(out, 'devkit'),
        '--split',
        'test',
        '--dets',
        out,
        '--metric',
        '07',
        '--json',
      ],
      repo,
    );
    assert.equal(again.status, 0, again.stderr);
    const direct = JSON.parse(again.stdout) as { mAP: number; perClass: Record<string, number> };
    assert.deepEqual(direct.perClass, s.metrics.voc!.perClass);
    // Same APs; the mean is summed in another class order (sorted names there).
    assert.ok(Math.abs(direct.mAP - mAP) < 1e-12);
    assert.ok(existsSync(join(out, 'metrics.txt')));
  });

  test('--compile: the same detections and metrics through native TensorFlow graphs; a clear error off that backend', async () => {
    const run = (name: string, extra: string[]) =>
      kd(
        [
          'eval',
          'detector',
          '--checkpoint',
          join(repo, 'models', 'shapes-student-distilled-pretrained'),
          '--limit',
          '12',
          '--out',
          join(dir, name),
          '--json',
          ...extra,
        ],
        repo,
      );
    if (testBackends().includes('tensorflow')) {
      const [eager, compiled] = [await run('eager', []), await run('compiled', ['--compile'])];
      assert.equal(eager.status, 0, eager.stderr);
      assert.equal(compiled.status, 0, compiled.stderr);
      const [e, c] = [eager, compiled].map(
        (r) => JSON.parse(r.stdout) as Summary & { compiled: boolean },
      );
      assert.deepEqual([e!.compiled, c!.compiled], [false, true]);
      assert.equal(c!.detections, e!.detections);
      assert.ok(e!.metrics.voc!.mAP! > 0.3, `mAP ${e!.metrics.voc!.mAP}`);
      for (const [cls, ap] of Object.entries(e!.metrics.voc!.perClass!))
        assert.ok(Math.abs(c!.metrics.voc!.perClass![cls]! - ap) < 1e-3, cls);
    }
    const saved = process.env.KD_NATIVE;
    process.env.KD_NATIVE = 'off';
    try {
      const off = await run('off', ['--compile']);
      assert.equal(off.status, 1);
      assert.match(
        off.stderr,
        /--compile: compiling a detector needs the native tensorflow backend \(tfjs-node\); the backend is 'wasm'/,
      );
    } finally {
      if (saved === undefined) delete process.env.KD_NATIVE;
      else process.env.KD_NATIVE = saved;
    }
  });

  test('a detector trained on the photo fixture, evaluated through its VOC, COCO and KITTI annotations', async () => {
    const run = join(dir, 'run');
    const t = await kd(['train', '--config', configFile('voc'), '--run', run, '--json'], repo);
    assert.equal(t.status, 0, t.stderr);

    // VOC, whole split: scored against the real devkit folder (no view).
    const vocOut = join(dir, 'voc-out');
    const v = await kd(['eval', 'detector', '--checkpoint', run, '--out', vocOut, '--json'], repo);
    assert.equal(v.status, 0, v.stderr);
    const vs = JSON.parse(v.stdout) as Summary;
    assert.equal(vs.images, 4);
    assert.ok(!existsSync(join(vocOut, 'devkit')));
    assert.deepEqual(
      readdirSync(vocOut)
        .filter((f) => f.startsWith('comp4_det_'))
        .sort(),
      CLASSES.map((c) => `comp4_det_photos_${c}.txt`).sort(),
    );

    // COCO: one results JSON with the dataset's own category ids; kd eval coco agrees.
    const cocoOut = join(dir, 'coco-out');
    const c = await kd(
      [
        'eval',
        'detector',
        '--checkpoint',
        run,
        '--config',
        configFile('coco'),
        '--out',
        cocoOut,
        '--json',
      ],
      repo,
    );
    assert.equal(c.status, 0, c.stderr);
    const cs = JSON.parse(c.stdout) as Summary;
    const results = JSON.parse(readFileSync(cs.results, 'utf8')) as {
      image_id: number;
      category_id: number;
      bbox: number[];
      score: number;
    }[];
    assert.equal(results.length, cs.detections);
    for (const d of results) {
      assert.ok([1, 2, 3, 4].includes(d.image_id), String(d.image_id));
      assert.ok([1, 17, 47, 91].includes(d.category_id), String(d.category_id));
      assert.equal(d.bbox.length, 4);
    }
    const cocoAgain = await kd(
      [
        'eval',
        'coco',
        '--gt',
        join(photos, 'coco', 'annotations', 'instances_photos.json'),
        '--dets',
        cs.results,
        '--json',
      ],
      repo,
    );
    assert.equal(cocoAgain.status, 0, cocoAgain.stderr);
    assert.deepEqual(JSON.parse(cocoAgain.stdout), cs.metrics.coco);

    // KITTI: one 16-column file per frame (empty ones too), the paper's PASCAL-style table.
    const kittiOut = join(dir, 'kitti-out');
    const k = await kd(
      [
        'eval',
        'detector',
        '--checkpoint',
        run,
        '--config',
        configFile('kitti'),
        '--limit',
        '3',
        '--out',
        kittiOut,
      ],
      repo,
    );
    assert.equal(k.status, 0, k.stderr);
    assert.match(k.stdout, /PASCAL-style AP at IoU 0\.5/);
    assert.match(k.stdout, /Mean AP = /);
    const frames = readdirSync(join(kittiOut, 'data')).sort();
    assert.deepEqual(frames, ['astronaut.txt', 'chelsea.txt', 'coffee.txt']);
    for (const f of frames)
      for (const line of readFileSync(join(kittiOut, 'data', f), 'utf8').split('\n'))
        if (line !== '') assert.equal(line.split(' ').length, 16, line);
  });

  test('errors: a checkpoint whose classes do not fit the dataset, a missing checkpoint', async () => {
    const r = await kd(
      [
        'eval',
        'detector',
        '--checkpoint',
        join(repo, 'models', 'shapes-teacher'),
        '--config',
        configFile('voc'),
        '--out',
        join(dir, 'bad'),
      ],
      repo,
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /detects 6 classes, .* has 4 \(person, cat, cup, rocket\)/);
    const m = await kd(
      ['eval', 'detector', '--checkpoint', join(dir, 'nothing'), '--out', join(dir, 'bad')],
      repo,
    );
    assert.equal(m.status, 1);
    assert.match(m.stderr, /no checkpoint/);
  });
});
