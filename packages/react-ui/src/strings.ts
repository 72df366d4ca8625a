import type { NotificationMode, RoomKind } from '@openmeet/chat-sdk';

/**
 * Every user-facing text of the widgets, in one catalogue so an app can translate or reword them:
 * pass a partial catalogue as `strings` to `ChatProvider`; it is merged over these English defaults.
 * Entries that depend on data are functions.
 */
export interface ChatStrings {
  errorFallback: string;
  timelineLabel: (roomName: string) => string;
  newMessages: string;
  jumpToLatest: string;
  loadMissing: string;
  loadingMissing: string;
  loadingOlder: string;
  formatDay: (date: Date) => string;
  formatTime: (date: Date) => string;
  edited: string;
  deleted: string;
  inReplyTo: (senderName: string) => string;
  aMessage: string;
  sending: string;
  failed: (reason: string) => string;
  unsent: string;
  resend: string;
  discard: string;
  reactionLabel: (key: string, count: number, mine: boolean) => string;
  reactions: string;
  messageActions: (senderName: string) => string;
  reply: string;
  reactWith: (key: string) => string;
  edit: string;
  delete: string;
  deleteTitle: string;
  deleteBody: string;
  cancel: string;
  confirmDelete: string;
  notice: (type: string) => string;
  download: (name: string, size: string) => string;
  formatBytes: (bytes: number) => string;
  linkPreview: (title: string) => string;
  stateChange: (senderName: string, type: string, content: Record<string, unknown>) => string;
  /** The summary of a new room's setup: `changes` counts the state changes after the creation. */
  roomCreated: (creatorName: string, changes: number) => string;
  /** The button that shows or hides those changes (it has `aria-expanded`, so its label stays). */
  roomCreationDetails: string;
  composerLabel: (roomName: string) => string;
  composerPlaceholder: string;
  composerHint: string;
  send: string;
  saveEdit: string;
  formatting: string;
  bold: string;
  italic: string;
  code: string;
  link: string;
  attach: string;
  uploading: (name: string) => string;
  cancelUpload: (name: string) => string;
  replyingTo: (senderName: string) => string;
  editingMessage: string;
  cancelReply: string;
  cancelEdit: string;
  readOnly: string;
  typing: (names: readonly string[]) => string;
  seenBy: (names: readonly string[]) => string;
  roomList: string;
  roomKind: (kind: RoomKind) => string;
  invited: string;
  unread: (count: number) => string;
  mentions: (count: number) => string;
  notifications: string;
  notificationMode: (mode: NotificationMode) => string;
  connection: (status: 'reconnecting' | 'offline' | 'fallback' | 'error') => string;
  queued: (count: number) => string;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

function list(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

// One formatter each, made on first use: `toLocale…String` with options builds a new one per call
// (a fraction of a millisecond each, for every row a timeline renders).
let days: Intl.DateTimeFormat | undefined;
let times: Intl.DateTimeFormat | undefined;
const dayFormat = () => (days ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'full' }));
const timeFormat = () =>
  (times ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }));

export const defaultStrings: ChatStrings = {
  errorFallback: 'Something went wrong.',
  timelineLabel: (roomName) => `Messages in ${roomName}`,
  newMessages: 'New messages',
  jumpToLatest: 'Jump to latest messages',
  loadMissing: 'Load missing messages',
  loadingMissing: 'Loading missing messages…',
  loadingOlder: 'Loading older messages…',
  formatDay: (date) => dayFormat().format(date),
  formatTime: (date) => timeFormat().format(date),
  edited: '(edited)',
  deleted: 'This message was deleted.',
  inReplyTo: (senderName) => `In reply to ${senderName}`,
  aMessage: 'a message',
  sending: 'Sending…',
  failed: (reason) => `Not sent: ${reason}`,
  unsent: 'Not sent yet: the connection was lost.',
  resend: 'Resend',
  discard: 'Discard',
  reactionLabel: (key, count, mine) =>
    `${key}: ${plural(count, 'reaction', 'reactions')}${mine ? ', including yours' : ''}`,
  reactions: 'Reactions',
  messageActions: (senderName) => `Actions for the message from ${senderName}`,
  reply: 'Reply',
  reactWith: (key) => `React with ${key}`,
  edit: 'Edit',
  delete: 'Delete',
  deleteTitle: 'Delete this message?',
  deleteBody: 'Everyone in the room will see that a message was deleted. This cannot be undone.',
  cancel: 'Cancel',
  confirmDelete: 'Delete',
  notice: (type) => `Notice: ${type}`,
  download: (name, size) => `Download ${name} (${size})`,
  formatBytes: (bytes) =>
    bytes < 1024
      ? `${bytes} B`
      : bytes < 1024 * 1024
        ? `${(bytes / 1024).toFixed(1)} KB`
        : `${(bytes / 1024 / 1024).toFixed(1)} MB`,
  linkPreview: (title) => `Link preview: ${title}`,
  stateChange: (name, type, content) => {
    if (type === 'm.room.create') return `${name} created the room`;
    if (type === 'm.room.name') return `${name} renamed the room to ${String(content.name ?? '')}`;
    if (type === 'm.room.topic') return `${name} changed the topic to ${String(content.topic ?? '')}`;
    if (type === 'm.room.avatar') return `${name} changed the room picture`;
    if (type === 'm.room.join_rules')
      return content.join_rule === 'public'
        ? `${name} made the room public`
        : content.join_rule === 'invite'
          ? `${name} made the room invite-only`
          : `${name} changed who can join`;
    if (type === 'm.room.history_visibility')
      return content.history_visibility === 'world_readable'
        ? `${name} made the history readable by anyone`
        : `${name} changed who can read the history`;
    if (type === 'm.room.member') return content.membership === 'join' ? `${name} joined` : `${name} left`;
    return `${name} updated the room`;
  },
  roomCreated: (name, changes) =>
    changes === 0
      ? `${name} created the room`
      : `${name} created the room and made ${plural(changes, 'change', 'changes')}`,
  roomCreationDetails: 'Details',
  composerLabel: (roomName) => `Message ${roomName}`,
  composerPlaceholder: 'Write a message…',
  composerHint: 'Enter sends, Shift+Enter adds a line, Arrow Up edits your last message.',
  send: 'Send',
  saveEdit: 'Save',
  formatting: 'Formatting',
  bold: 'Bold',
  italic: 'Italic',
  code: 'Code',
  link: 'Link',
  attach: 'Attach a file',
  uploading: (name) => `Uploading ${name}`,
  cancelUpload: (name) => `Cancel the upload of ${name}`,
  replyingTo: (senderName) => `Replying to ${senderName}`,
  editingMessage: 'Editing your message',
  cancelReply: 'Cancel reply',
  cancelEdit: 'Cancel editing',
  readOnly: 'This room is read-only: new messages cannot be posted.',
  typing: (names) =>
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length === 2
          ? `${names[0]} and ${names[1]} are typing…`
          : 'Several people are typing…',
  seenBy: (names) => `Seen by ${list(names)}`,
  roomList: 'Rooms',
  roomKind: (kind) =>
    (
      ({ group: 'Group', event: 'Event', dm: 'Direct message', other: 'Room' }) satisfies Record<
        RoomKind,
        string
      >
    )[kind],
  invited: 'Invitation',
  unread: (count) => plural(count, 'unread message', 'unread messages'),
  mentions: (count) => plural(count, 'mention', 'mentions'),
  notifications: 'Notifications',
  notificationMode: (mode) =>
    (
      ({ all: 'All messages', mentions: 'Mentions only', mute: 'Mute' }) satisfies Record<
        NotificationMode,
        string
      >
    )[mode],
  connection: (status) =>
    (
      ({
        reconnecting: 'Connection lost. Reconnecting…',
        offline: 'You are offline.',
        fallback: 'Connected in fallback mode: messages may arrive more slowly.',
        error: 'Chat is unavailable.',
      }) satisfies Record<typeof status, string>
    )[status],
  queued: (count) => `${plural(count, 'message', 'messages')} waiting to be sent.`,
};
