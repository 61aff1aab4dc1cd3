/**
 * Client-side pacing of the requests to one AWS account: a token bucket shared by every client
 * that calls the account, whose rate adapts to throttling.
 *
 * IAM throttles per account, whichever client or process sends the requests, and its rate quota
 * cannot be raised (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html),
 * so a large apply must not keep running into it. The SDK's `adaptive` retry mode paces one
 * client at a time and cuts its rate on every single throttled request, which collapses the rate
 * when a few requests are throttled whatever the pace (the SDK's standard retries deal with
 * those). So here, over windows of at least a second and MIN_WINDOW_REQUESTS requests:
 *
 * - unpaced until a window has more than THROTTLED_SHARE of its requests throttled: sent faster
 *   than the account allows (AWS throttles with token buckets, so refusals that persist mean the
 *   quota, not bad luck). The rate is then set a little below what succeeded in that window;
 * - while paced, each window (of a second and a few requests) without that much throttling raises
 *   the rate by a tenth, and pacing stops once the rate is well above what the run sends anyway: the
 *   rate climbs back to just under the account's quota within seconds, then probes above it by a
 *   fiftieth a window.
 *
 * Each attempt (retries too) waits for a token before it is sent; the SDK's retries and back-off
 * (clients.ts) stay as they are.
 */
import type { MiddlewareStack } from '@smithy/types';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: Clock = { now: () => performance.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

const WINDOW_MS = 1_000;
const MIN_WINDOW_REQUESTS = 50;
const MIN_PACED_WINDOW_REQUESTS = 5;
/** More than this share of a window's requests throttled: the account's rate is exceeded. */
const THROTTLED_SHARE = 0.05;
const DECREASE = 0.8;
const INCREASE = 1.1;
/** Within this share of the last quota seen, the rate rises by GENTLE_INCREASE a window instead. */
const NEAR_CEILING = 0.95;
const GENTLE_INCREASE = 1.02;
const MIN_RATE = 1;
/** At most this many requests' worth of tokens saved up (a burst after a pause). */
const BURST = 10;

export class AccountPacer {
  private readonly clock: Clock;
  /** Requests per second; undefined while unpaced. */
  private rate: number | undefined;
  private tokens = 0;
  private refilledAt: number;
  private windowStart: number;
  private sent = 0;
  private throttled = 0;
  /** Requests per second that got through in the last throttled window: the quota, as last seen. */
  private ceiling: number | undefined;

  constructor(clock: Clock = REAL_CLOCK) {
    this.clock = clock;
    this.refilledAt = clock.now();
    this.windowStart = clock.now();
  }

  /** The current rate limit in requests per second, or undefined when unpaced. */
  get requestsPerSecond(): number | undefined {
    return this.rate;
  }

  /** Waits until a request may be sent. */
  async take(): Promise<void> {
    if (this.rate === undefined) return;
    const now = this.clock.now();
    this.tokens = Math.min(BURST, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
    // Reserve a token now (the balance may go below zero: requests queue in order).
    this.tokens -= 1;
    if (this.tokens < 0) await this.clock.sleep((-this.tokens / this.rate) * 1000);
  }

  /** Records how a sent request ended. */
  record(throttled: boolean): void {
    this.sent++;
    if (throttled) this.throttled++;
    const now = this.clock.now();
    const elapsed = now - this.windowStart;
    // Unpaced, a window needs enough requests for its share of refusals to mean anything. Paced, the
    // rate itself bounds how many a second holds: every second (of a few requests at least) counts,
    // or a rate cut low would take minutes to climb back to the account's quota.
    if (elapsed < WINDOW_MS || this.sent < (this.rate === undefined ? MIN_WINDOW_REQUESTS : MIN_PACED_WINDOW_REQUESTS)) return;
    const sentPerSecond = (this.sent / elapsed) * 1000;
    if (this.throttled > this.sent * THROTTLED_SHARE) {
      const succeededPerSecond = ((this.sent - this.throttled) / elapsed) * 1000;
      this.ceiling = succeededPerSecond;
      this.rate = Math.max(MIN_RATE, succeededPerSecond * DECREASE);
      this.tokens = Math.min(this.tokens, 0);
      this.refilledAt = now;
    } else if (this.rate !== undefined) {
      // Back up to just under what last got through quickly, then probe above it gently: each
      // overshoot costs refused requests and the SDK's back-off.
      const nearCeiling = this.ceiling !== undefined && this.rate * INCREASE > this.ceiling * NEAR_CEILING;
      this.rate *= nearCeiling ? GENTLE_INCREASE : INCREASE;
      if (this.ceiling !== undefined && this.rate > this.ceiling) this.ceiling = undefined;
      if (this.rate > 2 * sentPerSecond) this.rate = undefined;
    }
    this.windowStart = now;
    this.sent = 0;
    this.throttled = 0;
  }
}

/**
 * The one pacer for each account (by id, or any stable key), shared by every client of one target:
 * one run's clients pace together, and nothing carries over from one target to the next.
 */
export type Pacers = (account: string) => AccountPacer;

export function createPacers(): Pacers {
  const pacers = new Map<string, AccountPacer>();
  return (account) => {
    let pacer = pacers.get(account);
    if (pacer === undefined) {
      pacer = new AccountPacer();
      pacers.set(account, pacer);
    }
    return pacer;
  };
}

/** Whether an SDK error says the request was throttled (the SDK's own test, in short). */
export function isThrottled(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } };
  return (
    e.$retryable?.throttling === true ||
    e.$metadata?.httpStatusCode === 429 ||
    (typeof e.name === 'string' && THROTTLING_ERRORS.has(e.name))
  );
}

// The SDK's list of throttling error codes (@smithy retry constants).
const THROTTLING_ERRORS = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

/**
 * Paces every attempt of a client's requests through `pacer`: added inside the SDK's retry
 * middleware (finalizeRequest, low priority), so retries wait for a token as well.
 */
// `any`: whichever service's input and output types the client has.
export function withPacing<C extends { middlewareStack: MiddlewareStack<any, any> }>(client: C, pacer: AccountPacer): C {
  client.middlewareStack.add(
    (next) => async (args) => {
      await pacer.take();
      try {
        const result = await next(args);
        pacer.record(false);
        return result;
      } catch (error) {
        pacer.record(isThrottled(error));
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'accountPacing', override: true },
  );
  return client;
}
