import type { GapItem, StateItem } from '@openmeet/chat-sdk';
import { memo } from 'react';
import { useChatContext } from '../ChatProvider.js';
import { useMember } from '../hooks/useMember.js';
import type { TimelineRow } from '../lib/timelineRows.js';
import { Message } from './Message.js';
import { ReadReceipts } from './ReadReceipts.js';
import { RoomCreationSummary } from './RoomCreationSummary.js';

export interface TimelineRowViewProps {
  row: TimelineRow;
  roomId: string;
  /** The row holding the timeline's one tab stop. */
  active: boolean;
}

/**
 * One row of the timeline: a message, a state change, the room's creation summary, a gap, a day
 * separator or the unread divider. Rows are rebuilt whenever the timeline changes; one that shows
 * the same things does not render again (a new message renders one row, not every visible one).
 */
export const TimelineRowView = memo(function TimelineRowView({ row, roomId, active }: TimelineRowViewProps) {
  const { strings } = useChatContext();
  const tabIndex = active ? 0 : -1;
  switch (row.kind) {
    case 'day': {
      const label = strings.formatDay(new Date(row.ts));
      return (
        // biome-ignore lint/a11y/useSemanticElements: an <hr> cannot hold the visible date
        <div className="om-day-separator" role="separator" aria-label={label}>
          <span aria-hidden="true">{label}</span>
        </div>
      );
    }
    case 'unread':
      return (
        // biome-ignore lint/a11y/useSemanticElements: an <hr> cannot hold the visible label
        <div className="om-unread-divider" role="separator" aria-label={strings.newMessages}>
          <span aria-hidden="true">{strings.newMessages}</span>
        </div>
      );
    case 'message':
      return (
        <>
          <Message item={row.item} roomId={roomId} grouped={row.grouped} tabIndex={tabIndex} />
          {row.item.eventId ? <ReadReceipts roomId={roomId} eventId={row.item.eventId} /> : null}
        </>
      );
    case 'state':
      return <StateRow item={row.item} roomId={roomId} tabIndex={tabIndex} />;
    case 'creation':
      return (
        <RoomCreationSummary create={row.create} changes={row.changes} roomId={roomId} tabIndex={tabIndex} />
      );
    case 'gap':
      return <GapRow item={row.item} roomId={roomId} tabIndex={tabIndex} />;
  }
}, sameRow);

function sameRow(before: TimelineRowViewProps, after: TimelineRowViewProps): boolean {
  if (before.roomId !== after.roomId || before.active !== after.active) return false;
  const [a, b] = [before.row as Record<string, unknown>, after.row as Record<string, unknown>];
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function StateRow({ item, roomId, tabIndex }: { item: StateItem; roomId: string; tabIndex: number }) {
  const { strings } = useChatContext();
  const name = useMember(roomId, item.sender)?.displayName ?? item.sender;
  return (
    <p className="om-state-change" tabIndex={tabIndex}>
      {strings.stateChange(name, item.type, item.content)}
    </p>
  );
}

function GapRow({ item, roomId, tabIndex }: { item: GapItem; roomId: string; tabIndex: number }) {
  const { client, strings } = useChatContext();
  return (
    <div className="om-gap" tabIndex={tabIndex}>
      <button
        type="button"
        className="om-button"
        tabIndex={tabIndex}
        disabled={item.filling}
        aria-busy={item.filling}
        // A failed fill leaves the gap in place, ready for another try.
        onClick={() => client.fillGap(roomId, item.token).catch(() => {})}
      >
        {item.filling ? strings.loadingMissing : strings.loadMissing}
      </button>
    </div>
  );
}
