import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually, isAlive } from './helpers.js';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/**
 * A test runner can die without running any hook (OOM killer, `kill -9`, a crashed worker).
 * The test bed's processes must not outlive it.
 */
describe('process lifetime', () => {
  it('Synapse and our redis-server die when the process that started them is killed with SIGKILL', async () => {
    expect(existsSync(dist), 'build the package first (turbo runs build before test)').toBe(true);
    const script = `
      import { startTestbed } from ${JSON.stringify(dist)};
      const tb = await startTestbed({ redis: { mode: 'spawn' } });
      process.stdout.write(JSON.stringify({ synapse: tb.synapsePid, redis: tb.redisPid, url: tb.homeserverUrl }) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let buffer = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        if (buffer.includes('\n')) resolve(buffer.split('\n')[0] as string);
      });
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    const pids = JSON.parse(line) as { synapse: number; redis: number; url: string };
    expect(isAlive(pids.synapse)).toBe(true);
    expect(isAlive(pids.redis)).toBe(true);
    expect((await fetch(`${pids.url}/health`)).status).toBe(200);

    child.kill('SIGKILL');

    expect(await eventually(() => !isAlive(pids.synapse), 15_000)).toBe(true);
    expect(await eventually(() => !isAlive(pids.redis), 15_000)).toBe(true);
  });
});
