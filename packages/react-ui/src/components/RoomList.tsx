import type { RoomKind, RoomSummary } from '@openmeet/chat-sdk';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useChatContext } from '../ChatProvider.js';
import { useRoomList } from '../hooks/useRoomList.js';

export interface RoomListProps {
  onSelect: (roomId: string) => void;
  selectedRoomId?: string | undefined;
}

const KIND_ICONS: Readonly<Record<RoomKind, string>> = { group: '👥', event: '📅', dm: '💬', other: '#' };

/**
 * Rooms as a listbox: one tab stop, arrows/Home/End move, Enter or Space opens; unread and
 * mention counts are spoken with each room.
 */
export function RoomList({ onSelect, selectedRoomId }: RoomListProps) {
  const { strings } = useChatContext();
  const rooms = useRoomList();
  const baseId = useId();
  const list = useRef<HTMLDivElement>(null);
  const selectedIndex = rooms.findIndex((room) => room.roomId === selectedRoomId);
  const [active, setActive] = useState(Math.max(selectedIndex, 0));
  const activeIndex = Math.min(active, rooms.length - 1);
  const optionId = (index: number) => `${baseId}-${index}`;

  useEffect(() => {
    if (selectedIndex >= 0) setActive(selectedIndex);
  }, [selectedIndex]);

  useEffect(() => {
    if (document.activeElement !== list.current) return;
    document.getElementById(optionId(activeIndex))?.scrollIntoView?.({ block: 'nearest' });
  });

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const last = rooms.length - 1;
    const to =
      event.key === 'ArrowDown'
        ? Math.min(activeIndex + 1, last)
        : event.key === 'ArrowUp'
          ? Math.max(activeIndex - 1, 0)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : undefined;
    if (to !== undefined) {
      event.preventDefault();
      setActive(to);
    } else if (event.key === 'Enter' || event.key === ' ') {
      const room = rooms[activeIndex];
      if (!room) return;
      event.preventDefault();
      onSelect(room.roomId);
    }
  };

  return (
    <div
      ref={list}
      className="om-room-list"
      role="listbox"
      aria-label={strings.roomList}
      tabIndex={0}
      aria-activedescendant={rooms.length > 0 ? optionId(activeIndex) : undefined}
      onKeyDown={onKeyDown}
    >
      {rooms.map((room, index) => (
        <RoomOption
          key={room.roomId}
          id={optionId(index)}
          room={room}
          selected={room.roomId === selectedRoomId}
          active={index === activeIndex}
          onSelect={() => {
            setActive(index);
            onSelect(room.roomId);
          }}
        />
      ))}
    </div>
  );
}

interface RoomOptionProps {
  id: string;
  room: RoomSummary;
  selected: boolean;
  active: boolean;
  onSelect: () => void;
}

function RoomOption({ id, room, selected, active, onSelect }: RoomOptionProps) {
  const { strings } = useChatContext();
  const className = ['om-room', selected ? 'om-room--selected' : '', active ? 'om-room--active' : '']
    .filter(Boolean)
    .join(' ');
  return (
    // biome-ignore lint/a11y/useFocusableInteractive: the listbox holds focus and points at options (aria-activedescendant)
    // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles the keys
    <div id={id} role="option" aria-selected={selected} className={className} onClick={onSelect}>
      <span className="om-room__icon" aria-hidden="true">
        {KIND_ICONS[room.kind]}
      </span>
      <span className="om-visually-hidden">{strings.roomKind(room.kind)}: </span>
      <span className="om-room__name">{room.name}</span>
      {room.membership === 'invite' ? <span className="om-room__invite">{strings.invited}</span> : null}
      {room.mentions > 0 ? (
        <span className="om-badge om-badge--mention">
          <span aria-hidden="true">@{room.mentions}</span>
          <span className="om-visually-hidden">, {strings.mentions(room.mentions)}</span>
        </span>
      ) : null}
      {room.unread > 0 ? (
        <span className={`om-badge${room.notification === 'mute' ? ' om-badge--muted' : ''}`}>
          <span aria-hidden="true">{room.unread}</span>
          <span className="om-visually-hidden">, {strings.unread(room.unread)}</span>
        </span>
      ) : null}
    </div>
  );
}
