import { isMxcUrl } from '@openmeet/chat-sdk';
import { type CSSProperties, useState } from 'react';
import { EMOTICON_BOUNDS, INLINE_IMAGE_BOUNDS, inlineImageBox } from '../lib/inlineImageBox.js';
import { useMedia } from '../lib/useMedia.js';

export interface InlineImageProps {
  /** Only an `mxc://` URI is fetched; anything else shows the alt text. */
  src: string | undefined;
  alt?: string | undefined;
  title?: string | undefined;
  width?: string | undefined;
  height?: string | undefined;
  /** `data-mx-emoticon`: a custom emoji, kept to text size. */
  emoticon?: boolean;
}

const rem = (px: number) => `${px / 16}rem`;

/**
 * An `<img>` of a sanitized `formatted_body`. Its `mxc://` source is fetched through the authenticated
 * media endpoints (a thumbnail no bigger than the box) and only the resulting blob URL reaches the DOM.
 * The box is reserved from `width`/`height` while it loads (and bounded by CSS); if it fails to load, its
 * alt text is shown instead.
 */
export function InlineImage({ src, alt = '', title, width, height, emoticon = false }: InlineImageProps) {
  const mxc = isMxcUrl(src) ? src : undefined;
  const box = inlineImageBox(width, height, emoticon);
  const bounds = emoticon ? EMOTICON_BOUNDS : INLINE_IMAGE_BOUNDS;
  const thumbnail = {
    width: box.width ?? bounds.width,
    height: box.height ?? bounds.height,
    method: 'scale' as const,
  };
  const { url, failed } = useMedia(mxc, thumbnail);
  const [broken, setBroken] = useState<string>();

  if (mxc === undefined || failed || (url !== undefined && url === broken)) {
    return alt === '' ? null : <span className="om-inline-image__alt">{alt}</span>;
  }
  const style: CSSProperties = {};
  if (box.width !== undefined) style.width = rem(box.width);
  if (box.height !== undefined) style.height = rem(box.height);
  if (box.width !== undefined && box.height !== undefined) {
    style.aspectRatio = `${box.width} / ${box.height}`;
    // The height follows the width when a narrow column shrinks the box.
    style.height = 'auto';
  }
  const className = emoticon ? 'om-inline-image om-inline-image--emoticon' : 'om-inline-image';
  if (url === undefined) {
    return (
      <span className={`${className} om-inline-image--loading`} style={style}>
        <span className="om-visually-hidden">{alt}</span>
      </span>
    );
  }
  return (
    <img
      className={className}
      style={style}
      src={url}
      alt={alt}
      title={title}
      width={box.width}
      height={box.height}
      onError={() => setBroken(url)}
    />
  );
}
