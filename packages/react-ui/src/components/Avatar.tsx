import { initials } from '../lib/initials.js';
import { useMediaUrl } from '../lib/useMediaUrl.js';

export interface AvatarProps {
  /** Whose avatar: the initials come from it. */
  name: string;
  /** `mxc://` URI of the picture. */
  mxc?: string | undefined;
  /** CSS pixels. */
  size?: number;
}

/**
 * A picture or the initials of a name. Decorative (`aria-hidden`): the name is always written next to
 * it or in the label of what contains it.
 */
export function Avatar({ name, mxc, size = 32 }: AvatarProps) {
  // Twice the CSS size for sharp pictures on high-density screens.
  const url = useMediaUrl(mxc, { width: size * 2, height: size * 2, method: 'crop' });
  return (
    <span
      className="om-avatar"
      aria-hidden="true"
      style={{ width: `${size / 16}rem`, height: `${size / 16}rem` }}
    >
      {url ? <img src={url} alt="" className="om-avatar__image" /> : initials(name)}
    </span>
  );
}
