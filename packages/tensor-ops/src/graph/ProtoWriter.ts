/**
 * A protocol-buffer wire-format writer: the few field kinds a TensorFlow `SavedModel` of traced
 * ops needs (varints, length-delimited bytes and messages, packed repeated numbers, float32).
 * Fields are written in the order given; nested messages are written by a child writer.
 */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  private raw(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.raw(Uint8Array.from(out));
  }

  private key(field: number, wireType: 0 | 2 | 5): void {
    this.varint((field << 3) | wireType);
  }

  /** An `int32`/`int64`/`enum`/`bool` field (negative values as 64-bit two's complement). */
  int(field: number, value: number | boolean): this {
    this.key(field, 0);
    this.varint(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.raw(b);
    return this;
  }

  packedInts(field: number, values: readonly number[]): this {
    const w = new ProtoWriter();
    for (const v of values) w.varint(v);
    return this.bytes(field, w.finish());
  }

  packedFloats(field: number, values: readonly number[]): this {
    const b = new Uint8Array(4 * values.length);
    const view = new DataView(b.buffer);
    values.forEach((v, i) => view.setFloat32(4 * i, v, true));
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
