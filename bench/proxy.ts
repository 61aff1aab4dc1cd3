/**
 * A loopback proxy in front of moto for the benchmarks: counts requests by AWS operation, counts
 * the emails SES accepted, and can answer `400 Throttling` (as IAM does) to a share of the IAM
 * requests, chosen by a seeded generator so every run throttles the same way.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { seededRandom } from '../test/support/random.ts';

export interface BenchProxy {
  url: string;
  /** Requests by operation, throttled ones included. */
  counts: Map<string, number>;
  throttled: number;
  emailsSent: number;
  reset(): void;
  total(): number;
  close(): Promise<void>;
}

const THROTTLED = (requestId: number) =>
  `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>bench-${requestId}</RequestId></ErrorResponse>`;

export async function startBenchProxy(target: string, options: { throttleIamShare?: number; seed?: number } = {}): Promise<BenchProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const random = seededRandom(options.seed ?? 13);
  const share = options.throttleIamShare ?? 0;
  const proxy: BenchProxy = {
    url: '',
    counts: new Map(),
    throttled: 0,
    emailsSent: 0,
    reset() {
      proxy.counts.clear();
      proxy.throttled = 0;
      proxy.emailsSent = 0;
    },
    total: () => [...proxy.counts.values()].reduce((a, b) => a + b, 0),
    close: async () => {},
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString();
      const action =
        (req.headers['x-amz-target'] as string | undefined)?.split('.').pop() ??
        new URLSearchParams(text).get('Action') ??
        `${req.method} ${req.url}`;
      proxy.counts.set(action, (proxy.counts.get(action) ?? 0) + 1);
      // IAM is the query protocol's iam.amazonaws.com service: its requests are signed for "iam".
      const isIam = /Credential=[^,]*\/iam\/aws4_request/.test(req.headers.authorization ?? '');
      if (isIam && share > 0 && random() < share) {
        proxy.throttled++;
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(THROTTLED(proxy.throttled));
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
