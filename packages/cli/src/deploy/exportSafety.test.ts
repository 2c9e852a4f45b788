import assert from 'node:assert/strict';
import {
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
import { kd, repoRoot } from '../test-util.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-export-safety-'));
const student = join(repoRoot(), 'models', 'shapes-student-distilled');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Hidden temporary siblings kd may have left next to `out`. */
const leftovers = (parent: string): string[] =>
  readdirSync(parent).filter((n) => n.startsWith('.'));

describe('kd export and kd build-web-demo never destroy what they did not create', () => {
  test('export refuses an existing non-empty --out and keeps its files (#16 case 1)', async () => {
    const out = join(dir, 'out');
    mkdirSync(join(out, 'x'), { recursive: true });
    writeFileSync(join(out, 'x', 'mine.txt'), 'precious');
    const r = await kd(['export', '--checkpoint', student, '--out', out, '--no-eval']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /kd export: .*out: folder exists and is not empty.*--force/);
    assert.equal(readFileSync(join(out, 'x', 'mine.txt'), 'utf8'), 'precious');
    assert.deepEqual(leftovers(dir), []);
  });

  test('export refuses an --out naming an existing file, even with --force (#16 case 1)', async () => {
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'precious');
    for (const extra of [[], ['--force']]) {
      const r = await kd(['export', '--checkpoint', student, '--out', file, '--no-eval', ...extra]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /exists and is not a folder/);
      assert.equal(readFileSync(file, 'utf8'), 'precious');
    }
  });

  test('export writes a new or empty folder whole, and --force replaces a non-empty one', async () => {
    const out = join(dir, 'fresh');
    mkdirSync(out);
    const r = await kd(['export', '--checkpoint', student, '--out', out, '--no-eval']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['detector.json', 'model.json', 'weights.bin']);
    const again = await kd(['export', '--checkpoint', student, '--out', out, '--no-eval']);
    assert.equal(again.status, 1, 'a second export without --force is refused');
    writeFileSync(join(out, 'note.txt'), 'x');
    const forced = await kd([
      'export',
      '--checkpoint',
      student,
      '--out',
      out,
      '--no-eval',
      '--force',
    ]);
    assert.equal(forced.status, 0, forced.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['detector.json', 'model.json', 'weights.bin']);
    assert.deepEqual(leftovers(dir), []);
  });

  test('a bad checkpoint leaves --out untouched, even with --force (#16 cases 1, 2)', async () => {
    const out = join(dir, 'kept');
    mkdirSync(out);
    writeFileSync(join(out, 'mine.txt'), 'precious');
    const bad = join(dir, 'not-a-checkpoint');
    mkdirSync(bad);
    const e = await kd(['export', '--checkpoint', bad, '--out', out, '--no-eval', '--force']);
    assert.notEqual(e.status, 0);
    const w = await kd(['build-web-demo', '--checkpoint', bad, '--out', out, '--force']);
    assert.notEqual(w.status, 0);
    assert.match(w.stderr, /model\.json/);
    assert.deepEqual(readdirSync(out), ['mine.txt']);
    assert.deepEqual(leftovers(dir), []);
  });

  test('build-web-demo refuses a non-empty --out before any work (#16 case 2)', async () => {
    const out = join(dir, 'site');
    mkdirSync(out);
    writeFileSync(join(out, 'index.html'), 'my own page');
    const r = await kd(['build-web-demo', '--checkpoint', student, '--out', out]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /kd build-web-demo: .*site: folder exists and is not empty/);
    assert.equal(readFileSync(join(out, 'index.html'), 'utf8'), 'my own page');
    assert.equal(existsSync(join(out, 'model')), false);
  });
  test('a checkpoint with a NaN weight is refused by export, predict and eval detector (#16 case 12)', async () => {
    const ckpt = join(dir, 'nan-ckpt');
    mkdirSync(ckpt);
    writeFileSync(join(ckpt, 'model.json'), readFileSync(join(student, 'model.json')));
    const weights = readFileSync(join(student, 'weights.bin'));
    // The first stored value is model/backbone/conv1_1/w[0] (float32).
    weights.writeFloatLE(Number.NaN, 0);
    writeFileSync(join(ckpt, 'weights.bin'), weights);
    const image = join(
      repoRoot(),
      'packages',
      'data-voc-coco-kitti',
      'fixtures',
      'photos',
      'images',
      'chelsea.png',
    );
    const runs = await Promise.all([
      kd(['export', '--checkpoint', ckpt, '--out', join(dir, 'nan-out'), '--no-eval']),
      kd(['predict', image, '--checkpoint', ckpt, '--out', join(dir, 'nan-pred')]),
      kd([
        'eval',
        'detector',
        '--checkpoint',
        ckpt,
        '--out',
        join(dir, 'nan-eval'),
        '--limit',
        '1',
      ]),
    ]);
    for (const r of runs) {
      assert.notEqual(r.status, 0);
      assert.match(
        r.stderr,
        /model\.json: 1 weight tensor\(s\) hold NaN or infinite values: backbone\/conv1_1\/w \(1\)/,
      );
    }
    assert.equal(existsSync(join(dir, 'nan-out')), false);
  });
});
