import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { npArgsortQuick } from '../internal/numpyArgsort.js';
import { assertClose, loadFixture } from '../test-util.js';
import { num, type VocGolden, type VocGoldenCase } from '../test-util-golden.js';
import { VOC07_THRESHOLDS } from './vocAp.js';
import { vocAddDetections, vocEvaluator } from './vocEvaluator.js';
import { type VocDetection, type VocParams, vocParams } from './vocTypes.js';

const golden = loadFixture<VocGolden>('voc-golden.json');

/** GT image by image, detections in each per-class file's line order (the order breaks ties). */
export const runVocGolden = (c: VocGoldenCase, params: VocParams) => {
  let s = vocEvaluator.empty(params);
  for (const im of c.images) {
    s = vocEvaluator.update(
      s,
      {
        imageId: im.id,
        objects: im.objects.map(([name, a, b, cc, d, diff]) => ({
          name,
          bbox: [a, b, cc, d],
          difficult: diff === 1,
        })),
      },
      [],
    );
  }
  for (const cls of c.classes) {
    const dets: VocDetection[] = (c.dets[cls] ?? []).map(([imageId, score, x1, y1, x2, y2]) => ({
      imageId,
      className: cls,
      score,
      bbox: [x1, y1, x2, y2],
    }));
    s = vocAddDetections(s, dets);
  }
  return vocEvaluator.compute(s);
};

describe('PASCAL VOC evaluation vs py-faster-rcnn voc_eval.py', () => {
  it('VOC07 thresholds equal np.arange(0., 1.1, 0.1)', () => {
    assert.deepEqual(VOC07_THRESHOLDS, golden.voc07Thresholds);
  });
  for (const c of golden.cases) {
    for (const key of ['07', '2010', '2010_inclusive'] as const) {
      it(`${c.name} (${key})`, () => {
        const r = runVocGolden(
          c,
          vocParams({
            classes: c.classes,
            metric: key === '07' ? '07' : '2010',
            inclusive: key === '2010_inclusive',
          }),
        );
        const exp = c.expected[key];
        assertClose(
          r.perClass.map((p) => p.ap),
          c.classes.map((cl) => num(exp.perClass[cl]!)),
          1e-9,
          'AP',
        );
        assertClose([r.mAP], [num(exp.mAP)], 1e-9, 'mAP');
      });
    }
  }
  it('a class without detections or GT has AP 0', () => {
    const s = vocEvaluator.empty(vocParams({ classes: ['cat'] }));
    vocEvaluator.update(s, { imageId: 'a', objects: [] }, []);
    assert.equal(vocEvaluator.compute(s).perClass[0]!.ap, 0);
  });
  it('numpy introsort order on ties differs from a stable sort', () => {
    const v = Array.from({ length: 40 }, (_, i) => -[0.5, 0.2, 0.5, 0.9][i % 4]!);
    const idx = [...npArgsortQuick(v)];
    assert.deepEqual(
      [...idx].sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i),
    );
    for (let i = 1; i < 40; i++) assert.ok(v[idx[i - 1]!]! <= v[idx[i]!]!);
  });
});

describe('VOC reducer', () => {
  it('merging two halves equals one pass when detections stream image by image', () => {
    const c = golden.cases[1]!;
    const params = vocParams({ classes: c.classes });
    const dets = (id: string): VocDetection[] =>
      c.classes.flatMap((cls) =>
        (c.dets[cls] ?? [])
          .filter((r) => r[0] === id)
          .map(([imageId, score, x1, y1, x2, y2]) => ({
            imageId,
            className: cls,
            score,
            bbox: [x1, y1, x2, y2] as const,
          })),
      );
    const run = (ims: VocGoldenCase['images']) => {
      let s = vocEvaluator.empty(params);
      for (const im of ims) {
        s = vocEvaluator.update(
          s,
          {
            imageId: im.id,
            objects: im.objects.map(([name, a, b, cc, d, diff]) => ({
              name,
              bbox: [a, b, cc, d],
              difficult: diff === 1,
            })),
          },
          dets(im.id),
        );
      }
      return s;
    };
    const half = Math.floor(c.images.length / 2);
    const merged = vocEvaluator.compute(
      vocEvaluator.merge(run(c.images.slice(0, half)), run(c.images.slice(half))),
    );
    const whole = vocEvaluator.compute(run(c.images));
    assert.deepEqual(
      merged.perClass.map((p) => p.ap),
      whole.perClass.map((p) => p.ap),
    );
    assert.ok(whole.mAP > 0);
  });
});
