import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cocoEvaluator } from '../coco/cocoEvaluator.js';
import { cocoParams } from '../coco/cocoParams.js';
import { kittiEvaluator } from '../kitti/kittiEvaluator.js';
import { kittiParams } from '../kitti/kittiTypes.js';
import { vocEvaluator } from '../voc/vocEvaluator.js';
import { vocParams } from '../voc/vocTypes.js';
import { KdEvalFailure } from './EvalError.js';

const failsWith = (f: () => unknown, re: RegExp) =>
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof KdEvalFailure, String(e));
    assert.match(e.message, re);
    return true;
  });

const ann = {
  id: 1,
  imageId: 7,
  categoryId: 1,
  bbox: [10, 10, 20, 20] as const,
  area: 400,
  iscrowd: false,
};
const det = { imageId: 7, categoryId: 1, bbox: [10, 10, 20, 20] as const, score: 0.9 };

describe('the reducers check plain-JS input at their entry', () => {
  test('COCO: snake_case keys are named, not silently AP −1', () => {
    const { id, bbox, area } = ann;
    const snake = { id, image_id: 7, category_id: 1, bbox, area, iscrowd: false };
    failsWith(
      () =>
        cocoEvaluator.update(
          cocoEvaluator.empty(cocoParams([1])),
          { imageId: 7, annotations: [snake as never] },
          [],
        ),
      /^cocoEvaluator\.update imageGt: \$\.annotations\[0\]\.imageId: expected finite number, got nothing \(missing\); keys are camelCase \(imageId, not image_id\)$/,
    );
    failsWith(
      () =>
        cocoEvaluator.update(
          cocoEvaluator.empty(cocoParams([1])),
          { imageId: 7, annotations: [] },
          [{ image_id: 7, category_id: 1, bbox: [0, 0, 1, 1], score: 0.5 } as never],
        ),
      /^cocoEvaluator\.update imageDets: \$\[0\]\.imageId: expected finite number, got nothing \(missing\); keys are camelCase/,
    );
  });

  test('COCO: a missing area, NaN score or a short bbox is named, not APm = APl = 1', () => {
    const { area: _, ...noArea } = ann;
    const empty = () => cocoEvaluator.empty(cocoParams([1]));
    failsWith(
      () => cocoEvaluator.update(empty(), { imageId: 7, annotations: [noArea as never] }, [det]),
      /imageGt: \$\.annotations\[0\]\.area: expected finite number, got nothing \(missing\)$/,
    );
    failsWith(
      () =>
        cocoEvaluator.update(empty(), { imageId: 7, annotations: [] }, [
          { ...det, score: Number.NaN },
        ]),
      /imageDets: \$\[0\]\.score: expected finite number, got NaN/,
    );
    failsWith(
      () =>
        cocoEvaluator.update(
          empty(),
          { imageId: 7, annotations: [{ ...ann, bbox: [1, 2, 3] as never }] },
          [],
        ),
      /\$\.annotations\[0\]\.bbox/,
    );
  });

  test('valid input passes and gives the same result as before (a perfect detection: AP 1)', () => {
    let s = cocoEvaluator.empty(cocoParams([1]));
    s = cocoEvaluator.update(s, { imageId: 7, annotations: [ann as never] }, [det as never]);
    assert.ok(Math.abs(cocoEvaluator.compute(s).summary.AP50 - 1) < 1e-9); // pycocotools: 1/(1+eps)
  });

  test('VOC and KITTI: wrong keys and types are named', () => {
    failsWith(
      () =>
        vocEvaluator.update(
          vocEvaluator.empty(vocParams({ classes: ['cat'] })),
          { image_id: '1', objects: [] } as never,
          [],
        ),
      /^vocEvaluator\.update imageGt: \$\.imageId: expected string, got nothing \(missing\); keys are camelCase/,
    );
    failsWith(
      () =>
        vocEvaluator.update(
          vocEvaluator.empty(vocParams({ classes: ['cat'] })),
          { imageId: '1', objects: [] },
          [{ imageId: '1', className: 'cat', score: '0.5', bbox: [1, 1, 2, 2] } as never],
        ),
      /imageDets: \$\[0\]\.score: expected finite number, got "0\.5"/,
    );
    failsWith(
      () =>
        kittiEvaluator.update(
          kittiEvaluator.empty(kittiParams()),
          { id: '000001', gt: [{ type: 'Car', bbox: [0, 0, 1, 1] } as never] },
          [],
        ),
      /^kittiEvaluator\.update frameGt: \$\.gt\[0\]\.truncation: expected finite number, got nothing \(missing\)$/,
    );
  });
});
