import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadSplit } from './loadDataset.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the reader's problems are reported; the images it could read are kept", async () => {
  const root = join(dir, 'shapes');
  const cfg = {
    format: 'shapes' as const,
    root,
    seed: 3,
    trainImages: 4,
    testImages: 2,
    imageSize: 48,
  };
  const generated: number[][] = [];
  await loadSplit(cfg, 'train', { onProgress: (done, total) => generated.push([done, total]) });
  assert.deepEqual(generated.at(-1), [6, 6]);
  assert.equal(generated.length, 6);
  const voc = join(root, 'voc', 'VOCdevkit', 'VOC2007');
  const id = readFileSync(join(voc, 'ImageSets', 'Main', 'train.txt'), 'utf8').split('\n')[0]!;
  const first = readdirSync(join(voc, 'JPEGImages')).find((f) => f.startsWith(`${id.trim()}.`))!;
  unlinkSync(join(voc, 'JPEGImages', first));
  const logs: string[] = [];
  const split = await loadSplit(cfg, 'train', { onLog: (l) => logs.push(l) });
  assert.equal(split.samples.length, 3);
  assert.equal(split.problems.length, 1);
  assert.match(logs.join('\n'), /1 problem\(s\)/);
  assert.match(logs.join('\n'), new RegExp(`${first}.*image skipped`));
});

test('a dataset where every image is bad is a clear error listing the problems', async () => {
  const root = join(dir, 'bad');
  mkdirSync(join(root, 'VOC2007', 'Annotations'), { recursive: true });
  mkdirSync(join(root, 'VOC2007', 'ImageSets', 'Main'), { recursive: true });
  writeFileSync(join(root, 'VOC2007', 'ImageSets', 'Main', 'train.txt'), 'a\nb\n');
  writeFileSync(
    join(root, 'VOC2007', 'Annotations', 'a.xml'),
    '<annotation><filename>a.jpg</filename><size><width>10</width><height>10</height><depth>3</depth></size></annotation>',
  );
  await assert.rejects(
    loadSplit({ format: 'voc', root, trainSplit: 'train', policy: 'skip' }, 'train'),
    (e: Error) =>
      /\(train split 'train'\): no usable image; the reader's problems:/.test(e.message) &&
      /b\.xml/.test(e.message) &&
      /a\.jpg/.test(e.message),
  );
});
