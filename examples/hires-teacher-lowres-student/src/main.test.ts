import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('./main.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'kd-example-hires-'));
after(() => rmSync(out, { recursive: true, force: true }));

test('without VOC2007: the shipped 128 px teacher guides a 64 px student; three models scored', () => {
  const r = spawnSync(process.execPath, [main, '--out', join(out, 'runs'), '--steps', '3'], {
    encoding: 'utf8',
    cwd: out,
    env: { ...process.env, VOC_ROOT: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /No VOC2007 given/);
  for (const row of [
    'teacher, high resolution',
    'student baseline, low resolution',
    'student distilled, low resolution',
  ])
    assert.match(r.stdout, new RegExp(`^${row} +\\d+\\.\\d$`, 'm'), row);
  // The teacher is scored at its own 128 px, the students at 64 px.
  const teacher = readFileSync(join(out, 'runs', 'results-teacher', 'metrics.txt'), 'utf8');
  assert.match(teacher, /at 128 px/);
  const student = readFileSync(
    join(out, 'runs', 'results-student-distilled', 'metrics.txt'),
    'utf8',
  );
  assert.match(student, /at 64 px/);
  const config = JSON.parse(
    readFileSync(join(out, 'runs', 'lowres-distilled', 'config.json'), 'utf8'),
  );
  assert.equal(config.model.minSize, 64);
  assert.equal(config.distill.teacherMinSize, 128);
});
