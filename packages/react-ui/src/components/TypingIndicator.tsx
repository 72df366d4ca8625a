import { useChatContext } from '../ChatProvider.js';
import { useRoomMembers } from '../hooks/useRoomMembers.js';
import { useTyping } from '../hooks/useTyping.js';

export interface TypingIndicatorProps {
  roomId: string;
}

/** "Alice is typing…", in a polite live region that stays mounted so changes are announced. */
export function TypingIndicator({ roomId }: TypingIndicatorProps) {
  const { strings } = useChatContext();
  const { users } = useTyping(roomId);
  const members = useRoomMembers(roomId);
  const names = users.map((userId) => members[userId]?.displayName ?? userId);
  return (
    <div className="om-typing" role="status" aria-live="polite">
      {strings.typing(names)}
    </div>
  );
}
