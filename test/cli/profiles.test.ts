/**
 * `profiles --user <email>` against the sandbox: one base profile and one profile per role the
 * person can assume, in each format; an unknown email exits 1 with a clear message.
 */
import { describe, expect, it } from 'vitest';
import { useRepoCopy } from './repo-copy.ts';

const AMARA = 'amara.okafor@digital.cabinet-office.gov.uk';
const copy = useRepoCopy('aac-profiles-');
const run = copy.run;

describe('profiles', () => {
  it('prints a base profile and one profile per role the user can assume (a bootstrap role, a team role in another account), in each format', async () => {
    expect((await run('apply')).code).toBe(0);
    const printed = await run('profiles', '--user', AMARA.toUpperCase());
    expect(printed.code, printed.stderr).toBe(0);
    const text = printed.stdout;
    const profiles = [...text.matchAll(/^\[profile ([^\]]+)\]$/gm)].map((m) => m[1]);
    expect(profiles).toEqual(['gds-users', 'govuk-platform-production-bootstrap', 'notify-staging-notify-read-only']);
    expect(text).toMatch(/^role_arn = arn:aws:iam::\d{12}:role\/bootstrap$/m);
    expect(text).toMatch(/^role_arn = arn:aws:iam::\d{12}:role\/notify-read-only$/m);
    expect(text.match(/^source_profile = gds-users$/gm)).toHaveLength(2);
    expect(text.match(new RegExp(`^mfa_serial = arn:aws:iam::\\d{12}:mfa/${AMARA.replace(/\./g, '\\.')}$`, 'gm'))).toHaveLength(3);
    expect(text).toMatch(/^region = eu-west-2$/m);

    const vault = (await run('profiles', '--user', AMARA, '--format', 'aws-vault')).stdout;
    expect(vault).toContain('aws-vault add gds-users');
    expect(vault.match(/^include_profile = gds-users$/gm)).toHaveLength(2);
    const granted = (await run('profiles', '--user', AMARA, '--format', 'granted')).stdout;
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
