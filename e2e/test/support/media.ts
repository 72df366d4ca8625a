import { crc32, deflateSync } from 'node:zlib';
import type { Locator } from 'playwright-core';

/** An sRGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A valid PNG (8-bit RGB, not interlaced) of `width` × `height` pixels coloured by `colour(x, y)`:
 * made here, so the tests carry no binary fixtures and know exactly what the picture looks like.
 */
export function png(width: number, height: number, colour: (x: number, y: number) => Rgb): Buffer {
  const stride = width * 3 + 1;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    // Each row starts with its filter type, 0 (none), which the zero-filled buffer already holds.
    for (let x = 0; x < width; x++) pixels.set(colour(x, y), y * stride + 1 + x * 3);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  // Bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** What the page shows of an `<img>` once the browser has decoded it. */
export interface ShownImage {
  src: string;
  alt: string;
  naturalWidth: number;
  naturalHeight: number;
  /** The rendered box, in CSS pixels (rounded). */
  width: number;
  height: number;
  /** The decoded picture's colour at each sample point (fractions of its width and height). */
  colours: Rgb[];
}

/**
 * Waits until the browser has loaded and decoded `image` (`HTMLImageElement.decode()` rejects for a
 * broken one), then reads its size and the colours at `samples` through a canvas: proof that the
 * pixels arrived, not merely an element with a `src`.
 */
export async function shownImage(
  image: Locator,
  samples: ReadonlyArray<readonly [number, number]> = [],
): Promise<ShownImage> {
  await image.waitFor({ timeout: 60_000 });
  return image.evaluate(async (element, points) => {
    const img = element as HTMLImageElement;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('No 2D canvas');
    context.drawImage(img, 0, 0);
    const colours = points.map(([fx, fy]) => {
      const x = Math.min(img.naturalWidth - 1, Math.floor(fx * img.naturalWidth));
      const y = Math.min(img.naturalHeight - 1, Math.floor(fy * img.naturalHeight));
      const [r = 0, g = 0, b = 0] = context.getImageData(x, y, 1, 1).data;
      return [r, g, b] as const;
    });
    const box = img.getBoundingClientRect();
    return {
      src: img.currentSrc,
      alt: img.alt,
      naturalWidth: img.naturalWidth,
      naturalHeight: img.naturalHeight,
      width: Math.round(box.width),
      height: Math.round(box.height),
      colours,
    };
  }, samples);
}

/** Within `tolerance` per channel: thumbnails are resampled, and may be re-encoded. */
export function isNear(actual: Rgb | undefined, expected: Rgb, tolerance = 48): boolean {
  return actual?.every((value, i) => Math.abs(value - (expected[i] ?? 0)) <= tolerance) ?? false;
}
