import * as t from 'io-ts';
import { FiniteNumber, PositiveInt } from '../core/numberCodecs.js';
import { NumberText } from './streamCocoElements.js';

/** An integer id, kept as its exact decimal text (the reader hands ids over as `NumberText`). */
export const CocoId = new t.Type<string, string, unknown>(
  'id',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    if (!(u instanceof NumberText))
      return t.failure(u, c, 'expected an integer id (a JSON number)');
    return /^-?\d+$/.test(u.text)
      ? t.success(u.text.replace(/^(-?)0+(?=\d)/, '$1'))
      : t.failure(u.text, c, 'expected an integer id');
  },
  (s) => s,
);

/** A category id: an integer that fits a JS number exactly. */
export const CocoCategoryId = new t.Type<number, number, unknown>(
  'category id',
  (u): u is number => typeof u === 'number',
  (u, c) => {
    const n = u instanceof NumberText ? Number(u.text) : Number.NaN;
    return Number.isSafeInteger(n)
      ? t.success(n)
      : t.failure(u instanceof NumberText ? u.text : u, c, 'expected an integer category id');
  },
  (n) => n,
);

const crowdFlag = new t.Type<boolean, number, unknown>(
  'iscrowd',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) =>
    u === 0 || u === false
      ? t.success(false)
      : u === 1 || u === true
        ? t.success(true)
        : t.failure(u, c, 'expected 0 or 1'),
  (b) => (b ? 1 : 0),
);

const bbox = new t.Type<[number, number, number, number], number[], unknown>(
  'bbox',
  (u): u is [number, number, number, number] => Array.isArray(u) && u.length === 4,
  (u, c) =>
    Array.isArray(u) &&
    u.length === 4 &&
    u.every((v) => typeof v === 'number' && Number.isFinite(v))
      ? t.success(u as [number, number, number, number])
      : t.failure(u, c, 'expected [x, y, width, height], four finite numbers'),
  (b) => b,
);

/** `images[i]`; extra keys (license, coco_url, date_captured...) are allowed. */
export const CocoImage = t.type({
  id: CocoId,
  width: PositiveInt,
  height: PositiveInt,
  file_name: t.string,
});
export type CocoImage = t.TypeOf<typeof CocoImage>;

/** `annotations[i]`; `segmentation` arrives summarised by the streaming reader. */
export const CocoAnnotation = t.intersection([
  t.type({ id: CocoId, image_id: CocoId, category_id: CocoCategoryId, bbox }),
  t.partial({ area: FiniteNumber, iscrowd: crowdFlag }),
]);
export type CocoAnnotation = t.TypeOf<typeof CocoAnnotation>;

/** `categories[i]`. */
export const CocoCategory = t.intersection([
  t.type({ id: CocoCategoryId, name: t.string }),
  t.partial({ supercategory: t.union([t.string, t.null]) }),
]);
export type CocoCategory = t.TypeOf<typeof CocoCategory>;
