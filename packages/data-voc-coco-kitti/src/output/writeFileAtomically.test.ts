import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeFileAtomically } from './writeFileAtomically.js';

const root = mkdtempSync(join(tmpdir(), 'kd-out-file-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('writeFileAtomically writes a new file and leaves no temporary sibling', () => {
  const f = join(root, 'LATEST');
  writeFileAtomically(f, 'ckpt-1\n');
  assert.equal(readFileSync(f, 'utf8'), 'ckpt-1\n');
  assert.deepEqual(readdirSync(root), ['LATEST']);
});

test('an existing file is replaced only when the policy allows it; a folder never', () => {
  const f = join(root, 'mine.txt');
  writeFileSync(f, 'precious');
  assert.throws(() => writeFileAtomically(f, 'x'), /file exists; kd does not overwrite/);
  assert.equal(readFileSync(f, 'utf8'), 'precious');
  writeFileAtomically(f, 'kd', (p) => readFileSync(p, 'utf8') === 'precious');
  assert.equal(readFileSync(f, 'utf8'), 'kd');
  writeFileAtomically(f, 'again', 'force');
  assert.equal(readFileSync(f, 'utf8'), 'again');
  const d = join(root, 'dir');
  mkdirSync(d);
  assert.throws(() => writeFileAtomically(d, 'x', 'force'), /not a regular file/);
  assert.deepEqual(
    readdirSync(root).filter((n) => n.startsWith('.')),
    [],
  );
});
