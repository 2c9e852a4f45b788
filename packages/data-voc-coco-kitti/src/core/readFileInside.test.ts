import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { readFileInside } from './readFileInside.js';

const root = mkdtempSync(join(tmpdir(), 'kd-read-inside-'));
const dir = join(root, 'ckpt');
mkdirSync(join(dir, 'sub'), { recursive: true });
writeFileSync(join(dir, 'weights.bin'), 'abc');
writeFileSync(join(dir, '..hidden.bin'), 'h');
writeFileSync(join(root, 'secret'), 'secret');
symlinkSync(join(root, 'secret'), join(dir, 'link.bin'));
execFileSync('mkfifo', [join(dir, 'fifo.bin')]);
after(() => rmSync(root, { recursive: true, force: true }));

test('readFileInside reads regular files inside the folder, `..hidden` names included', () => {
  assert.deepEqual(readFileInside(dir, 'weights.bin'), E.right(Buffer.from('abc')));
  assert.deepEqual(readFileInside(dir, '..hidden.bin'), E.right(Buffer.from('h')));
});

test('readFileInside refuses paths out of the folder, links out of it, folders and FIFOs (#16 case 5)', () => {
  const refused = (p: string, why: RegExp) => {
    const r = readFileInside(dir, p);
    assert.ok(E.isLeft(r), p);
    assert.match(r.left, why, p);
  };
  refused('../secret', /escapes/);
  refused('../../../../etc/passwd', /escapes/);
  refused('/etc/passwd', /absolute/);
  refused('link.bin', /outside/);
  refused('sub', /not a regular file/);
  // Returns at once instead of blocking on a writer that never comes.
  refused('fifo.bin', /not a regular file/);
  refused('missing.bin', /not found/);
});

test('readFileInside refuses a file above the size limit before reading it', () => {
  const r = readFileInside(dir, 'weights.bin', 2);
  assert.ok(E.isLeft(r) && /3 bytes; expected at most 2/.test(r.left));
});
