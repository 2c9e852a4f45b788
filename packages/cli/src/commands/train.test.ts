import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { tinyDetector } from '@kd/distill/testing';
import { kd, kdBin, killWhenLogged, loggedLines, loggedLosses } from '../test-util.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-train-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
process.env.KD_CACHE_DIR = join(dir, 'cache');
const env = { ...process.env };

const configFile = (name: string, steps: number, lr = 0.01): string => {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      dataset: { format: 'shapes', seed: 5, trainImages: 8, testImages: 2, imageSize: 48 },
      model: { detector: tinyDetector(0.0625, 1) },
      optim: { steps, batchSize: 2, lr, checkpointEvery: 1000 },
    }),
  );
  return file;
};

describe('kd train', () => {
  test('Ctrl-C (a real SIGINT) writes a checkpoint at the step reached and exits 130', async () => {
    const run = join(dir, 'sigint');
    const child = spawn(
      process.execPath,
      [kdBin(), 'train', '--config', configFile('long', 100000), '--run', run],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 120_000;
    while (loggedLines(run) < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    assert.ok(loggedLines(run) >= 2, `no training steps logged: ${stderr}`);
    child.kill('SIGINT');
    const status = await exited;
    assert.equal(status, 130, stderr);
    assert.match(stderr, /interrupted: checkpoint at step \d+ written/);
    const latest = readFileSync(join(run, 'checkpoints', 'LATEST'), 'utf8').trim();
    assert.equal(latest, `ckpt-${String(loggedLines(run)).padStart(6, '0')}`);
  });

  test('kd distill runs the teacher on a teacher thread (on the native backend TensorFlow gets half the cores, said in one line); killed, the same command resumes to the same losses', async () => {
    const teacherRun = join(dir, 'thread-teacher');
    const t = await kd(['train', '--config', configFile('thread-teacher', 1), '--run', teacherRun]);
    assert.equal(t.status, 0, t.stderr);
    const file = join(dir, 'thread-distill.json');
    writeFileSync(
      file,
      JSON.stringify({
        dataset: { format: 'shapes', seed: 5, trainImages: 8, testImages: 2, imageSize: 48 },
        model: { detector: tinyDetector(0.0625, 2) },
        optim: { steps: 8, batchSize: 2, lr: 0.01, checkpointEvery: 1 },
        distill: {
          teacher: teacherRun,
          compileTeacher: 'auto',
          hint: { teacherLayer: 'conv4_3', studentLayer: 'conv4_3' },
        },
      }),
    );
    const info = JSON.parse((await kd(['info', '--json'])).stdout) as { backend: string };
    const full = join(dir, 'thread-distill');
    const r = await kd(['distill', '--config', file, '--run', full]);
    assert.equal(r.status, 0, r.stderr);
    const threadsLine =
      /TensorFlow: \d+ intra-op threads? \(half of the \d+ cores: a teacher thread \(distill\.teacherThread\) computes beside the training step; TF_NUM_INTRAOP_THREADS overrides it\)/;
    if (info.backend === 'tensorflow') {
      if (process.env.TF_NUM_INTRAOP_THREADS === undefined) assert.match(r.stderr, threadsLine);
      assert.match(r.stderr, /teacher: its compiled trunk runs on a worker thread, one step ahead/);
    } else {
      assert.doesNotMatch(r.stderr, threadsLine);
      if (availableParallelism() >= 2)
        assert.match(r.stderr, /teacher: its trunk runs on a worker thread, one step ahead/);
    }

    const killed = join(dir, 'thread-distill-killed');
    const args = [kdBin(), 'distill', '--config', file, '--run', killed];
    const signal = await killWhenLogged(args, killed, env);
    assert.equal(signal, 'SIGKILL', 'the run finished before it could be killed');
    const resumed = await kd(args.slice(1));
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming from .*ckpt-\d+ at step \d+/);
    assert.deepEqual(loggedLosses(killed), loggedLosses(full));
  });

  test('another config in an existing run folder says how to proceed; --restart starts over', async () => {
    const run = join(dir, 'restart');
    const a = await kd(['train', '--config', configFile('a', 1), '--run', run, '--json']);
    assert.equal(a.status, 0, a.stderr);
    writeFileSync(join(run, 'notes.txt'), 'mine');
    const b = configFile('b', 2, 0.02);
    const refused = await kd(['train', '--config', b, '--run', run, '--json']);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /different config\.json: pass --restart/);
    const restarted = await kd(['train', '--config', b, '--run', run, '--json', '--restart']);
    assert.equal(restarted.status, 0, restarted.stderr);
    assert.equal(loggedLines(run), 3); // two steps and the final evaluation
    assert.equal(readFileSync(join(run, 'notes.txt'), 'utf8'), 'mine');
  });

  test('model.init in a YAML config or --set fine-tunes; killed, the same command resumes to the same losses', async () => {
    const base = join(dir, 'init-base');
    const trained = await kd(['train', '--config', configFile('base', 2), '--run', base]);
    assert.equal(trained.status, 0, trained.stderr);
    const yaml = join(dir, 'finetune.yaml');
    writeFileSync(
      yaml,
      [
        'dataset: {format: shapes, seed: 5, trainImages: 8, testImages: 2, imageSize: 48}',
        `model: {detector: ${JSON.stringify(tinyDetector(0.0625, 1))}, init: ${JSON.stringify(base)}}`,
        'optim: {steps: 6, batchSize: 2, lr: 0.01, checkpointEvery: 1}',
        '',
      ].join('\n'),
    );
    const full = join(dir, 'init-full');
    const a = await kd(['train', '--config', yaml, '--run', full]);
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stderr, /initialised from .*init-base.*ckpt-000002 \(its step 2\)/);
    // The same fine-tune through --set on a config without model.init, killed after 2 steps.
    const killed = join(dir, 'init-killed');
    const args = [
      kdBin(),
      'train',
      '--config',
      configFile('ft', 6),
      '--set',
      `model.init=${base}`,
      '--set',
      'optim.checkpointEvery=1',
      '--run',
      killed,
    ];
    const signal = await killWhenLogged(args, killed, env);
    assert.equal(signal, 'SIGKILL', 'the run finished before it could be killed');
    const resumed = await kd(args.slice(1));
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming from /);
    assert.doesNotMatch(resumed.stderr, /initialised from/);
    const x = loggedLosses(full);
    const y = loggedLosses(killed);
    assert.equal(x.length, 6);
    assert.equal(y.length, 6);
    assert.deepEqual(y, x);
  });
});
