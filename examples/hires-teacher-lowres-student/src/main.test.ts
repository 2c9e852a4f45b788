import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { exampleRunner } from '@kd/example-shared';

const example = exampleRunner(import.meta.url, 'kd-example-hires-');
const { out } = example;
after(example.cleanup);

test('without VOC2007: the shipped 128 px teacher guides a 64 px student; three models scored', () => {
  const r = example.run(['--out', join(out, 'runs'), '--steps', '3'], { VOC_ROOT: '' }, out);
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
