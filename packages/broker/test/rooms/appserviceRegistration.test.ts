import { describe, expect, it } from 'vitest';
import { appserviceRegistration } from '../../src/appservice/appserviceRegistration.js';

describe('appserviceRegistration for rooms', () => {
  const base = { asToken: 'a', hsToken: 'h', serverName: 'chat.example.org', localpartPrefix: 'om_' };

  it('claims the room alias namespace exclusively and keeps users non-exclusive', () => {
    const { namespaces } = appserviceRegistration(base);
    expect(namespaces.users).toEqual([{ exclusive: false, regex: '@om_.*:chat\\.example\\.org' }]);
    expect(namespaces.aliases).toEqual([{ exclusive: true, regex: '#om-.*:chat\\.example\\.org' }]);
    const regex = new RegExp(`^${namespaces.aliases[0]?.regex}$`);
    expect(regex.test('#om-group-hikers:chat.example.org')).toBe(true);
    expect(regex.test('#omx-group-hikers:chat.example.org')).toBe(false);
    expect(regex.test('#om-group-hikers:chat.example.org.evil')).toBe(false);
  });

  it('follows a configured alias prefix', () => {
    const { namespaces } = appserviceRegistration({ ...base, aliasPrefix: 'meet.up' });
    expect(namespaces.aliases).toEqual([{ exclusive: true, regex: '#meet\\.up-.*:chat\\.example\\.org' }]);
  });
});
