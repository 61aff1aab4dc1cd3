import { hasMotoServer, MOTO_INSTALL_HINT } from './moto.ts';

/** Fails fast, with the install command, when the AWS tests cannot run. */
export default function setup(): void {
  if (!hasMotoServer()) throw new Error(MOTO_INSTALL_HINT);
}
