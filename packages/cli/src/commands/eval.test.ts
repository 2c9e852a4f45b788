import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { jsonOf, kd, repoRoot } from '../test-util.js';

/**
 * `kd eval …` on golden cases of packages/eval/fixtures (expected values produced by
 * pycocotools, voc_eval.py and the KITTI devkit; see that folder's README): each case is
 * written out in the standard on-disk formats and evaluated through the built binary. @kd/eval's
 * own tests sweep every case; here a few cases exercise each option of the commands, because
 * every run starts a process.
 */

type Num = number | 'NaN';
const golden = <T>(name: string): T =>
  JSON.parse(readFileSync(path.join(repoRoot(), 'packages/eval/fixtures', name), 'utf8')) as T;
/** NaN in the fixtures is null in the CLI's JSON. */
const expectedJson = (v: Num): number | null => (v === 'NaN' ? null : v);
const TOL = 1e-9;
const close = (actual: number | null, expected: number | null, what: string): void => {
  if (expected === null || actual === null) assert.equal(actual, expected, what);
  else assert.ok(Math.abs(actual - expected) <= TOL, `${what}: ${actual} vs ${expected}`);
};

const dir = mkdtempSync(path.join(tmpdir(), 'kd-cli-eval-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface CocoCase {
  name: string;
  useCats: boolean;
  gt?: { categories: { id: number; name: string }[] };
  dets?: unknown[];
  sameDataAs?: string;
  expected: { stats: number[]; perCategoryAP: number[] };
}
const STAT_KEYS = [
  'AP',
  'AP50',
  'AP75',
  'APs',
  'APm',
  'APl',
  'AR1',
  'AR10',
  'AR100',
  'ARs',
  'ARm',
  'ARl',
] as const;

describe('kd eval coco', () => {
  const cases = golden<{ cases: CocoCase[] }>('coco-golden.json').cases;
  const files = (c: CocoCase) => {
    const data = c.sameDataAs ? cases.find((x) => x.name === c.sameDataAs)! : c;
    const gt = path.join(dir, `coco-${data.name}-gt.json`);
    const dets = path.join(dir, `coco-${data.name}-dets.json`);
    writeFileSync(gt, JSON.stringify(data.gt));
    writeFileSync(dets, JSON.stringify(data.dets));
    return { gt, dets, categories: data.gt!.categories };
  };

  test('--json gives pycocotools’ 12 statistics and AP per category (useCats 0 and 1, crowd, GT id 0)', async () => {
    const picked = ['random-a-useCats0', 'crowd-heavy', 'gt-id-zero'];
    await Promise.all(
      cases
        .filter((c) => picked.includes(c.name))
        .map(async (c) => {
          const f = files(c);
          const args = ['eval', 'coco', '--gt', f.gt, '--dets', f.dets, '--json'];
          const j = jsonOf<Record<string, unknown>>(
            await kd(c.useCats ? args : [...args, '--no-use-cats']),
          );
          assert.deepEqual(Object.keys(j), [...STAT_KEYS, 'perCategory'], c.name);
          STAT_KEYS.forEach((k, i) => {
            close(j[k] as number, c.expected.stats[i]!, `${c.name} ${k}`);
          });
          if (c.useCats) {
            const per = j.perCategory as Record<string, number>;
            assert.deepEqual(
              Object.keys(per),
              f.categories.map((x) => x.name),
            );
            f.categories.forEach((cat, i) => {
              close(per[cat.name]!, c.expected.perCategoryAP[i]!, `${c.name} AP[${cat.name}]`);
            });
          }
        }),
    );
  });

  test('the table is the one COCOeval.summarize() prints', async () => {
    const c = cases[0]!;
    const f = files(c);
    const r = await kd(['eval', 'coco', '--gt', f.gt, '--dets', f.dets]);
    assert.equal(r.status, 0, r.stderr);
    const ap = c.expected.stats[0]!.toFixed(3);
    const ar100 = c.expected.stats[8]!.toFixed(3);
    assert.ok(
      r.stdout.includes(
        ` Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = ${ap}\n`,
      ),
      r.stdout,
    );
    assert.ok(
      r.stdout.includes(
        ` Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = ${ar100}\n`,
      ),
      r.stdout,
    );
  });

  test('bad input: exit status 1 and the file with the JSON path or line', async () => {
    const c = cases[0]!;
    const f = files(c);
    const dets = c.dets as { image_id: number; score: number }[];
    const cases2: [string, string, RegExp][] = [
      [
        'unknown-image.json',
        JSON.stringify([dets[0], { ...dets[1]!, image_id: 987654 }]),
        /^kd eval coco: \S*unknown-image\.json: \$\[1\]\.image_id: image 987654 is not in the ground truth\n$/,
      ],
      [
        'malformed.json',
        `[${JSON.stringify(dets[0])},\n{"image_id": 1,`,
        /^kd eval coco: \S*malformed\.json: line 2 column \d+: malformed JSON/,
      ],
      [
        'nan-score.json',
        JSON.stringify([dets[0], { ...dets[1]!, score: 'NaN' }]),
        /^kd eval coco: \S*nan-score\.json: \$\[1\]\.score: expected finite number, got "NaN"/,
      ],
    ];
    await Promise.all(
      cases2.map(async ([name, text, re]) => {
        const file = path.join(dir, name);
        writeFileSync(file, text);
        const r = await kd(['eval', 'coco', '--gt', f.gt, '--dets', file, '--json']);
        assert.equal(r.status, 1, name);
        assert.equal(r.stdout, '', name);
        assert.match(r.stderr, re);
      }),
    );
    const missing = await kd([
      'eval',
      'coco',
      '--gt',
      path.join(dir, 'nope.json'),
      '--dets',
      f.dets,
    ]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.json: file not found/);
  });
});

interface VocCase {
  name: string;
  classes: string[];
  images: { id: string; objects: [string, number, number, number, number, number][] }[];
  dets: Record<string, [string, number, number, number, number, number][]>;
  expected: Record<'07' | '2010' | '2010_inclusive', { perClass: Record<string, Num>; mAP: Num }>;
}

/** Writes a VOCdevkit/VOC2007 layout and the comp4 result files of a golden case. */
const writeVocCase = (c: VocCase): { devkit: string; dets: string } => {
  const devkit = path.join(dir, `voc-${c.name}`, 'VOC2007');
  const dets = path.join(dir, `voc-${c.name}`, 'results');
  mkdirSync(path.join(devkit, 'Annotations'), { recursive: true });
  mkdirSync(path.join(devkit, 'ImageSets', 'Main'), { recursive: true });
  mkdirSync(dets, { recursive: true });
  writeFileSync(
    path.join(devkit, 'ImageSets', 'Main', 'test.txt'),
    `${c.images.map((i) => i.id).join('\n')}\n`,
  );
  for (const img of c.images) {
    const objects = img.objects
      .map(
        ([name, x1, y1, x2, y2, difficult]) =>
          `  <object><name>${name}</name><difficult>${difficult}</difficult><bndbox><xmin>${x1}</xmin><ymin>${y1}</ymin><xmax>${x2}</xmax><ymax>${y2}</ymax></bndbox></object>\n`,
      )
      .join('');
    writeFileSync(
      path.join(devkit, 'Annotations', `${img.id}.xml`),
      `<annotation>\n  <filename>${img.id}.jpg</filename>\n${objects}</annotation>\n`,
    );
  }
  for (const cls of c.classes) {
    const rows = c.dets[cls] ?? [];
    writeFileSync(
      path.join(dets, `comp4_det_test_${cls}.txt`),
      rows.map((r) => `${r.join(' ')}\n`).join(''),
    );
  }
  return { devkit, dets };
};

describe('kd eval voc', () => {
  const cases = golden<{ cases: VocCase[] }>('voc-golden.json').cases;
  const written = new Map(cases.map((c) => [c.name, writeVocCase(c)]));

  const byName = (name: string): VocCase => cases.find((c) => c.name === name)!;
  const runs: readonly (readonly [VocCase, '07' | '2010' | '2010_inclusive'])[] = [
    [byName('ties-one-decimal'), '07'],
    [byName('only-difficult-class'), '2010'],
    [byName('iou-exactly-half'), '2010_inclusive'],
  ];

  test('--json gives voc_eval.py’s AP per class and mAP (07, 2010, --inclusive, NaN as null)', async () => {
    await Promise.all(
      runs.map(async ([c, variant]) => {
        const w = written.get(c.name)!;
        const args = ['eval', 'voc', '--gt', w.devkit, '--split', 'test', '--dets', w.dets];
        const extra =
          variant === '07'
            ? [] // the default
            : variant === '2010_inclusive'
              ? ['--metric', '2010', '--inclusive']
              : ['--metric', '2010'];
        const j = jsonOf<{ mAP: number | null; perClass: Record<string, number | null> }>(
          await kd([...args, ...extra, '--json']),
        );
        const e = c.expected[variant];
        assert.deepEqual(Object.keys(j.perClass).sort(), Object.keys(e.perClass).sort());
        for (const [cls, ap] of Object.entries(e.perClass))
          close(j.perClass[cls]!, expectedJson(ap), `${c.name} ${variant} ${cls}`);
        close(j.mAP, expectedJson(e.mAP), `${c.name} ${variant} mAP`);
      }),
    );
  });

  test('the table lists AP per class and the mean', async () => {
    const c = cases[0]!;
    const w = written.get(c.name)!;
    const r = await kd([
      'eval',
      'voc',
      '--gt',
      w.devkit,
      '--split',
      'test',
      '--dets',
      w.dets,
      '--metric',
      '07',
    ]);
    assert.equal(r.status, 0, r.stderr);
    for (const [cls, ap] of Object.entries(c.expected['07'].perClass))
      assert.ok(r.stdout.includes(`AP for ${cls} = ${(ap as number).toFixed(4)}\n`), r.stdout);
    assert.ok(r.stdout.includes(`Mean AP = ${(c.expected['07'].mAP as number).toFixed(4)}`));
  });

  test('bad input: a results line with a wrong column count, a bad XML value → exit 1 with file and location', async () => {
    const c = cases[0]!;
    const w = written.get(c.name)!;
    const dets = path.join(dir, 'voc-bad-results');
    mkdirSync(dets, { recursive: true });
    writeFileSync(
      path.join(dets, 'comp4_det_test_cat.txt'),
      '000005 0.9 1 2 30 40\n000007 0.8 1 2 30\n',
    );
    const bad = writeVocCase({
      ...c,
      name: 'bad-xml',
      images: [{ id: '000001', objects: [['cat', 1, 2, 30, 40, 0]] }],
      dets: {},
    });
    writeFileSync(
      path.join(bad.devkit, 'Annotations', '000001.xml'),
      '<annotation>\n  <object><name>cat</name><difficult>0</difficult>\n    <bndbox><xmin>1</xmin><ymin>abc</ymin><xmax>30</xmax><ymax>40</ymax></bndbox>\n  </object>\n</annotation>\n',
    );
    const [r, r2] = await Promise.all([
      kd(['eval', 'voc', '--gt', w.devkit, '--split', 'test', '--dets', dets]),
      kd(['eval', 'voc', '--gt', bad.devkit, '--split', 'test', '--dets', bad.dets]),
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^kd eval voc: \S*comp4_det_test_cat\.txt: line 2: /);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /^kd eval voc: \S*000001\.xml: \S*ymin\S*: /);
  });

  test('--json keeps warnings on stderr; a missing --dets folder exits 1 (#16 case 15)', async () => {
    const c = cases[0]!;
    const w = writeVocCase({
      ...c,
      name: 'no-results',
      classes: [],
      images: [{ id: '000001', objects: [['cat', 1, 2, 30, 40, 0]] }],
      dets: {},
    });
    const [r, missing] = await Promise.all([
      kd(['eval', 'voc', '--gt', w.devkit, '--split', 'test', '--dets', w.dets, '--json']),
      kd(['eval', 'voc', '--gt', w.devkit, '--split', 'test', '--dets', `${w.dets}-nope`]),
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { mAP: 0, perClass: { cat: 0 } });
    assert.match(
      r.stderr,
      /^warning: \S*comp4_det_test_cat\.txt: not found, no detections for class cat$/m,
    );
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^kd eval voc: \S*-nope: results \(--dets\) folder not found/);
    assert.equal(missing.stdout, '');
  });
});

interface KittiCase {
  name: string;
  frames: { id: string; gt: string[]; det: string[] }[];
  expected: {
    classes: Record<string, Record<'easy' | 'moderate' | 'hard', { precision: Num[] }>>;
  };
}

const writeKittiCase = (c: KittiCase): { labels: string; results: string } => {
  const labels = path.join(dir, `kitti-${c.name}`, 'label_2');
  const results = path.join(dir, `kitti-${c.name}`, 'results');
  mkdirSync(labels, { recursive: true });
  mkdirSync(results, { recursive: true });
  for (const f of c.frames) {
    writeFileSync(path.join(labels, `${f.id}.txt`), f.gt.map((l) => `${l}\n`).join(''));
    writeFileSync(path.join(results, `${f.id}.txt`), f.det.map((l) => `${l}\n`).join(''));
  }
  return { labels, results };
};

/** The current devkit: AP|R11 = mean of precision[0, 4, …, 40], AP|R40 = mean of precision[1…40]. */
const kittiAps = (precision: Num[]): { ap11: number; ap40: number } => {
  const p = precision.map((v) => (v === 'NaN' ? Number.NaN : v));
  let s11 = 0;
  for (let i = 0; i < 41; i += 4) s11 += p[i]!;
  let s40 = 0;
  for (let i = 1; i < 41; i++) s40 += p[i]!;
  return { ap11: s11 / 11, ap40: s40 / 40 };
};

describe('kd eval kitti', () => {
  const cases = golden<{ cases: KittiCase[] }>('kitti-golden.json').cases;
  const written = new Map(cases.map((c) => [c.name, writeKittiCase(c)]));

  test('--json gives the devkit’s AP|R11 and AP|R40 per class and difficulty', async () => {
    const picked = ['heights-straddling-25-40', 'dontcare-only-frames'];
    await Promise.all(
      cases
        .filter((c) => picked.includes(c.name))
        .map(async (c) => {
          const w = written.get(c.name)!;
          const j = jsonOf<Record<string, Record<string, { ap11: number; ap40: number }>>>(
            await kd(['eval', 'kitti', '--gt', w.labels, '--dets', w.results, '--json']),
          );
          assert.deepEqual(Object.keys(j), Object.keys(c.expected.classes), c.name);
          for (const [cls, byDiff] of Object.entries(c.expected.classes))
            for (const diff of ['easy', 'moderate', 'hard'] as const) {
              const e = kittiAps(byDiff[diff].precision);
              const a = j[cls]![diff]!;
              close(a.ap11, e.ap11, `${c.name} ${cls} ${diff} ap11`);
              close(a.ap40, e.ap40, `${c.name} ${cls} ${diff} ap40`);
            }
        }),
    );
  });

  test('the table, --split, and the paper’s --pascal convention', async () => {
    const c = cases[0]!;
    const w = written.get(c.name)!;
    const split = path.join(dir, 'kitti-split.txt');
    writeFileSync(split, `${c.frames.map((f) => f.id).join('\n')}\n`);
    const [table, pascal] = await Promise.all([
      kd(['eval', 'kitti', '--gt', w.labels, '--dets', w.results, '--split', split]),
      kd(['eval', 'kitti', '--gt', w.labels, '--dets', w.results, '--pascal', '--json']),
    ]);
    assert.equal(table.status, 0, table.stderr);
    const car = kittiAps(c.expected.classes.Car!.moderate.precision);
    assert.match(table.stdout, /class\s+metric\s+easy\s+moderate\s+hard/);
    assert.match(
      table.stdout,
      new RegExp(`Car\\s+AP\\|R11\\s+\\S+\\s+${(100 * car.ap11).toFixed(4)}\\s`),
    );
    const p = jsonOf<{ mAP: number; perClass: Record<string, number> }>(pascal);
    assert.deepEqual(Object.keys(p.perClass), ['Car', 'Pedestrian', 'Cyclist']);
    const values = Object.values(p.perClass);
    assert.ok(values.every((v) => v >= 0 && v <= 1));
    close(p.mAP, values.reduce((a, b) => a + b, 0) / values.length, 'pascal mAP');
  });

  test('bad input: a 15-column results line, a missing results file → exit 1 with file and line', async () => {
    const c = cases[0]!;
    const w = writeKittiCase({ ...c, name: `${c.name}-broken` });
    const first = c.frames.find((f) => f.det.length >= 2)!;
    const lines = [...first.det];
    lines[1] = lines[1]!.split(' ').slice(0, 15).join(' ');
    writeFileSync(path.join(w.results, `${first.id}.txt`), lines.map((l) => `${l}\n`).join(''));
    const r = await kd(['eval', 'kitti', '--gt', w.labels, '--dets', w.results, '--json']);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      new RegExp(`^kd eval kitti: \\S*${first.id}\\.txt: line 2: expected 16 columns.*got 15\\n$`),
    );
    rmSync(path.join(w.results, `${first.id}.txt`));
    const missing = await kd(['eval', 'kitti', '--gt', w.labels, '--dets', w.results]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, new RegExp(`${first.id}\\.txt`));
    const empty = await kd([
      'eval',
      'kitti',
      '--gt',
      w.labels,
      '--dets',
      w.results,
      '--missing-results',
      'empty',
      '--json',
    ]);
    assert.equal(empty.status, 0, empty.stderr);
  });
});

test('kd eval --help lists the three evaluations; each has its own --help', async () => {
  const [group, coco, voc, kitti] = await Promise.all([
    kd(['eval', '--help']),
    kd(['eval', 'coco', '--help']),
    kd(['eval', 'voc', '--help']),
    kd(['eval', 'kitti', '--help']),
  ]);
  assert.equal(group.status, 0);
  assert.match(group.stdout, /coco \[options\][\s\S]*voc \[options\][\s\S]*kitti \[options\]/);
  assert.match(coco.stdout, /--gt <file>[\s\S]*--dets <file>[\s\S]*--json/);
  assert.match(voc.stdout, /--gt <dir>[\s\S]*--metric <metric>[\s\S]*--inclusive/);
  assert.match(kitti.stdout, /--gt <dir>[\s\S]*--dets <dir>[\s\S]*--split <file>[\s\S]*--pascal/);
  assert.doesNotMatch(voc.stdout, /--devkit/);
  const noArgs = await kd(['eval', 'coco']);
  assert.notEqual(noArgs.status, 0);
  assert.match(noArgs.stderr, /required option '--gt <file>' not specified/);
});
