/** Client-side pacing: unpaced until AWS throttles a good share of requests, then paced, then free again. */
import { createServer } from 'node:http';
import { GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { AccountPacer, isThrottled, withPacing, type Clock } from '../../../src/adapters/aws/pacing.ts';

/** A clock that only moves when told to (sleeping moves it too). */
function fakeClock(): Clock & { advance(ms: number): void; slept: number } {
  let now = 0;
  const clock = {
    slept: 0,
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
    async sleep(ms: number) {
      clock.slept += ms;
      now += ms;
    },
  };
  return clock;
}

/** Sends `count` requests over `ms`, throttling `throttledShare` of them (evenly spread). */
async function traffic(pacer: AccountPacer, clock: ReturnType<typeof fakeClock>, count: number, ms: number, throttledShare: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await pacer.take();
    clock.advance(ms / count);
    pacer.record((i * throttledShare) % 1 > 1 - throttledShare - 1e-9);
  }
}

describe('AccountPacer', () => {
  it('stays unpaced when an occasional request is throttled (the retries deal with those)', async () => {
    const clock = fakeClock();
    const pacer = new AccountPacer(clock);
    await traffic(pacer, clock, 2_000, 10_000, 0.04);
    expect(pacer.requestsPerSecond).toBeUndefined();
    expect(clock.slept).toBe(0);
  });

  it('slows to below what succeeded when much of a window is throttled, then speeds up and stops pacing', async () => {
    const clock = fakeClock();
    const pacer = new AccountPacer(clock);
    await traffic(pacer, clock, 200, 1_000, 0.5); // 200/s, half throttled: 100/s got through
    expect(pacer.requestsPerSecond).toBeCloseTo(80, 0);

    const before = clock.now();
    await traffic(pacer, clock, 80, 0, 0); // as fast as possible: the pacer makes them wait
    expect(clock.now() - before).toBeGreaterThan(800);
    expect(pacer.requestsPerSecond).toBeCloseTo(88, 0); // a window without throttling: a tenth more
    await traffic(pacer, clock, 90, 1_000, 0);
    expect(pacer.requestsPerSecond).toBeCloseTo(88 * 1.02, 0); // near the 100/s that got through: a fiftieth

    for (let i = 0; i < 20; i++) await traffic(pacer, clock, 50, 1_000, 0); // a steady 50/s, below the rate
    expect(pacer.requestsPerSecond).toBeUndefined();
  });

  it('once paced low, climbs back to the quota it last saw within seconds, however few requests a second holds', async () => {
    const clock = fakeClock();
    const pacer = new AccountPacer(clock);
    await traffic(pacer, clock, 60, 1_100, 0.9); // 6 of 60 got through: paced at about 5/s
    const low = pacer.requestsPerSecond ?? 0;
    expect(low).toBeGreaterThan(0);
    expect(low).toBeLessThan(6);
    const quota = low / 0.8; // what got through
    // 30 requests, none throttled: about six windows of a second.
    for (let second = 0; second < 6; second++) await traffic(pacer, clock, 5, 1_000, 0);
    expect(pacer.requestsPerSecond).toBeGreaterThan(0.95 * quota);
  });

  it('tells throttling errors from others', () => {
    expect(isThrottled(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))).toBe(true);
    expect(isThrottled({ name: 'X', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isThrottled(Object.assign(new Error('no'), { name: 'NoSuchEntity' }))).toBe(false);
    expect(isThrottled(undefined)).toBe(false);
  });
});

describe('withPacing', () => {
  it('sees every attempt of a client, retries included, and which were throttled', async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        res.writeHead(requests === 1 ? 400 : 404, { 'content-type': 'text/xml' });
        const code = requests === 1 ? 'Throttling' : 'NoSuchEntity';
        res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const seen: boolean[] = [];
    const pacer = new AccountPacer();
    pacer.record = (throttled) => void seen.push(throttled);
    const client = withPacing(
      new IAMClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 3 }),
      pacer,
    );
    try {
      await expect(client.send(new GetUserCommand({ UserName: 'x' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
      expect(seen).toEqual([true, false]);
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
