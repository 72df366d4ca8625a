import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';
import { eventually, isAlive, matrix } from './helpers.js';

const bin = fileURLToPath(new URL('../bin/testbed.js', import.meta.url));

function cli(...args: string[]) {
  return run(process.execPath, [bin, ...args], { timeoutMs: 120_000 });
}

function parseEnv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('testbed CLI', () => {
  it('up prints env lines for a Synapse that outlives it; status reports it; down leaves nothing running', async () => {
    const name = `cli-test-${process.pid}`;
    const up = await cli('up', '--name', name, '--admin-password', 'demo-password-123', '--redis', 'spawn');
    expect(up.code, up.stderr).toBe(0);
    const env = parseEnv(up.stdout);
    expect(Object.keys(env)).toEqual([
      'MATRIX_HOMESERVER_URL',
      'MATRIX_SERVER_NAME',
      'MATRIX_ADMIN_USER',
      'MATRIX_ADMIN_PASSWORD',
      'MATRIX_ADMIN_TOKEN',
      'REDIS_URL',
      'TESTBED_DATA_DIR',
      'TESTBED_SYNAPSE_PID',
      'TESTBED_REDIS_PID',
    ]);
    const pids = [Number(env.TESTBED_SYNAPSE_PID), Number(env.TESTBED_REDIS_PID)];
    expect(pids.every(isAlive)).toBe(true);
    const url = env.MATRIX_HOMESERVER_URL as string;
    try {
      // The CLI has exited; Synapse must still serve.
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const login = await matrix(url, '/_matrix/client/v3/login', {
        body: {
          type: 'm.login.password',
          identifier: { type: 'm.id.user', user: 'admin' },
          password: 'demo-password-123',
        },
      });
      expect(login.status).toBe(200);

      const again = await cli('up', '--name', name);
      expect(parseEnv(again.stdout).MATRIX_HOMESERVER_URL).toBe(url);

      const status = await cli('status', '--name', name);
      expect(status.code).toBe(0);
      expect(parseEnv(status.stdout).MATRIX_HOMESERVER_URL).toBe(url);
    } finally {
      const down = await cli('down', '--name', name);
      expect(down.code, down.stderr).toBe(0);
    }
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    expect(existsSync(env.TESTBED_DATA_DIR as string)).toBe(false);
    expect(await eventually(() => !pids.some(isAlive))).toBe(true);

    const after = await cli('status', '--name', name);
    expect(after.code).toBe(1);
  });

  it('explains usage on a bad command', async () => {
    const result = await cli('sideways');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: testbed');
  });
});
