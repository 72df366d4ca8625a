import { type KeyboardEvent, useCallback, useMemo, useState, useSyncExternalStore } from 'react';
import { useChatContext } from '../ChatProvider.js';
import type { ComposerDraft } from '../lib/ComposerDrafts.js';
import { findMessage, isEditable, lastOwnMessage } from '../lib/findMessage.js';
import { useRoomField } from './useRoom.js';

export interface ComposerView {
  draft: string;
  /** Sets the text and tells the room you are typing (or stopped, when it becomes empty). */
  setDraft: (text: string) => void;
  /** The event the next message replies to. */
  replyTo: string | undefined;
  setReplyTo: (eventId: string | undefined) => void;
  /** The own message being edited. */
  editing: string | undefined;
  /** Loads one of your messages into the draft; false when it cannot be edited. */
  startEdit: (eventId: string) => boolean;
  /** Ends replying and editing (the draft from before an edit comes back). */
  cancel: () => void;
  /** Sends the draft (or saves the edit); the draft is restored if the client refuses it. */
  send: () => Promise<void>;
  /** Why the last send was refused. */
  error: unknown;
  /** The room does not accept new messages from you. */
  readOnly: boolean;
  /** Enter sends, Shift+Enter is a newline, ArrowUp on an empty draft edits your last message, Escape cancels. */
  onKeyDown: (event: KeyboardEvent<HTMLTextAreaElement>) => void;
  /** Stops the typing notice. */
  onBlur: () => void;
  /** Changes when the composer should take focus (a reply or an edit started from a message). */
  focusRequest: number;
}

/** The state and keyboard behaviour of a room's message composer, shared with the message actions. */
export function useComposer(roomId: string): ComposerView {
  const { client, drafts } = useChatContext();
  const readDraft = () => drafts.get(roomId);
  const draft: ComposerDraft = useSyncExternalStore(drafts.subscribe, readDraft, readDraft);
  const readOnly = useRoomField(roomId, 'readOnly') ?? false;
  const [error, setError] = useState<unknown>(undefined);

  const setDraft = useCallback(
    (text: string) => {
      drafts.update(roomId, (current) => (current.text === text ? current : { ...current, text }));
      client.setTyping(roomId, text.trim() !== '');
    },
    [client, drafts, roomId],
  );

  const setReplyTo = useCallback(
    (eventId: string | undefined) => drafts.setReplyTo(roomId, eventId),
    [drafts, roomId],
  );

  const startEdit = useCallback(
    (eventId: string) => {
      const { timelines, userId } = client.store.getState();
      const target = findMessage(timelines[roomId]?.items, eventId);
      if (!target || !isEditable(target, userId)) return false;
      drafts.startEdit(roomId, eventId, target.content.body as string);
      return true;
    },
    [client, drafts, roomId],
  );

  const cancel = useCallback(() => drafts.cancel(roomId), [drafts, roomId]);

  const send = useCallback(async () => {
    const current = drafts.get(roomId);
    const text = current.text;
    if (text.trim() === '' || readOnly) return;
    setError(undefined);
    // Cleared at once (the message shows as a local echo); restored below if the client refuses it.
    drafts.update(roomId, ({ focusRequest }) => ({
      text: current.editing ? (current.stashed ?? '') : '',
      ...(focusRequest ? { focusRequest } : {}),
    }));
    client.setTyping(roomId, false);
    try {
      if (current.editing) await client.editMessage(roomId, current.editing, text);
      else await client.sendMessage(roomId, text, current.replyTo ? { replyTo: current.replyTo } : {});
    } catch (failure) {
      drafts.update(roomId, () => current);
      setError(failure);
    }
  }, [client, drafts, roomId, readOnly]);

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLTextAreaElement>) => {
      // Keys confirm an IME composition (Japanese, Chinese…) before they mean anything to us.
      if (event.nativeEvent.isComposing) return;
      const plain = !event.altKey && !event.ctrlKey && !event.metaKey;
      if (event.key === 'Enter' && plain && !event.shiftKey) {
        event.preventDefault();
        void send();
      } else if (event.key === 'ArrowUp' && plain && !event.shiftKey && drafts.get(roomId).text === '') {
        const last = lastOwnMessage(
          client.store.getState().timelines[roomId]?.items,
          client.store.getState().userId,
        );
        if (last?.eventId && startEdit(last.eventId)) event.preventDefault();
      } else if (event.key === 'Escape') {
        const current = drafts.get(roomId);
        if (current.editing || current.replyTo) {
          event.preventDefault();
          cancel();
        }
      }
    },
    [client, drafts, roomId, send, startEdit, cancel],
  );

  const onBlur = useCallback(() => client.setTyping(roomId, false), [client, roomId]);

  return useMemo(
    () => ({
      draft: draft.text,
      setDraft,
      replyTo: draft.replyTo,
      setReplyTo,
      editing: draft.editing,
      startEdit,
      cancel,
      send,
      error,
      readOnly,
      onKeyDown,
      onBlur,
      focusRequest: draft.focusRequest ?? 0,
    }),
    [draft, setDraft, setReplyTo, startEdit, cancel, send, error, readOnly, onKeyDown, onBlur],
  );
}
