import { BrokerApi, type BrokerSession, type EntityQuery } from '../broker/BrokerApi.js';
import { ChatSdkError, isChatSdkError } from '../ChatSdkError.js';
import {
  editContent,
  type MediaKind,
  type MessageContent,
  mediaContent,
  reactionContent,
  replyContent,
  textContent,
} from '../content/index.js';
import { HomeserverApi, loadHttpLayer } from '../matrix/HomeserverApi.js';
import { imageInfo } from '../media/imageInfo.js';
import { MediaCache, type Thumbnail } from '../media/MediaCache.js';
import { Outbox } from '../outbox/Outbox.js';
import type { OutboxChange, OutboxEntry } from '../outbox/OutboxEntry.js';
import type { OutboxStorage } from '../outbox/OutboxStorage.js';
import { persistentDeviceKey } from '../session/deviceKey.js';
import { SessionManager } from '../session/SessionManager.js';
import type { CacheSession, ChatCache } from '../snapshot/ChatCache.js';
import { applySync } from '../store/applySync.js';
import type { ChatState, ConnectionStatus, NotificationMode } from '../store/ChatState.js';
import { initialChatState } from '../store/ChatState.js';
import { type ChatStore, createChatStore } from '../store/createChatStore.js';
import { browserNetworkSignals, type NetworkSignals } from '../sync/networkSignals.js';
import type { SyncStatus } from '../sync/SyncLoop.js';
import {
  addLocalEcho,
  emptyTimeline,
  removeLocalEcho,
  type SendState,
  updateLocalEcho,
} from '../timeline/index.js';
import type { MessageItem, RoomTimeline, TimelineOptions } from '../timeline/types.js';
import { createDirectTransport } from '../transport/DirectTransport.js';
import { createSseTransport } from '../transport/SseTransport.js';
import type { Transport } from '../transport/Transport.js';
import { probeHomeserver } from './probeHomeserver.js';
import { ReadTracker } from './ReadTracker.js';
import { RoomHistory } from './RoomHistory.js';
import { SendWarmer } from './SendWarmer.js';
import { type TransportMode, TransportSwitch } from './TransportSwitch.js';
import { TypingNotifier } from './TypingNotifier.js';
import { waitForState } from './waitForState.js';

export interface ChatClientConfig {
  brokerUrl: string;
  getHostToken: (() => string | undefined | Promise<string | undefined>) | undefined;
  deviceKey: string | undefined;
  outboxStorage: OutboxStorage;
  /** Where the last session's rooms and recent messages are kept for the next page open; none: not kept. */
  cache: ChatCache | undefined;
  fetch: typeof globalThis.fetch | undefined;
  showMembershipEvents: boolean;
  initialHistory: number;
  network: NetworkSignals | undefined;
  roomWaitMs: number;
  transport: TransportMode;
  probeIntervalMs: number;
}

export interface SendOptions {
  /** Render the text as Markdown into `formatted_body` (default true). */
  markdown?: boolean;
  /** The event this message replies to. */
  replyTo?: string;
  /** Users the message mentions (`m.mentions`); their ids in the text become pills. */
  mentions?: readonly string[];
  /** `@room`: notify everyone (needs the power level for it). */
  mentionRoom?: boolean;
  msgtype?: 'm.text' | 'm.emote' | 'm.notice';
}

export interface UploadOptions {
  /** Bytes sent so far of the file (the thumbnail is not counted). */
  onProgress?: (progress: { loaded: number; total: number }) => void;
  /** Aborts the upload; nothing is sent to the room. */
  signal?: AbortSignal;
  /** The name shown for the file. Default: the file's own name, else "file". */
  name?: string;
}

export interface SearchResult {
  roomId: string;
  event: { eventId: string; sender: string; ts: number; content: Record<string, unknown> };
  rank: number;
}

/** What `sendMessage` and the other queued actions answer: the message's stable transaction id. */
export interface Queued {
  txnId: string;
}

/**
 * The chat client: one per signed-in host user and page. Connect once; everything it learns goes
 * into `store` (a zustand vanilla store), every action is a method. Created by `createChatClient`.
 */
export class ChatClient {
  readonly store: ChatStore;
  readonly #broker: BrokerApi;
  readonly #network: NetworkSignals;
  #sessions: SessionManager | undefined;
  #transports: TransportSwitch | undefined;
  #outbox: Outbox | undefined;
  readonly #history: RoomHistory;
  readonly #typing: TypingNotifier;
  readonly #sendWarmer: SendWarmer;
  readonly #reads: ReadTracker;
  readonly #media: MediaCache;
  #connecting: Promise<void> | undefined;
  /** The opt-in cache of the last session, once connected (everything about snapshots is there). */
  #cached: CacheSession | undefined;
  /** This connection's first sync is in the store. */
  #synced = false;
  /** Settles once the start of this connection has shown a snapshot (true) or will not (false). */
  #hydration: Promise<boolean> = Promise.resolve(false);
  #lifetime = new AbortController();
  readonly #cleanups: Array<() => void> = [];

  readonly #config: ChatClientConfig;

  constructor(config: ChatClientConfig) {
    this.#config = config;
    this.store = createChatStore();
    this.#broker = new BrokerApi({
      brokerUrl: config.brokerUrl,
      ...(config.getHostToken ? { getHostToken: config.getHostToken } : {}),
      ...(config.fetch ? { fetch: config.fetch } : {}),
    });
    this.#network = config.network ?? browserNetworkSignals();
    this.#history = new RoomHistory({
      store: this.store,
      transport: () => this.#requireTransport(),
      timelineOptions: () => this.#timelineOptions(),
    });
    this.#typing = new TypingNotifier((roomId, typing, timeoutMs) =>
      this.#requireTransport().typing(roomId, this.#requireUserId(), typing, timeoutMs),
    );
    this.#sendWarmer = new SendWarmer({
      warm: (roomId, txnId) => this.#transports?.current.warmSend(roomId, 'm.room.message', txnId),
    });
    this.#media = new MediaCache((serverName, mediaId, thumbnail) =>
      this.#requireTransport().media(serverName, mediaId, thumbnail),
    );
    this.#reads = new ReadTracker(async (roomId, eventId) => {
      const transport = this.#requireTransport();
      await transport.readMarkers(roomId, { fullyRead: eventId, read: eventId });
    });
  }

  /**
   * Signs in through the broker and starts syncing; resolves once the first sync is in the store
   * (rooms listed, recent messages loaded). Calling it again returns the same promise.
   */
  connect(): Promise<void> {
    this.#connecting ??= this.#start().catch((error: unknown) => {
      this.#connecting = undefined;
      const failure = isChatSdkError(error)
        ? error
        : new ChatSdkError('CHAT_SERVER_ERROR', 'Could not connect', { cause: error });
      this.#setConnection('error', failure);
      this.#stopServices();
      throw failure;
    });
    return this.#connecting;
  }

  /** Stops syncing, timers and requests; queued messages stay queued for the next connect. */
  async close(): Promise<void> {
    this.#connecting = undefined;
    await this.#stopServices();
    this.#setConnection('idle');
  }

  /**
   * For host logout: stops everything and deletes what this browser keeps for the user (queued
   * messages, caches), so the next user of the browser sees nothing of theirs.
   */
  async signOut(): Promise<void> {
    const outbox = this.#outbox;
    await this.close();
    const userId = this.store.getState().userId;
    if (outbox) await outbox.clear();
    else if (userId) await this.#config.outboxStorage.clear(userId);
    const cached = this.#cached;
    this.#cached = undefined;
    await (cached
      ? cached.clear()
      : this.#config.cache?.clear(this.#config.deviceKey ?? persistentDeviceKey())
    )?.catch(() => undefined);
    this.store.setState(initialChatState(), true);
  }

  // ---- rooms -------------------------------------------------------------------------------

  /**
   * The room of a host group or event (by id or slug), joined if it is public and not joined
   * yet, with enough history to render. Resolves with the room id.
   */
  async openEntityRoom(query: EntityQuery): Promise<string> {
    const key = entityKey(query);
    // The lookup needs only the host session: it runs while the client connects, not after it.
    const lookup = this.#broker.lookupRoom(query).then(({ roomId }) => {
      this.#cached?.rememberEntityRoom(key, roomId);
      this.#cacheChanged();
      return roomId;
    });
    const connected = this.connect();
    // A returning user's room, from the last session's snapshot: shown while both run.
    const known = (await this.#hydration) ? this.#cached?.entityRoom(key) : undefined;
    if (known !== undefined && this.store.getState().rooms[known]?.membership === 'join') {
      // Their failures show in the connection state; the next page open uses the new answer.
      Promise.all([lookup, connected]).catch(() => undefined);
      return this.openRoom(known);
    }
    const [roomId] = await Promise.all([lookup, connected]);
    if (this.store.getState().rooms[roomId]?.membership !== 'join') {
      await this.#requireTransport().joinRoom(roomId);
    }
    return this.openRoom(roomId);
  }

  /** The DM with another host user (created on first use). Resolves with the room id. */
  async openDirectRoom(hostUserId: string): Promise<string> {
    await this.connect();
    const { roomId } = await this.#broker.directRoom(hostUserId);
    const membership = this.store.getState().rooms[roomId]?.membership;
    if (membership === 'invite') await this.#requireTransport().joinRoom(roomId);
    return this.openRoom(roomId);
  }

  /**
   * Waits until the room is in the store, then loads history until it does not look empty. With a
   * snapshot of the last session in the store, it resolves from that at once and loads history
   * after the first sync.
   */
  async openRoom(roomId: string): Promise<string> {
    const connected = this.connect();
    if (!(await this.#hydration) || this.#synced) await connected;
    await waitForState(
      this.store,
      (state) => (state.rooms[roomId]?.membership === 'join' ? true : undefined),
      {
        timeoutMs: this.#config.roomWaitMs,
        error: () => new ChatSdkError('CHAT_ROOM_NOT_FOUND', `Room ${roomId} did not appear in the sync`),
        signal: this.#lifetime.signal,
      },
    );
    if (this.#synced) await this.#history.ensureHistory(roomId, this.#config.initialHistory);
    else {
      connected
        .then(() => this.#history.ensureHistory(roomId, this.#config.initialHistory))
        .catch(() => undefined);
    }
    return roomId;
  }

  /** Loads older messages; resolves false once the beginning of the room is reached. */
  paginateBack(roomId: string, limit?: number): Promise<boolean> {
    return this.#history.paginateBack(roomId, limit);
  }

  /** Fills a gap item (gaps also fill on their own after a reconnect). */
  fillGap(roomId: string, token: string): Promise<void> {
    return this.#history.fillGap(roomId, token);
  }

  // ---- messages ----------------------------------------------------------------------------

  /** Queues a text message; it shows at once as `sending` and survives reloads until sent. */
  async sendMessage(roomId: string, text: string, options: SendOptions = {}): Promise<Queued> {
    if (typeof text !== 'string' || text.trim() === '') {
      throw new ChatSdkError('CHAT_BAD_INPUT', 'A message needs some text');
    }
    const plain = textContent({
      body: text,
      markdown: options.markdown ?? true,
      ...(options.msgtype ? { msgtype: options.msgtype } : {}),
      ...(options.mentions || options.mentionRoom
        ? { mentions: { userIds: options.mentions ?? [], ...(options.mentionRoom ? { room: true } : {}) } }
        : {}),
    });
    let content: Record<string, unknown> = { ...plain };
    if (options.replyTo) {
      const sender =
        this.#findMessage(roomId, options.replyTo)?.sender ??
        (await this.#requireTransport().event(roomId, options.replyTo)).sender;
      content = { ...replyContent(plain, { eventId: options.replyTo, sender }) };
    }
    let settle: () => void = () => {};
    this.#typing.stopAfter(
      roomId,
      new Promise<void>((resolve) => {
        settle = resolve;
      }),
    );
    try {
      const txnId = this.#sendWarmer.take(roomId);
      const queued = await this.#enqueue(roomId, {
        kind: 'event',
        eventType: 'm.room.message',
        content,
        ...(txnId === undefined ? {} : { txnId }),
      });
      this.#untilOut(queued.txnId).then(settle);
      return queued;
    } catch (error) {
      settle();
      throw error;
    }
  }

  /** Replaces the text of one of this user's messages (`m.replace`); the original is kept. */
  async editMessage(
    roomId: string,
    eventId: string,
    text: string,
    options: SendOptions = {},
  ): Promise<Queued> {
    const target = this.#findMessage(roomId, eventId);
    if (!target) throw new ChatSdkError('CHAT_EVENT_NOT_FOUND', 'Only a loaded message can be edited');
    if (target.sender !== this.#requireUserId()) {
      throw new ChatSdkError('CHAT_FORBIDDEN', "Other users' messages cannot be edited");
    }
    const next = textContent({
      body: text,
      markdown: options.markdown ?? true,
      ...(options.mentions ? { mentions: { userIds: options.mentions } } : {}),
    });
    return this.#enqueue(roomId, {
      kind: 'event',
      eventType: 'm.room.message',
      content: { ...editContent(eventId, next, target.content as Pick<MessageContent, 'm.mentions'>) },
    });
  }

  /**
   * Deletes a message (a redaction; others see a placeholder). A message still in the outbox is
   * simply not sent.
   */
  async deleteMessage(roomId: string, eventIdOrTxnId: string, reason?: string): Promise<void> {
    const queued = this.#outbox?.entries(roomId).find((entry) => entry.txnId === eventIdOrTxnId);
    if (queued) {
      await this.discard(queued.txnId);
      return;
    }
    await this.#enqueue(roomId, {
      kind: 'redaction',
      eventType: 'm.room.redaction',
      content: reason ? { reason } : {},
      redacts: eventIdOrTxnId,
    });
  }

  /** Adds this user's reaction (a no-op when they already reacted with `key`). */
  async react(roomId: string, eventId: string, key: string): Promise<void> {
    const target = this.#findMessage(roomId, eventId);
    const mine = target?.reactions.find((group) => group.key === key);
    if (mine?.senders.includes(this.#requireUserId())) return;
    await this.#enqueue(roomId, {
      kind: 'event',
      eventType: 'm.reaction',
      content: { ...reactionContent(eventId, key) },
    });
  }

  /** Removes this user's reaction `key` from the message. */
  async unreact(roomId: string, eventId: string, key: string): Promise<void> {
    const own = this.#findMessage(roomId, eventId)?.reactions.find((group) => group.key === key)?.ownEventId;
    if (own) await this.deleteMessage(roomId, own);
  }

  /** Sends a failed or unsent message again (same transaction id: it is never duplicated). */
  async resend(txnId: string): Promise<void> {
    await this.#requireOutbox().resend(txnId);
  }

  /** Drops a queued, failed or unsent message. */
  async discard(txnId: string): Promise<void> {
    await this.#requireOutbox().discard(txnId);
  }

  /**
   * Tell the room this user is typing (throttled); false when they stop or leave the field. Typing
   * also readies the room's next message, so that it leaves without a CORS preflight (`SendWarmer`).
   */
  setTyping(roomId: string, typing: boolean): void {
    if (!this.#transports) return;
    this.#typing.set(roomId, typing);
    if (typing && roomId.startsWith('!')) this.#sendWarmer.warm(roomId);
  }

  /** Moves the read receipt and the fully-read marker to `eventId` (debounced per room). */
  markRead(roomId: string, eventId: string): void {
    if (!eventId.startsWith('$')) return;
    this.#reads.markRead(roomId, eventId);
  }

  // ---- media, previews, search --------------------------------------------------------------

  /**
   * Uploads a file or image and posts it to the room. Images get their width, height and a
   * thumbnail made in the browser, so timelines reserve their space before they load. Resolves
   * once the message is queued; rejects with `CHAT_ABORTED` when `signal` aborts the upload.
   */
  async sendFile(roomId: string, file: Blob, options: UploadOptions = {}): Promise<Queued> {
    const transport = this.#requireTransport();
    const mimetype = file.type || 'application/octet-stream';
    const name = options.name ?? (file as { name?: string }).name ?? 'file';
    const kind: MediaKind = mimetype.startsWith('image/')
      ? 'image'
      : mimetype.startsWith('video/')
        ? 'video'
        : mimetype.startsWith('audio/')
          ? 'audio'
          : 'file';
    const image = kind === 'image' ? await imageInfo(file) : undefined;
    const uploaded = await transport.upload(file, {
      name,
      type: mimetype,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const info: Record<string, unknown> = { mimetype, size: file.size };
    if (image) {
      info.w = image.w;
      info.h = image.h;
      if (image.thumbnail) {
        const thumb = await transport.upload(image.thumbnail.blob, {
          name: `thumbnail-${name}.jpg`,
          type: 'image/jpeg',
          ...(options.signal ? { signal: options.signal } : {}),
        });
        info.thumbnail_url = thumb.content_uri;
        info.thumbnail_info = {
          mimetype: 'image/jpeg',
          size: image.thumbnail.blob.size,
          w: image.thumbnail.w,
          h: image.thumbnail.h,
        };
      }
    }
    const content = mediaContent({ kind, body: name, url: uploaded.content_uri, info: info as never });
    return this.#enqueue(roomId, { kind: 'event', eventType: 'm.room.message', content: { ...content } });
  }

  /**
   * A blob URL for an `mxc://` URI, fetched through the authenticated media endpoints and kept
   * in a bounded cache. Pass `thumbnail` for a server-scaled version.
   */
  async mediaUrl(mxc: string, thumbnail?: Thumbnail): Promise<string> {
    this.#requireTransport();
    return this.#media.url(mxc, thumbnail);
  }

  /** OpenGraph data for a URL (`og:title`, `og:description`, `og:image` as mxc, …), from the homeserver. */
  async urlPreview(url: string): Promise<Record<string, unknown>> {
    if (!/^https?:\/\//i.test(url))
      throw new ChatSdkError('CHAT_BAD_INPUT', 'Only http(s) URLs have previews');
    return this.#requireTransport().urlPreview(url);
  }

  /** Full-text search of messages (all joined rooms, or one), newest first, through the server. */
  async search(
    term: string,
    options: { roomId?: string; nextBatch?: string } = {},
  ): Promise<{ results: SearchResult[]; count: number; nextBatch?: string }> {
    if (term.trim() === '') throw new ChatSdkError('CHAT_BAD_INPUT', 'Search for some text');
    const body = {
      search_categories: {
        room_events: {
          search_term: term,
          order_by: 'recent',
          keys: ['content.body'],
          ...(options.roomId ? { filter: { rooms: [options.roomId] } } : {}),
        },
      },
    };
    const response = await this.#requireTransport().search(body, options.nextBatch);
    const events =
      (response.search_categories as { room_events?: Record<string, unknown> } | undefined)?.room_events ??
      {};
    const raw = Array.isArray(events.results) ? events.results : [];
    const results: SearchResult[] = [];
    for (const item of raw as Array<{ rank?: unknown; result?: Record<string, unknown> }>) {
      const event = item.result;
      if (!event || typeof event.event_id !== 'string' || typeof event.room_id !== 'string') continue;
      results.push({
        roomId: event.room_id,
        rank: typeof item.rank === 'number' ? item.rank : 0,
        event: {
          eventId: event.event_id,
          sender: String(event.sender ?? ''),
          ts: typeof event.origin_server_ts === 'number' ? event.origin_server_ts : 0,
          content:
            typeof event.content === 'object' && event.content !== null
              ? (event.content as Record<string, unknown>)
              : {},
        },
      });
    }
    return {
      results,
      count: typeof events.count === 'number' ? events.count : results.length,
      ...(typeof events.next_batch === 'string' ? { nextBatch: events.next_batch } : {}),
    };
  }

  /** Stores the room's notification setting as push rules on the server. */
  async setNotificationMode(roomId: string, mode: NotificationMode): Promise<void> {
    const transport = this.#requireTransport();
    // Element's scheme: mute = an override rule for the room without notify; mentions = a room
    // rule without notify; all = neither. Removing an absent rule answers 404: fine.
    const drop = (kind: string) =>
      transport.pushRule('DELETE', kind, roomId).catch((error: unknown) => {
        if (
          !isChatSdkError(error) ||
          (error.status !== 404 &&
            error.code !== 'CHAT_ROOM_NOT_FOUND' &&
            error.code !== 'CHAT_EVENT_NOT_FOUND')
        )
          throw error;
      });
    await drop('override');
    await drop('room');
    if (mode === 'mute') {
      await transport.pushRule('PUT', 'override', roomId, {
        actions: [],
        conditions: [{ kind: 'event_match', key: 'room_id', pattern: roomId }],
      });
    } else if (mode === 'mentions') {
      await transport.pushRule('PUT', 'room', roomId, { actions: [] });
    }
    this.store.setState((state) => {
      const room = state.rooms[roomId];
      return room && room.notification !== mode
        ? { rooms: { ...state.rooms, [roomId]: { ...room, notification: mode } } }
        : state;
    });
  }

  // ---- internals ---------------------------------------------------------------------------

  async #start(): Promise<void> {
    let settleHydration: (hydrated: boolean) => void = () => {};
    this.#hydration = new Promise((resolve) => {
      settleHydration = resolve;
    });
    try {
      await this.#startConnection(settleHydration);
    } finally {
      settleHydration(false);
    }
  }

  async #startConnection(settleHydration: (hydrated: boolean) => void): Promise<void> {
    this.#lifetime = new AbortController();
    this.#synced = false;
    this.#setConnection('connecting');
    const deviceKey = this.#config.deviceKey ?? persistentDeviceKey();
    // Downloaded beside the broker session, not after it; a failure shows on the first request.
    loadHttpLayer().catch(() => undefined);
    if (this.#config.cache) this.#cached ??= this.#config.cache.open(deviceKey);
    const cached = this.#cached;
    const sessions = new SessionManager({
      broker: this.#broker,
      deviceKey,
      onError: (error) => {
        if (error.code === 'CHAT_UNAUTHORIZED') this.#setConnection('error', error);
      },
    });
    this.#sessions = sessions;
    const sessionAsked = sessions.get();
    // Read beside the broker session; shown only once the session says whose it is.
    const hydrating = cached
      ? cached.hydrate(
          this.store,
          sessionAsked.then((asked) => asked.userId),
        )
      : Promise.resolve(false);
    const session = await sessionAsked;
    this.store.setState({ userId: session.userId });
    const tokens = {
      accessToken: () => (sessions.current() as BrokerSession).accessToken,
      refresh: async (stale: string) => (await sessions.refresh(stale)).accessToken,
    };
    const fetch = this.#config.fetch;
    const apiFor = (baseUrl: string) => new HomeserverApi({ baseUrl, tokens, ...(fetch ? { fetch } : {}) });
    let resolveFirst: () => void = () => {};
    let rejectFirst: (error: unknown) => void = () => {};
    const firstSync = new Promise<void>((resolve, reject) => {
      resolveFirst = resolve;
      rejectFirst = reject;
    });
    const transports = new TransportSwitch({
      mode: this.#config.transport,
      probeIntervalMs: this.#config.probeIntervalMs,
      probe: () => probeHomeserver(session.homeserverUrl, fetch ?? globalThis.fetch),
      transports: {
        direct: createDirectTransport({
          api: apiFor(session.homeserverUrl),
          initialTimelineLimit: this.#config.initialHistory,
          network: this.#network,
        }),
        sse: createSseTransport({
          broker: this.#broker,
          deviceKey,
          api: apiFor(this.#broker.proxyBaseUrl()),
          network: this.#network,
          ...(fetch ? { fetch } : {}),
        }),
      },
      onSync: (response, initial) => {
        const shown = this.store.getState();
        const replace = initial && cached?.showing === true;
        const apply = (base: ChatState) => applySync(base, response, this.#timelineOptions());
        // A snapshot stands in until the first sync, which replaces it rather than merging into it.
        this.store.setState(cached ? cached.synced(shown, initial, apply) : apply(shown), true);
        this.#synced = true;
        if (replace) this.#echoOutbox();
        this.#afterSync(shown);
        this.#cacheChanged();
        resolveFirst();
      },
      onStatus: (status, error) => {
        this.#setConnection(status, error);
        if (status === 'live' || status === 'fallback') this.#outbox?.retryNow();
        if (status === 'error') {
          rejectFirst(error);
          // Stopped for good (e.g. the host session ended): a later connect() starts afresh.
          this.#connecting = undefined;
          void this.#stopServices();
        }
      },
    });
    this.#transports = transports;
    this.#cleanups.push(
      this.#network.subscribe((online) => {
        if (online) this.#outbox?.retryNow();
      }),
    );
    void hydrating.then((hydrated) => {
      if (hydrated) this.#echoOutbox();
      settleHydration(hydrated);
    });
    // Side by side: the outbox (storage) needs nothing from the sync, and a restored message whose
    // remote echo the first sync already brought is not echoed twice (`addLocalEcho`).
    await Promise.all([this.#startOutbox(session.userId), transports.start(), firstSync, hydrating]);
  }

  #cacheChanged(): void {
    this.#cached?.changed(() => this.store.getState());
  }

  #echoOutbox(): void {
    for (const entry of this.#outbox?.entries() ?? []) this.#echo(entry);
  }

  async #startOutbox(userId: string): Promise<void> {
    const outbox = new Outbox({
      userId,
      storage: this.#config.outboxStorage,
      // Whichever transport is current at each attempt: a switch mid-send just retries there.
      send: async (entry, signal) => {
        const transport = this.#requireTransport();
        const response =
          entry.kind === 'redaction'
            ? await transport.redact(entry.roomId, entry.redacts ?? '', entry.txnId, reasonOf(entry), signal)
            : await transport.sendEvent(entry.roomId, entry.eventType, entry.txnId, entry.content, signal);
        return { eventId: response.event_id };
      },
    });
    this.#outbox = outbox;
    this.#cleanups.push(outbox.subscribe((change) => this.#onOutboxChange(change)));
    await outbox.start();
    // Messages queued before a reload show again, in their rooms, as they stand.
    for (const entry of outbox.entries()) this.#echo(entry);
    this.#countQueued();
  }

  #onOutboxChange(change: OutboxChange): void {
    const { entry } = change;
    if (change.type === 'queued') this.#echo(entry);
    else if (change.type === 'removed') {
      this.#updateTimeline(entry.roomId, (timeline) => removeLocalEcho(timeline, entry.txnId));
    } else if (change.type === 'sent') {
      this.#updateTimeline(entry.roomId, (timeline) =>
        updateLocalEcho(timeline, entry.txnId, {
          sendState: 'sent',
          ...(change.eventId ? { eventId: change.eventId } : {}),
        }),
      );
    } else if (entry.state === 'failed' && isRelation(entry)) {
      // A refused reaction, edit or deletion has nothing to show and nothing to resend: undo it.
      this.#outbox?.discard(entry.id).catch(() => {});
    } else {
      this.#updateTimeline(entry.roomId, (timeline) =>
        updateLocalEcho(timeline, entry.txnId, {
          sendState: sendStateOf(entry),
          ...(entry.error ? { error: { code: entry.error.code, message: entry.error.message } } : {}),
        }),
      );
    }
    this.#countQueued();
  }

  #echo(entry: OutboxEntry): void {
    const userId = this.store.getState().userId;
    if (!userId) return;
    this.#updateTimeline(entry.roomId, (timeline) => {
      const echoed = addLocalEcho(
        timeline,
        {
          txnId: entry.txnId,
          type: entry.eventType,
          content: entry.content,
          sender: userId,
          ts: entry.createdAt,
          ...(entry.redacts ? { redacts: entry.redacts } : {}),
        },
        this.#timelineOptions(),
      );
      const state = sendStateOf(entry);
      return state === 'sending'
        ? echoed
        : updateLocalEcho(echoed, entry.txnId, {
            sendState: state,
            ...(entry.error ? { error: { code: entry.error.code, message: entry.error.message } } : {}),
          });
    });
  }

  #afterSync(before: ChatState): void {
    const after = this.store.getState();
    for (const [roomId, timeline] of Object.entries(after.timelines)) {
      if (
        timeline !== before.timelines[roomId] &&
        timeline.items.some((item) => item.kind === 'gap' && !item.filling)
      ) {
        this.#history.fillGaps(roomId);
      }
    }
  }

  async #enqueue(
    roomId: string,
    input: {
      kind: 'event' | 'redaction';
      eventType: string;
      content: Record<string, unknown>;
      redacts?: string;
      txnId?: string;
    },
  ): Promise<Queued> {
    if (!roomId.startsWith('!')) throw new ChatSdkError('CHAT_BAD_INPUT', `Not a room id: ${roomId}`);
    const entry = await this.#requireOutbox().enqueue({ roomId, ...input });
    return { txnId: entry.txnId };
  }

  /** Resolves once the outbox has sent the entry, given up on it for now, or dropped it. */
  #untilOut(txnId: string): Promise<void> {
    const outbox = this.#outbox;
    if (!outbox) return Promise.resolve();
    if (!outbox.entries().some((entry) => entry.txnId === txnId)) return Promise.resolve();
    return new Promise((resolve) => {
      const unsubscribe = outbox.subscribe(({ type, entry }) => {
        if (entry.txnId !== txnId) return;
        const waiting = entry.state === 'queued' && entry.nextAttemptAt !== undefined;
        if (
          type === 'sent' ||
          type === 'removed' ||
          entry.state === 'failed' ||
          entry.state === 'unsent' ||
          waiting
        ) {
          unsubscribe();
          resolve();
        }
      });
    });
  }

  #findMessage(roomId: string, eventId: string): MessageItem | undefined {
    const timeline = this.store.getState().timelines[roomId];
    return timeline?.items.find(
      (item): item is MessageItem =>
        item.kind === 'message' && (item.eventId === eventId || item.txnId === eventId),
    );
  }

  #updateTimeline(roomId: string, change: (timeline: RoomTimeline) => RoomTimeline): void {
    this.store.setState((state) => {
      const before = state.timelines[roomId] ?? emptyTimeline();
      const after = change(before);
      return after === before ? state : { timelines: { ...state.timelines, [roomId]: after } };
    });
  }

  #countQueued(): void {
    const queued =
      this.#outbox?.entries().filter((entry) => entry.state === 'queued' || entry.state === 'sending')
        .length ?? 0;
    this.store.setState((state) =>
      state.connection.queued === queued ? state : { connection: { ...state.connection, queued } },
    );
  }

  #setConnection(status: SyncStatus | ConnectionStatus, error?: ChatSdkError): void {
    this.store.setState((state) => {
      const connection = {
        ...state.connection,
        status,
        transport: this.#transports?.current.kind ?? state.connection.transport,
      };
      if (error && (status === 'error' || status === 'reconnecting' || status === 'offline')) {
        connection.error = { code: error.code, message: error.message };
      } else delete connection.error;
      // Every sync says "live": unchanged, the store stays as it is and nothing renders again.
      const before = state.connection;
      return connection.status === before.status &&
        connection.transport === before.transport &&
        connection.error?.code === before.error?.code &&
        connection.error?.message === before.error?.message
        ? state
        : { connection };
    });
  }

  #timelineOptions(): TimelineOptions {
    return { userId: this.store.getState().userId ?? '', showMembership: this.#config.showMembershipEvents };
  }

  async #stopServices(): Promise<void> {
    this.#lifetime.abort();
    this.#cached?.stop();
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#reads.dispose();
    this.#typing.clear();
    this.#sendWarmer.clear();
    this.#media.clear();
    this.#transports?.stop();
    this.#transports = undefined;
    this.#sessions?.stop();
    this.#sessions = undefined;
    const outbox = this.#outbox;
    this.#outbox = undefined;
    await outbox?.stop();
  }

  #requireTransport(): Transport {
    if (!this.#transports) throw new ChatSdkError('CHAT_NOT_CONNECTED', 'Call connect() first');
    return this.#transports.current;
  }

  #requireOutbox(): Outbox {
    if (!this.#outbox) throw new ChatSdkError('CHAT_NOT_CONNECTED', 'Call connect() first');
    return this.#outbox;
  }

  #requireUserId(): string {
    const userId = this.store.getState().userId;
    if (!userId) throw new ChatSdkError('CHAT_NOT_CONNECTED', 'Call connect() first');
    return userId;
  }
}

function sendStateOf(entry: OutboxEntry): SendState {
  if (entry.state === 'failed') return 'failed';
  if (entry.state === 'unsent') return 'unsent';
  return 'sending';
}

function isRelation(entry: OutboxEntry): boolean {
  const relation = entry.content['m.relates_to'];
  return (
    entry.kind === 'redaction' ||
    entry.eventType === 'm.reaction' ||
    (typeof relation === 'object' &&
      relation !== null &&
      (relation as { rel_type?: unknown }).rel_type === 'm.replace')
  );
}

function reasonOf(entry: OutboxEntry): string | undefined {
  return typeof entry.content.reason === 'string' ? entry.content.reason : undefined;
}

function entityKey(query: EntityQuery): string {
  return 'id' in query ? `${query.kind}:id:${query.id}` : `${query.kind}:slug:${query.slug}`;
}
