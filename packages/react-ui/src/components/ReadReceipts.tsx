import { useChatContext } from '../ChatProvider.js';
import { useReceipts } from '../hooks/useReceipts.js';
import { useRoomMembers } from '../hooks/useRoomMembers.js';
import { Avatar } from './Avatar.js';

export interface ReadReceiptsProps {
  roomId: string;
  eventId: string;
  /** Avatars shown before "+N". */
  max?: number;
}

/** Small avatars of who has read up to this message, labelled "Seen by …" for assistive technology. */
export function ReadReceipts({ roomId, eventId, max = 3 }: ReadReceiptsProps) {
  const { strings } = useChatContext();
  const users = useReceipts(roomId, eventId);
  const members = useRoomMembers(roomId);
  if (users.length === 0) return null;
  const names = users.map((userId) => members[userId]?.displayName ?? userId);
  return (
    <div className="om-receipts" role="img" aria-label={strings.seenBy(names)}>
      {users.slice(0, max).map((userId, i) => (
        <Avatar key={userId} name={names[i] ?? userId} mxc={members[userId]?.avatarUrl} size={16} />
      ))}
      {users.length > max ? (
        <span className="om-receipts__more" aria-hidden="true">
          +{users.length - max}
        </span>
      ) : null}
    </div>
  );
}
