import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatVocTable } from './formatVocTable.js';

it('formatVocTable prints py-faster-rcnn style lines', () => {
  assert.equal(
    formatVocTable({ mAP: 0.5, perClass: { cat: 0.75, dog: 0.25 } }, '07'),
    'VOC07 metric? Yes\nAP for cat = 0.7500\nAP for dog = 0.2500\nMean AP = 0.5000',
  );
  assert.equal(
    formatVocTable({ mAP: Number.NaN, perClass: { sofa: Number.NaN } }),
    'AP for sofa = nan\nMean AP = nan',
  );
});
