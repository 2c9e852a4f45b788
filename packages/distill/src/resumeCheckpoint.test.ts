import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkpointToResume } from './resumeCheckpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-resume-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a run folder without checkpoints starts fresh', () => {
  assert.equal(checkpointToResume(join(dir, 'none', 'checkpoints')), undefined);
});

test('LATEST naming a missing checkpoint is an error, not a silent restart', () => {
  const c = join(dir, 'missing', 'checkpoints');
  mkdirSync(join(c, 'ckpt-000002'), { recursive: true });
  writeFileSync(join(c, 'ckpt-000002', 'model.json'), '{}');
  writeFileSync(join(c, 'LATEST'), 'ckpt-000004\n');
  assert.throws(
    () => checkpointToResume(c),
    /LATEST names 'ckpt-000004', but .*ckpt-000004 is missing or incomplete.*--restart/,
  );
});

test('checkpoints without LATEST are an error', () => {
  const c = join(dir, 'orphans', 'checkpoints');
  mkdirSync(join(c, 'ckpt-000002'), { recursive: true });
  assert.throws(() => checkpointToResume(c), /holds ckpt-000002 but no LATEST/);
});

test('LATEST naming a complete checkpoint resumes from it', () => {
  const c = join(dir, 'ok', 'checkpoints');
  mkdirSync(join(c, 'ckpt-000002'), { recursive: true });
  writeFileSync(join(c, 'ckpt-000002', 'model.json'), '{}');
  writeFileSync(join(c, 'LATEST'), 'ckpt-000002\n');
  assert.equal(checkpointToResume(c), join(c, 'ckpt-000002'));
});
