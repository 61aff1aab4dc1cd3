/**
 * AWS's throttling, as the tests' and the bench's proxies reproduce it: a token bucket per account
 * and API (IAM, STS, Organizations, SES: one bucket for all of a service's operations). Each bucket holds at most `burst` requests and refills at `perSecond`; a request that
 * finds it empty is refused with the error the service returns
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_throttling,
 * https://docs.aws.amazon.com/organizations/latest/APIReference/CommonErrors.html):
 *
 * - IAM, STS and SES (query protocol): HTTP 400, `<Code>Throttling</Code>`, "Rate exceeded";
 * - Organizations (JSON protocol): HTTP 400, `TooManyRequestsException`.
 *
 * moto never throttles; these buckets sit in front of it.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export interface BucketRule {
  /** Requests a full bucket lets through at once. */
  burst: number;
  /** Steady rate, requests per second. */
  perSecond: number;
}

/** A rule per AWS service (as signed: `iam`, `sts`, `ses`, `organizations`); others are not throttled. */
export type ThrottlingRules = Readonly<Partial<Record<string, BucketRule>>>;

export interface AwsRequest {
  /** The signing service, from the SigV4 credential scope. */
  service: string | undefined;
  /** The access key the request is signed with: one per account here. */
  accessKey: string | undefined;
  action: string;
}

/** Service and access key of a SigV4-signed request (`Credential=<key>/<date>/<region>/<service>/aws4_request`). */
export function describeAwsRequest(headers: IncomingHttpHeaders, body: string, url = ''): AwsRequest {
  const credential = /Credential=([^/,\s]+)\/\d+\/[^/]+\/([^/]+)\/aws4_request/.exec(headers.authorization ?? '');
  const target = headers['x-amz-target'];
  const action = typeof target === 'string' ? (target.split('.').pop() ?? target) : (new URLSearchParams(body).get('Action') ?? url);
  return { service: credential?.[2], accessKey: credential?.[1], action };
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Refused requests, by `service:action`. */
  readonly refused = new Map<string, number>();

  constructor(
    private readonly rules: ThrottlingRules,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token for the request; false when its bucket is empty (the request is throttled). */
  take(request: AwsRequest): boolean {
    const rule = request.service === undefined ? undefined : this.rules[request.service];
    if (rule === undefined) return true;
    // One bucket per account and API (service), whichever operation: IAM's quotas are per account.
    const key = `${request.accessKey ?? '?'} ${request.service}`;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: rule.burst, at: now };
    bucket.tokens = Math.min(rule.burst, bucket.tokens + ((now - bucket.at) / 1000) * rule.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    const name = `${request.service}:${request.action}`;
    this.refused.set(name, (this.refused.get(name) ?? 0) + 1);
    return false;
  }

  get refusedTotal(): number {
    return [...this.refused.values()].reduce((a, b) => a + b, 0);
  }
}

let requestIds = 0;

/**
 * Answers `res` with the throttling error `service` returns; SES's SendEmail says which limit
 * (https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html).
 */
export function answerThrottled(service: string | undefined, res: ServerResponse, action = ''): void {
  const requestId = `throttled-${++requestIds}`;
  if (service === 'organizations') {
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'x-amzn-errortype': 'TooManyRequestsException' });
    res.end(
      JSON.stringify({
        __type: 'TooManyRequestsException',
        Message: 'You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.',
      }),
    );
    return;
  }
  res.writeHead(400, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
  res.end(
    `<ErrorResponse xmlns="https://${service ?? 'iam'}.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>${service === 'ses' && action === 'SendEmail' ? 'Maximum sending rate exceeded.' : 'Rate exceeded'}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}
