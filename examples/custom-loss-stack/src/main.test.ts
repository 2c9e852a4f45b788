import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('./main.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'kd-example-stack-'));
after(() => rmSync(out, { recursive: true, force: true }));

test('trains a student with the composed stack; every key, the hand-written one included, is logged', () => {
  const r = spawnSync(process.execPath, [main, '--out', join(out, 'run'), '--steps', '3'], {
    encoding: 'utf8',
    cwd: out,
  });
  assert.equal(r.status, 0, r.stderr);
  const keys = [
    'rpn_cls',
    'rpn_reg',
    'rcn_cls',
    'rcn_reg',
    'rcn_kd_cls',
    'rcn_kd_reg',
    'hint',
    'rpn_agree',
  ];
  for (const k of keys) assert.match(r.stdout, new RegExp(`^ {2}${k} +\\d+\\.\\d{4}$`, 'm'), k);
  assert.match(r.stdout, /Student after 3 steps: mAP@0\.5 \d+\.\d/);
  const steps = readFileSync(join(out, 'run', 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>)
    .filter((l) => l.loss !== undefined);
  assert.equal(steps.length, 3);
  // μ starts at 1: no soft-target weight at step 0, some later; the hint warms up from 0.
  assert.equal(steps[0]!.rcn_kd_cls, undefined);
  assert.ok(steps[2]!.rcn_kd_cls! > 0);
  assert.equal(steps[0]!.hint, undefined);
  for (const s of steps) assert.ok(s.rpn_agree! >= 0 && Number.isFinite(s.loss));
});
