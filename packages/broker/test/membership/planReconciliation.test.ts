import { describe, expect, it } from 'vitest';
import { decodeLocalpart } from '../../src/membership/decodeLocalpart.js';
import { planReconciliation, type ReconciliationInput } from '../../src/membership/planReconciliation.js';
import { encodeLocalpart, matrixUserIdFor } from '../../src/provisioning/matrixUserId.js';

const SERVICE = '@openmeet-broker:chat.example.org';
const idOf = (host: string) => matrixUserIdFor(host, { prefix: 'om_', serverName: 'chat.example.org' });
const levels: Record<string, number> = { owner: 100, moderator: 50, member: 0 };

function input(overrides: Partial<ReconciliationInput>): ReconciliationInput {
  return {
    desired: [],
    members: [],
    powerLevels: { users: { [SERVICE]: 100 }, users_default: 0 },
    serviceUser: SERVICE,
    userIdFor: idOf,
    isBrokerUser: (userId) => userId.startsWith('@om_'),
    roleLevel: (role) => levels[role],
    hostUserIdOf: (userId) => decodeLocalpart(userId.slice(4, userId.indexOf(':'))),
    ...overrides,
  };
}

describe('planReconciliation', () => {
  it('joins absent, left, invited and banned members; fixes levels; counts the rest', () => {
    const plan = planReconciliation(
      input({
        desired: [
          { hostUserId: 'ok', role: 'member' },
          { hostUserId: 'absent', role: 'member' },
          { hostUserId: 'invited', role: 'member' },
          { hostUserId: 'banned', role: 'member' },
          { hostUserId: 'Promoted', role: 'moderator' },
          { hostUserId: 'ok2', role: 'owner' },
          { hostUserId: 'ok2', role: 'member' },
        ],
        members: [
          { userId: idOf('ok'), membership: 'join' },
          { userId: idOf('invited'), membership: 'invite' },
          { userId: idOf('banned'), membership: 'ban' },
          { userId: idOf('Promoted'), membership: 'join' },
          { userId: idOf('ok2'), membership: 'join' },
          { userId: SERVICE, membership: 'join' },
        ],
      }),
    );
    expect(plan.join.map((j) => j.hostUserId)).toEqual(['absent', 'invited', 'banned']);
    expect(plan.levels).toEqual([
      { userId: idOf('Promoted'), hostUserId: 'Promoted', from: 0, to: 50, reason: 'role' },
    ]);
    expect(plan.unchanged).toBe(2);
    expect(plan.kick).toEqual([]);
  });

  it('removes only broker users the host does not list, and resets leftover levels', () => {
    const plan = planReconciliation(
      input({
        members: [
          { userId: SERVICE, membership: 'join' },
          { userId: '@admin:chat.example.org', membership: 'join' },
          { userId: idOf('Extra_1'), membership: 'join' },
          { userId: idOf('pending'), membership: 'invite' },
          { userId: idOf('banned'), membership: 'ban' },
        ],
        powerLevels: {
          users: { [SERVICE]: 100, '@admin:chat.example.org': 50, [idOf('Extra_1')]: 50, [idOf('gone')]: 75 },
          users_default: 0,
        },
      }),
    );
    expect(plan.kick).toEqual([
      { userId: idOf('Extra_1'), hostUserId: 'Extra_1' },
      { userId: idOf('pending'), hostUserId: 'pending' },
    ]);
    expect(plan.levels).toEqual([
      { userId: idOf('Extra_1'), hostUserId: 'Extra_1', from: 50, to: 0, reason: 'removal' },
      { userId: idOf('gone'), hostUserId: 'gone', from: 75, to: 0, reason: 'stale' },
    ]);
  });

  it('reports unknown roles and the service user as invalid, without stopping the others', () => {
    const plan = planReconciliation(
      input({
        desired: [
          { hostUserId: 'a', role: 'emperor' },
          { hostUserId: 'b', role: 'member' },
        ],
        userIdFor: (host) => (host === 'b' ? SERVICE : idOf(host)),
      }),
    );
    expect(plan.invalid.map((f) => [f.hostUserId, f.code])).toEqual([
      ['a', 'OM_BAD_REQUEST'],
      ['b', 'OM_BAD_REQUEST'],
    ]);
    expect(plan.join).toEqual([]);
  });

  it('never removes a member whose entry is invalid (a role typo must not kick anyone)', () => {
    const plan = planReconciliation(
      input({
        desired: [{ hostUserId: 'typo', role: 'memebr' }],
        members: [{ userId: idOf('typo'), membership: 'join' }],
        powerLevels: { users: { [SERVICE]: 100, [idOf('typo')]: 50 }, users_default: 0 },
      }),
    );
    expect(plan).toMatchObject({ kick: [], levels: [], join: [], unchanged: 0 });
    expect(plan.invalid).toEqual([
      { hostUserId: 'typo', code: 'OM_BAD_REQUEST', message: 'Unknown role "memebr"' },
    ]);
  });
});

describe('decodeLocalpart', () => {
  it('inverts encodeLocalpart', () => {
    for (const id of ['alice', 'Bob_Smith', 'x=y', 'émile 🌍', 'a.b-c', '__proto__', 'UPPER']) {
      expect(decodeLocalpart(encodeLocalpart(id))).toBe(id);
    }
  });

  it('refuses what the encoder never produces', () => {
    for (const encoded of ['', '==abc', '_', '_1', '=zz', '=c3', 'A', 'a b']) {
      expect(decodeLocalpart(encoded)).toBeUndefined();
    }
  });
});
