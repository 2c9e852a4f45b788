import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import type { Dataset, ReadFailure } from '../core/dataset.js';
import { fixture, packageRoot } from '../test-util.js';
import { readCoco } from './readCoco.js';

const ANN = fixture('coco', 'annotations');
const IMG = fixture('coco', 'val2017');
const right = (r: E.Either<ReadFailure, Dataset>): Dataset => {
  if (E.isLeft(r))
    assert.fail(
      `expected success, got:\n${r.left.problems.map((p) => `${p.where}: ${p.message}`).join('\n')}`,
    );
  return r.right;
};
const left = (r: E.Either<ReadFailure, Dataset>): ReadFailure => {
  if (E.isRight(r)) assert.fail('expected a failed read');
  return r.left;
};

test('readCoco: categories sorted by id, original non-contiguous ids kept for results', async () => {
  const ds = right(await readCoco({ root: fixture('coco'), split: 'val2017' }));
  assert.deepEqual(ds.descriptor.classNames, ['person', 'car', 'dog', 'toothbrush']);
  assert.deepEqual(ds.descriptor.categoryIds, [1, 3, 18, 90]);
  assert.equal(ds.descriptor.split, 'val2017');
});

test('readCoco: images, subfolders, ids above 2^53 exact, images without annotations, duplicates read once', async () => {
  const ds = right(await readCoco({ root: fixture('coco'), split: 'val2017', checkImages: true }));
  assert.deepEqual(
    ds.samples.map((s) => s.id),
    ['1', '2', '9007199254740993', '3'],
  );
  assert.equal(ds.samples[1]!.path, path.join(IMG, 'sub/dir/000000000002.png'));
  assert.equal(ds.samples[3]!.objects.length, 0);
  const big = ds.samples[2]!;
  assert.deepEqual(big.objects[0]!.box, [2, 2, 18, 9]);
  assert.ok(
    ds.problems.some(
      (p) => p.where === 'images[4]' && /duplicate of images\[0\]/.test(p.message) && !p.fatal,
    ),
  );
  const esc = ds.problems.find((p) => p.where === 'images[5].file_name')!;
  assert.match(esc.message, /escapes the dataset folder/);
});

test('readCoco: boxes [x,y,w,h] -> [x,y,x+w,y+h], crowd with both RLE forms, missing area -> w*h with a warning', async () => {
  const ds = right(await readCoco({ root: fixture('coco'), split: 'val2017' }));
  const [s1, s2] = ds.samples;
  const dog = s1!.objects[0]!;
  assert.deepEqual(dog.box, [1.5, 2, 10, 12.5]);
  assert.equal(dog.classIndex, 2);
  assert.equal(dog.annotationId, '4294967297');
  assert.equal(dog.area, 95.25);
  assert.equal(s1!.objects[1]!.crowd, true);
  assert.equal(s2!.objects[0]!.crowd, true, 'compressed RLE string accepted');
  const noArea = s2!.objects[1]!;
  assert.equal(noArea.area, 16 * 12);
  const w = ds.problems.find((p) => /have no area/.test(p.message))!;
  assert.equal(w.where, 'annotations[3]');
  assert.match(w.message, /^1 annotation\(s\)/);
});

test('readCoco policy fix: zero/negative sizes, unknown ids skipped and located; out-of-image box clipped', async () => {
  const ds = right(await readCoco({ root: fixture('coco'), split: 'val2017' }));
  const at = (w: string) => ds.problems.find((p) => p.where === w);
  assert.match(at('annotations[4].bbox')!.message, /width or height <= 0/);
  assert.match(at('annotations[5].bbox')!.message, /width or height <= 0/);
  assert.match(at('annotations[7].category_id')!.message, /category id 7 is not in categories/);
  assert.match(at('annotations[8].image_id')!.message, /image id 77 is not in images/);
  assert.equal(at('annotations[9].bbox')!.action, 'fixed');
  assert.deepEqual(ds.samples[0]!.objects[2]!.box, [30, 20, 40, 30]);
  assert.equal(ds.skippedObjects, 4);
});

test('readCoco policy fatal: an unfixable problem makes the read fail', async () => {
  const f = left(await readCoco({ root: fixture('coco'), split: 'val2017', policy: 'fatal' }));
  assert.ok(f.problems.some((p) => p.fatal && p.where === 'images[5].file_name'));
  const g = left(
    await readCoco({
      annotationFile: path.join(ANN, 'instances_badtypes.json'),
      imageDir: IMG,
      policy: 'fatal',
    }),
  );
  assert.ok(g.problems.some((p) => p.fatal && p.where === 'images[1].id'));
});

test('readCoco: wrong types are located by JSON path and say what was expected', async () => {
  const ds = right(
    await readCoco({ annotationFile: path.join(ANN, 'instances_badtypes.json'), imageDir: IMG }),
  );
  const at = (w: string) => ds.problems.find((p) => p.where === w)?.message;
  assert.match(at('images[1].id')!, /expected an integer id \(a JSON number\), got "2"/);
  assert.match(at('images[2].width')!, /expected a positive integer, got 0/);
  assert.match(at('annotations[0].bbox')!, /expected \[x, y, width, height\]/);
  assert.match(at('annotations[1].bbox')!, /got \[1,2,3\]/);
  assert.match(at('annotations[2].iscrowd')!, /expected 0 or 1, got 2/);
  assert.equal(ds.samples.length, 1);
});

test('readCoco: truncated file, top-level array, null images and duplicate category ids fail cleanly', async () => {
  const t = left(
    await readCoco({ annotationFile: path.join(ANN, 'instances_truncated.json'), imageDir: IMG }),
  );
  assert.match(t.problems[0]!.message, /truncated/);
  assert.match(t.problems[0]!.where, /^byte \d+$/);
  const a = left(
    await readCoco({ annotationFile: path.join(ANN, 'instances_toparray.json'), imageDir: IMG }),
  );
  assert.match(a.problems[0]!.message, /expected a JSON object at the top/);
  const n = left(
    await readCoco({ annotationFile: path.join(ANN, 'instances_nullimages.json'), imageDir: IMG }),
  );
  assert.ok(
    n.problems.some((p) => p.where === 'images' && /expected an array, got null/.test(p.message)),
  );
  assert.ok(
    n.problems.some(
      (p) => p.where === 'categories[1].id' && /already used by categories\[0\]/.test(p.message),
    ),
  );
  const missing = left(
    await readCoco({ annotationFile: path.join(ANN, 'nope.json'), imageDir: IMG }),
  );
  assert.match(missing.problems[0]!.message, /not found/);
});

test('readCoco: a 40 MB instances file is read in a 48 MB heap where JSON.parse cannot', {
  timeout: 120_000,
}, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kd-bigcoco-'));
  try {
    const file = path.join(dir, 'instances_big.json');
    const fd = openSync(file, 'w');
    writeSync(fd, '{"info":null,"licenses":[],"images":[');
    const nImg = 4000;
    for (let i = 0; i < nImg; i++) {
      writeSync(
        fd,
        `${i ? ',' : ''}{"id":${i + 1},"width":640,"height":480,"file_name":"${String(i + 1).padStart(12, '0')}.jpg"}`,
      );
    }
    writeSync(fd, '],"annotations":[');
    let bytes = 0;
    let k = 0;
    const poly = Array.from({ length: 120 }, (_, j) => (100 + 50 * Math.sin(j)).toFixed(2)).join(
      ',',
    );
    while (bytes < 40e6) {
      const s = `${k ? ',' : ''}{"segmentation":[[${poly}]],"area":1234.5,"iscrowd":0,"image_id":${(k % nImg) + 1},"bbox":[10.5,20.25,100,50],"category_id":${(k % 80) + 1},"id":${k + 1}}`;
      writeSync(fd, s);
      bytes += s.length;
      k++;
    }
    writeSync(
      fd,
      `],"categories":[${Array.from({ length: 80 }, (_, i) => `{"id":${i + 1},"name":"c${i + 1}"}`).join(',')}]}`,
    );
    closeSync(fd);
    const index = pathToFileURL(path.join(packageRoot(), 'dist', 'index.js')).href;
    const script = path.join(dir, 'read.mjs');
    writeFileSync(
      script,
      `import { readCoco } from ${JSON.stringify(index)};
const r = await readCoco({ annotationFile: ${JSON.stringify(file)}, imageDir: ${JSON.stringify(dir)} });
const objects = r._tag === 'Right' ? r.right.samples.reduce((a, s) => a + s.objects.length, 0) : -1;
console.log(JSON.stringify({ objects, heapMB: process.memoryUsage().heapUsed / 2 ** 20 }));`,
    );
    const run = spawnSync(process.execPath, ['--max-old-space-size=48', script], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr.slice(-2000));
    const out = JSON.parse(run.stdout.trim()) as { objects: number };
    assert.equal(out.objects, k);
    // The same heap is not enough to hold the file as one parsed document.
    const naive = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=48',
        '-e',
        `JSON.parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`,
      ],
      { encoding: 'utf8' },
    );
    assert.notEqual(naive.status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readCoco: 100 000-deep nesting is a located error, not a stack overflow (#16 case 17)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kd-coco-deep-'));
  try {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const file = path.join(dir, 'instances_x.json');
    writeFileSync(
      file,
      `{"images":[{"id":1,"file_name":"a.png","width":10,"height":10}],"categories":[{"id":1,"name":"a"}],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":${deep}}]}`,
    );
    const r = left(await readCoco({ annotationFile: file, imageDir: dir }));
    assert.equal(r.problems[0]!.file, file);
    assert.match(r.problems[0]!.where, /^byte \d+$/);
    assert.match(r.problems[0]!.message, /annotations\[0\]: nested deeper than 32 levels/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readCoco: a 1 GiB sparse file of NUL bytes is refused from its first bytes (#16 case 17)', async () => {
  const { truncateSync } = await import('node:fs');
  const dir = mkdtempSync(path.join(tmpdir(), 'kd-coco-sparse-'));
  try {
    const file = path.join(dir, 'instances_x.json');
    writeFileSync(file, '');
    truncateSync(file, 1 << 30);
    const r = left(await readCoco({ annotationFile: file, imageDir: dir }));
    assert.equal(r.problems[0]!.file, file);
    assert.match(r.problems[0]!.message, /JSON/);
    // Stopped in the first 256 KiB piece, not after reading the gigabyte.
    assert.equal(r.problems[0]!.where, `byte ${1 << 18}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readCoco: `..hidden.png` is a file name inside the image folder (#16 case 17)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kd-coco-hidden-'));
  try {
    const file = path.join(dir, 'instances_x.json');
    writeFileSync(
      file,
      JSON.stringify({
        images: [{ id: 1, file_name: '..hidden.png', width: 10, height: 10 }],
        categories: [{ id: 1, name: 'a' }],
        annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 4, 4], area: 16 }],
      }),
    );
    const d = right(await readCoco({ annotationFile: file, imageDir: dir, policy: 'fatal' }));
    assert.equal(d.samples[0]!.path, path.join(dir, '..hidden.png'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
