/** A growable Uint8Array (amortised doubling), so per-detection codes stay compact. */
export class ByteBuffer {
  private buf: Uint8Array;
  length = 0;
  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
  }
  append(src: Uint8Array): number {
    const at = this.length;
    const need = at + src.length;
    if (need > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
    }
    this.buf.set(src, at);
    this.length = need;
    return at;
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
