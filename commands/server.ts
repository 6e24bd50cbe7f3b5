// Preparing a bare server: is Docker there, and Kamal's way of installing it where it is not
// (Docker's convenience script, as root, with curl or else wget).

/** Exits 0 and prints the path when a `docker` client is on the SSH user's PATH. */
export function findDocker(): string[] {
  return ['sh', '-c', 'command -v docker'];
}

/** Prints the SSH user's numeric ID (the installer needs root). */
export function userId(): string[] {
  return ['id', '-u'];
}

export const DOCKER_INSTALL_SCRIPT_URL = 'https://get.docker.com';

/** Downloads and runs Docker's install script; fails (non-zero) when neither curl nor wget can fetch it. */
export function installDocker(url = DOCKER_INSTALL_SCRIPT_URL): string[] {
  if (!/^https:\/\/[^\s'"]+$/.test(url)) throw new Error(`installDocker: expected an https URL, got ${JSON.stringify(url)}`);
  return ['sh', '-c', '{ curl -fsSL "$1" || wget -qO- "$1"; } > /tmp/sextant-get-docker.sh && sh /tmp/sextant-get-docker.sh', 'sh', url];
}
