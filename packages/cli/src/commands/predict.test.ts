import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateShapesDataset } from '@kd/data-voc-coco-kitti';
import { testBackends } from '@kd/tensor-ops/testing';
import { PNG } from 'pngjs';

const repo = fileURLToPath(new URL('../../../..', import.meta.url));
const bin = fileURLToPath(new URL('../bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kd-predict-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const teacher = join(repo, 'models', 'shapes-teacher');
const kd = (args: string[]) =>
  spawnSync(process.execPath, [bin, 'predict', ...args], {
    encoding: 'utf8',
    env: { ...process.env, KD_BACKEND: 'wasm' },
  });

describe('kd predict', () => {
  test('the shipped teacher finds the shapes of a generated image; boxes drawn into a PNG, JSON listed', async () => {
    const ds = await generateShapesDataset({
      root: join(dir, 'data'),
      seed: 5,
      trainImages: 1,
      testImages: 2,
      formats: ['voc'],
    });
    const images = ds.splits.test.map((s) => s.path);
    const out = join(dir, 'out');
    const r = spawnSync(
      process.execPath,
      [
        bin,
        'predict',
        '--checkpoint',
        join(repo, 'models', 'shapes-teacher'),
        '--out',
        out,
        '--score',
        '0.5',
        ...images,
      ],
      { encoding: 'utf8', env: { ...process.env, KD_BACKEND: 'wasm' } },
    );
    assert.equal(r.status, 0, r.stderr);
    const list = JSON.parse(readFileSync(join(out, 'detections.json'), 'utf8')) as {
      file: string;
      label: string;
      score: number;
      bbox: number[];
    }[];
    assert.ok(list.length > 0, 'no detection at score ≥ 0.5');
    for (const d of list) {
      assert.ok(ds.classNames.includes(d.label), d.label);
      assert.ok(d.score >= 0.5 && d.score <= 1);
      assert.ok(d.bbox[2]! > 0 && d.bbox[3]! > 0);
    }
    // At least one detection overlaps a ground-truth box of its class (IoU ≥ 0.5).
    const iou = (a: readonly number[], b: readonly number[]) => {
      const iw = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
      const ih = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
      const u = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - iw * ih;
      return (iw * ih) / u;
    };
    const hit = list.some((d) => {
      const sample = ds.splits.test.find((s) => s.path === d.file)!;
      const box = [d.bbox[0]!, d.bbox[1]!, d.bbox[0]! + d.bbox[2]!, d.bbox[1]! + d.bbox[3]!];
      return sample.objects.some(
        (o) => ds.classNames[o.classIndex] === d.label && iou(box, o.box) >= 0.5,
      );
    });
    assert.ok(hit, 'no detection matches the ground truth');
    for (const img of images) {
      const png = join(
        out,
        `${img
          .split('/')
          .at(-1)!
          .replace(/\.\w+$/, '')}.png`,
      );
      assert.ok(existsSync(png));
      const decoded = PNG.sync.read(readFileSync(png));
      assert.equal(decoded.width, 128);
    }
  });

  test('--compile lists the same detections on the native backend, and is a clear error off it', async () => {
    const ds = await generateShapesDataset({
      root: join(dir, 'data-compile'),
      seed: 6,
      trainImages: 1,
      testImages: 2,
      formats: ['voc'],
    });
    const images = ds.splits.test.map((s) => s.path);
    const run = (out: string, backend: string, extra: string[]) =>
      spawnSync(
        process.execPath,
        [
          bin,
          'predict',
          '--checkpoint',
          join(repo, 'models', 'shapes-student-distilled-pretrained'),
          '--out',
          join(dir, out),
          '--score',
          '0.3',
          '--json',
          ...extra,
          ...images,
        ],
        { encoding: 'utf8', env: { ...process.env, KD_BACKEND: backend } },
      );
    if (testBackends().includes('tensorflow')) {
      const [eager, compiled] = [
        run('c-eager', 'tensorflow', []),
        run('c-compiled', 'tensorflow', ['--compile']),
      ];
      assert.equal(eager.status, 0, eager.stderr);
      assert.equal(compiled.status, 0, compiled.stderr);
      type Det = { file: string; label: string; score: number; bbox: number[] };
      const [e, c] = [eager, compiled].map((r) => JSON.parse(r.stdout) as Det[]);
      assert.ok(e!.length > 0);
      assert.equal(c!.length, e!.length);
      const key = (d: Det) =>
        `${d.file} ${d.label} ${d.bbox.map((v) => v.toFixed(1)).join(' ')} ${d.score.toFixed(4)}`;
      assert.deepEqual(c!.map(key).sort(), e!.map(key).sort());
    }
    const off = run('c-wasm', 'wasm', ['--compile']);
    assert.equal(off.status, 1);
    assert.match(
      off.stderr,
      /--compile: compiling a detector needs the native tensorflow backend \(tfjs-node\); the backend is 'wasm'/,
    );
    assert.ok(!existsSync(join(dir, 'c-wasm')), 'a failed run leaves no output folder');
  });

  test('a folder and a glob as inputs; same basenames never overwrite each other; --json prints the list', async () => {
    const ds = await generateShapesDataset({
      root: join(dir, 'data2'),
      seed: 6,
      trainImages: 1,
      testImages: 2,
      formats: ['voc'],
    });
    const [a, b] = ds.splits.test.map((s) => s.path) as [string, string];
    const twins = join(dir, 'twins');
    mkdirSync(join(twins, 'x'), { recursive: true });
    mkdirSync(join(twins, 'y'), { recursive: true });
    copyFileSync(a, join(twins, 'x', 'same.png'));
    copyFileSync(b, join(twins, 'y', 'same.png'));
    const out = join(dir, 'out-twins');
    const r = kd([
      '--checkpoint',
      teacher,
      '--out',
      out,
      '--score',
      '0.3',
      '--json',
      join(twins, 'x'),
      join(twins, 'y', '*.png'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['detections.json', 'same-2.png', 'same.png']);
    const printed = JSON.parse(r.stdout) as { file: string; output: string }[];
    assert.deepEqual(printed, JSON.parse(readFileSync(join(out, 'detections.json'), 'utf8')));
    for (const d of printed)
      assert.equal(d.output, d.file.includes('/x/') ? 'same.png' : 'same-2.png');
    assert.ok(!readFileSync(join(out, 'same.png')).equals(readFileSync(join(out, 'same-2.png'))));
  });

  test("--out naming the inputs' folder never replaces an input, even with --force", () => {
    const folder = join(dir, 'inputs');
    mkdirSync(folder);
    const input = join(folder, 'img.png');
    copyFileSync(join(dir, 'twins', 'x', 'same.png'), input);
    const before = readFileSync(input);
    const r = kd(['--checkpoint', teacher, '--out', folder, input]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^kd predict: \S*inputs: folder exists and is not empty; pass --force/);
    const forced = kd(['--checkpoint', teacher, '--out', folder, '--force', input]);
    assert.equal(forced.status, 1);
    assert.match(forced.stderr, /img\.png: is an input; writing the output there would replace it/);
    assert.ok(readFileSync(input).equals(before));
    assert.deepEqual(readdirSync(folder), ['img.png']);
  });

  test('--checkpoint accepts a run folder (its latest checkpoint)', () => {
    const run = join(dir, 'run');
    mkdirSync(join(run, 'checkpoints', 'ckpt-000007'), { recursive: true });
    for (const f of ['model.json', 'weights.bin'])
      copyFileSync(join(teacher, f), join(run, 'checkpoints', 'ckpt-000007', f));
    writeFileSync(join(run, 'checkpoints', 'LATEST'), 'ckpt-000007\n');
    const out = join(dir, 'out-run');
    const r = kd(['--checkpoint', run, '--out', out, '--json', join(dir, 'twins', 'x')]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(readFileSync(join(out, 'detections.json'), 'utf8')),
      JSON.parse(r.stdout),
    );
  });

  test('bad numbers in flags are usage errors naming the flag (exit 2)', () => {
    const score = kd(['--checkpoint', teacher, '--score', 'abc', 'x.png']);
    assert.equal(score.status, 2);
    assert.match(score.stderr, /^kd predict: .*--score: expected a number in \[0, 1\], got 'abc'/);
    const minSize = kd(['--checkpoint', teacher, '--min-size', 'abc', 'x.png']);
    assert.equal(minSize.status, 2);
    assert.match(minSize.stderr, /--min-size: expected an integer ≥ 1, got 'abc'/);
    const missing = kd(['--checkpoint', teacher, join(dir, 'nope.png')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^kd predict: \S*nope\.png: no such file or folder/);
  });

  test('a missing checkpoint is a clear error, and nothing is left behind', () => {
    const out = join(dir, 'out-missing');
    const r = kd(['--checkpoint', join(dir, 'nope'), '--out', out, join(dir, 'inputs', 'img.png')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^kd predict: \S*nope: no checkpoint/);
    assert.equal(existsSync(out), false);
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.includes('kd-tmp')),
      [],
    );
  });
});
