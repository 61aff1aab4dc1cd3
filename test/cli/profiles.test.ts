/**
 * `profiles --user <email>`: from the files by default (the ids they record; accounts without one
 * named on stderr), and the same text the person's emails carry; from the live roles with --target;
 * one base profile and one profile per role, in each format; an unknown email exits 1.
 */
import { appendFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_END, CONFIG_START } from '../../src/apply/emails.ts';
import { useRepoCopy } from './repo-copy.ts';

const AMARA = 'amara.okafor@digital.cabinet-office.gov.uk';
const copy = useRepoCopy('aac-profiles-');
const run = copy.run;

describe('profiles', () => {
  it('reads the files: an account whose file records no id is named, with no profile; once the ids are recorded it prints what the emails say', async () => {
    expect((await run('apply')).code).toBe(0);
    const before = await run('profiles', '--user', AMARA);
    expect(before.code, before.stderr).toBe(0);
    expect([...before.stdout.matchAll(/^\[profile ([^\]]+)\]$/gm)].map((m) => m[1])).toEqual(['gds-users']);
    expect(before.stdout).toContain('#   bootstrap in govuk-platform-production');
    expect(before.stderr).toContain('govuk-platform-production: no profile for bootstrap, because accounts/govuk-platform-production.yaml records no id yet.');
    expect(before.stderr).toContain('notify-staging: no profile for notify-read-only, because accounts/notify-staging.yaml records no id yet.');

    const state = JSON.parse(await readFile(join(copy.dir, '.sandbox', 'state.json'), 'utf8')) as { organization: { accounts: { id: string; name: string }[] } };
    const ids = new Map(state.organization.accounts.map((a) => [a.name, a.id]));
    for (const name of ['govuk-platform-production', 'notify-staging']) {
      expect(ids.get(name)).toMatch(/^\d{12}$/);
      await appendFile(join(copy.dir, 'accounts', `${name}.yaml`), `id: "${ids.get(name) ?? ''}"\n`);
    }
    const after = await run('profiles', '--user', AMARA);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).toBe('');
    expect(after.stdout).toContain(`role_arn = arn:aws:iam::${ids.get('notify-staging') ?? ''}:role/notify-read-only`);

    // Every role email Amara got after the apply carries exactly that text.
    const outbox = join(copy.dir, '.sandbox', 'outbox');
    const mails = await Promise.all((await readdir(outbox)).sort().map((name) => readFile(join(outbox, name), 'utf8')));
    const hers = mails.map((mail) => mail.replace(/\r\n/g, '\n')).filter((mail) => mail.includes(`To: ${AMARA}\n`) && mail.includes('Subject: You may now use the'));
    expect(hers).toHaveLength(2);
    for (const mail of hers) expect(mail.slice(mail.indexOf(CONFIG_START) + CONFIG_START.length + 1, mail.indexOf(CONFIG_END))).toBe(after.stdout);
  });

  it('--target reads the live roles: a base profile and one profile per role the user can assume (a bootstrap role, a team role in another account), in each format', async () => {
    expect((await run('apply')).code).toBe(0);
    const printed = await run('profiles', '--user', AMARA.toUpperCase(), '--target', 'sandbox');
    expect(printed.code, printed.stderr).toBe(0);
    const text = printed.stdout;
    const profiles = [...text.matchAll(/^\[profile ([^\]]+)\]$/gm)].map((m) => m[1]);
    expect(profiles).toEqual(['gds-users', 'govuk-platform-production-bootstrap', 'notify-staging-notify-read-only']);
    expect(text).toMatch(/^role_arn = arn:aws:iam::\d{12}:role\/bootstrap$/m);
    expect(text).toMatch(/^role_arn = arn:aws:iam::\d{12}:role\/notify-read-only$/m);
    expect(text.match(/^source_profile = gds-users$/gm)).toHaveLength(2);
    expect(text.match(new RegExp(`^mfa_serial = arn:aws:iam::\\d{12}:mfa/${AMARA.replace(/\./g, '\\.')}$`, 'gm'))).toHaveLength(3);
    expect(text).toMatch(/^region = eu-west-2$/m);

    const vault = (await run('profiles', '--user', AMARA, '--format', 'aws-vault', '--target', 'sandbox')).stdout;
    expect(vault).toContain('aws-vault add gds-users');
    expect(vault.match(/^include_profile = gds-users$/gm)).toHaveLength(2);
    const granted = (await run('profiles', '--user', AMARA, '--format', 'granted', '--target', 'sandbox')).stdout;
    expect(granted).toContain('credential_process = granted credential-process --profile gds-users');
    expect(granted).toContain('assume govuk-platform-production-bootstrap');
  });

  it('someone who may assume no role gets the base profile only, and is told', async () => {
    const printed = await run('profiles', '--user', 'chloe.nguyen@cabinetoffice.gov.uk');
    expect(printed.code).toBe(0);
    expect([...printed.stdout.matchAll(/^\[profile /gm)]).toHaveLength(1);
    expect(printed.stderr).toContain('cannot assume any role');
  });

  it('an unknown email exits 1, saying which file is missing', async () => {
    const printed = await run('profiles', '--user', 'nobody@example.gov.uk');
    expect(printed.code).toBe(1);
    expect(printed.stdout).toBe('');
    expect(printed.stderr).toContain('No user nobody@example.gov.uk: there is no users/nobody@example.gov.uk.yaml');
  });

  it('refuses a missing --user or an unknown format', async () => {
    expect((await run('profiles')).stderr).toContain('--user <email> is required');
    expect((await run('profiles', '--user', AMARA, '--format', 'yaml')).stderr).toContain('--format must be config, aws-vault, granted');
  });
});
