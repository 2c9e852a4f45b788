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
    for (const s of ['<run-dir>', '--out <file>', '--samples <n>', '--score <t>', 'self-contained'])
      assert.ok(r.stdout.includes(s), `--help lacks ${s}`);
  });

  test('a folder without runs, and bad options, end with status 1 and say why', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const r = await kd(['report', empty]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /empty: not a run folder \(no config\.json\)/);
    const bad = await kd(['report', empty, '--score', '2']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--score: expected 0…1, got 2/);
  });
});
