import { open } from 'node:fs/promises';
import { getManyValues, isMany, none } from 'stream-chain/defs.js';
import { jsonParser } from 'stream-json/parser.js';
import { SegmentationElider } from './SegmentationElider.js';

/** A JSON number kept as its exact decimal text (COCO ids may exceed 2^53). */
export class NumberText {
  constructor(readonly text: string) {}
}

/** What a `segmentation` value was, without its (possibly huge) contents (see SegmentationElider). */
export interface SegmentationSummary {
  readonly kind: 'polygons' | 'rle' | 'null' | 'other';
  /** For RLE: uncompressed int list (`list`) or compressed string (`string`). */
  readonly counts?: 'list' | 'string' | 'other';
}

/** The arrays of a COCO file streamed element by element. */
export type CocoSection = 'images' | 'annotations' | 'categories';

export interface StreamCocoHandlers {
  /** Called with each element of a section, assembled, and its index. */
  readonly element: (section: CocoSection, index: number, value: unknown) => void;
  /** A top-level key's value was not an array where one was expected. */
  readonly notArray: (section: CocoSection, got: string) => void;
}

/** Longest string kept when assembling an element (file names, category names). */
const MAX_STRING = 1 << 20;
/** Nesting inside one element; COCO's deepest (a polygon list in `segmentation`) is 2. */
const MAX_ELEMENT_DEPTH = 32;
/** Keys whose numbers are kept as exact text. */
const ID_KEYS = new Set(['id', 'image_id', 'category_id']);
const SECTIONS = new Set<string>(['images', 'annotations', 'categories']);

/** Thrown for input that cannot be streamed safely (e.g. a giant string). */
export class CocoStreamError extends Error {
  constructor(
    message: string,
    readonly where: string,
  ) {
    super(message);
  }
}

type Frame = { container: unknown[] | Record<string, unknown>; key: string | undefined };

/**
 * Streams a COCO instances file with bounded memory: only one element of `images`,
 * `annotations` or `categories` is assembled at a time, every other top-level value (info,
 * licenses) is skipped token by token, and every `segmentation` value is replaced by a
 * summary before tokenizing (so RLE count lists and polygons are never materialised). Ids are kept as exact text.
 * @returns the top-level keys seen.
 * @throws CocoStreamError on malformed/truncated JSON (with the byte offset) or oversized strings.
 */
export const streamCocoElements = async (
  file: string,
  h: StreamCocoHandlers,
): Promise<Set<string>> => {
  const tokenize = jsonParser({
    packKeys: true,
    streamKeys: false,
    packStrings: false,
    streamStrings: true,
    packNumbers: true,
    streamNumbers: false,
  }) as unknown as (buf: string | typeof none) => unknown;
  let bytesRead = 0;
  const keys = new Set<string>();
  // depth of the document: 0 outside, 1 inside the top object, 2 inside a section array.
  let depth = 0;
  let topKey: string | undefined;
  let section: CocoSection | undefined;
  let index = -1;
  // element assembly
  let stack: Frame[] = [];
  let str: string[] | undefined;
  let strLen = 0;
  // skipping a top-level value: remaining container depth
  let skipDepth = -1;
  const elider = new SegmentationElider();
  const where = (): string => `byte ${bytesRead}`;

  const attach = (v: unknown): void => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      h.element(section!, index, v);
      return;
    }
    if (Array.isArray(top.container)) top.container.push(v);
    else top.container[top.key!] = v;
  };

  const onToken = (tok: { name: string; value?: unknown }): void => {
    {
      const name = tok.name;
      if (skipDepth >= 0) {
        // Inside a skipped top-level value: only track depth.
        if (name === 'startObject' || name === 'startArray') skipDepth += 1;
        else if (name === 'endObject' || name === 'endArray') skipDepth -= 1;
        else if (skipDepth === 0 && name !== 'stringChunk' && name !== 'startString')
          skipDepth = -1;
        if (skipDepth === 0 && (name === 'endObject' || name === 'endArray')) skipDepth = -1;
        return;
      }
      if (depth === 0) {
        if (name !== 'startObject')
          throw new CocoStreamError('expected a JSON object at the top of the file', where());
        depth = 1;
        return;
      }
      if (depth === 1) {
        if (name === 'keyValue') {
          topKey = tok.value as string;
          keys.add(topKey);
          return;
        }
        if (name === 'endObject') {
          depth = 0;
          return;
        }
        if (topKey !== undefined && SECTIONS.has(topKey)) {
          if (name === 'startArray') {
            section = topKey as CocoSection;
            index = -1;
            depth = 2;
            return;
          }
          h.notArray(topKey as CocoSection, name.replace(/^start|Value$/g, '').toLowerCase());
        }
        // Any other top-level value (or a non-array section) is skipped.
        skipDepth =
          name === 'startObject' || name === 'startArray' ? 1 : name === 'startString' ? 0 : -1;
        return;
      }
      // depth 2: inside a section array
      if (stack.length === 0 && str === undefined) {
        if (name === 'endArray') {
          depth = 1;
          section = undefined;
          return;
        }
        index += 1;
      }
      if ((name === 'startObject' || name === 'startArray') && stack.length >= MAX_ELEMENT_DEPTH)
        throw new CocoStreamError(
          `${section}[${index}]: nested deeper than ${MAX_ELEMENT_DEPTH} levels; expected a flat record`,
          where(),
        );
      switch (name) {
        case 'startObject':
          stack.push({ container: {}, key: undefined });
          break;
        case 'startArray':
          stack.push({ container: [], key: undefined });
          break;
        case 'endObject':
        case 'endArray': {
          const done = stack[stack.length - 1]!;
          stack.pop();
          if (stack.length === 0) h.element(section!, index, done.container);
          else attach(done.container);
          break;
        }
        case 'keyValue': {
          const key = tok.value as string;
          stack[stack.length - 1]!.key = key;
          break;
        }
        case 'startString':
          str = [];
          strLen = 0;
          break;
        case 'stringChunk': {
          const chunk = tok.value as string;
          strLen += chunk.length;
          if (strLen > MAX_STRING) {
            throw new CocoStreamError(
              `${section}[${index}]: a string longer than ${MAX_STRING} characters; refused`,
              where(),
            );
          }
          str!.push(chunk);
          break;
        }
        case 'endString': {
          const s = str!.join('');
          str = undefined;
          attach(s);
          break;
        }
        case 'numberValue': {
          const text = tok.value as string;
          const top = stack[stack.length - 1];
          attach(
            stack.length === 1 && top && !Array.isArray(top.container) && ID_KEYS.has(top.key ?? '')
              ? new NumberText(text)
              : Number(text),
          );
          break;
        }
        case 'nullValue':
          attach(null);
          break;
        case 'trueValue':
          attach(true);
          break;
        case 'falseValue':
          attach(false);
          break;
        default:
          break;
      }
    }
  };
  const feed = (out: unknown): void => {
    if (isMany(out))
      for (const tok of getManyValues(out) as { name: string; value?: unknown }[]) onToken(tok);
  };
  // Read in 256 KiB pieces: the tokens of one piece are the most ever held at once.
  const fh = await open(file, 'r');
  try {
    const buf = new Uint8Array(1 << 18);
    // ignoreBOM false: a leading byte-order mark is dropped.
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
    for (;;) {
      const r = await fh.read(buf, 0, buf.length, null);
      if (r.bytesRead === 0) break;
      bytesRead += r.bytesRead;
      feed(tokenize(decoder.decode(elider.push(buf.subarray(0, r.bytesRead)), { stream: true })));
    }
    const rest = decoder.decode();
    if (rest) feed(tokenize(rest));
    feed(tokenize(none));
  } catch (e) {
    if (e instanceof CocoStreamError) throw e;
    throw new CocoStreamError(`malformed or truncated JSON: ${(e as Error).message}`, where());
  } finally {
    await fh.close();
  }
  if (depth !== 0)
    throw new CocoStreamError('the file ends inside the top-level object (truncated)', where());
  stack = [];
  return keys;
};
