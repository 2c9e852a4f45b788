import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as E from 'fp-ts/lib/Either.js';

/** Why an XML document was refused, with its location when the syntax is at fault. */
export interface XmlError {
  readonly where: string;
  readonly message: string;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes only XML's five predefined entities and character references; nothing user-defined. */
const decodeText = (s: string): string =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (m, e: string) => {
    if (e[0] !== '#') return PREDEFINED[e] ?? m;
    const cp = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });

/**
 * Parses an XML document into plain objects (element text as strings, attributes dropped),
 * safely for untrusted input: documents with a DOCTYPE or ENTITY declaration are refused
 * outright, so no external entity is ever resolved (XXE) and no entity definition is expanded
 * (billion laughs); only the predefined entities are decoded in text. Syntax errors come back
 * with their line and column.
 * @param arrayPaths dotted element paths that are always arrays (`annotation.object`).
 */
export const parseXmlSafe = (
  text: string,
  arrayPaths: readonly string[] = [],
): E.Either<XmlError, Record<string, unknown>> => {
  const decl = /<!\s*(DOCTYPE|ENTITY)/i.exec(text);
  if (decl) {
    const line = text.slice(0, decl.index).split('\n').length;
    return E.left({
      where: `line ${line}`,
      message: `${decl[1]!.toUpperCase()} declarations are refused (no external or internal entities are processed); expected a plain XML document`,
    });
  }
  const v = XMLValidator.validate(text);
  if (v !== true) {
    const unclosed = /^Invalid '\[(.*)\]' found/s.exec(v.err.msg);
    if (unclosed) {
      const names = unclosed[1]!.split(',').map((n) => `<${n.trim().replace(/^"|"$/g, '')}>`);
      const lines = text.split('\n');
      return E.left({
        where: `line ${lines.length}, column ${lines[lines.length - 1]!.length + 1}`,
        message: `malformed or truncated XML: the document ends with ${names.join(' ')} still open; expected every element closed`,
      });
    }
    return E.left({
      where: `line ${v.err.line}, column ${v.err.col}`,
      message: `malformed or truncated XML: ${v.err.msg}`,
    });
  }
  const arrays = new Set(arrayPaths);
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    processEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (_name: string, jpath: unknown) => arrays.has(String(jpath)),
    tagValueProcessor: (_name: string, value: string) => decodeText(value),
  });
  try {
    return E.right(parser.parse(text) as Record<string, unknown>);
  } catch (e) {
    return E.left({ where: 'document', message: `malformed XML: ${(e as Error).message}` });
  }
};
