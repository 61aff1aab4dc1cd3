/**
 * A loopback proxy in front of moto for the bench and the tests: counts requests by AWS operation, counts
 * the emails SES accepted, can throttle as AWS does: a token bucket per account and API
 * (test/support/throttling.ts), answering with the service's own throttling error, and can inject
 * the rest of what AWS does and moto does not (test/support/faults.ts): paging, eventual
 * consistency, Organizations' limits and failures, SES rejections, resets after processing.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { FaultInjector, type Answer, type FaultDecision, type FaultOptions } from './faults.ts';
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
  /** The faults injected (when started with `faults`), by kind. */
  faults: FaultInjector | undefined;
  total(): number;
  close(): Promise<void>;
}

export async function startBenchProxy(target: string, options: { throttling?: ThrottlingRules; faults?: FaultOptions } = {}): Promise<BenchProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const started = performance.now();
  const proxy: BenchProxy = {
    url: '',
    counts: new Map(),
    buckets: new TokenBuckets(options.throttling ?? {}),
    timeline: [],
    emailsSent: 0,
    faults: options.faults === undefined ? undefined : new FaultInjector(options.faults),
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
        answerThrottled(aws.service, res, action);
        return;
      }
      const decision: FaultDecision = proxy.faults?.decide(aws, body) ?? { kind: 'forward', body };
      if (decision.kind === 'answer') {
        res.writeHead(decision.status, decision.headers);
        res.end(decision.body);
        return;
      }
      const headers = { ...req.headers, 'content-length': String(decision.body.length) };
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        (answer) => {
          if (action === 'SendEmail' && answer.statusCode === 200) proxy.emailsSent++;
          if (decision.after === undefined) {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            return;
          }
          const after = decision.after;
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const result = after({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) });
            if (result === 'reset') {
              // Processed upstream; the caller never hears of it.
              req.socket.resetAndDestroy();
              return;
            }
            writeAnswer(res, result);
          });
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(decision.body);
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

function writeAnswer(res: ServerResponse, answer: Answer): void {
  const { 'content-length': _length, 'transfer-encoding': _encoding, ...headers } = answer.headers;
  res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
  res.end(answer.body);
}
