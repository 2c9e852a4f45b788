import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { assertClose, loadFixture } from '../test-util.js';
import { type KittiGolden, num } from '../test-util-golden.js';
import { kittiEvaluator } from './kittiEvaluator.js';
import { parseKittiLabels, parseKittiResults } from './kittiLabelFile.js';
import { KITTI_DIFFICULTIES, kittiParams } from './kittiTypes.js';

const golden = loadFixture<KittiGolden>('kitti-golden.json');

describe('KITTI 2D evaluation vs the devkit evaluate_object.cpp', () => {
  for (const c of golden.cases) {
    it(c.name, () => {
      let s = kittiEvaluator.empty(kittiParams());
      for (const f of c.frames) {
        const gt = parseKittiLabels(`${f.id}.txt`, f.gt.join('\n'));
        const det = parseKittiResults(`${f.id}.txt`, f.det.join('\n'));
        assert.ok(E.isRight(gt) && E.isRight(det));
        s = kittiEvaluator.update(s, { id: f.id, gt: gt.right }, det.right);
      }
      const r = kittiEvaluator.compute(s);
      assert.equal(r.computeAos, c.expected.computeAos);
      assert.deepEqual(
        r.classes.filter((k) => k.evaluated).map((k) => k.name),
        Object.keys(c.expected.classes),
      );
      for (const k of r.classes.filter((x) => x.evaluated)) {
        for (const d of KITTI_DIFFICULTIES) {
          const exp = c.expected.classes[k.name]![d];
          const got = k.difficulties[d];
          assertClose(got.precision, exp.precision.map(num), 1e-12, `${k.name} ${d} precision`);
          if (r.computeAos) assertClose(got.aos!, exp.aos.map(num), 1e-12, `${k.name} ${d} aos`);
          else assert.equal(got.aos, undefined);
          const p = exp.precision.map(num);
          let s11 = 0;
          for (let i = 0; i < 41; i += 4) s11 += p[i]!;
          let s40 = 0;
          for (let i = 1; i < 41; i++) s40 += p[i]!;
          assertClose([got.ap11, got.ap40], [s11 / 11, s40 / 40], 1e-12, 'ap');
        }
      }
    });
  }
});

describe('KITTI label/result lines', () => {
  it('rejects a results line with 15 columns, naming file and line', () => {
    const r = parseKittiResults(
      '000001.txt',
      'Car -1 -1 0 1 2 3 4 -1 -1 -1 -1000 -1000 -1000 -10 0.9\nCar -1 -1 0 1 2 3 4 -1 -1 -1 -1000 -1000 -1000 -10\n',
    );
    assert.ok(E.isLeft(r));
    assert.equal(r.left.where, 'line 2');
    assert.match(r.left.message, /expected 16 columns/);
  });
  it('rejects NaN scores and tracking-format lines', () => {
    const nan = parseKittiResults(
      'a.txt',
      'Car -1 -1 0 1 2 3 4 -1 -1 -1 -1000 -1000 -1000 -10 nan',
    );
    assert.ok(E.isLeft(nan));
    assert.match(nan.left.message, /score/);
    const trk = parseKittiLabels('b.txt', '0 1 Car 0 0 -1.5 1 2 3 4 1 1 1 1 1 1 0');
    assert.ok(E.isLeft(trk));
    assert.match(trk.left.message, /expected 15 columns/);
  });
  it('reads integer-formatted numbers, trailing blank lines and DontCare-only files', () => {
    const r = parseKittiLabels(
      'c.txt',
      'DontCare -1 -1 -10 503 169 590 190 -1 -1 -1 -1000 -1000 -1000 -10\n\n\n',
    );
    assert.deepEqual(
      r,
      E.right([
        { type: 'DontCare', truncation: -1, occlusion: -1, alpha: -10, bbox: [503, 169, 590, 190] },
      ]),
    );
  });
});

describe('KITTI reducer', () => {
  it('merging two halves equals one pass', () => {
    const c = golden.cases[0]!;
    const frames = c.frames.map((f) => {
      const gt = parseKittiLabels('l', f.gt.join('\n'));
      const det = parseKittiResults('r', f.det.join('\n'));
      assert.ok(E.isRight(gt) && E.isRight(det));
      return { id: f.id, gt: gt.right, dets: det.right };
    });
    const run = (fs: typeof frames) => {
      let s = kittiEvaluator.empty(kittiParams());
      for (const f of fs) s = kittiEvaluator.update(s, f, f.dets);
      return s;
    };
    const half = Math.floor(frames.length / 2);
    const merged = kittiEvaluator.compute(
      kittiEvaluator.merge(run(frames.slice(0, half)), run(frames.slice(half))),
    );
    const whole = kittiEvaluator.compute(run(frames));
    for (let k = 0; k < whole.classes.length; k++) {
      for (const d of KITTI_DIFFICULTIES) {
        assert.deepEqual(
          merged.classes[k]!.difficulties[d].precision,
          whole.classes[k]!.difficulties[d].precision,
        );
      }
    }
    assert.throws(
      () => kittiEvaluator.merge(run(frames.slice(0, 2)), run(frames.slice(1, 3))),
      /already/,
    );
  });
});
