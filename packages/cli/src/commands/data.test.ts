import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type GeneratedShapesDataset, generateShapesDataset } from '@kd/data-voc-coco-kitti';
import { jsonOf, kd, repoRoot } from '../test-util.js';

interface StatsJson {
  images: number;
  objects: number;
  perClass: Record<string, number>;
  difficult: number;
  crowd: number;
  dontCare: number;
  sizeHistogram: { bins: { label: string; count: number }[]; cocoAreas: Record<string, number> };
  problems: { file: string; where: string; message: string; fatal: boolean }[];
  fatal: boolean;
}

const fixtures = (...p: string[]): string =>
  path.join(repoRoot(), 'packages/data-voc-coco-kitti/fixtures', ...p);

describe('kd data stats on the generated shapes dataset', () => {
  let dir = '';
  let g: GeneratedShapesDataset;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kd-cli-stats-'));
    g = await generateShapesDataset({
      root: dir,
      seed: 11,
      trainImages: 20,
      testImages: 10,
      imageSize: 64,
    });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('the VOC, COCO and KITTI layouts give the same counts, equal to what was generated', async () => {
    const roots = { voc: path.join(dir, 'voc'), coco: g.cocoRoot, kitti: g.kittiRoot };
    for (const split of ['train', 'test'] as const) {
      const runs = await Promise.all(
        (['voc', 'coco', 'kitti'] as const).map(async (format) => ({
          format,
          s: jsonOf<StatsJson>(
            await kd([
              'data',
              'stats',
              '--format',
              format,
              '--data-root',
              roots[format],
              '--split',
              split,
              '--json',
            ]),
          ),
        })),
      );
      const samples = g.splits[split];
      const perClass: Record<string, number> = {};
      for (const s of samples)
        for (const o of s.objects) {
          const name = g.classNames[o.classIndex]!;
          perClass[name] = (perClass[name] ?? 0) + 1;
        }
      const objects = samples.reduce((a, s) => a + s.objects.length, 0);
      assert.ok(objects > samples.length, 'several objects per image');
      const sorted = (r: Record<string, number>) =>
        Object.entries(r)
          .filter(([, n]) => n > 0)
          .sort();
      for (const { format, s } of runs) {
        const what = `${format} ${split}`;
        assert.equal(s.images, samples.length, what);
        assert.equal(s.objects, objects, what);
        assert.deepEqual(sorted(s.perClass), sorted(perClass), what);
        assert.deepEqual(s.problems, [], what);
        assert.equal(s.fatal, false, what);
        assert.deepEqual(s.sizeHistogram, runs[0]!.s.sizeHistogram, what);
      }
      // VOC keeps the generator's difficult flags; the other layouts have no such field
      assert.equal(
        runs[0]!.s.difficult,
        samples.reduce((a, s) => a + s.objects.filter((o) => o.difficult).length, 0),
      );
    }
  });

  test('the table prints the counts, the classes and the size histogram', async () => {
    const r = await kd([
      'data',
      'stats',
      '--format',
      'kitti',
      '--data-root',
      g.kittiRoot,
      '--split',
      'test',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const objects = g.splits.test.reduce((a, s) => a + s.objects.length, 0);
    assert.match(
      r.stdout,
      new RegExp(`^KITTI dataset .* \\(split test\\)\\nimages 10 {3}objects ${objects} `),
    );
    for (const name of g.classNames)
      assert.match(r.stdout, new RegExp(`\\n${name}\\s+\\d+\\s+\\d+\\.\\d%`));
    assert.match(r.stdout, /box size sqrt\(w\*h\), px\n\s+0-8\s+\d+/);
    assert.match(r.stdout, /COCO areas: small \d+ {3}medium \d+ {3}large \d+/);
    assert.match(r.stdout, /problems: none\n$/);
  });
});

describe('kd data stats on the package fixtures', () => {
  test('KITTI: DontCare regions and classes; COCO: crowd regions and an annotation of an unknown image', async () => {
    const [k, c, table] = await Promise.all([
      kd([
        'data',
        'stats',
        '--format',
        'kitti',
        '--data-root',
        fixtures('kitti'),
        '--split',
        'train',
        '--json',
      ]),
      kd([
        'data',
        'stats',
        '--format',
        'coco',
        '--data-root',
        fixtures('coco'),
        '--split',
        'val2017',
        '--json',
      ]),
      kd([
        'data',
        'stats',
        '--format',
        'kitti',
        '--data-root',
        fixtures('kitti'),
        '--split',
        'train',
      ]),
    ]);
    const ks = jsonOf<StatsJson>(k);
    assert.equal(ks.dontCare, 4);
    assert.deepEqual(ks.perClass, { Car: 2, Cyclist: 1, Pedestrian: 1, Truck: 1, Van: 1 });
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /images 4 {3}objects 6 {3}difficult 0 {3}crowd 0 {3}DontCare 4\n/);
    assert.match(table.stdout, /\nCar\s+2\s+33\.3%\n/);
    const cs = jsonOf<StatsJson>(c);
    assert.equal(cs.images, 4);
    assert.equal(cs.crowd, 2);
    const p = cs.problems.find((x) => x.where === 'annotations[8].image_id');
    assert.ok(p, JSON.stringify(cs.problems));
    assert.equal(path.basename(p.file), 'instances_val2017.json');
    assert.equal(p.fatal, false);
  });

  test('broken VOC files: every problem with its file and location, exit 0 unless --policy fatal', async () => {
    const root = fixtures('voc');
    const [json, table, strict] = await Promise.all([
      kd(['data', 'stats', '--format', 'voc', '--data-root', root, '--split', 'broken', '--json']),
      kd(['data', 'stats', '--format', 'voc', '--data-root', root, '--split', 'broken']),
      kd([
        'data',
        'stats',
        '--format',
        'voc',
        '--data-root',
        root,
        '--split',
        'broken',
        '--policy',
        'fatal',
        '--json',
      ]),
    ]);
    const s = jsonOf<StatsJson>(json);
    const located = s.problems.map((p) => `${path.basename(p.file)} ${p.where}`).sort();
    assert.deepEqual(located, [
      'badnum_0011.xml annotation/object[2]/bndbox/ymin',
      'escape_0010.xml annotation/filename',
      'inv_0005.xml annotation/object[2]/bndbox',
      'laughs_0008.xml line 2',
      'out_0004.xml annotation/object[2]/bndbox',
      'trunc_0009.xml line 9, column 11',
      'xxe_0007.xml line 2',
    ]);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /problems: 7 \(0 fatal\)/);
    assert.match(
      table.stdout,
      /warning: \S*trunc_0009\.xml: line 9, column 11: malformed or truncated XML/,
    );
    assert.match(
      table.stdout,
      /warning: \S*badnum_0011\.xml: annotation\/object\[2\]\/bndbox\/ymin: expected a finite number, got "abc"/,
    );
    assert.equal(strict.status, 1);
    const ss = JSON.parse(strict.stdout) as StatsJson;
    assert.equal(ss.fatal, true);
    assert.ok(ss.problems.some((p) => p.fatal));
    assert.match(
      strict.stderr,
      /^kd data stats: \d+ fatal problems?: the dataset cannot be used as it is; first: \S+\.xml: /,
    );
  });

  test('an unreadable dataset (truncated COCO JSON, missing folder) exits 1 and says where', async () => {
    const [trunc, missing, usage] = await Promise.all([
      kd([
        'data',
        'stats',
        '--format',
        'coco',
        '--data-root',
        fixtures('coco'),
        '--split',
        'truncated',
        '--json',
      ]),
      kd([
        'data',
        'stats',
        '--format',
        'voc',
        '--data-root',
        path.join(tmpdir(), 'kd-no-such-dataset'),
      ]),
      kd(['data', 'stats', '--format', 'yolo', '--data-root', fixtures('coco')]),
    ]);
    assert.equal(trunc.status, 1);
    const t = JSON.parse(trunc.stdout) as StatsJson;
    assert.equal(t.images, 0);
    assert.equal(t.problems.length, 1);
    assert.equal(path.basename(t.problems[0]!.file), 'instances_truncated.json');
    assert.match(t.problems[0]!.where, /^byte \d+$/);
    assert.match(trunc.stderr, /instances_truncated\.json: byte \d+: malformed or truncated JSON/);
    assert.equal(missing.status, 1);
    assert.match(missing.stdout, /problems: 1 \(1 fatal\)/);
    assert.match(missing.stderr, /kd-no-such-dataset/);
    assert.notEqual(usage.status, 0);
    assert.match(usage.stderr, /argument 'yolo' is invalid\. Allowed choices are voc, coco, kitti/);
  });

  test('kd data stats --help', async () => {
    const r = await kd(['data', 'stats', '--help']);
    assert.equal(r.status, 0);
    assert.match(
      r.stdout,
      /--format <format>[\s\S]*--data-root <path>[\s\S]*--split <name>[\s\S]*--json/,
    );
  });
});
