import type { StateItem } from '@openmeet/chat-sdk';
import { useId, useState } from 'react';
import { useChatContext } from '../ChatProvider.js';
import { useMember } from '../hooks/useMember.js';

export interface RoomCreationSummaryProps {
  /** The `m.room.create` item. */
  create: StateItem;
  /** The creator's state changes right after it. */
  changes: readonly StateItem[];
  roomId: string;
  /** The timeline's roving focus: -1 takes the row and its button out of the tab order. */
  tabIndex: number;
}

/**
 * "Alice created the room and made 4 changes": a new room's setup in one timeline row, with a
 * disclosure button that lists the changes one by one.
 */
export function RoomCreationSummary({ create, changes, roomId, tabIndex }: RoomCreationSummaryProps) {
  const { strings } = useChatContext();
  const [expanded, setExpanded] = useState(false);
  const listId = useId();
  const creator = useMember(roomId, create.sender)?.displayName ?? create.sender;
  return (
    <div className="om-state-change om-creation" tabIndex={tabIndex}>
      <span className="om-creation__summary">{strings.roomCreated(creator, changes.length)}</span>
      {changes.length > 0 ? (
        <>
          {' '}
          <button
            type="button"
            className="om-button om-creation__toggle"
            tabIndex={tabIndex}
            aria-expanded={expanded}
            aria-controls={listId}
            onClick={() => setExpanded(!expanded)}
          >
            {strings.roomCreationDetails}
          </button>
          <ul id={listId} className="om-creation__changes" hidden={!expanded}>
            {changes.map((item) => (
              <Change key={item.key} item={item} roomId={roomId} />
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function Change({ item, roomId }: { item: StateItem; roomId: string }) {
  const { strings } = useChatContext();
  const name = useMember(roomId, item.sender)?.displayName ?? item.sender;
  return <li>{strings.stateChange(name, item.type, item.content)}</li>;
}
