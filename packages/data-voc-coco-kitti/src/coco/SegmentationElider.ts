const KEY = Buffer.from('segmentation');
const COUNTS = Buffer.from('counts');
const Q = 0x22; // "
const BS = 0x5c; // \
const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

type Kind = 'polygons' | 'rle' | 'null' | 'other';

/**
 * A byte-level streaming filter for COCO files that replaces the value of every
 * `"segmentation"` key by a tiny summary object, before tokenizing: `{"kind":"polygons"}`,
 * `{"kind":"rle","counts":"list"|"string"|"other"}`, `{"kind":"null"}` or `{"kind":"other"}`.
 * Polygons and RLE counts are most of an instances file's bytes and are not needed for boxes;
 * skipping them by bracket matching here (strings and escapes tracked, across chunk
 * boundaries) spares the tokenizer most of its work. The skipped values are not validated.
 */
export class SegmentationElider {
  private inString = false;
  private escape = false;
  /** Matching a string against a key: index into it, or -1 once it cannot match. */
  private match = -1;
  private matchKey: Buffer = KEY;
  /** A complete `"segmentation"` string was just read; waiting for its `:`. */
  private pendingKey = false;
  /** 0 copy, 1 waiting for the value's first byte, 2 inside a skipped container, 3 inside a skipped scalar. */
  private mode: 0 | 1 | 2 | 3 = 0;
  private depth = 0;
  private kind: Kind = 'other';
  private counts: 'list' | 'string' | 'other' | undefined;
  private countsPending = false;
  private countsAwaitValue = false;

  /** Filters one chunk; returns the bytes to tokenize (a new array, possibly empty). */
  push(chunk: Uint8Array): Uint8Array {
    const out = new Uint8Array(chunk.length + 64);
    let n = 0;
    let o = out;
    let i = 0;
    const emit = (s: string): void => {
      const b = Buffer.from(s);
      // room for this summary and for copying the rest of the chunk unchanged
      const need = n + b.length + (chunk.length - i) + 64;
      if (need > o.length) {
        const bigger = new Uint8Array(need * 2);
        bigger.set(o.subarray(0, n));
        o = bigger;
      }
      o.set(b, n);
      n += b.length;
    };
    for (; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.mode === 0) {
        o[n++] = c;
        if (this.inString) {
          this.stringByte(c);
          continue;
        }
        if (c === Q) {
          this.startString(KEY);
          this.pendingKey = false;
          continue;
        }
        if (this.pendingKey && !isWs(c)) {
          this.pendingKey = false;
          if (c === 0x3a) this.mode = 1;
        }
        continue;
      }
      if (this.mode === 1) {
        if (isWs(c)) continue;
        this.counts = undefined;
        this.countsPending = false;
        this.countsAwaitValue = false;
        if (c === 0x5b || c === 0x7b) {
          this.kind = c === 0x5b ? 'polygons' : 'rle';
          this.depth = 1;
          this.mode = 2;
        } else if (c === Q) {
          this.kind = 'other';
          this.depth = 0;
          this.mode = 2;
          this.startString(COUNTS);
        } else {
          this.kind = c === 0x6e ? 'null' : 'other';
          this.mode = 3;
        }
        continue;
      }
      if (this.mode === 3) {
        // a bare scalar (null, number, true/false) ends at a delimiter, which is copied
        if (c === 0x2c || c === 0x7d || c === 0x5d || isWs(c)) {
          emit(this.summary());
          this.mode = 0;
          o[n++] = c;
        }
        continue;
      }
      // mode 2: inside a skipped value
      if (this.inString) {
        const wasKey = this.stringByte(c);
        if (!this.inString && this.depth === 0) {
          emit(this.summary());
          this.mode = 0;
        } else if (wasKey && this.kind === 'rle' && this.depth === 1) {
          this.countsPending = true;
        }
        continue;
      }
      if (this.countsAwaitValue && !isWs(c)) {
        this.counts = c === 0x5b ? 'list' : c === Q ? 'string' : 'other';
        this.countsAwaitValue = false;
      }
      if (this.countsPending && !isWs(c)) {
        this.countsPending = false;
        if (c === 0x3a) {
          this.countsAwaitValue = true;
          continue;
        }
      }
      if (c === Q) {
        this.startString(COUNTS);
      } else if (c === 0x5b || c === 0x7b) {
        this.depth += 1;
      } else if (c === 0x5d || c === 0x7d) {
        this.depth -= 1;
        if (this.depth === 0) {
          emit(this.summary());
          this.mode = 0;
        }
      }
    }
    return o.subarray(0, n);
  }

  private startString(key: Buffer): void {
    this.inString = true;
    this.escape = false;
    this.match = 0;
    this.matchKey = key;
  }

  /** Consumes a byte inside a string; returns true when it closed a string equal to the key. */
  private stringByte(c: number): boolean {
    if (this.escape) {
      this.escape = false;
      this.match = -1;
      return false;
    }
    if (c === BS) {
      this.escape = true;
      this.match = -1;
      return false;
    }
    if (c === Q) {
      this.inString = false;
      const full = this.match === this.matchKey.length;
      if (this.mode === 0) this.pendingKey = full;
      return full;
    }
    if (this.match >= 0)
      this.match =
        this.match < this.matchKey.length && this.matchKey[this.match] === c ? this.match + 1 : -1;
    return false;
  }

  private summary(): string {
    if (this.kind === 'rle') return `{"kind":"rle","counts":"${this.counts ?? 'other'}"}`;
    return `{"kind":"${this.kind}"}`;
  }
}
