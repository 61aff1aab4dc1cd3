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
    await fillDate(page, 'Access ends on', '2027-03-31');
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

  it('user access with bad answers: inline errors as the person goes, the error summary, and the CLI says invalid too', async () => {
    const page = await open('user-access.html');
    await page.getByLabel('Me', { exact: true }).check();
    await page.getByLabel('Email address', { exact: true }).fill('Zoe.Turner@gmail.com');
    await page.getByLabel('Full name').focus();
    // Left the email question: its error shows before any submit, with no summary yet.
    const emailError = page.locator('#email-error');
    await expect.poll(() => emailError.isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await emailError.textContent()).toContain('must be lower case; write "zoe.turner@gmail.com"');
    expect(await page.locator('.govuk-error-summary').count()).toBe(0);

    await page.getByLabel('Team', { exact: true }).fill('GOV.UK Platform');
    await page.getByRole('button', { name: 'Check the answers' }).click();
    const summary = page.locator('.govuk-error-summary');
    await expect.poll(() => summary.isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await summary.getByRole('heading').textContent()).toBe('There is a problem');
    const items = await summary.getByRole('link').allTextContents();
    expect(items).toEqual(expect.arrayContaining(['Enter full name', expect.stringContaining('team: "GOV.UK Platform" is not in the expected format')]));
    expect(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary'))).toBe(true);
    expect(await page.locator('#name-error').textContent()).toContain('Enter full name');
    expect(await page.getByLabel('Full name').getAttribute('aria-describedby')).toContain('name-error');
    expect(await page.locator('#result-ready').isVisible()).toBe(false);
    await summary.getByRole('link', { name: 'Enter full name' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('name');

    // The same answers, as the file the page shows, are invalid for the CLI, for the same reasons.
    const file = await shownFile(page);
    const cli = await validateWith((repo) => writeFile(join(repo, file.path), file.text));
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('missing required field "name"');
    expect(cli.stdout).toContain('team: "GOV.UK Platform" is not in the expected format');
    expect(cli.stdout).toContain('must be lower case; write "zoe.turner@gmail.com"');
    // "Me": requested_by is the email, in the file though not asked.
    expect(file.text).toContain('requested_by: Zoe.Turner@gmail.com\n');
    // Every problem the summary lists in the validator's words is one the CLI reports too.
    for (const item of items.filter((text) => !/^(Enter|Select) /.test(text))) expect(cli.stdout).toContain(item);

    await noAxeViolations(page);
    await screenshot(page, 'user-access-errors');
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
    await page.getByRole('button', { name: 'Check the answers' }).click();
    await expect.poll(() => page.locator('#result-ready').isVisible(), { timeout: 5_000 }).toBe(true);
    const file = await shownFile(page);
    expect(file.path).toBe('accounts/notify-production.yaml');
    expect(file.text).toContain('organizational_unit: /Workloads/Production\n');
    expect(file.text).toContain('billing:\n  cost_centre: "10042"\n  business_unit: GDS\n');
    expect(file.text).toContain('bootstrap:\n  users:\n    - dev.patel@digital.cabinet-office.gov.uk\n    - felix.kowalski@softwire.com\n');
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
    expect(await summary.getByRole('link').allTextContents()).toEqual(['Confirm: i have checked that they do not need aws access in another team']);
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
    expect(await page.locator('#email-error').textContent()).toContain('"not-an-email" is not in the expected format');
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

  it('has an index of the requests, and is readable without JavaScript: the questions and how to make the file by hand', async () => {
    const page = await open('index.html', { script: false });
    for (const title of ['Request user access', 'Request user removal', 'Request a password reset', 'Request an account']) {
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
