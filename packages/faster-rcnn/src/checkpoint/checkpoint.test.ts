import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { tinyConfig } from '../internal/testing.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import { isKdCheckpointFolder, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { nonFiniteWeights } from './nonFiniteWeights.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-ckpt-'));
let model: FasterRcnn;
before(async () => {
  await initBackend({ backend: 'cpu' });
  model = new FasterRcnn(tinyConfig());
});
after(() => {
  model.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Rewrites `model.json` of a checkpoint through `edit`. */
function editModelJson(ckpt: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(join(ckpt, 'model.json'), 'utf8'));
  edit(json);
  writeFileSync(join(ckpt, 'model.json'), JSON.stringify(json));
}

describe('checkpoint safety', () => {
  test('manifest paths outside the checkpoint folder are refused, naming the entry (#16 case 5)', async () => {
    const ckpt = join(dir, 'escape');
    await saveCheckpoint(model, ckpt, { step: 0, rngState: 1 });
    writeFileSync(join(dir, 'outside.bin'), readFileSync(join(ckpt, 'weights.bin')));
    for (const p of ['../outside.bin', '../../../../../../etc/passwd', '/etc/passwd']) {
      editModelJson(ckpt, (j) => {
        (j.weightsManifest as { paths: string[] }[])[0]!.paths = [p];
      });
      await assert.rejects(loadCheckpoint(ckpt), (e: Error) => {
        assert.match(e.message, /model\.json: weightsManifest\[0\]\.paths\[0\]: path /);
        assert.match(e.message, /escapes|absolute/);
        return true;
      });
    }
  });

  test('a manifest path naming a FIFO is refused at once, not read forever (#16 case 5)', async () => {
    const ckpt = join(dir, 'fifo');
    await saveCheckpoint(model, ckpt, { step: 0, rngState: 1 });
    execFileSync('mkfifo', [join(ckpt, 'pipe.bin')]);
    editModelJson(ckpt, (j) => {
      (j.weightsManifest as { paths: string[] }[])[0]!.paths = ['pipe.bin'];
    });
    await assert.rejects(
      loadCheckpoint(ckpt),
      /paths\[0\]: path "pipe\.bin" is not a regular file/,
    );
  });

  test('NaN or infinite weights are refused with the tensors named (#16 case 12)', async () => {
    const ckpt = join(dir, 'nan');
    const [name, variable] = model.params.entries()[0]!;
    const original = tf.clone(variable);
    const poisoned = tf.tidy(() => {
      const flat = Array.from(original.dataSync());
      flat[0] = Number.NaN;
      flat[1] = Number.POSITIVE_INFINITY;
      return tf.tensor(flat, original.shape);
    });
    variable.assign(poisoned);
    await saveCheckpoint(model, ckpt, { step: 0, rngState: 1 });
    variable.assign(original);
    tf.dispose([poisoned, original]);
    const before = tf.memory().numTensors;
    await assert.rejects(loadCheckpoint(ckpt), (e: Error) => {
      assert.ok(e.message.includes(join(ckpt, 'model.json')), e.message);
      assert.match(e.message, /NaN or infinite/);
      assert.ok(e.message.includes(`model/${name} (2)`) || e.message.includes(`${name} (2)`));
      return true;
    });
    assert.equal(tf.memory().numTensors, before, 'refusal leaks no tensors');
  });

  test('nonFiniteWeights counts NaN and ±Infinity per float tensor, ignores int tensors', () => {
    const w = {
      a: tf.tensor1d([1, Number.NaN, Number.NEGATIVE_INFINITY]),
      b: tf.tensor1d([0, 1]),
      c: tf.tensor1d([1, 2], 'int32'),
    };
    const before = tf.memory().numTensors;
    assert.deepEqual(nonFiniteWeights(w), [['a', 2]]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose(Object.values(w));
  });

  test('saveCheckpoint replaces its own checkpoint but refuses a folder it did not create unless forced', async () => {
    const ckpt = join(dir, 'own');
    await saveCheckpoint(model, ckpt, { step: 1, rngState: 1 });
    assert.ok(isKdCheckpointFolder(ckpt));
    await saveCheckpoint(model, ckpt, { step: 2, rngState: 1 });
    const l = await loadCheckpoint(ckpt);
    assert.equal(l.metadata.step, 2);
    tf.dispose(Object.values(l.weights));

    const user = join(dir, 'user');
    mkdirSync(user);
    writeFileSync(join(user, 'notes.txt'), 'mine');
    assert.equal(isKdCheckpointFolder(user), false);
    await assert.rejects(saveCheckpoint(model, user, { step: 1, rngState: 1 }), /not empty/);
    assert.deepEqual(readdirSync(user), ['notes.txt']);
    // A kd checkpoint with a user's file added is no longer only kd's.
    writeFileSync(join(ckpt, 'notes.txt'), 'mine');
    await assert.rejects(saveCheckpoint(model, ckpt, { step: 3, rngState: 1 }), /not empty/);
    await saveCheckpoint(model, user, { step: 1, rngState: 1, force: true });
    assert.deepEqual(readdirSync(user).sort(), ['model.json', 'weights.bin']);
  });
});
