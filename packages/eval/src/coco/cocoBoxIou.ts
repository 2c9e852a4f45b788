import type { XywhBox } from './cocoTypes.js';

/**
 * IoU of detections against ground truth as pycocotools' `bbIou` (maskApi.c) computes it,
 * operation for operation: for a crowd GT the denominator is the detection's area.
 * @param dets [D] xywh boxes
 * @param gts [G] xywh boxes
 * @param iscrowd [G]
 * @returns [D*G] row-major (d, g); not differentiable
 */
export const cocoBoxIou = (
  dets: readonly XywhBox[],
  gts: readonly XywhBox[],
  iscrowd: readonly boolean[],
): Float64Array => {
  const D = dets.length;
  const G = gts.length;
  const out = new Float64Array(D * G);
  for (let g = 0; g < G; g++) {
    const gb = gts[g] as XywhBox;
    const ga = gb[2] * gb[3];
    const crowd = iscrowd[g] === true;
    for (let d = 0; d < D; d++) {
      const db = dets[d] as XywhBox;
      const da = db[2] * db[3];
      const w = Math.min(db[2] + db[0], gb[2] + gb[0]) - Math.max(db[0], gb[0]);
      if (w <= 0) continue;
      const h = Math.min(db[3] + db[1], gb[3] + gb[1]) - Math.max(db[1], gb[1]);
      if (h <= 0) continue;
      const i = w * h;
      const u = crowd ? da : da + ga - i;
      out[d * G + g] = i / u;
    }
  }
  return out;
};
