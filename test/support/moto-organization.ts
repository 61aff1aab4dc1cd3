/**
 * moto's Organization with its OUs, for the tests and the bench alike (no test runner needed).
 */
import {
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  EnableAWSServiceAccessCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';

/**
 * moto's Organization, managed from its default account, with the OUs of `ouPaths`
 * (`/Workloads/Production`) and trusted access for account.amazonaws.com (as alternate contacts
 * need in AWS; moto does not check it, the adapter reads it), unless `trustedAccess` is false.
 */
export async function createMotoOrganization(url: string, ouPaths: readonly string[], options: { trustedAccess?: boolean } = {}): Promise<void> {
  const org = new OrganizationsClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  if (options.trustedAccess !== false) await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'account.amazonaws.com' }));
  const ids = new Map([['', (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '']]);
  for (const path of ouPaths) {
    let parent = '';
    for (const name of path.split('/').filter((s) => s !== '')) {
      const child = `${parent}/${name}`;
      if (!ids.has(child)) {
        const created = await org.send(new CreateOrganizationalUnitCommand({ ParentId: ids.get(parent) ?? '', Name: name }));
        ids.set(child, created.OrganizationalUnit?.Id ?? '');
      }
      parent = child;
    }
  }
  org.destroy();
}
