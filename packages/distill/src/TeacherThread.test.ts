import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type PreparedImage, prepareSample } from '@kd/data-voc-coco-kitti';
import { compileTrunk, decodeFasterRcnnConfig, FasterRcnn } from '@kd/faster-rcnn';
import { describeEachBackend } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { loadDataset } from './loadDataset.js';
import { TeacherThread, trunkTensors } from './TeacherThread.js';
import { teacherAhead } from './teacherAhead.js';
import { tinyDetector } from './testing.js';
import { makeBatch } from './toDetectionBatch.js';
import type { PreparedStep } from './trainingBatches.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-teacher-thread-'));
before(() => {
  process.env.KD_CACHE_DIR = join(dir, 'cache');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function teacherModel(): FasterRcnn {
  const cfg = decodeFasterRcnnConfig({ ...tinyDetector(0.125, 3), numClasses: 3 }, 'test');
  if (E.isLeft(cfg)) assert.fail(cfg.left);
  return new FasterRcnn(cfg.right);
}

async function preparedImages(n: number, size: number): Promise<PreparedImage[]> {
  const data = await loadDataset({
    format: 'shapes',
    seed: 3,
    trainImages: n,
    testImages: 1,
    imageSize: size,
  });
  return Promise.all(
    data.train.map(async (s, i) => {
      const r = await prepareSample(s, { minSize: size, maxSize: size }, i % 2 === 1);
      if (E.isLeft(r)) assert.fail(r.left);
      return r.right;
    }),
  );
}

describeEachBackend(
  'TeacherThread',
  (backend) => {
    if (backend !== 'tensorflow') {
      test('a compiled trunk is refused off the native backend, naming the backend', async () => {
        const teacher = teacherModel();
        await assert.rejects(
          TeacherThread.start(teacher, [], { compile: true }),
          new RegExp(
            `a compiled trunk needs the native tensorflow backend; the backend is '${backend}'`,
          ),
        );
        teacher.dispose();
      });
    }

    test(`gives the trunk this thread computes (${backend === 'tensorflow' ? 'compiled' : 'op by op'}), bit for bit, in request order; leak-free`, async () => {
      const teacher = teacherModel();
      const layer = 'conv4_3';
      const compiled = backend === 'tensorflow' ? compileTrunk(teacher, [layer]) : undefined;
      if (compiled) assert.ok(E.isRight(compiled));
      const local = (images: tf.Tensor4D) =>
        compiled && E.isRight(compiled)
          ? compiled.right.run(images)
          : teacher.trunk(images, [layer]);
      const steps = [await preparedImages(2, 48), await preparedImages(3, 40)];
      // The first op-by-op trunk fills the teacher's cache of folded batch norms.
      const first = makeBatch(steps[0]!);
      tf.tidy(() => void local(first.images));
      first.images.dispose();
      const before = tf.memory().numTensors;
      const thread = await TeacherThread.start(teacher, [layer]);
      // Both requests are in flight at once: answers come back matched to their requests.
      const results = await Promise.all(steps.map((images) => thread.run(images)));
      steps.forEach((images, i) => {
        const batch = makeBatch(images);
        tf.tidy(() => {
          const want = local(batch.images);
          const got = trunkTensors(results[i]!, [layer]);
          const same = (a: tf.Tensor, b: tf.Tensor, what: string) => {
            assert.deepEqual(a.shape, b.shape, what);
            assert.deepEqual(a.dataSync(), b.dataSync(), `${what} (step ${i})`);
          };
          same(got.featureMap, want.featureMap, 'feature map');
          same(got.rpn.logits, want.rpn.logits, 'RPN logits');
          same(got.rpn.deltas, want.rpn.deltas, 'RPN deltas');
          same(got.features[layer]!, want.features[layer]!, layer);
        });
        batch.images.dispose();
      });
      await thread.close();
      await assert.rejects(thread.run(steps[0]!), /teacher thread: closed/);
      if (compiled && E.isRight(compiled)) compiled.right.dispose();
      assert.equal(tf.memory().numTensors, before, 'leaked tensors');
      teacher.dispose();
    });

    test('transfer: the images are handed over (detached here), the trunk is the same as from a copy; without it they stay', async () => {
      const teacher = teacherModel();
      const thread = await TeacherThread.start(teacher);
      const kept = await preparedImages(2, 48);
      const handed = await preparedImages(2, 48);
      const copied = await thread.run(kept);
      assert.ok(
        kept.every((p) => p.image.data.length === 48 * 48 * 3),
        'copied images intact',
      );
      const moved = await thread.run(handed, { transfer: true });
      assert.ok(
        handed.every((p) => p.image.data.length === 0),
        'transferred images are detached',
      );
      assert.deepEqual(moved.featureMap.data, copied.featureMap.data);
      assert.deepEqual(moved.logits.data, copied.logits.data);
      await thread.close();
      teacher.dispose();
    });

    test("teacherAhead: one step ahead, in order; a step's own teacher images are handed over, the student's (shared with the teacher) are not", async () => {
      const teacher = teacherModel();
      const thread = await TeacherThread.start(teacher);
      const own = {
        step: 0,
        student: await preparedImages(2, 40),
        teacher: await preparedImages(2, 48),
      };
      const shared = { step: 1, student: await preparedImages(2, 40), teacher: undefined };
      async function* steps(): AsyncGenerator<PreparedStep> {
        yield own;
        yield shared;
      }
      const seen: number[] = [];
      for await (const item of teacherAhead(steps(), thread)) {
        seen.push(item.prepared.step);
        const trunk = await item.trunk;
        // The teacher's images (48 px) for step 0, the student's (40 px) for step 1.
        assert.equal(trunk.featureMap.shape[1], item.prepared.step === 0 ? 6 : 5);
      }
      assert.deepEqual(seen, [0, 1]);
      assert.ok(
        own.teacher.every((p) => p.image.data.length === 0),
        'teacher images handed over',
      );
      assert.ok(
        own.student.every((p) => p.image.data.length > 0),
        'student images kept',
      );
      assert.ok(
        shared.student.every((p) => p.image.data.length > 0),
        'shared images copied',
      );
      await thread.close();
      teacher.dispose();
    });

    test('a request it cannot compute rejects with the reason; the thread keeps answering; an idle thread left open does not keep the process alive', async () => {
      const teacher = teacherModel();
      const thread = await TeacherThread.start(teacher);
      const images = await preparedImages(1, 48);
      await assert.rejects(thread.run([]), /^Error: teacher thread: cannot batch zero images$/);
      const ok = await thread.run(images);
      assert.deepEqual(ok.featureMap.shape.slice(0, 1), [1]);
      const before = tf.memory().numTensors;
      assert.throws(() => trunkTensors(ok, ['conv4_3']), /no 'conv4_3' in the trunk it sent/);
      assert.equal(tf.memory().numTensors, before, 'a refused trunk leaves no tensor');
      // Not closed on purpose: this file's process must still end (node --test would time out).
      teacher.dispose();
    });
  },
  ['wasm', 'tensorflow'],
);
