/** Width, height and a JPEG thumbnail of an image, made in the browser before upload. */
export interface ImageInfo {
  w: number;
  h: number;
  thumbnail?: { blob: Blob; w: number; h: number };
}

const THUMBNAIL_MAX = { w: 800, h: 600 };

/**
 * Reads an image's size and draws a thumbnail when the browser can (`createImageBitmap` and
 * `OffscreenCanvas`); undefined elsewhere (SSR, Node, a format the browser cannot decode): the
 * message is then sent without them, which every client handles.
 */
export async function imageInfo(file: Blob): Promise<ImageInfo | undefined> {
  const g = globalThis as {
    createImageBitmap?: (blob: Blob) => Promise<ImageBitmap>;
    OffscreenCanvas?: new (w: number, h: number) => OffscreenCanvas;
  };
  if (typeof g.createImageBitmap !== 'function') return undefined;
  let bitmap: ImageBitmap;
  try {
    bitmap = await g.createImageBitmap(file);
  } catch {
    return undefined;
  }
  try {
    const info: ImageInfo = { w: bitmap.width, h: bitmap.height };
    const scale = Math.min(1, THUMBNAIL_MAX.w / bitmap.width, THUMBNAIL_MAX.h / bitmap.height);
    // Small images are their own thumbnail.
    if (scale < 1 && typeof g.OffscreenCanvas === 'function') {
      const w = Math.max(1, Math.round(bitmap.width * scale));
      const h = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = new g.OffscreenCanvas(w, h);
      const context = canvas.getContext('2d');
      if (context) {
        context.drawImage(bitmap, 0, 0, w, h);
        info.thumbnail = { blob: await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 }), w, h };
      }
    }
    return info;
  } catch {
    return undefined;
  } finally {
    bitmap.close();
  }
}
