import * as t from 'io-ts';

/** Element text holding a finite number (VOC coordinates may be floats, e.g. VOC2012). */
export const XmlNumber = new t.Type<number, string, unknown>(
  'number',
  (u): u is number => typeof u === 'number',
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected an element with a number as text');
    const s = u.trim();
    const n = Number(s);
    return s !== '' && Number.isFinite(n)
      ? t.success(n)
      : t.failure(u, c, 'expected a finite number');
  },
  String,
);

/** Element text `0` or `1` (difficult, truncated, occluded). */
export const XmlFlag = new t.Type<0 | 1, string, unknown>(
  'flag',
  (u): u is 0 | 1 => u === 0 || u === 1,
  (u, c) => {
    const s = typeof u === 'string' ? u.trim() : undefined;
    return s === '0' ? t.success(0) : s === '1' ? t.success(1) : t.failure(u, c, 'expected 0 or 1');
  },
  String,
);

/** Element text (an element with children, or repeated, is not text). */
export const XmlText = new t.Type<string, string, unknown>(
  'text',
  (u): u is string => typeof u === 'string',
  (u, c) =>
    typeof u === 'string'
      ? t.success(u.trim())
      : t.failure(
          u,
          c,
          Array.isArray(u)
            ? 'expected a single element with text, found it repeated'
            : 'expected an element with text',
        ),
  String,
);

/** `<bndbox>`: the four corners in 1-based inclusive pixels. */
export const VocBndbox = t.type(
  { xmin: XmlNumber, ymin: XmlNumber, xmax: XmlNumber, ymax: XmlNumber },
  'bndbox',
);

/** One `<object>`; its nested `<part>` elements are not read (only the direct `<bndbox>`). */
export const VocObject = t.intersection([
  t.type({ name: XmlText, bndbox: VocBndbox }),
  t.partial({ difficult: XmlFlag, truncated: XmlFlag, occluded: XmlFlag, pose: XmlText }),
]);
export type VocObject = t.TypeOf<typeof VocObject>;

/** `<size>`: labelImg may write 0 (then the image file's own size is used). */
export const VocSize = t.partial({ width: XmlNumber, height: XmlNumber, depth: XmlNumber });

/** The `<annotation>` root; objects are decoded one by one so that one bad object spares the rest. */
export const VocAnnotation = t.type({
  annotation: t.intersection([
    t.type({ filename: XmlText }),
    t.partial({ size: VocSize, object: t.array(t.unknown) }),
  ]),
});
