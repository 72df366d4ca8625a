import { createHmac, randomUUID } from 'node:crypto';

export interface HostBackendOptions {
  brokerUrl: string;
  /** `BROKER_WEBHOOK_SECRET`, shared by the host app's backend and the broker. */
  webhookSecret: string;
}

export interface WebhookResult {
  outcome?: string;
  roomId?: string;
  eventId?: string;
  error?: { code: string; message: string };
}

export interface HostEntity {
  kind: 'group' | 'event';
  id: string;
  slug: string;
  name: string;
  topic?: string;
  visibility: 'public' | 'private';
}

/**
 * What a host app's backend does to keep the chat in line with it: signed calls to the broker's
 * host-events and membership webhooks. The signature is an HMAC-SHA256 over `<timestamp>.<body>`
 * (the broker's README), computed here the way any host backend would, without the broker's code.
 */
export class HostBackend {
  constructor(private readonly options: HostBackendOptions) {}

  /** `entity.upserted` and `event.notice` events, applied in order. */
  hostEvents(events: readonly unknown[]): Promise<WebhookResult[]> {
    return this.post('/v1/host/events', events);
  }

  /** `member.added`, `member.removed`, `member.role_changed`, `member.banned`. */
  membershipEvents(events: readonly unknown[]): Promise<WebhookResult[]> {
    return this.post('/v1/membership/events', events);
  }

  upsertEntity(entity: HostEntity): Promise<WebhookResult[]> {
    return this.hostEvents([{ type: 'entity.upserted', entity }]);
  }

  /** Adds members (provisioning any user the broker has not seen yet). */
  addMembers(
    entity: Pick<HostEntity, 'kind' | 'id' | 'slug'>,
    members: ReadonlyArray<{ hostUserId: string; displayName?: string; role?: string }>,
  ): Promise<WebhookResult[]> {
    const { kind, id, slug } = entity;
    return this.membershipEvents(
      members.map((member) => ({ type: 'member.added', entity: { kind, id, slug }, ...member })),
    );
  }

  /** Posts an update into an event's room (once per `updateId`). */
  eventNotice(eventId: string, notice: { updateId: string; type: string; body: string }) {
    return this.hostEvents([{ type: 'event.notice', event: { id: eventId }, notice }]);
  }

  private async post(path: string, events: readonly unknown[]): Promise<WebhookResult[]> {
    // A unique id per delivery: two identical bodies signed in the same second would be a replay.
    const body = JSON.stringify({ id: randomUUID(), events });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', this.options.webhookSecret)
      .update(`${timestamp}.${body}`)
      .digest('hex');
    const response = await fetch(new URL(path, this.options.brokerUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-openmeet-timestamp': timestamp,
        'x-openmeet-signature': `v1=${signature}`,
      },
      body,
    });
    const answer = (await response.json().catch(() => ({}))) as {
      results?: WebhookResult[];
      failed?: number;
    };
    if (!response.ok || !answer.results || (answer.failed ?? 0) > 0) {
      throw new Error(`${path} answered ${response.status}: ${JSON.stringify(answer)}`);
    }
    return answer.results;
  }
}
