/**
 * The sandbox's mail: every message becomes an RFC 5322 `.eml` file in `<dir>/outbox/`, which any
 * mail client opens. It stands for the recipients' mailboxes, so it is the one place a temporary
 * password is written to a file (the folder is git-ignored with the rest of `.sandbox/`).
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../core/errors.ts';
import { makePrivateDir, PRIVATE_FILE_MODE, secureOutbox } from './private-files.ts';
import type { EmailMessage, MailerPort } from '../../ports/mailer.ts';

const MAX_RECIPIENTS = 50; // SES: 50 recipients per message (aws-facts §4).
const ADDRESS = /^[^@\s<>,;"]+@[^@\s<>,;"]+\.[^@\s<>,;"]+$/;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** RFC 5322 date-time in UTC, e.g. `Tue, 02 Jan 2024 09:05:00 +0000`. */
export function formatRfc5322Date(date: Date): string {
  return (
    `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** A header value on one line; non-ASCII as an RFC 2047 encoded word. */
function headerValue(value: string): string {
  const oneLine = value.replace(/[\r\n]+/g, ' ');
  // eslint-disable-next-line no-control-regex
  return /^[\x20-\x7e]*$/.test(oneLine) ? oneLine : `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}

export function renderEml(message: EmailMessage, from: string, date: Date, messageId: string): string {
  const headers = [
    `Date: ${formatRfc5322Date(date)}`,
    `From: ${headerValue(from)}`,
    `To: ${message.to.map(headerValue).join(', ')}`,
    `Subject: ${headerValue(message.subject)}`,
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  const body = message.body.replace(/\r\n|\r|\n/g, '\r\n');
  return `${headers.join('\r\n')}\r\n\r\n${body}${body.endsWith('\r\n') ? '' : '\r\n'}`;
}

function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 60).replace(/-+$/, '') || 'message';
}

function compactTimestamp(date: Date): string {
  return (
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}T` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}${pad(date.getUTCMilliseconds(), 3)}Z`
  );
}

export class OutboxMailer implements MailerPort {
  readonly outbox: string;
  private readonly dir: string;
  private readonly from: string;
  private readonly now: () => Date;
  private seq: number | undefined;

  constructor(dir: string, from: string, now: () => Date) {
    this.dir = dir;
    this.outbox = join(dir, 'outbox');
    this.from = from;
    this.now = now;
  }

  async send(message: EmailMessage): Promise<void> {
    if (message.to.length === 0) throw new AppError('invalid-email', 'An email needs at least one recipient.');
    if (message.to.length > MAX_RECIPIENTS) {
      throw new AppError('invalid-email', `An email may have at most ${MAX_RECIPIENTS} recipients, not ${message.to.length}.`);
    }
    const bad = message.to.find((address) => !ADDRESS.test(address));
    if (bad !== undefined) throw new AppError('invalid-email', `"${bad}" is not an email address.`);

    await makePrivateDir(this.dir);
    await makePrivateDir(this.outbox);
    // Sequence numbers continue from the files already there, so names sort in sending order.
    if (this.seq === undefined) {
      await secureOutbox(this.outbox);
      this.seq = (await readdir(this.outbox)).filter((name) => name.endsWith('.eml')).length;
    }
    const date = this.now();
    const slug = slugify(`${message.subject} ${(message.to[0] ?? '').split('@')[0] ?? ''}`);
    for (;;) {
      this.seq += 1;
      const name = `${compactTimestamp(date)}-${pad(this.seq, 4)}-${slug}.eml`;
      const eml = renderEml(message, this.from, date, `${compactTimestamp(date)}.${this.seq}@sandbox.invalid`);
      try {
        // `wx`: never overwrite a message already in the mailbox.
        await writeFile(join(this.outbox, name), eml, { encoding: 'utf8', flag: 'wx', mode: PRIVATE_FILE_MODE });
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw new AppError('email-failed', `Could not write ${name} to the sandbox outbox.`, { cause: error });
      }
    }
  }
}
