import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { requirePreset } from './presets/requirePreset.js';
import { recordedInputSize, withTeacher } from './teacherInputSize.js';

const models = fileURLToPath(new URL('../../../models/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kd-teacher-size-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('recordedInputSize reads the size a run trained at; none recorded, none returned', () => {
  assert.deepEqual(
    recordedInputSize(join(models, 'shapes-teacher-pretrained-160')),
    E.right({ minSize: 160, maxSize: 267 }),
  );
  // A run folder resolves to its latest checkpoint.
  const run = join(dir, 'run');
  mkdirSync(join(run, 'checkpoints'), { recursive: true });
  cpSync(join(models, 'shapes-teacher-pretrained-256'), join(run, 'checkpoints', 'ckpt-000300'), {
    recursive: true,
  });
  writeFileSync(join(run, 'checkpoints', 'LATEST'), 'ckpt-000300');
  assert.deepEqual(recordedInputSize(run), E.right({ minSize: 256, maxSize: 427 }));
  // A checkpoint saved by other code (no extra): nothing recorded.
  const bare = join(dir, 'bare');
  mkdirSync(bare);
  const json = JSON.parse(readFileSync(join(models, 'shapes-teacher', 'model.json'), 'utf8'));
  json.userDefinedMetadata.extra = null;
  writeFileSync(join(bare, 'model.json'), JSON.stringify(json));
  assert.deepEqual(recordedInputSize(bare), E.right(undefined));
});

test('recordedInputSize names what is wrong', () => {
  const missing = recordedInputSize(join(dir, 'nowhere'));
  assert.ok(E.isLeft(missing));
  assert.match(missing.left, /nowhere: no checkpoint \(expected a folder with model\.json/);
  const bad = join(dir, 'bad');
  mkdirSync(bad);
  writeFileSync(join(bad, 'model.json'), '{"userDefinedMetadata": {"extra": {"minSize": -3}}}');
  const r = recordedInputSize(bad);
  assert.ok(E.isLeft(r));
  assert.match(r.left, /bad\/model\.json: .*minSize/);
});

test("withTeacher runs a handed-in teacher at its own input size, not the preset's teacher's", () => {
  const preset = requirePreset('shapes-distill-pretrained');
  assert.equal(preset.distill!.teacherMinSize, 256);
  const other = join(models, 'shapes-teacher-pretrained-160');
  const r = withTeacher(preset, other);
  assert.ok(E.isRight(r));
  assert.equal(r.right.changed, true);
  assert.deepEqual(
    [
      r.right.config.distill!.teacher,
      r.right.config.distill!.teacherMinSize,
      r.right.config.distill!.teacherMaxSize,
    ],
    [other, 160, 267],
  );
  // Everything else is the preset's.
  assert.deepEqual(
    {
      ...r.right.config.distill!,
      teacher: preset.distill!.teacher,
      teacherMinSize: 256,
      teacherMaxSize: 427,
    },
    preset.distill,
  );
  const same = withTeacher(preset, join(models, 'shapes-teacher-pretrained-256'));
  assert.ok(E.isRight(same));
  assert.equal(same.right.changed, false);
  assert.ok(E.isLeft(withTeacher(requirePreset('shapes-student-pretrained'), other)));
});
