/**
 * A loopback proxy in front of moto that records every AWS request it forwards: the action (query
 * protocols: IAM, SES, STS; JSON protocols: the X-Amz-Target header) and its form parameters. Tests
 * count what the product asked AWS to do (password changes, emails) from the requests themselves,
 * not from moto's data dump.
 */
import { createServer, request } from 'node:http';

export interface RecordedRequest {
  action: string;
  /** Form parameters of query-protocol requests (empty for JSON protocols). */
  params: URLSearchParams;
}

export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  /** Requests with this action. */
  withAction(action: string): RecordedRequest[];
  stop(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const amzTarget = String(req.headers['x-amz-target'] ?? '');
      const params = amzTarget === '' ? new URLSearchParams(body.toString()) : new URLSearchParams();
      requests.push({ action: amzTarget === '' ? (params.get('Action') ?? '') : (amzTarget.split('.').pop() ?? amzTarget), params });
      const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    withAction: (action) => requests.filter((r) => r.action === action),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every recipient of a recorded SES SendEmail or SendRawEmail. */
export function recipientsOf(recorded: RecordedRequest): string[] {
  const out: string[] = [];
  for (const [key, value] of recorded.params) if (/^Destination(s)?\./.test(key) || /^Destinations\.member/.test(key)) out.push(value.toLowerCase());
  return out;
}
