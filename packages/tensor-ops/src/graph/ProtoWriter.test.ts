import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProtoWriter } from './ProtoWriter.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Expected bytes from the protocol-buffers encoding guide's worked examples and its rules.
describe('ProtoWriter writes the protobuf wire format', () => {
  test('varint field (150 → 08 96 01)', () => {
    assert.equal(hex(new ProtoWriter().int(1, 150).finish()), '089601');
  });
  test('string field ("testing" in field 2)', () => {
    assert.equal(hex(new ProtoWriter().string(2, 'testing').finish()), '120774657374696e67');
  });
  test('embedded message (field 3 holding 150 in field 1)', () => {
    const inner = new ProtoWriter().int(1, 150);
    assert.equal(hex(new ProtoWriter().message(3, inner).finish()), '1a03089601');
  });
  test('negative int64 as ten bytes of two’s complement, bools as 0/1', () => {
    assert.equal(hex(new ProtoWriter().int(1, -1).finish()), '08ffffffffffffffffff01');
    assert.equal(hex(new ProtoWriter().int(5, true).int(5, false).finish()), '28012800');
  });
  test('packed repeated varints (3, 270, 86942 in field 4)', () => {
    assert.equal(
      hex(new ProtoWriter().packedInts(4, [3, 270, 86942]).finish()),
      '2206038e029ea705',
    );
  });
  test('float32 and packed floats, little-endian', () => {
    assert.equal(hex(new ProtoWriter().float(4, 1.5).finish()), '250000c03f');
    assert.equal(hex(new ProtoWriter().packedFloats(4, [1, -2]).finish()), '22080000803f000000c0');
  });
  test('a large field number takes a multi-byte key', () => {
    assert.equal(hex(new ProtoWriter().int(16, 1).finish()), '800101');
  });
});
