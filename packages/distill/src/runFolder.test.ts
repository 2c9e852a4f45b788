import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { claimRunFolder, trimMetrics } from './runFolder.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-runfolder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('trimMetrics', () => {
  test('keeps the steps up to the checkpoint and drops a torn last line, saying so', () => {
    const f = join(dir, 'torn.jsonl');
    writeFileSync(
      f,
      `${JSON.stringify({ step: 1, loss: 1 })}\n${JSON.stringify({ step: 2, loss: 2 })}\n${JSON.stringify({ step: 3, loss: 3 })}\n{"step":4,"lo`,
    );
    assert.deepEqual(trimMetrics(f, 2), { dropped: 1, torn: true });
    assert.equal(
      readFileSync(f, 'utf8'),
      `${JSON.stringify({ step: 1, loss: 1 })}\n${JSON.stringify({ step: 2, loss: 2 })}\n`,
    );
  });

  test('a broken line before the last one is an error naming the file and the line', () => {
    const f = join(dir, 'broken.jsonl');
    writeFileSync(f, `{"step":1\n${JSON.stringify({ step: 2 })}\n`);
    assert.throws(() => trimMetrics(f, 2), /broken\.jsonl:1: not a JSON line/);
  });

  test('a fresh run (step 0) keeps nothing of an earlier log', () => {
    const f = join(dir, 'fresh.jsonl');
    writeFileSync(f, `${JSON.stringify({ step: 1 })}\n`);
    assert.deepEqual(trimMetrics(f, 0), { dropped: 1, torn: false });
    assert.equal(readFileSync(f, 'utf8'), '');
  });
});

describe('claimRunFolder', () => {
  test('another config is refused with the ways forward; restart removes only what kd wrote', () => {
    const run = join(dir, 'run');
    claimRunFolder(run, 'A\n');
    claimRunFolder(run, 'A\n');
    mkdirSync(join(run, 'checkpoints', 'ckpt-000002'), { recursive: true });
    writeFileSync(join(run, 'checkpoints', 'LATEST'), 'ckpt-000002\n');
    writeFileSync(join(run, 'metrics.jsonl'), '{"step":1}\n');
    writeFileSync(join(run, 'notes.txt'), 'mine');
    writeFileSync(join(run, 'checkpoints', 'my-best'), 'mine');
    assert.throws(
      () => claimRunFolder(run, 'B\n'),
      /different config\.json: pass --restart.*--run DIR/s,
    );
    assert.equal(readFileSync(join(run, 'config.json'), 'utf8'), 'A\n');
    claimRunFolder(run, 'B\n', true);
    assert.equal(readFileSync(join(run, 'config.json'), 'utf8'), 'B\n');
    assert.ok(!existsSync(join(run, 'metrics.jsonl')));
    assert.ok(!existsSync(join(run, 'checkpoints', 'ckpt-000002')));
    assert.ok(!existsSync(join(run, 'checkpoints', 'LATEST')));
    assert.equal(readFileSync(join(run, 'notes.txt'), 'utf8'), 'mine');
    assert.equal(readFileSync(join(run, 'checkpoints', 'my-best'), 'utf8'), 'mine');
  });
});
