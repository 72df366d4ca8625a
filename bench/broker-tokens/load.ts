import autocannon from 'autocannon';

export interface LoadTarget {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  rps: number;
  /** Milliseconds; autocannon's latency histogram has whole-millisecond resolution. */
  p50: number;
  p99: number;
  requests: number;
  /** Connection errors and timeouts plus non-2xx responses. */
  failures: number;
}

/** One autocannon run with a fixed number of keep-alive connections. */
export async function fire(
  target: LoadTarget,
  connections: number,
  durationSec: number,
): Promise<LoadResult> {
  const result = await autocannon({
    url: target.url,
    method: target.method ?? 'GET',
    ...(target.headers ? { headers: target.headers } : {}),
    ...(target.body === undefined ? {} : { body: target.body }),
    connections,
    duration: durationSec,
    // The load generator gets its own thread, so a server under test keeps the main event loop to
    // itself instead of sharing it with autocannon's request building and response parsing.
    workers: 1,
  });
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.non2xx,
  };
}
