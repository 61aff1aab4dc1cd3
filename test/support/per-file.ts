/**
 * Set-up for every test file (vitest's setupFiles). Test files share worker processes
 * (isolate: false), where a helper module is evaluated once per worker and a hook it registers at
 * its top level runs for the first file only: per-file clean-up of shared helpers goes here.
 */
import { afterAll } from 'vitest';
import { removeFixtureRepos } from '../config/fixture-repo.ts';

afterAll(removeFixtureRepos);
