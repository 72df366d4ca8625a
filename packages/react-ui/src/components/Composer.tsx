import { type ClipboardEvent, type DragEvent, type KeyboardEvent, useEffect, useId, useRef } from 'react';
import { useChatContext } from '../ChatProvider.js';
import { useComposer } from '../hooks/useComposer.js';
import { useLoadedMessage } from '../hooks/useLoadedMessage.js';
import { useMember } from '../hooks/useMember.js';
import { useRoomField } from '../hooks/useRoom.js';
import { useUploads } from '../hooks/useUploads.js';
import { applyFormat, type FormatKind } from '../lib/applyFormat.js';
import { useIsomorphicLayoutEffect } from '../lib/useIsomorphicLayoutEffect.js';
import { ChatErrorNotice } from './ChatErrorNotice.js';
import { FormattingToolbar } from './FormattingToolbar.js';

export interface ComposerProps {
  roomId: string;
}

const SHORTCUTS: Readonly<Record<string, FormatKind>> = { b: 'bold', i: 'italic', e: 'code' };

/**
 * The message field of a room: Markdown formatting (toolbar and Ctrl/Cmd+B, I, E), files by button,
 * paste or drop with progress and cancel, replies and edits (Escape cancels), Enter to send.
 */
export function Composer({ roomId }: ComposerProps) {
  const { strings } = useChatContext();
  const roomName = useRoomField(roomId, 'name');
  const composer = useComposer(roomId);
  const { uploads, upload, cancel } = useUploads(roomId);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const pendingSelection = useRef<[number, number] | undefined>(undefined);
  const fieldId = useId();
  const hintId = useId();
  const reasonId = useId();
  const disabled = composer.readOnly;

  useEffect(() => {
    if (composer.focusRequest > 0) textarea.current?.focus();
  }, [composer.focusRequest]);

  // The caret goes back inside the inserted Markdown once React has rendered the new value.
  useIsomorphicLayoutEffect(() => {
    const selection = pendingSelection.current;
    if (!selection || !textarea.current) return;
    pendingSelection.current = undefined;
    textarea.current.focus();
    textarea.current.setSelectionRange(selection[0], selection[1]);
  });

  const format = (kind: FormatKind) => {
    const field = textarea.current;
    if (!field || disabled) return;
    const edit = applyFormat(composer.draft, field.selectionStart, field.selectionEnd, kind);
    pendingSelection.current = [edit.selectionStart, edit.selectionEnd];
    composer.setDraft(edit.value);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    const shortcut = SHORTCUTS[event.key.toLowerCase()];
    if (shortcut && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) {
      event.preventDefault();
      format(shortcut);
      return;
    }
    composer.onKeyDown(event);
  };

  const sendFiles = (files: FileList | null | undefined) => {
    if (disabled || !files) return false;
    for (const file of Array.from(files)) upload(file);
    return files.length > 0;
  };
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    if (sendFiles(event.clipboardData?.files)) event.preventDefault();
  };
  const onDragOver = (event: DragEvent<HTMLFormElement>) => {
    if (!disabled && event.dataTransfer?.types.includes('Files')) event.preventDefault();
  };
  const onDrop = (event: DragEvent<HTMLFormElement>) => {
    if (sendFiles(event.dataTransfer?.files)) event.preventDefault();
  };

  const describedBy = [disabled ? reasonId : hintId].join(' ');
  return (
    <form
      className="om-composer"
      onSubmit={(event) => {
        event.preventDefault();
        void composer.send();
      }}
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      {composer.editing ? (
        <ComposerMode
          label={strings.editingMessage}
          cancelLabel={strings.cancelEdit}
          onCancel={composer.cancel}
        />
      ) : composer.replyTo ? (
        <ReplyMode roomId={roomId} eventId={composer.replyTo} onCancel={composer.cancel} />
      ) : null}
      {uploads.map((item) => (
        <div key={item.id} className="om-upload">
          <span className="om-upload__name">{item.name}</span>
          <progress
            className="om-upload__progress"
            max={item.total || 1}
            value={item.loaded}
            aria-label={strings.uploading(item.name)}
          />
          <button
            type="button"
            className="om-button"
            aria-label={strings.cancelUpload(item.name)}
            onClick={() => cancel(item.id)}
          >
            {strings.cancel}
          </button>
          <ChatErrorNotice error={item.error} />
        </div>
      ))}
      <FormattingToolbar onFormat={format} disabled={disabled} />
      <div className="om-composer__row">
        <button
          type="button"
          className="om-icon-button"
          aria-label={strings.attach}
          disabled={disabled}
          onClick={() => fileInput.current?.click()}
        >
          <span aria-hidden="true">📎</span>
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          tabIndex={-1}
          aria-label={strings.attach}
          onChange={(event) => {
            sendFiles(event.currentTarget.files);
            event.currentTarget.value = '';
          }}
        />
        <label htmlFor={fieldId} className="om-visually-hidden">
          {strings.composerLabel(roomName ?? '')}
        </label>
        <textarea
          ref={textarea}
          id={fieldId}
          className="om-composer__input"
          rows={1}
          value={composer.draft}
          placeholder={disabled ? undefined : strings.composerPlaceholder}
          disabled={disabled}
          aria-describedby={describedBy}
          onChange={(event) => composer.setDraft(event.currentTarget.value)}
          onKeyDown={onKeyDown}
          onBlur={composer.onBlur}
          onPaste={onPaste}
        />
        <button type="submit" className="om-button om-button--primary" disabled={disabled}>
          {composer.editing ? strings.saveEdit : strings.send}
        </button>
      </div>
      {disabled ? (
        <p id={reasonId} className="om-composer__reason">
          {strings.readOnly}
        </p>
      ) : (
        <p id={hintId} className="om-visually-hidden">
          {strings.composerHint}
        </p>
      )}
      <ChatErrorNotice error={composer.error} />
    </form>
  );
}

function ReplyMode({ roomId, eventId, onCancel }: { roomId: string; eventId: string; onCancel: () => void }) {
  const { strings } = useChatContext();
  const target = useLoadedMessage(roomId, eventId);
  const sender = useMember(roomId, target?.sender ?? '');
  const name = target ? (sender?.displayName ?? target.sender) : strings.aMessage;
  return (
    <ComposerMode label={strings.replyingTo(name)} cancelLabel={strings.cancelReply} onCancel={onCancel} />
  );
}

function ComposerMode({
  label,
  cancelLabel,
  onCancel,
}: {
  label: string;
  cancelLabel: string;
  onCancel: () => void;
}) {
  return (
    <div className="om-composer__mode">
      <span>{label}</span>
      <button type="button" className="om-button" onClick={onCancel}>
        {cancelLabel}
      </button>
    </div>
  );
}
