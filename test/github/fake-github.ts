/**
 * A local HTTP server standing in for the few GitHub REST endpoints the adapter calls, with the state
 * in memory. It behaves like GitHub where the adapter depends on it: pagination with Link headers,
 * 401 without the right token, 403 when editing someone else's comment, 422 over 65,536 characters,
 * and the issues list including pull requests. Anything else is a 404 and is recorded as unexpected.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  login: string;
  type: 'Bot' | 'User';
}

export const BOT: FakeUser = { login: 'github-actions[bot]', type: 'Bot' };
export const HUMAN: FakeUser = { login: 'octocat', type: 'User' };
/** Another app's bot: type Bot like ours, but not who our token posts as. */
export const OTHER_BOT: FakeUser = { login: 'some-app[bot]', type: 'Bot' };

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: FakeUser;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  user: FakeUser;
  isPullRequest: boolean;
}

export interface FakePull {
  number: number;
  merged_at: string | null;
  merge_commit_sha: string | null;
  /** Who opened it (GitHub always sends one; optional here for the tests that do not care). */
  user?: FakeUser;
  /** Who merged it: only GET /pulls/{n} has it, not the commit's pull request list. */
  merged_by?: FakeUser | null;
}

/** An open pull request as `GET /pulls` lists it (the fields the adapter reads). */
export interface FakeOpenPull {
  number: number;
  state: 'open' | 'closed';
  base: { ref: string; repo: { full_name: string } };
  head: { ref: string; sha: string; repo: { owner: { login: string } } | null };
}

export interface FakeReview {
  id: number;
  user: FakeUser | null;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  submitted_at?: string;
  commit_id: string;
}

export interface FakeRun {
  id: number;
  path: string;
  status: string;
  conclusion: string | null;
  event: 'push' | 'pull_request' | 'workflow_dispatch';
}

export interface RecordedRequest {
  method: string;
  path: string;
}

export const OWNER = 'example-org';
export const REPO = 'aws-access';
export const TOKEN = 'test-token';
const BODY_LIMIT = 65_536;

export class FakeGitHub {
  comments: FakeComment[] = [];
  issues: FakeIssue[] = [];
  /** Pull requests associated with each commit sha. */
  pullsByCommit = new Map<string, FakePull[]>();
  /** Who the token posts as: the workflow's GITHUB_TOKEN unless a test says otherwise. */
  tokenUser: FakeUser = BOT;
  /** Pull requests `GET /pulls` lists. */
  pulls: FakeOpenPull[] = [];
  /** Reviews of each pull request, oldest first, as GET /pulls/{n}/reviews lists them. */
  reviewsByPull = new Map<number, FakeReview[]>();
  /** Workflow runs by head commit, as GET /actions/runs?head_sha= lists them. */
  runsByCommit = new Map<string, FakeRun[]>();
  requests: RecordedRequest[] = [];
  unexpected: RecordedRequest[] = [];
  /** Forces this status on every request (to test error translation). */
  failWith: number | undefined;
  /**
   * Faults on creating a comment, each used up once: refused by a secondary rate limit (403 with
   * retry-after, not processed), or processed and then answered 502 (a proxy in front of the API).
   */
  faults = { secondaryRateLimit: 0, badGatewayAfterComment: 0, retryAfterSeconds: 1 };
  /** What was injected, by fault. */
  injected = { secondaryRateLimit: 0, badGatewayAfterComment: 0 };
  private nextId = 1000;
  private server: Server | undefined;
  baseUrl = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(error) }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((e) => (e ? reject(e) : resolve())));
  }

  addComment(issue: number, body: string, user: FakeUser = BOT): FakeComment {
    const comment = { id: this.nextId++, issue, body, user };
    this.comments.push(comment);
    return comment;
  }

  addIssue(partial: Partial<FakeIssue> & { title: string }): FakeIssue {
    const issue: FakeIssue = {
      number: this.issues.length + 1,
      body: '',
      state: 'open',
      state_reason: null,
      user: BOT,
      isPullRequest: false,
      ...partial,
    };
    this.issues.push(issue);
    return issue;
  }

  commentsOn(issue: number): FakeComment[] {
    return this.comments.filter((c) => c.issue === issue);
  }

  private html(path: string): string {
    return `https://github.com/${OWNER}/${REPO}/${path}`;
  }

  private commentJson(c: FakeComment) {
    return { id: c.id, body: c.body, user: c.user, html_url: this.html(`issues/${c.issue}#issuecomment-${c.id}`) };
  }

  private issueJson(i: FakeIssue) {
    return {
      id: i.number * 10,
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      state_reason: i.state_reason,
      user: i.user,
      html_url: this.html(`${i.isPullRequest ? 'pull' : 'issues'}/${i.number}`),
      ...(i.isPullRequest ? { pull_request: { url: 'x' } } : {}),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(status === 204 ? undefined : JSON.stringify(body));
    };
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${TOKEN}` && auth !== `bearer ${TOKEN}` && auth !== `Bearer ${TOKEN}`) {
      return send(401, { message: 'Bad credentials' });
    }
    if (this.failWith !== undefined) return send(this.failWith, { message: `forced ${this.failWith}` });

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const input = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    if (typeof input['body'] === 'string' && input['body'].length > BODY_LIMIT) {
      return send(422, { message: 'Validation Failed', errors: [{ code: 'custom', message: 'body is too long (maximum is 65536 characters)' }] });
    }

    const prefix = `/repos/${OWNER}/${REPO}`;
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : undefined;
    const paginate = <T>(items: T[]): void => {
      const perPage = Number(url.searchParams.get('per_page') ?? '30');
      const page = Number(url.searchParams.get('page') ?? '1');
      const slice = items.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < items.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers['link'] = `<${next.toString()}>; rel="next"`;
      }
      send(200, slice, headers);
    };

    let m: RegExpMatchArray | null;
    if (path !== undefined) {
      if (method === 'GET' && (m = path.match(/^\/issues\/(\d+)\/comments$/))) {
        return paginate(this.commentsOn(Number(m[1])).map((c) => this.commentJson(c)));
      }
      if (method === 'POST' && (m = path.match(/^\/issues\/(\d+)\/comments$/))) {
        const number = Number(m[1]);
        if (!this.issues.some((i) => i.number === number)) return send(404, { message: 'Not Found' });
        if (this.faults.secondaryRateLimit > 0) {
          this.faults.secondaryRateLimit--;
          this.injected.secondaryRateLimit++;
          return send(403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { 'retry-after': String(this.faults.retryAfterSeconds) });
        }
        const comment = this.addComment(number, String(input['body']), this.tokenUser);
        if (this.faults.badGatewayAfterComment > 0) {
          this.faults.badGatewayAfterComment--;
          this.injected.badGatewayAfterComment++;
          res.writeHead(502, { 'content-type': 'text/html' });
          res.end('<html><body>502 Bad Gateway</body></html>');
          return;
        }
        return send(201, this.commentJson(comment));
      }
      if (method === 'PATCH' && (m = path.match(/^\/issues\/comments\/(\d+)$/))) {
        const comment = this.comments.find((c) => c.id === Number(m?.[1]));
        if (!comment) return send(404, { message: 'Not Found' });
        // GitHub lets a token edit only the comments of the identity it posts as.
        if (comment.user.login !== this.tokenUser.login) return send(403, { message: 'Resource not accessible by integration' });
        comment.body = String(input['body']);
        return send(200, this.commentJson(comment));
      }
      if (method === 'GET' && (m = path.match(/^\/commits\/([0-9a-f]+)\/pulls$/))) {
        // As GitHub: this list has the author but not merged_by.
        return send(
          200,
          (this.pullsByCommit.get(m[1] ?? '') ?? []).map(({ merged_by: _, ...p }) => ({ ...p, user: p.user ?? HUMAN, html_url: this.html(`pull/${p.number}`) })),
        );
      }
      if (method === 'GET' && (m = path.match(/^\/pulls\/(\d+)$/))) {
        const pull = [...this.pullsByCommit.values()].flat().find((p) => p.number === Number(m?.[1]));
        if (pull === undefined) return send(404, { message: 'Not Found' });
        return send(200, { ...pull, user: pull.user ?? HUMAN, merged_by: pull.merged_by ?? null, html_url: this.html(`pull/${pull.number}`) });
      }
      if (method === 'GET' && path === '/pulls') {
        // As GitHub: `head` is "owner:branch" and filters on both; `state` defaults to open.
        const state = url.searchParams.get('state') ?? 'open';
        const head = url.searchParams.get('head');
        return paginate(
          this.pulls.filter(
            (p) =>
              (state === 'all' || p.state === state) &&
              (head === null || `${p.head.repo?.owner.login ?? ''}:${p.head.ref}`.toLowerCase() === head.toLowerCase()),
          ),
        );
      }
      if (method === 'GET' && (m = path.match(/^\/pulls\/(\d+)\/reviews$/))) {
        const reviews = this.reviewsByPull.get(Number(m[1]));
        if (reviews === undefined) return send(404, { message: 'Not Found' });
        return paginate(reviews.map((r) => ({ ...r, html_url: this.html(`pull/${m?.[1]}#pullrequestreview-${r.id}`) })));
      }
      if (method === 'GET' && path === '/actions/runs') {
        const event = url.searchParams.get('event');
        const runs = (this.runsByCommit.get(url.searchParams.get('head_sha') ?? '') ?? []).filter((r) => event === null || r.event === event);
        return send(200, {
          total_count: runs.length,
          workflow_runs: runs.map((r) => ({ ...r, head_sha: url.searchParams.get('head_sha'), html_url: this.html(`actions/runs/${r.id}`) })),
        });
      }
      if (method === 'GET' && path === '/issues') {
        const state = url.searchParams.get('state') ?? 'open';
        return paginate(this.issues.filter((i) => state === 'all' || i.state === state).map((i) => this.issueJson(i)));
      }
      if (method === 'POST' && path === '/issues') {
        return send(201, this.issueJson(this.addIssue({ title: String(input['title']), body: String(input['body'] ?? ''), user: this.tokenUser })));
      }
      if (method === 'PATCH' && (m = path.match(/^\/issues\/(\d+)$/))) {
        const issue = this.issues.find((i) => i.number === Number(m?.[1]));
        if (!issue) return send(404, { message: 'Not Found' });
        if (typeof input['title'] === 'string') issue.title = input['title'];
        if (typeof input['body'] === 'string') issue.body = input['body'];
        if (input['state'] === 'open' || input['state'] === 'closed') issue.state = input['state'];
        if (typeof input['state_reason'] === 'string') issue.state_reason = input['state_reason'];
        return send(200, this.issueJson(issue));
      }
    }
    this.unexpected.push({ method, path: url.pathname });
    return send(404, { message: 'Not Found' });
  }
}

/**
 * A fetch that only reaches the fake server: anything else fails the test, so "network otherwise
 * unused" is checked, not assumed.
 */
export function localOnlyFetch(baseUrl: string, realFetch: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => {
    const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!target.startsWith(`${baseUrl}/`)) throw new Error(`unexpected network call to ${target}`);
    return realFetch(input, init);
  };
}
