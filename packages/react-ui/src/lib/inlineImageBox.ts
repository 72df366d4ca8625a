/** Largest box an image in a formatted body takes, in CSS pixels: as an attachment's, or a line of text. */
export const INLINE_IMAGE_BOUNDS = { width: 320, height: 240 } as const;
export const EMOTICON_BOUNDS = { width: 128, height: 32 } as const;

export interface InlineImageBox {
  width?: number;
  height?: number;
}

/**
 * The space an `<img>` of a formatted body reserves before it loads, from its `width`/`height`
 * attributes scaled into the bounds: both sides when both are given, else the one given, else (for a
 * custom emoji) a line's height. Bad or missing values count as absent.
 */
export function inlineImageBox(
  width: string | undefined,
  height: string | undefined,
  emoticon: boolean,
): InlineImageBox {
  const bounds = emoticon ? EMOTICON_BOUNDS : INLINE_IMAGE_BOUNDS;
  const w = dimension(width);
  const h = dimension(height);
  if (w !== undefined && h !== undefined) {
    const scale = Math.min(1, bounds.width / w, bounds.height / h);
    return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
  }
  if (h !== undefined) return { height: Math.min(h, bounds.height) };
  if (w !== undefined) return { width: Math.min(w, bounds.width) };
  return emoticon ? { height: bounds.height } : {};
}

function dimension(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,5}$/.test(value)) return undefined;
  const number = Number(value);
  return number > 0 ? number : undefined;
}
