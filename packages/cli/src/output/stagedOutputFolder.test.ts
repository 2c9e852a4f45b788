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
import { stagedOutputFolder } from './stagedOutputFolder.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-staged-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('stagedOutputFolder', () => {
  test('a new folder appears only on commit, with the written files and no temporary left', () => {
    const out = join(dir, 'new');
    const s = stagedOutputFolder(out, { names: ['a.txt'] });
    writeFileSync(s.path('a.txt'), 'A');
    assert.equal(existsSync(out), false);
    s.commit();
    assert.equal(readFileSync(join(out, 'a.txt'), 'utf8'), 'A');
    assert.deepEqual(readdirSync(dir), ['new']);
  });

  test('abort leaves nothing behind', () => {
    const s = stagedOutputFolder(join(dir, 'aborted'), { names: ['a.txt'] });
    writeFileSync(s.path('a.txt'), 'A');
    s.abort();
    assert.equal(existsSync(join(dir, 'aborted')), false);
    assert.equal(readdirSync(dir).filter((n) => n.includes('aborted')).length, 0);
  });

  test('an existing non-empty folder is refused without force; with force its other files stay', () => {
    const out = join(dir, 'full');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    assert.throws(
      () => stagedOutputFolder(out, { names: ['a.txt'] }),
      /full: folder exists and is not empty; pass --force/,
    );
    const s = stagedOutputFolder(out, { names: ['a.txt'], force: true });
    writeFileSync(s.path('a.txt'), 'A');
    s.commit();
    assert.deepEqual(readdirSync(out).sort(), ['a.txt', 'keep.txt']);
    assert.equal(readFileSync(join(out, 'keep.txt'), 'utf8'), 'mine');
  });

  test('an output that would replace a protected input is refused even with force', () => {
    const out = join(dir, 'inputs');
    mkdirSync(out);
    writeFileSync(join(out, 'a.png'), 'input');
    assert.throws(
      () =>
        stagedOutputFolder(out, {
          names: ['a.png'],
          force: true,
          protect: [join(out, '..', 'inputs', 'a.png')],
        }),
      /a\.png: is an input; writing the output there would replace it/,
    );
    assert.equal(readFileSync(join(out, 'a.png'), 'utf8'), 'input');
  });

  test('a file where the folder should be is refused', () => {
    writeFileSync(join(dir, 'file'), 'x');
    assert.throws(
      () => stagedOutputFolder(join(dir, 'file'), { names: [] }),
      /exists and is not a folder/,
    );
  });
});
