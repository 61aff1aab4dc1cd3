import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/per-file.ts'],
    // moto servers and the CLI are real processes: allow them time on a busy 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Run the files one after another in the same few worker processes instead of a new process
    // each: every file would otherwise start a worker and import and transform its modules (the
    // AWS SDK among them) again, about a third of the suite's CPU time. Test files therefore leave
    // no state behind: no process.env changes, globals restored (vi.unstubAllGlobals), and no hook
    // at the top level of a shared helper module (it would run for the first file only; per-file
    // clean-up goes in test/support/per-file.ts).
    isolate: false,
    // Two files at once: on a 2-core machine a third worker only adds contention (measured: more CPU
    // time and a longer run), as moto, Chromium and the spawned CLIs take the rest of the CPU.
    maxWorkers: 2,
    // The SDK warns that releases after January 2027 need Node 22; the lockfile pins today's. Quiet in tests.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
