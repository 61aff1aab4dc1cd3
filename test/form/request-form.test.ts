/**
 * The request form in a real browser (Debian's chromium, through playwright-core), served from the
 * folder `npm run form` builds. Each request is filled in like a person would, by label; the file
 * the page shows is then validated by the CLI in a copy of this repository, and the link is checked.
 * Screenshots of every page are kept in test-artifacts/form/ (git-ignored).
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile, unlink, appendFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { buildForm } from '../../src/form/build.ts';
import { launchChromium } from '../support/browser.ts';
import { cliContext } from '../github/cli-context.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const ARTEFACTS = join(ROOT, 'test-artifacts', 'form');
const REPOSITORY = { server: 'https://github.com', name: 'example-org/aws-access', branch: 'main' };
/** The day the whole test happens on, in the CLI and in the browser: never the real clock. */
const TODAY = '2026-12-01';
const ALLOWED = 'Enter an email address on an allowed domain, like name@digital.cabinet-office.gov.uk';
const FORMAT = 'Enter an email address in the correct format, like name@digital.cabinet-office.gov.uk';
const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

let site: string;
let server: Server;
let base: string;
let browser: Browser;

/** Serves the built folder as GitHub Pages would: plain files, nothing else. */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const httpServer = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    readFile(join(dir, path.endsWith('/') ? `${path}index.html` : path))
      .then((body) => {
        response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
        response.end(body);
      })
      .catch(() => {
        response.writeHead(404);
        response.end();
      });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const address = httpServer.address();
  return { server: httpServer, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

beforeAll(async () => {
  site = await mkdtemp(join(tmpdir(), 'aac-form-'));
  await mkdir(ARTEFACTS, { recursive: true });
  [browser] = await Promise.all([launchChromium(), buildForm({ root: ROOT, out: site, repository: REPOSITORY, today: TODAY })]);
  ({ server, url: base } = await serve(site));
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await rm(site, { recursive: true, force: true });
});

/** A copy of this repository's data, and `validate` run on it by the CLI, in-process. */
async function validateWith(change: (repo: string) => Promise<void>): Promise<{ code: number; stdout: string }> {
  const repo = await mkdtemp(join(tmpdir(), 'aac-form-repo-'));
  try {
    for (const entry of ['settings.yaml', 'users', 'accounts', 'schema', 'CODEOWNERS']) await cp(join(ROOT, entry), join(repo, entry), { recursive: true });
    await change(repo);
    const captured = cliContext([], { cwd: repo });
    captured.ctx.today = TODAY;
    const code = await runCli('validate', captured.ctx);
    return { code, stdout: captured.stdout() };
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

/** One tab for every request page: opening a tab costs more than the page itself. */
let tab: Page | undefined;
const pageErrors: string[] = [];

async function open(file: string, options: { script: boolean } = { script: true }): Promise<Page> {
  if (tab === undefined) {
    tab = await browser.newPage();
    // The page dates a password reset with the browser's clock: pin it to the test's day.
    await tab.clock.setFixedTime(new Date(`${TODAY}T12:00:00Z`));
    tab.on('pageerror', (error) => pageErrors.push(error.message));
  }
  pageErrors.length = 0;
  await tab.goto(`${base}/${file}`);
  // The script shows the file section once it has run.
  if (options.script) await tab.waitForFunction(() => document.getElementById('result')?.hidden === false);
  expect(pageErrors).toEqual([]);
  return tab;
}

async function noAxeViolations(page: Page): Promise<void> {
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    type Axe = { run: (context: Document, options: object) => Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
    // Every rule, reporting violations only (computing passes too would only cost time).
    const result = await (window as unknown as { axe: Axe }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
  expect(violations).toEqual([]);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });
}

async function shownFile(page: Page): Promise<{ path: string; text: string }> {
  return {
    path: (await page.locator('#result-path').textContent()) ?? '',
    text: (await page.locator('#result-file code').textContent()) ?? '',
  };
}

async function fillDate(page: Page, legend: string, date: string): Promise<void> {
  const [year, month, day] = date.split('-');
  const group = page.getByRole('group', { name: legend });
  await group.getByLabel('Day').fill(String(Number(day)));
  await group.getByLabel('Month').fill(String(Number(month)));
  await group.getByLabel('Year').fill(year ?? '');
}

describe('the request form, in Chromium', () => {
  it('user access for someone else (a contractor): valid file, CLI agrees, GitHub new-file link', async () => {
    const page = await open('user-access.html');
    await page.getByLabel('Someone else').check();
    await page.getByLabel('Your email address', { exact: true }).fill('amara.okafor@digital.cabinet-office.gov.uk');
    await page.getByLabel('Email address', { exact: true }).fill('zoe.turner@softwire.com');
    await page.getByLabel('Full name').fill('Zoë Turner');
    await page.getByLabel('Team', { exact: true }).fill('govuk-platform');
    await page.getByLabel('Why they need access (optional)').fill('Contractor on the platform team');
    await fillDate(page, 'Access end date', '2027-03-31');
    await page.getByRole('button', { name: 'Check the answers' }).click();

    await expect.poll(() => page.locator('#result-ready').isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await page.locator('.govuk-error-summary').count()).toBe(0);
    const file = await shownFile(page);
    expect(file.path).toBe('users/zoe.turner@softwire.com.yaml');
    expect(file.text).toBe(
      [
        '# yaml-language-server: $schema=../schema/user.schema.json',
        'email: zoe.turner@softwire.com',
        'name: Zoë Turner',
        'team: govuk-platform',
        'requested_by: amara.okafor@digital.cabinet-office.gov.uk',
        'reason: Contractor on the platform team',
        'expires: "2027-03-31"',
        '',
      ].join('\n'),
    );

    const link = new URL((await page.getByRole('button', { name: 'Open the pull request on GitHub' }).getAttribute('href')) ?? '');
    expect(`${link.origin}${link.pathname}`).toBe('https://github.com/example-org/aws-access/new/main');
    expect(link.searchParams.get('filename')).toBe(file.path);
    expect(link.searchParams.get('value')).toBe(file.text);

    const cli = await validateWith((repo) => writeFile(join(repo, file.path), file.text));
    expect(cli.stdout).toBe('');
    expect(cli.code).toBe(0);
    await noAxeViolations(page);
    await screenshot(page, 'user-access');
    expect(pageErrors).toEqual([]);
  });

  it('user access with bad answers: inline errors as the person goes (the email domain first), the error summary in page order, and the CLI says invalid too', async () => {
    const page = await open('user-access.html');
    await page.getByLabel('Me', { exact: true }).check();
    await page.getByLabel('Email address', { exact: true }).fill('Zoe.Turner@gmail.com');
    await page.getByLabel('Full name').focus();
    // Left the email question: its error shows before any submit, with no summary yet, though the
    // rest of the form is still empty: the domain rule runs on the page.
    const emailError = page.locator('#email-error .app-error-text');
    await expect.poll(() => emailError.isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await emailError.textContent()).toBe(ALLOWED);
    expect(await page.locator('.govuk-error-summary').count()).toBe(0);

    await page.getByLabel('Team', { exact: true }).fill('GOV.UK Platform');
    await page.getByRole('button', { name: 'Check the answers' }).click();
    const summary = page.locator('.govuk-error-summary');
    await expect.poll(() => summary.isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await summary.getByRole('heading').textContent()).toBe('There is a problem');
    const items = await summary.getByRole('link').allTextContents();
    expect(items).toEqual([ALLOWED, 'Enter a full name', 'Team must only include lower case letters, numbers and single hyphens, like govuk-platform']);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary'))).toBe(true);
    expect(await page.locator('#name-error .app-error-text').textContent()).toBe('Enter a full name');
    expect(await page.getByLabel('Full name').getAttribute('aria-describedby')).toContain('name-error');
    expect(await page.locator('#result-ready').isVisible()).toBe(false);
    await summary.getByRole('link', { name: 'Enter a full name' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('name');

    // The same answers, as the file the page shows, are invalid for the CLI too (which, missing a
    // name, stops at the schema: the page says more than the CLI here, never less).
    const file = await shownFile(page);
    expect(file.path).toBe('users/zoe.turner@gmail.com.yaml');
    const cli = await validateWith((repo) => writeFile(join(repo, file.path), file.text));
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('missing required field "name"');
    expect(cli.stdout).toContain('team: "GOV.UK Platform" is not in the expected format');
    // "Me": requested_by is the email, in the file though not asked.
    expect(file.text).toContain('requested_by: zoe.turner@gmail.com\n');

    await noAxeViolations(page);
    await screenshot(page, 'user-access-errors');
    expect(pageErrors).toEqual([]);
  });

  it('shows the message written for each wrong answer, on its question, highlighting the right date box', async () => {
    const page = await open('user-access.html');
    await page.getByLabel('Me', { exact: true }).check();
    const email = page.getByLabel('Email address', { exact: true });
    const name = page.getByLabel('Full name');
    const team = page.getByLabel('Team', { exact: true });
    // [answers, question, its message, the date boxes highlighted]
    const table: [() => Promise<void>, string, string, string[]?][] = [
      [() => email.fill('someone@gmail.com'), 'email', ALLOWED],
      [() => email.fill('not-an-email'), 'email', FORMAT],
      [() => name.fill('Ada Lovelace 2'), 'name', 'Full name must only include letters, spaces, hyphens, apostrophes and full stops'],
      [() => team.fill('GOV.UK Platform'), 'team', 'Team must only include lower case letters, numbers and single hyphens, like govuk-platform'],
      [() => email.fill('zoe.turner@softwire.com'), 'expires', 'Enter an access end date – contractors need one', ['day', 'month', 'year']],
      [() => fillDate(page, 'Access end date', '2027-02-31'), 'expires', 'Access end date must be a real date', ['day']],
      [() => fillDate(page, 'Access end date', '2026-12-01'), 'expires', 'Access end date must be in the future', ['day', 'month', 'year']],
      [() => fillDate(page, 'Access end date', '2027-12-02'), 'expires', 'Access end date must be the same as or before 1 December 2027', ['day', 'month', 'year']],
    ];
    await email.fill('ada.lovelace@digital.cabinet-office.gov.uk');
    await name.fill('Ada Lovelace');
    await team.fill('govuk-platform');
    for (const [answer, question, message, boxes] of table) {
      await answer();
      await page.getByRole('button', { name: 'Check the answers' }).click();
      const error = page.locator(`#${question}-error .app-error-text`);
      await expect.poll(() => error.textContent(), { timeout: 5_000 }).toBe(message);
      if (boxes !== undefined) {
        const highlighted = await page.locator(`#${question} .govuk-input--error`).evaluateAll((inputs) => inputs.map((input) => input.id.replace(/^.*-/, '')));
        expect(highlighted).toEqual(boxes);
      }
      if (question === 'expires' && boxes?.length === 1) {
        // The summary's link goes to the box in error.
        expect(await page.locator('.govuk-error-summary').getByRole('link', { name: message }).getAttribute('href')).toBe(`#expires-${boxes[0] ?? ''}`);
        await screenshot(page, 'user-access-date-error');
      }
      // Back to a right answer before the next row.
      if (question === 'email') await email.fill('ada.lovelace@digital.cabinet-office.gov.uk');
      if (question === 'name') await name.fill('Ada Lovelace');
      if (question === 'team') await team.fill('govuk-platform');
    }
    await noAxeViolations(page);
    expect(pageErrors).toEqual([]);
  });

  it('account: team, OU from the organisation, bootstrap users; the CLI accepts the file', async () => {
    const page = await open('account.html');
    await page.getByLabel('Account name').fill('notify-production');
    await page.getByLabel('What the account is for').fill('Production for GOV.UK Notify.');
    // The organisation's OUs, from settings.yaml, as the choices.
    const ou = page.getByRole('group', { name: 'Organizational unit' });
    const settings = await readFile(join(ROOT, 'settings.yaml'), 'utf8');
    const listed = [...settings.matchAll(/^ {4}- (\/.*)$/gm)].map((m) => m[1]).filter((path) => path !== undefined && !path.includes('@'));
    expect(await ou.getByRole('radio').evaluateAll((radios) => radios.map((r) => (r as HTMLInputElement).value))).toEqual(listed);
    await ou.getByLabel('/Workloads/Production').check();
    await page.getByLabel('Team name').fill('Notify');
    await page.getByLabel('Team email address').fill('notify@digital.cabinet-office.gov.uk');
    await page.getByLabel('Your email address').fill('dev.patel@digital.cabinet-office.gov.uk');
    await page.getByLabel('Cost centre').fill('10042');
    await page.getByLabel('Business unit').fill('GDS');
    await page.getByLabel('Tags (optional)').fill('service=notify');
    await page.getByLabel('Who may use the bootstrap role').fill('dev.patel@digital.cabinet-office.gov.uk\nfelix.kowalski@softwire.com\n');
    await page.getByLabel('Who may use the read-only role').fill('Amara.Okafor@digital.cabinet-office.gov.uk');
    await page.getByRole('button', { name: 'Check the answers' }).click();
    await expect.poll(() => page.locator('#result-ready').isVisible(), { timeout: 5_000 }).toBe(true);
    const file = await shownFile(page);
    expect(file.path).toBe('accounts/notify-production.yaml');
    expect(file.text).toContain('organizational_unit: /Workloads/Production\n');
    expect(file.text).toContain('billing:\n  cost_centre: "10042"\n  business_unit: GDS\n');
    expect(file.text).toContain('bootstrap:\n  users:\n    - dev.patel@digital.cabinet-office.gov.uk\n    - felix.kowalski@softwire.com\n');
    expect(file.text).toContain('roles:\n  - name: notify-production-read-only\n    kind: read-only\n    users:\n      - amara.okafor@digital.cabinet-office.gov.uk\n');
    expect(file.text.endsWith('state: active\n')).toBe(true);
    const link = new URL((await page.getByRole('button', { name: 'Open the pull request on GitHub' }).getAttribute('href')) ?? '');
    expect(link.searchParams.get('filename')).toBe(file.path);
    expect(link.searchParams.get('value')).toBe(file.text);

    const cli = await validateWith((repo) => writeFile(join(repo, file.path), file.text));
    expect(cli.code).toBe(0);
    await noAxeViolations(page);
    await screenshot(page, 'account');
    expect(pageErrors).toEqual([]);
  });

  it('removal: the delete-file page for the user, after the requester confirms; the repository stays valid', async () => {
    const page = await open('user-removal.html');
    await page.getByLabel('Email address of the person to remove').fill('eilidh.campbell@nista.gov.uk');
    await page.getByRole('button', { name: 'Check the answers' }).click();
    const summary = page.locator('.govuk-error-summary');
    await expect.poll(() => summary.isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await summary.getByRole('link').allTextContents()).toEqual(['Confirm that you have checked they do not need AWS access in another team']);
    await page.getByLabel('I have checked that they do not need AWS access in another team').check();
    await expect.poll(() => page.locator('#result-ready').isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await summary.count()).toBe(0);
    const href = await page.getByRole('button', { name: 'Open the pull request on GitHub' }).getAttribute('href');
    expect(href).toBe('https://github.com/example-org/aws-access/delete/main/users/eilidh.campbell%40nista.gov.uk.yaml');
    const cli = await validateWith((repo) => unlink(join(repo, 'users', 'eilidh.campbell@nista.gov.uk.yaml')));
    expect(cli.code).toBe(0);
    await noAxeViolations(page);
    await screenshot(page, 'user-removal');
    expect(pageErrors).toEqual([]);
  });

  it('password reset: the edit page and the line to add; the CLI accepts the edited file', async () => {
    const page = await open('password-reset.html');
    await page.getByLabel('Email address of the user').fill('not-an-email');
    await page.getByRole('button', { name: 'Check the answers' }).click();
    await expect.poll(() => page.locator('.govuk-error-summary').isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await page.locator('#email-error .app-error-text').textContent()).toBe(FORMAT);
    await page.getByLabel('Email address of the user').fill('ben.hughes@digital.cabinet-office.gov.uk');
    await expect.poll(() => page.locator('#result-ready').isVisible(), { timeout: 5_000 }).toBe(true);
    const line = (await shownFile(page)).text;
    expect(line).toBe(`password_reset: "${TODAY}"`);
    const href = await page.getByRole('button', { name: 'Open the pull request on GitHub' }).getAttribute('href');
    expect(href).toBe('https://github.com/example-org/aws-access/edit/main/users/ben.hughes%40digital.cabinet-office.gov.uk.yaml');
    const cli = await validateWith((repo) => appendFile(join(repo, 'users', 'ben.hughes@digital.cabinet-office.gov.uk.yaml'), `${line}\n`));
    expect(cli.code).toBe(0);
    await noAxeViolations(page);
    await screenshot(page, 'password-reset');
    expect(pageErrors).toEqual([]);
  });

  it('joining a team role: the account file’s edit page and the line to add, after a wrong email; the CLI accepts the edited file', async () => {
    const page = await open('team-role.html');
    await page.getByRole('group', { name: 'Which role?' }).getByLabel('notify-read-only in notify-staging').check();
    const email = page.getByLabel('Email address of the person joining');
    await email.fill('ben.hughes@gmail.com');
    await page.getByRole('button', { name: 'Check the answers' }).click();
    const summary = page.locator('.govuk-error-summary');
    await expect.poll(() => summary.isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await summary.getByRole('link').allTextContents()).toEqual([ALLOWED]);
    await email.fill('ben.hughes@digital.cabinet-office.gov.uk');
    await expect.poll(() => page.locator('#result-ready').isVisible(), { timeout: 5_000 }).toBe(true);
    const shown = await shownFile(page);
    expect(shown).toEqual({ path: 'accounts/notify-staging.yaml', text: '      - ben.hughes@digital.cabinet-office.gov.uk' });
    expect(await page.locator('#result-where').textContent()).toBe('Add it after line 20, the last of the users of notify-read-only.');
    const href = await page.getByRole('button', { name: 'Open the pull request on GitHub' }).getAttribute('href');
    expect(href).toBe('https://github.com/example-org/aws-access/edit/main/accounts/notify-staging.yaml');
    const cli = await validateWith(async (repo) => {
      const path = join(repo, 'accounts', 'notify-staging.yaml');
      const lines = (await readFile(path, 'utf8')).split('\n');
      lines.splice(20, 0, shown.text);
      await writeFile(path, lines.join('\n'));
    });
    expect(cli.stdout).toBe('');
    expect(cli.code).toBe(0);
    await noAxeViolations(page);
    await screenshot(page, 'team-role');
    expect(pageErrors).toEqual([]);
  });

  it('works opened from disk (file://): the script runs, and checking the answers never reloads the page', async () => {
    const page = await open('user-access.html');
    await page.goto(`file://${join(site, 'user-access.html')}`);
    await page.waitForFunction(() => document.getElementById('result')?.hidden === false);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await page.getByLabel('Me', { exact: true }).check();
    await page.getByLabel('Email address', { exact: true }).fill('someone@gmail.com');
    await page.getByLabel('Email address', { exact: true }).press('Enter');
    const summary = page.locator('.govuk-error-summary');
    await expect.poll(() => summary.isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await summary.getByRole('link').first().textContent()).toBe(ALLOWED);
    await page.getByRole('button', { name: 'Check the answers' }).click();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(page.url()).toBe(`file://${join(site, 'user-access.html')}`);
    await screenshot(page, 'user-access-from-file');
    expect(pageErrors).toEqual([]);
  });

  it('is branded for a service that is not on GOV.UK: no crown, no GDS Transport', async () => {
    const page = await open('index.html', { script: false });
    expect(await page.locator('.govuk-header, .govuk-header__logotype, .govuk-footer__crown, .govuk-footer__copyright-logo').count()).toBe(0);
    expect(await page.locator('.govuk-generic-header').getByRole('link').textContent()).toContain('Request AWS access');
    const fonts = await page.evaluate(() => [document.querySelector('h1'), document.querySelector('.govuk-body'), document.querySelector('.govuk-link')].map((e) => (e ? getComputedStyle(e).fontFamily : '')));
    for (const font of fonts) expect(font.toLowerCase()).toMatch(/^arial, sans-serif$/);
    const css = await readFile(join(site, 'assets', 'govuk-frontend.min.css'), 'utf8');
    expect(css).not.toContain('GDS Transport');
  });

  it('has an index of the requests, and is readable without JavaScript: the questions and how to make the file by hand', async () => {
    const page = await open('index.html', { script: false });
    for (const title of ['Request user access', 'Request user removal', 'Request a password reset', 'Request an account', 'Request to join a team role']) {
      expect(await page.getByRole('main').getByRole('link', { name: title }).count()).toBe(1);
    }
    await noAxeViolations(page);
    await screenshot(page, 'index');

    // Scripts off in the same tab (Chromium's emulation), cheaper than a second browser context.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    try {
      await page.goto(`${base}/user-access.html`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Request user access');
      expect(await page.getByLabel('Full name').isVisible()).toBe(true);
      // Playwright's text locators skip <noscript>; what the reader sees is in the main text.
      const text = await page.getByRole('main').innerText();
      expect(text).toContain('This page needs JavaScript to check your answers and make the file.');
      expect(text).toContain('# yaml-language-server: $schema=../schema/user.schema.json\nemail: name@example.gov.uk');
      // Error messages stay hidden until there is an error.
      expect(text).not.toContain('Error:');
      await screenshot(page, 'user-access-without-javascript');
    } finally {
      await cdp.send('Emulation.setScriptExecutionDisabled', { value: false });
      await cdp.detach();
    }
  });
});
