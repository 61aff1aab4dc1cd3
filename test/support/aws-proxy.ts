/**
 * A loopback proxy in front of moto for the bench and the tests: counts requests by AWS operation, counts
 * the emails SES accepted, and can throttle as AWS does: a token bucket per account and API
 * (test/support/throttling.ts), answering with the service's own throttling error.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { answerThrottled, describeAwsRequest, TokenBuckets, type ThrottlingRules } from './throttling.ts';

export interface BenchProxy {
  url: string;
  /** Requests by operation, throttled ones included. */
  counts: Map<string, number>;
  /** The buckets: refused requests by service and operation. */
  buckets: TokenBuckets;
  /** When each request arrived (ms since the proxy started) and whether it was refused. */
  timeline: { at: number; refused: boolean }[];
  emailsSent: number;
  total(): number;
  close(): Promise<void>;
}

export async function startBenchProxy(target: string, options: { throttling?: ThrottlingRules } = {}): Promise<BenchProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const started = performance.now();
  const proxy: BenchProxy = {
    url: '',
    counts: new Map(),
    buckets: new TokenBuckets(options.throttling ?? {}),
    timeline: [],
    emailsSent: 0,
    total: () => [...proxy.counts.values()].reduce((a, b) => a + b, 0),
    close: async () => {},
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const aws = describeAwsRequest(req.headers, body.toString(), `${req.method} ${req.url}`);
      const action = aws.action;
      proxy.counts.set(action, (proxy.counts.get(action) ?? 0) + 1);
      const allowed = proxy.buckets.take(aws);
      proxy.timeline.push({ at: performance.now() - started, refused: !allowed });
      if (!allowed) {
        answerThrottled(aws.service, res);
        return;
      }
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
        (answer) => {
          if (action === 'SendEmail' && answer.statusCode === 200) proxy.emailsSent++;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      agent.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
