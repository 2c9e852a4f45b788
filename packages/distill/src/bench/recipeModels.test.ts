import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Backbone } from '@kd/faster-rcnn';
import {
  backboneMacs,
  type ReferenceSpec,
  referenceBackboneMacs,
  referenceParameterCount,
} from '@kd/faster-rcnn/testing';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { type LoadedDataset, loadDataset } from '../loadDataset.js';
import { BENCH_RECIPES, recipeModels, recipeReferenceSpec } from './recipeModels.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-recipe-models-'));
let dataset: LoadedDataset;
before(async () => {
  await initBackend({ backend: 'cpu' });
  dataset = await loadDataset({
    format: 'shapes',
    root: join(dir, 'shapes'),
    trainImages: 1,
    testImages: 1,
  });
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  tf.disposeVariables();
});

/** The layer names a hint can read in the reference's backbone. */
function layerNames(spec: ReferenceSpec): string[] {
  const b = spec.backbone;
  return b.type === 'sequential'
    ? b.steps.map((s) => s.name)
    : ['stem', ...new Set(b.blocks.map((x) => x.stage))];
}

/** Same parameters and same convolutions (at a small size, to keep the cpu backend fast). */
async function assertSameNetwork(spec: ReferenceSpec, params: number, backbone: Backbone) {
  assert.equal(referenceParameterCount(spec), params);
  const images = tf.zeros([1, 48, 48, 3]) as tf.Tensor4D;
  assert.equal(referenceBackboneMacs(spec, 48).macs, await backboneMacs(backbone, images));
  images.dispose();
}

// The PyTorch reference of the recipe benchmark builds student, teacher and adaptation layer from
// these specs alone: if a preset or a backbone changes, the specs must follow or this fails,
// instead of the benchmark comparing different networks.
for (const name of BENCH_RECIPES) {
  test(`the reference spec of recipe ${name} describes its networks`, async () => {
    const before = tf.memory().numTensors;
    const r = await recipeModels(name, dataset.classNames, dataset.train[0]!);
    const spec = recipeReferenceSpec(r, 128);
    assert.equal(spec.learningRate, r.config.optim.lr);
    assert.equal(spec.clipGradNorm, r.config.optim.clipGradNorm);
    await assertSameNetwork(spec, r.student.params.numParameters(), r.student.backbone);
    const d = r.distillation;
    assert.equal(spec.distill !== undefined, d !== undefined);
    if (d && spec.distill) {
      const s = spec.distill;
      await assertSameNetwork(s.teacher, d.teacher.params.numParameters(), d.teacher.backbone);
      const a = s.hint.adaptation;
      const adaptation = d.pairing!.variables().reduce((n, v) => n + v.size, 0);
      assert.equal(a.kernel * a.kernel * a.cin * a.cout + (a.bias ? a.cout : 0), adaptation);
      assert.ok(layerNames(spec).includes(s.hint.studentLayer), s.hint.studentLayer);
      assert.ok(layerNames(s.teacher).includes(s.hint.teacherLayer), s.hint.teacherLayer);
      // The resamplings the reference implements.
      assert.ok(['identity', 'bilinear'].includes(s.hint.resample), s.hint.resample);
      const objective = r.config.distill!.objective;
      assert.equal(s.objective.temperature, objective?.temperature ?? 1);
    }
    r.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
}
