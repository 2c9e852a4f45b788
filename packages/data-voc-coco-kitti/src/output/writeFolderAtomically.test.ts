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
import { after, test } from 'node:test';
import { assertOutputFolder } from './assertOutputFolder.js';
import { writeFolderAtomically } from './writeFolderAtomically.js';

const root = mkdtempSync(join(tmpdir(), 'kd-out-'));
after(() => rmSync(root, { recursive: true, force: true }));

const fillA = (tmp: string) => writeFileSync(join(tmp, 'a.txt'), 'new');

test('a new folder is created whole, with no temporary sibling left', async () => {
  const out = join(root, 'new', 'deep');
  await writeFolderAtomically(out, fillA);
  assert.equal(readFileSync(join(out, 'a.txt'), 'utf8'), 'new');
  assert.deepEqual(readdirSync(join(root, 'new')), ['deep']);
});

test('an empty existing folder is filled', async () => {
  const out = join(root, 'empty');
  mkdirSync(out);
  await writeFolderAtomically(out, fillA);
  assert.deepEqual(readdirSync(out), ['a.txt']);
});

test('a non-empty folder is refused and kept intact, before fill runs (#16 case 1)', async () => {
  const out = join(root, 'user');
  mkdirSync(join(out, 'x'), { recursive: true });
  writeFileSync(join(out, 'x', 'mine.txt'), 'precious');
  let ran = false;
  await assert.rejects(
    writeFolderAtomically(out, () => {
      ran = true;
    }),
    (e: Error) =>
      e.message.includes(out) && /not empty/.test(e.message) && /--force/.test(e.message),
  );
  assert.equal(ran, false);
  assert.equal(readFileSync(join(out, 'x', 'mine.txt'), 'utf8'), 'precious');
  assert.deepEqual(
    readdirSync(root).filter((n) => n.startsWith('.')),
    [],
  );
});

test('an existing file is never replaced, even with force (#16 case 1)', async () => {
  const out = join(root, 'file.txt');
  writeFileSync(out, 'precious');
  for (const replace of ['never', 'force'] as const) {
    await assert.rejects(writeFolderAtomically(out, fillA, replace), /not a folder/);
    assert.equal(readFileSync(out, 'utf8'), 'precious');
  }
});

test('force replaces a folder; a recognised folder is replaced without force', async () => {
  const out = join(root, 'forced');
  mkdirSync(out);
  writeFileSync(join(out, 'old.txt'), 'old');
  await writeFolderAtomically(out, fillA, 'force');
  assert.deepEqual(readdirSync(out), ['a.txt']);
  await writeFolderAtomically(
    out,
    (t) => writeFileSync(join(t, 'b.txt'), 'b'),
    (d) => existsSync(join(d, 'a.txt')),
  );
  assert.deepEqual(readdirSync(out), ['b.txt']);
});

test('a failing fill leaves the existing folder untouched and removes its temporary folder', async () => {
  const out = join(root, 'keep');
  mkdirSync(out);
  writeFileSync(join(out, 'old.txt'), 'old');
  await assert.rejects(
    writeFolderAtomically(
      out,
      (tmp) => {
        writeFileSync(join(tmp, 'half.txt'), 'x');
        throw new Error('bad checkpoint');
      },
      'force',
    ),
    /bad checkpoint/,
  );
  assert.deepEqual(readdirSync(out), ['old.txt']);
  assert.deepEqual(
    readdirSync(root).filter((n) => n.startsWith('.keep')),
    [],
  );
});

test('assertOutputFolder: missing → false, empty → true, non-empty refused', () => {
  assert.equal(assertOutputFolder(join(root, 'nothing-here')), false);
  mkdirSync(join(root, 'e2'));
  assert.equal(assertOutputFolder(join(root, 'e2')), true);
  writeFileSync(join(root, 'e2', 'f'), '');
  assert.throws(() => assertOutputFolder(join(root, 'e2')), /not empty/);
});

test("'merge' adds to an existing folder: same names replaced, other files kept, no temporary left", async () => {
  const out = join(root, 'merge');
  mkdirSync(out);
  writeFileSync(join(out, 'keep.txt'), 'mine');
  writeFileSync(join(out, 'a.txt'), 'old');
  await writeFolderAtomically(out, fillA, 'merge');
  assert.deepEqual(readdirSync(out).sort(), ['a.txt', 'keep.txt']);
  assert.equal(readFileSync(join(out, 'a.txt'), 'utf8'), 'new');
  assert.equal(readFileSync(join(out, 'keep.txt'), 'utf8'), 'mine');
  assert.deepEqual(
    readdirSync(root).filter((n) => n.includes('merge')),
    ['merge'],
  );
});

test('a protected file (an input) is never replaced: by a merge, or by a swap of its folder', async () => {
  const out = join(root, 'inputs');
  mkdirSync(out);
  writeFileSync(join(out, 'a.txt'), 'input');
  const protect = [join(out, '..', 'inputs', 'a.txt')];
  for (const policy of ['merge', 'force'] as const) {
    await assert.rejects(
      writeFolderAtomically(out, fillA, policy, { protect }),
      /a\.txt: is an input; writing the output there would replace it/,
    );
    assert.equal(readFileSync(join(out, 'a.txt'), 'utf8'), 'input');
    assert.deepEqual(readdirSync(out), ['a.txt']);
  }
  // Other names merge in beside it.
  await writeFolderAtomically(out, (tmp) => writeFileSync(join(tmp, 'b.txt'), 'B'), 'merge', {
    protect,
  });
  assert.deepEqual(readdirSync(out).sort(), ['a.txt', 'b.txt']);
  assert.equal(readdirSync(root).filter((n) => n.startsWith('.inputs')).length, 0);
});
