import { useStrings } from '../ChatProvider.js';
import { useMediaUrl } from '../lib/useMediaUrl.js';

export interface MediaContentProps {
  content: Record<string, unknown>;
}

interface Info {
  w?: number;
  h?: number;
  size?: number;
  mimetype?: string;
  thumbnail_url?: string;
  thumbnail_info?: { w?: number; h?: number };
}

/** Largest box an image takes in the timeline, in CSS pixels. */
const MAX_WIDTH = 320;
const MAX_HEIGHT = 240;

/**
 * Images and files. An image's box is sized from `info.w`/`info.h` before it loads, so the timeline
 * does not jump when it arrives; its `alt` is the message body (the file name, or a caption).
 */
export function MediaContent({ content }: MediaContentProps) {
  const strings = useStrings();
  const info = (typeof content.info === 'object' && content.info !== null ? content.info : {}) as Info;
  const body = typeof content.body === 'string' ? content.body : '';
  const url = typeof content.url === 'string' ? content.url : undefined;
  const isImage = content.msgtype === 'm.image' || content.msgtype === 'm.sticker';
  const box = isImage ? imageBox(info) : undefined;
  const thumbnail = isImage ? (info.thumbnail_url ?? url) : undefined;
  const imageUrl = useMediaUrl(
    thumbnail,
    thumbnail === url && box ? { width: box.width, height: box.height, method: 'scale' } : undefined,
  );
  const fileUrl = useMediaUrl(isImage ? undefined : url);

  if (isImage && box) {
    return (
      <div
        className="om-image"
        style={{ aspectRatio: `${box.width} / ${box.height}`, width: `${box.width / 16}rem` }}
      >
        {imageUrl ? <img src={imageUrl} alt={body} width={box.width} height={box.height} /> : null}
      </div>
    );
  }
  const size = strings.formatBytes(typeof info.size === 'number' ? info.size : 0);
  return (
    <div className="om-file">
      <span className="om-file__name">{body}</span> <span className="om-file__size">{size}</span>
      {fileUrl ? (
        <a className="om-button om-file__download" href={fileUrl} download={body}>
          {strings.download(body, size)}
        </a>
      ) : null}
    </div>
  );
}

export function imageBox(info: Info): { width: number; height: number } {
  const w = typeof info.w === 'number' && info.w > 0 ? info.w : (info.thumbnail_info?.w ?? MAX_WIDTH);
  const h = typeof info.h === 'number' && info.h > 0 ? info.h : (info.thumbnail_info?.h ?? MAX_HEIGHT);
  const scale = Math.min(1, MAX_WIDTH / w, MAX_HEIGHT / h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}
