import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { kd } from '../test-util.js';

/** The command's surface; the report itself is tested in src/report/. */
const dir = mkdtempSync(path.join(tmpdir(), 'kd-cli-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('kd report', () => {
  test('--help names the argument and the options', async () => {
    const r = await kd(['report', '--help']);
    assert.equal(r.status, 0);
    for (const s of [
      '--run <dir>',
      '--out <file>',
      '--samples <n>',
      '--score <t>',
      'self-contained',
    ])
      assert.ok(r.stdout.includes(s), `--help lacks ${s}`);
  });

  test('a folder without runs ends with status 1, bad options with 2, and say why', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const [r, old, bad, none, both] = await Promise.all([
      kd(['report', '--run', empty]),
      kd(['report', empty]),
      kd(['report', '--run', empty, '--score', '2']),
      kd(['report']),
      kd(['report', empty, '--run', empty]),
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^kd report: \S*empty: not a run folder \(no config\.json\)/);
    assert.equal(old.status, 1);
    assert.match(old.stderr, /empty: not a run folder/);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^kd report: .*--score: expected a number in \[0, 1\], got '2'/);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^kd report: required option '--run <dir>' not specified/);
    assert.equal(both.status, 2);
  });
});
