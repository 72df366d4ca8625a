import type { ReactionGroup } from '@openmeet/chat-sdk';
import { useChatContext } from '../ChatProvider.js';

export interface ReactionsProps {
  roomId: string;
  /** The message reacted to; reactions cannot be toggled before it has one. */
  eventId: string | undefined;
  reactions: readonly ReactionGroup[];
  userId: string | undefined;
  tabIndex?: number | undefined;
}

/** Reactions as toggle buttons: pressed when one of them is yours, a click adds or removes yours. */
export function Reactions({ roomId, eventId, reactions, userId, tabIndex }: ReactionsProps) {
  const { client, strings } = useChatContext();
  if (reactions.length === 0) return null;
  return (
    <ul className="om-reactions" aria-label={strings.reactions}>
      {reactions.map((group) => {
        const mine =
          group.ownEventId !== undefined || (userId !== undefined && group.senders.includes(userId));
        const toggle = () => {
          if (!eventId) return;
          const action = mine
            ? client.unreact(roomId, eventId, group.key)
            : client.react(roomId, eventId, group.key);
          // A refused reaction leaves the store as it was: the button shows the truth.
          action.catch(() => {});
        };
        return (
          <li key={group.key}>
            <button
              type="button"
              className="om-reaction"
              aria-pressed={mine}
              aria-label={strings.reactionLabel(group.key, group.count, mine)}
              disabled={!eventId}
              tabIndex={tabIndex}
              onClick={toggle}
            >
              <span aria-hidden="true">{group.key}</span> <span aria-hidden="true">{group.count}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
