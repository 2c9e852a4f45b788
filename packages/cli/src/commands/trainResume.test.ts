import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tinyDetector } from '@kd/distill/testing';
import { testBackends } from '@kd/tensor-ops/testing';
import { killWhenLogged, loggedLosses } from '../test-util.js';

const bin = fileURLToPath(new URL('../bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kd-resume-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const STEPS = 8;
const configFile = join(dir, 'run.json');
writeFileSync(
  configFile,
  JSON.stringify({
    name: 'resume',
    dataset: { format: 'shapes', seed: 7, trainImages: 12, testImages: 4, imageSize: 48 },
    model: { detector: tinyDetector(0.125, 1) },
    optim: { steps: STEPS, batchSize: 2, lr: 0.01, checkpointEvery: 1 },
  }),
);

// A real SIGKILL of `kd train` (no handler runs), then the same command again: the run resumes from
// its last checkpoint and its losses equal an uninterrupted run's, on each backend that trains.
for (const backend of testBackends().filter((b) => b !== 'cpu')) {
  describe(`kd train killed mid-run [${backend}]`, () => {
    const env = { ...process.env, KD_BACKEND: backend, KD_CACHE_DIR: join(dir, 'cache') };
    const args = (run: string) => [bin, 'train', '--config', configFile, '--run', run];

    test('resumes to the losses of an uninterrupted run', async () => {
      const fullDir = join(dir, `${backend}-full`);
      const full = spawnSync(process.execPath, args(fullDir), { env, encoding: 'utf8' });
      assert.equal(full.status, 0, full.stderr);

      const killedDir = join(dir, `${backend}-killed`);
      const signal = await killWhenLogged(args(killedDir), killedDir, env);
      assert.equal(signal, 'SIGKILL', 'the run finished before it could be killed');
      assert.ok(loggedLosses(killedDir).length < STEPS);

      const resumed = spawnSync(process.execPath, args(killedDir), { env, encoding: 'utf8' });
      assert.equal(resumed.status, 0, resumed.stderr);
      const a = loggedLosses(fullDir);
      const b = loggedLosses(killedDir);
      assert.equal(a.length, STEPS);
      assert.equal(b.length, STEPS);
      // Bit for bit: a resumed run is the same computation as the uninterrupted one.
      assert.deepEqual(b, a);
    });
  });
}
