import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { exampleRunner } from '@kd/example-shared';

const example = exampleRunner(import.meta.url, 'kd-example-kitti-');
const { out } = example;
after(example.cleanup);

test('without KITTI it says how to get it, then runs the scaled-down recipe on the photos', () => {
  const r = example.run(['--kitti', join(out, 'no-such-kitti'), '--out', out, '--steps', '4'], {
    KITTI_ROOT: '',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /does not exist\. No KITTI given/);
  assert.match(r.stderr, /data_object_label_2\.zip/);
  assert.match(r.stdout, /== teacher \(VGG16\) ==[\s\S]*== distilled student \(AlexNet\) ==/);
  assert.equal((r.stdout.match(/Mean AP = \d\.\d{4}/g) ?? []).length, 2);
  assert.match(r.stdout, /PASCAL-style AP at IoU 0\.5/);
  // The student's KITTI results files, one per frame.
  assert.deepEqual(readdirSync(join(out, 'results-distilled', 'data')).sort(), [
    'astronaut.txt',
    'chelsea.txt',
    'coffee.txt',
    'rocket.txt',
  ]);
  // A distillation run: the student's log has the distillation terms.
  const first = JSON.parse(
    readFileSync(join(out, 'student', 'metrics.jsonl'), 'utf8').split('\n')[0]!,
  ) as Record<string, number>;
  for (const k of ['rcn_kd_cls', 'rcn_kd_reg', 'hint']) assert.ok(Number.isFinite(first[k]), k);
});
