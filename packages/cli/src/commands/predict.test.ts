import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateShapesDataset } from '@kd/data-voc-coco-kitti';
import { PNG } from 'pngjs';

const repo = fileURLToPath(new URL('../../../..', import.meta.url));
const bin = fileURLToPath(new URL('../bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kd-predict-'));
after(() => rmSync(dir, { recursive: true, force: true }));

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

  test('a missing checkpoint is a clear error', () => {
    const r = spawnSync(
      process.execPath,
      [bin, 'predict', '--checkpoint', join(dir, 'nope'), 'x.png'],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /nope\/model\.json: no such checkpoint file/);
  });
});
