/**
 * Everything a command may touch of the process, passed in so commands run in-process in tests.
 * Only src/cli/main.ts builds one from the real process.
 */
export interface Output {
  write(text: string): void;
  /** True when this stream is a terminal (colour allowed unless NO_COLOR is set). */
  isTTY: boolean;
}

export interface CliContext {
  /** Arguments after the command name. */
  args: readonly string[];
  /** Repository root: where settings.yaml, users/ and accounts/ live. */
  cwd: string;
  /**
   * The folder the command was run from, when it is not the repository root (runCli finds the
   * root above it): paths typed on the command line are relative to it (see paths.ts).
   */
  invokedFrom?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Data (plans, reports, JSON). */
  stdout: Output;
  /** Logs, progress, errors. */
  stderr: Output;
  /** Today's date, YYYY-MM-DD (the only clock the pure core sees). */
  today: string;
  /**
   * Aborted when the process is asked to stop (SIGTERM, SIGINT), for the commands that stop
   * cleanly (`apply`: no new change, the requests in flight finish, the lock is released).
   */
  cancel?: AbortSignal;
}

/** A command returns its exit code; main sets process.exitCode from it. */
export type Command = (ctx: CliContext) => Promise<number>;
