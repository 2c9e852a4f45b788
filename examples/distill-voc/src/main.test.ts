import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { exampleRunner } from '@kd/example-shared';

const example = exampleRunner(import.meta.url, 'kd-example-voc-');
const { out } = example;
after(example.cleanup);

test('without VOC2007 it says how to get it, then runs the scaled-down recipe on the photos', () => {
  const r = example.run(['--voc', join(out, 'no-such-voc'), '--out', out, '--steps', '4'], {
    VOC_ROOT: '',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /does not exist\. No VOC2007 given/);
  assert.match(r.stderr, /VOCtrainval_06-Nov-2007\.tar/);
  assert.match(r.stdout, /== teacher \(VGG16\) ==[\s\S]*== distilled student \(AlexNet\) ==/);
  assert.equal((r.stdout.match(/Mean AP = \d\.\d{4}/g) ?? []).length, 2);
  // The student's VOC devkit results files, one per class.
  assert.deepEqual(
    readdirSync(join(out, 'results-distilled'))
      .filter((f) => f.startsWith('comp4_det_'))
      .sort(),
    ['cat', 'cup', 'person', 'rocket'].map((c) => `comp4_det_photos_${c}.txt`),
  );
  // A distillation run: the student's log has the distillation terms.
  const first = JSON.parse(
    readFileSync(join(out, 'student', 'metrics.jsonl'), 'utf8').split('\n')[0]!,
  ) as Record<string, number>;
  for (const k of ['rcn_kd_cls', 'rcn_kd_reg', 'hint']) assert.ok(Number.isFinite(first[k]), k);
});
