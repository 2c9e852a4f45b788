/**
 * An image in host memory: `data` is `[height, width, channels]` row-major, interleaved.
 * Decoded images are `Uint8Array` RGB; pipeline stages produce `Float32Array`.
 */
export interface RgbImage<T extends Uint8Array | Float32Array = Uint8Array | Float32Array> {
  readonly data: T;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** Checks that `data.length === height * width * channels`; throws a RangeError naming the shapes. */
export const assertImageShape = (img: RgbImage): void => {
  const expected = img.height * img.width * img.channels;
  if (img.data.length !== expected) {
    throw new RangeError(
      `image data has ${img.data.length} values; expected ${img.height}x${img.width}x${img.channels} = ${expected}`,
    );
  }
};
