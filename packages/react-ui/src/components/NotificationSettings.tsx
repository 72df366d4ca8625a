import type { NotificationMode } from '@openmeet/chat-sdk';
import { useId, useState } from 'react';
import { useChatContext } from '../ChatProvider.js';
import { useRoomField } from '../hooks/useRoom.js';
import { ChatErrorNotice } from './ChatErrorNotice.js';

export interface NotificationSettingsProps {
  roomId: string;
}

const MODES: readonly NotificationMode[] = ['all', 'mentions', 'mute'];

/** All messages / mentions only / mute for one room, stored on the server as push rules. */
export function NotificationSettings({ roomId }: NotificationSettingsProps) {
  const { client, strings } = useChatContext();
  const current = useRoomField(roomId, 'notification') ?? 'all';
  const [pending, setPending] = useState<NotificationMode>();
  const [error, setError] = useState<unknown>();
  const name = useId();
  const choose = (mode: NotificationMode) => {
    setPending(mode);
    setError(undefined);
    client
      .setNotificationMode(roomId, mode)
      .catch(setError)
      .finally(() => setPending(undefined));
  };
  const checked = pending ?? current;
  return (
    <fieldset className="om-notification-settings" aria-busy={pending !== undefined}>
      <legend>{strings.notifications}</legend>
      {MODES.map((mode) => (
        <label key={mode} className="om-radio">
          <input
            type="radio"
            name={name}
            value={mode}
            checked={checked === mode}
            onChange={() => choose(mode)}
          />{' '}
          {strings.notificationMode(mode)}
        </label>
      ))}
      <ChatErrorNotice error={error} />
    </fieldset>
  );
}
