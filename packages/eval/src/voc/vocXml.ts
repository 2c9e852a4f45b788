import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { NumberFromString } from '../internal/codecs.js';
import { decodeWith } from '../internal/decodeJson.js';
import { evalError, type KdEvalError } from '../internal/EvalError.js';
import type { VocObject } from './vocTypes.js';

const BndboxC = t.type(
  {
    xmin: NumberFromString,
    ymin: NumberFromString,
    xmax: NumberFromString,
    ymax: NumberFromString,
  },
  'bndbox',
);
const ObjectC = t.intersection(
  [t.type({ name: t.string, bndbox: BndboxC }), t.partial({ difficult: NumberFromString })],
  'object',
);
const AnnotationC = t.type(
  { annotation: t.intersection([t.type({}), t.partial({ object: t.array(ObjectC) })]) },
  'VOC annotation',
);

const parser = new XMLParser({
  ignoreAttributes: true,
  // no entity expansion of any kind: VOC files never need it, and it is how XXE/billion-laughs work
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (_name: string, jpath: unknown) => jpath === 'annotation.object',
});

/**
 * Parses one VOC annotation XML: the objects' name, direct `bndbox` (not those of `<part>`) and
 * `difficult` (missing = 0). Coordinates stay as written (1-based inclusive; floats allowed).
 * Documents with a DOCTYPE are refused.
 */
export const parseVocXml = (file: string, text: string): E.Either<KdEvalError, VocObject[]> => {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    return E.left(evalError(file, '', 'DOCTYPE/ENTITY declarations are not allowed in VOC XML'));
  }
  let doc: unknown;
  try {
    const valid = XMLValidator.validate(text);
    if (valid !== true) {
      return E.left(
        evalError(
          file,
          `line ${valid.err.line} column ${valid.err.col}`,
          `malformed XML: ${valid.err.msg}`,
        ),
      );
    }
    doc = parser.parse(text) as unknown;
  } catch (err) {
    // fast-xml-parser throws on some documents it validated (e.g. nesting past its limit).
    return E.left(
      evalError(
        file,
        'document',
        `cannot parse XML: ${(err as Error).message}; expected a VOC annotation`,
      ),
    );
  }
  return E.map((a: t.TypeOf<typeof AnnotationC>) =>
    (a.annotation.object ?? []).map((o) => ({
      name: o.name,
      bbox: [o.bndbox.xmin, o.bndbox.ymin, o.bndbox.xmax, o.bndbox.ymax] as const,
      difficult: (o.difficult ?? 0) !== 0,
    })),
  )(
    E.mapLeft((e: KdEvalError) => ({ ...e, where: e.where.replace(/^\$\.?/, '') || 'root' }))(
      decodeWith(AnnotationC, file, doc),
    ),
  );
};
