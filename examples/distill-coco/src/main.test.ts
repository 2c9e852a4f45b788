import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { exampleRunner } from '@kd/example-shared';

const example = exampleRunner(import.meta.url, 'kd-example-coco-');
const { out } = example;
after(example.cleanup);

test('without COCO it says how to get it, then runs the scaled-down recipe on the photos', () => {
  const r = example.run(['--coco', join(out, 'no-such-coco'), '--out', out, '--steps', '4'], {
    COCO_ROOT: '',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /does not exist\. No COCO given/);
  assert.match(r.stderr, /annotations_trainval2017\.zip/);
  assert.match(r.stdout, /== teacher \(VGG16\) ==[\s\S]*== distilled student \(VGG-M\) ==/);
  assert.equal(
    (r.stdout.match(/Average Precision {2}\(AP\) @\[ IoU=0\.50 {6}\|/g) ?? []).length,
    2,
  );
  // The student's COCO results file, with the dataset's own category ids.
  const results = JSON.parse(
    readFileSync(join(out, 'results-distilled', 'detections_photos_results.json'), 'utf8'),
  ) as { category_id: number }[];
  for (const d of results) assert.ok([1, 17, 47, 91].includes(d.category_id));
  // A distillation run: the student's log has the distillation terms.
  const first = JSON.parse(
    readFileSync(join(out, 'student', 'metrics.jsonl'), 'utf8').split('\n')[0]!,
  ) as Record<string, number>;
  for (const k of ['rcn_kd_cls', 'rcn_kd_reg', 'hint']) assert.ok(Number.isFinite(first[k]), k);
});
