/**
 * Finds moto server at the version the suite encodes, or installs it: the tests, the bench and CI
 * need no hand-installed moto.
 *
 * 1. A Python 3 on PATH (`python3`) that already imports moto 5.2.1 is used as it is.
 * 2. Otherwise a virtual environment in the git-ignored `.cache/` folder is used, created when
 *    missing with `python3 -m venv` and `pip install "moto[server]==5.2.1"`: Debian's system Python
 *    refuses `pip install` (PEP 668, externally-managed-environment), a virtual environment does not.
 *
 * moto runs as `<python> -m moto.server`, so the interpreter that was checked is the one that runs.
 * Every failure says the exact command to run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The moto release whose behaviour the tests (and their proxies' emulation) encode. */
export const MOTO_VERSION = '5.2.1';

const ROOT = join(import.meta.dirname, '..', '..');
/** Where the suite's own moto lives: git-ignored, kept between runs. */
export const MOTO_VENV = join(ROOT, '.cache', `moto-${MOTO_VERSION}`);
const VENV_PYTHON = join(MOTO_VENV, 'bin', 'python');
const REQUIREMENT = `moto[server]==${MOTO_VERSION}`;

/** How to start moto server: the program and its first arguments (then -H, -p). */
export interface MotoCommand {
  program: string;
  args: string[];
  /** Where it came from, for messages. */
  source: string;
}

/** The moto version `python` imports (with the server's dependencies), or undefined. */
function motoVersionOf(python: string): string | undefined {
  const run = spawnSync(python, ['-c', 'import moto, moto.server; print(moto.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

function commandOf(python: string, source: string): MotoCommand {
  return { program: python, args: ['-m', 'moto.server'], source };
}

export class MotoInstallError extends Error {}

let found: MotoCommand | undefined;

/**
 * The moto server to run: found, or installed into MOTO_VENV (a minute, once). `log` hears what is
 * being installed. Throws MotoInstallError with the command to run by hand.
 */
export function ensureMotoServer(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): MotoCommand {
  if (found !== undefined) return found;
  if (existsSync(VENV_PYTHON) && motoVersionOf(VENV_PYTHON) === MOTO_VERSION) return (found = commandOf(VENV_PYTHON, MOTO_VENV));
  if (motoVersionOf('python3') === MOTO_VERSION) return (found = commandOf('python3', 'python3 on PATH'));
  found = installMoto(log);
  return found;
}

function installMoto(log: (line: string) => void): MotoCommand {
  const python3 = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (python3.status !== 0) {
    throw new MotoInstallError(
      `The AWS tests run against moto server ${MOTO_VERSION}, which needs Python 3, and python3 was not found.\n` +
        'On Debian or Ubuntu: apt-get install -y python3 python3-venv (with sudo when not root), then run the tests again.',
    );
  }
  log(`moto ${MOTO_VERSION} not found: installing it into ${MOTO_VENV} (once)`);
  rmSync(MOTO_VENV, { recursive: true, force: true });
  mkdirSync(join(MOTO_VENV, '..'), { recursive: true });
  const venv = spawnSync('python3', ['-m', 'venv', MOTO_VENV], { encoding: 'utf8' });
  if (venv.status !== 0 || !existsSync(VENV_PYTHON)) {
    rmSync(MOTO_VENV, { recursive: true, force: true });
    const missingVenv = /ensurepip|No module named venv|python3-venv/.test(`${venv.stdout}${venv.stderr}`);
    throw new MotoInstallError(
      (missingVenv
        ? `python3 cannot create a virtual environment (Debian ships that part separately).\nInstall it: apt-get install -y python3-venv (with sudo when not root), then run the tests again.`
        : `python3 -m venv ${MOTO_VENV} failed:\n${tail(venv.stderr)}`) + '\n',
    );
  }
  const pip = spawnSync(VENV_PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', REQUIREMENT], { encoding: 'utf8' });
  if (pip.status !== 0 || motoVersionOf(VENV_PYTHON) !== MOTO_VERSION) {
    const detail = tail(pip.stderr);
    rmSync(MOTO_VENV, { recursive: true, force: true });
    throw new MotoInstallError(
      `Could not install moto ${MOTO_VERSION} into ${MOTO_VENV}:\n${detail}\n` +
        `pip needs to reach a package index with ${REQUIREMENT}. Install it by hand, then run the tests again:\n` +
        `  python3 -m venv ${MOTO_VENV} && ${VENV_PYTHON} -m pip install "${REQUIREMENT}"`,
    );
  }
  log(`moto ${MOTO_VERSION} installed into ${MOTO_VENV}`);
  return commandOf(VENV_PYTHON, MOTO_VENV);
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-6).join('\n');
}
