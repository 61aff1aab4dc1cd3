/**
 * The start of every end-to-end file against moto: a moto server with AWS managed policies, the
 * Organization and SES sender set up (setUpAws), a copy of the repository's data, and the CLI's env.
 */
import { afterAll, beforeAll } from 'vitest';
import { cliEnv, prepareRepo, removeRepo, setUpAws, startE2eMoto } from '../e2e/support.ts';
import type { MotoServer } from './moto.ts';

export interface AwsE2e {
  readonly moto: MotoServer;
  /** The copy of the repository's data the CLI runs in. */
  readonly repo: string;
  /** The CLI's environment: moto only. */
  readonly env: Record<string, string>;
}

/** Sets it up before the file's tests and removes it after them; use it only inside hooks and tests. */
export function useAwsE2e(): AwsE2e {
  let moto: MotoServer | undefined;
  let repo: string | undefined;
  beforeAll(async () => {
    moto = await startE2eMoto();
    await setUpAws(moto.url);
    repo = await prepareRepo();
  });
  afterAll(async () => {
    await moto?.stop();
    await removeRepo(repo);
  });
  const ready = (): { moto: MotoServer; repo: string } => {
    if (moto === undefined || repo === undefined) throw new Error('the end-to-end set-up has not run: use it inside hooks and tests');
    return { moto, repo };
  };
  return {
    get moto() {
      return ready().moto;
    },
    get repo() {
      return ready().repo;
    },
    get env() {
      return cliEnv(ready().moto.url);
    },
  };
}
