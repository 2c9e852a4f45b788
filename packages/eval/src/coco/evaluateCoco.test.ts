import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { decodeWith } from '../internal/decodeJson.js';
import { assertClose, loadFixture } from '../test-util.js';
import { CocoGtFileC, CocoResultsFileC } from './cocoCodecs.js';
import { cocoDetections, cocoGtDataset } from './cocoDataset.js';
import { cocoEvaluator } from './cocoEvaluator.js';
import { cocoParams } from './cocoParams.js';
import { evaluateCoco } from './evaluateCoco.js';

interface Golden {
  meta: { iouThrs: number[]; recThrs: number[] };
  cases: {
    name: string;
    useCats: boolean;
    gt?: unknown;
    dets?: unknown;
    /** the useCats=0 variants reuse the data of the named case */
    sameDataAs?: string;
    expected: {
      stats: number[];
      recall: number[];
      precisionSums: number[];
      precisionAllMax?: number[];
      perCategoryAP: number[];
      shape: number[];
    };
  }[];
}

const golden = loadFixture<Golden>('coco-golden.json');
const TOL = 1e-9;

const load = (c0: Golden['cases'][number]) => {
  const c = c0.sameDataAs ? golden.cases.find((x) => x.name === c0.sameDataAs)! : c0;
  const gtFile = decodeWith(CocoGtFileC, 'gt.json', c.gt);
  assert.ok(E.isRight(gtFile));
  const gt = cocoGtDataset(gtFile.right);
  const res = decodeWith(CocoResultsFileC, 'dets.json', c.dets);
  assert.ok(E.isRight(res));
  const dets = cocoDetections(gt, res.right, 'dets.json');
  assert.ok(E.isRight(dets));
  return { gt, dets: dets.right };
};

describe('COCO bbox evaluation vs pycocotools', () => {
  it('thresholds are bit-identical to numpy linspace', () => {
    const p = cocoParams([1]);
    assert.deepEqual(p.iouThrs, golden.meta.iouThrs);
    assert.deepEqual(p.recThrs, golden.meta.recThrs);
  });

  for (const c of golden.cases) {
    it(`${c.name}: stats, recall, precision`, () => {
      const { gt, dets } = load(c);
      const r = evaluateCoco(gt, dets, { useCats: c.useCats });
      assert.deepEqual([...r.counts], c.expected.shape);
      assertClose(r.stats, c.expected.stats, TOL, 'stats');
      assertClose(r.recall, c.expected.recall, TOL, 'recall');
      const [T, R, K, A, M] = r.counts;
      const sums: number[] = [];
      for (let t = 0; t < T; t++)
        for (let k = 0; k < K; k++)
          for (let a = 0; a < A; a++)
            for (let m = 0; m < M; m++) {
              let s = 0;
              for (let q = 0; q < R; q++)
                s += r.precision[(((t * R + q) * K + k) * A + a) * M + m]!;
              sums.push(s);
            }
      assertClose(sums, c.expected.precisionSums, 1e-8, 'precision sums');
      if (c.expected.precisionAllMax) {
        const sl: number[] = [];
        for (let t = 0; t < T; t++)
          for (let q = 0; q < R; q++)
            for (let k = 0; k < K; k++)
              sl.push(r.precision[(((t * R + q) * K + k) * A + 0) * M + M - 1]!);
        assertClose(sl, c.expected.precisionAllMax, TOL, 'precision[:,:,:,all,100]');
      }
      if (c.useCats) {
        assertClose(
          r.perCategory.map((p) => p.AP),
          c.expected.perCategoryAP,
          TOL,
          'perCategory',
        );
      }
    });
  }

  it('merge of two halves equals one pass, whatever the update order', () => {
    const c = golden.cases[0]!;
    const { gt, dets } = load(c);
    const params = cocoParams(gt.categories.map((x) => x.id));
    const mk = (ids: readonly number[]) => {
      let s = cocoEvaluator.empty(params);
      for (const id of ids) {
        s = cocoEvaluator.update(
          s,
          { imageId: id, annotations: gt.annotationsByImage.get(id) ?? [] },
          dets.filter((d) => d.imageId === id),
        );
      }
      return s;
    };
    const ids = [...gt.imageIds];
    const half = Math.floor(ids.length / 2);
    const merged = cocoEvaluator.merge(mk(ids.slice(half).reverse()), mk(ids.slice(0, half)));
    const r = cocoEvaluator.compute(merged);
    assertClose(r.stats, c.expected.stats, TOL, 'stats');
  });

  it('rejects adding an image twice', () => {
    const s = cocoEvaluator.empty(cocoParams([1]));
    cocoEvaluator.update(s, { imageId: 1, annotations: [] }, []);
    assert.throws(() => cocoEvaluator.update(s, { imageId: 1, annotations: [] }, []), /already/);
  });
});
